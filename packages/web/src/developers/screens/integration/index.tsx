/**
 * 我的接入 — the RP's own integration, with the credentials of this tab (../../credentials.ts), one card per file beside this one:
 *
 *   the registration record          GET  /v1/rp/clients/:id
 *   private_key_jwt keys             PUT  /v1/rp/clients/:id/jwks   (a secret client: explicit switch)
 *   the Shared Signals stream        GET/POST/PATCH /ssf/stream     (docs/signals.md)
 *   its delivery counters            GET  /v1/rp/clients/:id/delivery
 *   the request log                  GET  /v1/rp/clients/:id/requests
 *
 * The page holds a client secret, never a private key: once the client switches to
 * private_key_jwt the secret stops working, the credentials are forgotten and the page says so.
 */
import type { JSX } from 'preact';
import { useCallback, useEffect, useState } from 'preact/hooks';
import { label, useI18n } from '../../../shared/i18n/index.ts';
import { api, apiErrorOf, type ApiError, type RpRecord } from '../../api.ts';
import type { Credentials } from '../../credentials.ts';
import { Done, Heading, Problem } from '../../ui.tsx';
import { JwksCard } from './jwks.tsx';
import { RecordCard } from './record.tsx';
import { RequestLog } from './requests.tsx';
import { StreamCard } from './stream.tsx';

export function Integration(p: { creds: Credentials | undefined; setCreds(c: Credentials | undefined): void }): JSX.Element {
  const { t } = useI18n();
  const d = t.developers;
  const [notice, setNotice] = useState<string | undefined>();
  if (!p.creds) {
    return (
      <main id="main" tabIndex={-1}>
        <Heading>{d.integration.title}</Heading>
        {notice ? <Done>{notice}</Done> : null}
        <SignIn onDone={(c) => { setNotice(undefined); p.setCreds(c); }} />
      </main>
    );
  }
  const creds = p.creds;
  const forget = (text: string): void => {
    setNotice(text);
    p.setCreds(undefined);
  };
  return (
    <main id="main" tabIndex={-1} class="wide">
      <Heading>{d.integration.title}</Heading>
      <div class="signed-in">
        <p>
          {d.integration.signedInAs}
          <code class="mono">{creds.clientId}</code>
        </p>
        <button type="button" class="btn btn-secondary" onClick={() => forget(d.signin.forgotten)}>
          {d.signin.forget}
        </button>
      </div>
      <IntegrationBody creds={creds} onSwitched={(n) => forget(d.integration.jwksDone(n))} />
    </main>
  );
}

function SignIn(p: { onDone(c: Credentials): void }): JSX.Element {
  const { t } = useI18n();
  const d = t.developers.signin;
  const [clientId, setClientId] = useState('');
  const [secret, setSecret] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | undefined>();
  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    const c = { clientId: clientId.trim(), clientSecret: secret.trim() };
    try {
      await api.record(c);
      p.onDone(c);
    } catch (err) {
      setError(apiErrorOf(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section class="card" aria-labelledby="signin-title">
      <h2 id="signin-title">{d.title}</h2>
      <p>{d.intro}</p>
      {error ? <Problem error={error} /> : null}
      <form onSubmit={(e) => void submit(e)}>
        <div class="field">
          <label for="si-id">{d.clientId}</label>
          <input id="si-id" type="text" class="mono" required spellcheck={false} autocomplete="username" value={clientId} onInput={(e) => setClientId(e.currentTarget.value)} />
        </div>
        <div class="field">
          <label for="si-secret">{d.clientSecret}</label>
          <input id="si-secret" type="password" class="mono" required autocomplete="current-password" value={secret} onInput={(e) => setSecret(e.currentTarget.value)} />
        </div>
        <div class="actions">
          <button type="submit" class="btn btn-primary" disabled={busy}>
            {busy ? d.checking : d.submit}
          </button>
        </div>
      </form>
      <p class="hint">{d.keyOnly}</p>
    </section>
  );
}

function IntegrationBody(p: { creds: Credentials; onSwitched(n: number): void }): JSX.Element {
  const { t } = useI18n();
  const [record, setRecord] = useState<RpRecord | undefined>();
  const [error, setError] = useState<ApiError | undefined>();
  const load = useCallback(() => {
    setError(undefined);
    api.record(p.creds).then(setRecord, (e: unknown) => setError(apiErrorOf(e)));
  }, [p.creds]);
  useEffect(load, [load]);
  if (error) return <Problem error={error} />;
  if (!record) return <p class="meta" role="status">{t.developers.loading}</p>;
  return (
    <>
      <RecordCard record={record} onReload={load} />
      <JwksCard creds={p.creds} record={record} onSwitched={p.onSwitched} />
      <StreamCard creds={p.creds} />
      <RequestLog creds={p.creds} />
    </>
  );
}
