/**
 * The relying-party developer portal (开发者门户, docs/developers.md): the screen the fragment
 * names, and the credentials of this tab (sessionStorage only, credentials.ts) shared by the
 * screens that act as the RP.
 *
 *   #/              overview
 *   #/apply         申请接入: an organisation's application
 *   #/sandbox       沙箱: development sandbox credentials at once
 *   #/integration   我的接入: record, keys, Shared Signals stream, delivery, request log
 *   #/snippets      接入代码: curl, SDK, openid-client filled in with the developer's values
 */
import type { JSX } from 'preact';
import { AppShell, useLanguage } from '../shared/app-shell.tsx';
import { useI18n } from '../shared/i18n/index.ts';
import { go, useRoute } from '../wallet/router.ts';
import { useCredentials, type Credentials } from './credentials.ts';
import { Apply } from './screens/apply.tsx';
import { Home } from './screens/home.tsx';
import { Integration } from './screens/integration/index.tsx';
import { Sandbox } from './screens/sandbox.tsx';
import { Snippets } from './screens/snippets.tsx';

const NAV = [
  { key: 'home', path: '/' },
  { key: 'apply', path: '/apply' },
  { key: 'sandbox', path: '/sandbox' },
  { key: 'integration', path: '/integration' },
  { key: 'snippets', path: '/snippets' },
] as const;

export function App(): JSX.Element {
  const i18n = useLanguage();
  const t = i18n.t;
  return (
    <AppShell i18n={i18n} home="#/" name={t.developers.appName} subtitle={t.developers.subtitle} title={`${t.developers.appName} · ${t.app.name}`}>
      <Portal />
    </AppShell>
  );
}

function Portal(): JSX.Element {
  const { t } = useI18n();
  const route = useRoute();
  const { creds, set } = useCredentials();
  const use = (c: Credentials): void => {
    set(c);
    go('/integration');
  };
  let screen: JSX.Element;
  switch (route.path) {
    case '/apply':
      screen = <Apply onUse={use} />;
      break;
    case '/sandbox':
      screen = <Sandbox onUse={use} />;
      break;
    case '/integration':
      screen = <Integration creds={creds} setCreds={set} />;
      break;
    case '/snippets':
      screen = <Snippets creds={creds} />;
      break;
    default:
      screen = <Home />;
  }
  return (
    <>
      <nav class="portal-nav" aria-label={t.developers.nav.label}>
        <ul>
          {NAV.map((n) => (
            <li key={n.key}>
              <a href={`#${n.path}`} aria-current={route.path === n.path || (n.path === '/' && !NAV.some((x) => x.path === route.path)) ? 'page' : undefined}>
                {t.developers.nav[n.key]}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      {/* A new screen per route: its own state, its heading focused. */}
      <div key={route.path}>{screen}</div>
    </>
  );
}
