/**
 * 登录 Sign in: one button to `/console/login` (a full navigation: the platform's OpenID Connect
 * login with 网证 + passphrase + face, answered in the operator's 网证 wallet, comes back to
 * /console/ with the session cookie), and why the last attempt failed when it did
 * (`#/signin?error=<code>`).
 */
import type { JSX } from 'preact';
import { useI18n } from '../../shared/i18n/index.ts';
import { Heading } from '../ui.tsx';

export function SignIn(p: { error: string | null }): JSX.Element {
  const { t } = useI18n();
  const c = t.console.signin;
  const code = p.error && /^[a-z0-9_]{1,64}$/.test(p.error) ? p.error : p.error ? 'invalid_response' : null;
  return (
    <div class="signin">
      <Heading>{c.title}</Heading>
      {code ? (
        <div class="message error" role="alert" data-code={code}>
          <p class="message-title">{c.failed}</p>
          <p>{Object.hasOwn(c.errors, code) ? c.errors[code] : c.unknownError}</p>
          <p class="detail">
            <code>{t.console.errorCode(code)}</code>
          </p>
        </div>
      ) : null}
      <section class="card">
        <p>{c.intro}</p>
        <div class="actions">
          {/* A plain link: the login is a sequence of full-page redirects, not a fetch. */}
          <a class="btn btn-primary btn-signin" href="/console/login">
            {c.button}
            <span class="btn-sub" lang={t.lang === 'en' ? 'zh-CN' : 'en'}>
              {c.buttonEn}
            </span>
          </a>
        </div>
      </section>
    </div>
  );
}
