/**
 * 接入代码 — curl, the SDK and openid-client, filled in with the client id of this tab's
 * credentials, the platform's issuer (its discovery document) and the first registered
 * redirect URI. The secret is never in them: they read CLIENT_SECRET from the environment.
 */
import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { useI18n } from '../../shared/i18n/index.ts';
import { api, apiErrorOf, type ApiError } from '../api.ts';
import type { Credentials } from '../credentials.ts';
import { curlSnippet, oidcSnippet, sdkSnippet, type SnippetValues } from '../snippets.ts';
import { CodeBlock, Heading, Problem } from '../ui.tsx';

export function Snippets(p: { creds: Credentials | undefined }): JSX.Element {
  const { t } = useI18n();
  const d = t.developers.snippets;
  const [values, setValues] = useState<SnippetValues | undefined>();
  const [error, setError] = useState<ApiError | undefined>();
  useEffect(() => {
    if (!p.creds) return;
    const creds = p.creds;
    Promise.all([api.issuer(), api.record(creds)]).then(
      ([issuer, record]) => setValues({ clientId: record.clientId, issuer, redirectUri: record.redirectUris[0] ?? `${issuer}/` }),
      (e: unknown) => setError(apiErrorOf(e)),
    );
  }, [p.creds]);

  let body: JSX.Element;
  if (!p.creds) {
    body = (
      <div class="message info">
        <p>{d.needCredentials}</p>
        <p>
          <a href="#/integration">{d.goIntegration}</a>
        </p>
      </div>
    );
  } else if (error) {
    body = <Problem error={error} />;
  } else if (!values) {
    body = <p class="meta" role="status">{t.developers.loading}</p>;
  } else {
    body = (
      <>
        <div class="message warn" role="note">
          <p>{d.secretNote}</p>
        </div>
        <section class="card" aria-labelledby="curl-h">
          <h2 id="curl-h">{d.curlTitle}</h2>
          <p>{d.curlIntro}</p>
          <CodeBlock id="snippet-curl" title="curl" code={curlSnippet(values)} lang="sh" />
        </section>
        <section class="card" aria-labelledby="sdk-h">
          <h2 id="sdk-h">{d.sdkTitle}</h2>
          <p>{d.sdkIntro}</p>
          <CodeBlock id="snippet-sdk" title="verify-person.ts" code={sdkSnippet(values)} lang="ts" />
        </section>
        <section class="card" aria-labelledby="oidc-h">
          <h2 id="oidc-h">{d.oidcTitle}</h2>
          <p>{d.oidcIntro}</p>
          <CodeBlock id="snippet-oidc" title="login.ts" code={oidcSnippet(values)} lang="ts" />
        </section>
      </>
    );
  }
  return (
    <main id="main" tabIndex={-1} class="wide">
      <Heading>{d.title}</Heading>
      <p class="lead">{d.intro}</p>
      {body}
    </main>
  );
}
