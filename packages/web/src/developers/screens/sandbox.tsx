/**
 * 沙箱 — development-mode sandbox credentials at once (POST /v1/rp/sandbox): approved, result
 * only. A production platform has no such route: its 404 is said plainly.
 */
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { useI18n } from '../../shared/i18n/index.ts';
import { api, apiErrorOf, type ApiError, type Registered } from '../api.ts';
import { Credentials, Heading, lines, Problem } from '../ui.tsx';

export function Sandbox(p: { onUse(c: { clientId: string; clientSecret: string }): void }): JSX.Element {
  const { t } = useI18n();
  const d = t.developers.sandbox;
  const [name, setName] = useState('');
  const [redirects, setRedirects] = useState('http://localhost:3000/callback');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | undefined>();
  const [done, setDone] = useState<Registered | undefined>();

  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    setError(undefined);
    setBusy(true);
    try {
      setDone(await api.sandbox({ name, redirectUris: lines(redirects), tokenEndpointAuthMethod: 'client_secret_basic' }));
    } catch (err) {
      setError(apiErrorOf(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main id="main" tabIndex={-1}>
      <Heading>{d.title}</Heading>
      <p class="lead">{d.intro}</p>
      {error ? <Problem error={error} {...(error.status === 404 ? { extra: d.unavailable } : {})} /> : null}
      {done ? (
        <Credentials
          r={done}
          title={d.doneTitle}
          statusText={d.doneStatus}
          {...(done.clientSecret ? { onUse: () => p.onUse({ clientId: done.clientId, clientSecret: done.clientSecret! }) } : {})}
        />
      ) : (
        <form class="card form" onSubmit={(e) => void submit(e)}>
          <div class="field">
            <label for="sb-name">{d.name}</label>
            <input id="sb-name" type="text" required maxLength={200} value={name} onInput={(e) => setName(e.currentTarget.value)} />
          </div>
          <div class="field">
            <label for="sb-redirects">{d.redirectUris}</label>
            <textarea id="sb-redirects" required rows={2} class="mono" spellcheck={false} value={redirects} onInput={(e) => setRedirects(e.currentTarget.value)} />
          </div>
          <div class="actions">
            <button type="submit" class="btn btn-primary" disabled={busy}>
              {busy ? d.submitting : d.submit}
            </button>
          </div>
        </form>
      )}
    </main>
  );
}
