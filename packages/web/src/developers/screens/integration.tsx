/**
 * 我的接入 — the RP's own integration, with the credentials of this tab (credentials.ts):
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
import { EVENT_CODES, EVENT_TYPE_URIS } from '@wangzheng/core/signals/events';
import { formatTime, label, useI18n } from '../../shared/i18n/index.ts';
import { api, apiErrorOf, type ApiError, type DeliveryView, type RequestLogItem, type RpRecord, type StreamView } from '../api.ts';
import type { Credentials } from '../credentials.ts';
import { Done, Heading, Problem } from '../ui.tsx';
import { jwksFromText } from './apply.tsx';

const POLL = 'urn:ietf:rfc:8936';
const PUSH = 'urn:ietf:rfc:8935';

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

function RecordCard(p: { record: RpRecord; onReload(): void }): JSX.Element {
  const { t } = useI18n();
  const d = t.developers.integration;
  const r = p.record;
  return (
    <section class="card" aria-labelledby="record-title" data-testid="record">
      <div class="card-head">
        <h2 id="record-title">{d.recordTitle}</h2>
        <button type="button" class="btn btn-secondary btn-small" onClick={p.onReload}>
          {d.reload}
        </button>
      </div>
      <dl class="facts">
        <div class="row">
          <dt>{d.name}</dt>
          <dd>{r.name}</dd>
        </div>
        <div class="row">
          <dt>{d.status}</dt>
          <dd data-status={r.status}>
            <span class={`badge ${r.status === 'approved' ? 'badge-ok' : r.status === 'pending' ? 'badge-warn' : 'badge-bad'}`}>{label(d.statuses, r.status)}</span>
            {r.sandbox ? <span class="badge badge-info">{d.sandbox}</span> : null}
          </dd>
        </div>
        {r.statusReason ? (
          <div class="row">
            <dt>{d.statusReason}</dt>
            <dd>{r.statusReason}</dd>
          </div>
        ) : null}
        <div class="row">
          <dt>{d.category}</dt>
          <dd>{label(t.labels.categories, r.category)}</dd>
        </div>
        <div class="row">
          <dt>{d.authMethod}</dt>
          <dd>
            <code>{r.tokenEndpointAuthMethod}</code>
          </dd>
        </div>
        <div class="row">
          <dt>{d.idTokenAlg}</dt>
          <dd>{r.idTokenSigningAlg}</dd>
        </div>
        <div class="row">
          <dt>{d.sector}</dt>
          <dd>
            <code>{r.sectorIdentifier}</code>
          </dd>
        </div>
        <div class="row">
          <dt>{d.redirectUris}</dt>
          <dd>
            <ul class="plain">
              {r.redirectUris.map((u) => (
                <li key={u}>
                  <code>{u}</code>
                </li>
              ))}
            </ul>
          </dd>
        </div>
        <div class="row">
          <dt>{d.approvedScopes}</dt>
          <dd>{r.approvedScopes.map((s) => label(t.labels.scopes, s.scope)).join(t.app.listSeparator)}</dd>
        </div>
      </dl>
    </section>
  );
}

function JwksCard(p: { creds: Credentials; record: RpRecord; onSwitched(n: number): void }): JSX.Element {
  const { t } = useI18n();
  const d = t.developers.integration;
  const [text, setText] = useState('');
  const [confirm, setConfirm] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | undefined>();
  const [jsonError, setJsonError] = useState(false);
  const secretClient = p.record.tokenEndpointAuthMethod === 'client_secret_basic';
  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    setError(undefined);
    setJsonError(false);
    let jwks: unknown;
    try {
      jwks = jwksFromText(text);
    } catch {
      setJsonError(true);
      return;
    }
    setBusy(true);
    try {
      const r = await api.registerJwks(p.creds, { jwks, ...(secretClient ? { tokenEndpointAuthMethod: 'private_key_jwt' as const } : {}) });
      p.onSwitched(r.jwks?.keys.length ?? 0);
    } catch (err) {
      setError(apiErrorOf(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section class="card" aria-labelledby="jwks-title">
      <h2 id="jwks-title">{d.jwksTitle}</h2>
      <p>{d.jwksIntro}</p>
      {secretClient ? (
        <div class="message warn" role="note">
          <p>{d.jwksSwitchWarn}</p>
        </div>
      ) : (
        <p class="hint">{d.jwksRotate}</p>
      )}
      {error ? <Problem error={error} /> : null}
      <form onSubmit={(e) => void submit(e)}>
        <div class={`field${jsonError ? ' invalid' : ''}`}>
          <label for="jwks-text">{d.jwksLabel}</label>
          <textarea id="jwks-text" rows={5} class="mono" spellcheck={false} required value={text} onInput={(e) => setText(e.currentTarget.value)} />
          {jsonError ? (
            <p class="field-error" role="alert">
              {t.developers.apply.jsonInvalid}
            </p>
          ) : null}
        </div>
        {secretClient ? (
          <div class="check">
            <input id="jwks-confirm" type="checkbox" checked={confirm} onChange={(e) => setConfirm(e.currentTarget.checked)} />
            <label for="jwks-confirm">{d.jwksConfirm}</label>
          </div>
        ) : null}
        <div class="actions">
          <button type="submit" class="btn btn-primary" disabled={busy || (secretClient && !confirm)}>
            {d.jwksSubmit}
          </button>
        </div>
      </form>
    </section>
  );
}

function StreamCard(p: { creds: Credentials }): JSX.Element {
  const { t, lang } = useI18n();
  const d = t.developers.integration;
  const [stream, setStream] = useState<StreamView | null | undefined>();
  const [delivery, setDelivery] = useState<DeliveryView | undefined>();
  const [error, setError] = useState<ApiError | undefined>();
  const [saved, setSaved] = useState(false);
  const [method, setMethod] = useState(POLL);
  const [endpoint, setEndpoint] = useState('');
  const [authorization, setAuthorization] = useState('');
  const [events, setEvents] = useState<string[]>(EVENT_CODES.map((c) => EVENT_TYPE_URIS[c]));
  const [description, setDescription] = useState('');
  const [busy, setBusy] = useState(false);

  const load = useCallback(async () => {
    try {
      const [list, del] = await Promise.all([api.streams(p.creds), api.delivery(p.creds)]);
      const s = list[0] ?? null;
      setStream(s);
      setDelivery(del);
      if (s) {
        setMethod(s.delivery.method);
        setEndpoint(s.delivery.method === PUSH ? (s.delivery.endpoint_url ?? '') : '');
        setEvents(s.events_requested);
        setDescription(s.description ?? '');
      }
    } catch (e) {
      setError(apiErrorOf(e));
    }
  }, [p.creds]);
  useEffect(() => void load(), [load]);

  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    setError(undefined);
    setSaved(false);
    setBusy(true);
    const delivery = method === PUSH ? { method, endpoint_url: endpoint.trim(), ...(authorization ? { authorization_header: authorization } : {}) } : { method };
    const body = { delivery, events_requested: events, ...(description.trim() ? { description: description.trim() } : {}) };
    try {
      if (stream) await api.updateStream(p.creds, { stream_id: stream.stream_id, ...body });
      else await api.createStream(p.creds, body);
      setAuthorization('');
      setSaved(true);
      await load();
    } catch (err) {
      setError(apiErrorOf(err));
    } finally {
      setBusy(false);
    }
  };

  const s = delivery?.stream;
  return (
    <section class="card" aria-labelledby="stream-title" data-testid="stream">
      <h2 id="stream-title">{d.streamTitle}</h2>
      <p>{d.streamIntro}</p>
      {error ? <Problem error={error} /> : null}
      {saved ? <Done>{d.streamSaved}</Done> : null}
      {stream === undefined && !error ? <p class="meta" role="status">{t.developers.loading}</p> : null}
      {stream === null ? <p class="meta">{d.streamNone}</p> : null}
      {stream ? (
        <dl class="facts compact">
          <div class="row">
            <dt>{d.streamId}</dt>
            <dd>
              <code data-testid="stream-id">{stream.stream_id}</code>
            </dd>
          </div>
          {stream.delivery.method === POLL && stream.delivery.endpoint_url ? (
            <div class="row">
              <dt>{d.pollUrl}</dt>
              <dd>
                <code>{stream.delivery.endpoint_url}</code>
              </dd>
            </div>
          ) : null}
        </dl>
      ) : null}
      {stream !== undefined ? (
        <form onSubmit={(e) => void submit(e)}>
          <fieldset>
            <legend>{d.method}</legend>
            <div class="check">
              <input id="m-poll" type="radio" name="delivery" checked={method === POLL} onChange={() => setMethod(POLL)} />
              <label for="m-poll">{d.methodPoll}</label>
            </div>
            <div class="check">
              <input id="m-push" type="radio" name="delivery" checked={method === PUSH} onChange={() => setMethod(PUSH)} />
              <label for="m-push">{d.methodPush}</label>
            </div>
          </fieldset>
          {method === PUSH ? (
            <>
              <div class="field">
                <label for="push-url">{d.endpointUrl}</label>
                <input id="push-url" type="url" class="mono" required spellcheck={false} value={endpoint} onInput={(e) => setEndpoint(e.currentTarget.value)} />
              </div>
              <div class="field">
                <label for="push-auth">{d.authorizationHeader}</label>
                <input id="push-auth" type="password" class="mono" autocomplete="off" value={authorization} onInput={(e) => setAuthorization(e.currentTarget.value)} />
              </div>
            </>
          ) : null}
          <fieldset>
            <legend>{d.eventsLegend}</legend>
            {EVENT_CODES.map((c) => {
              const uri = EVENT_TYPE_URIS[c];
              return (
                <div class="check" key={c}>
                  <input id={`ev-${c}`} type="checkbox" checked={events.includes(uri)} onChange={(e) => setEvents(e.currentTarget.checked ? [...events, uri] : events.filter((x) => x !== uri))} />
                  <label for={`ev-${c}`}>
                    {label(d.eventNames, c)} <code class="meta">{uri.split(/[/:]/).pop()}</code>
                  </label>
                </div>
              );
            })}
          </fieldset>
          <div class="field">
            <label for="stream-desc">{d.description}</label>
            <input id="stream-desc" type="text" maxLength={256} value={description} onInput={(e) => setDescription(e.currentTarget.value)} />
          </div>
          <div class="actions">
            <button type="submit" class="btn btn-primary" disabled={busy || events.length === 0}>
              {stream ? d.streamUpdate : d.streamCreate}
            </button>
          </div>
        </form>
      ) : null}
      {s ? (
        <div class="delivery" data-testid="delivery">
          <h3 id="delivery-title">{d.deliveryTitle}</h3>
          <dl class="facts compact">
            <div class="row">
              <dt>{d.streamStatus}</dt>
              <dd data-status={s.status}>{label(d.streamStatuses, s.status)}</dd>
            </div>
            <div class="row">
              <dt>{d.delivered}</dt>
              <dd data-testid="delivered">{s.delivered}</dd>
            </div>
            <div class="row">
              <dt>{d.failed}</dt>
              <dd>{s.failed}</dd>
            </div>
            <div class="row">
              <dt>{d.pending}</dt>
              <dd>{s.pending}</dd>
            </div>
            <div class="row">
              <dt>{d.lastDeliveredAt}</dt>
              <dd>{s.lastDeliveredAt ? formatTime(s.lastDeliveredAt, lang) : d.never}</dd>
            </div>
            <div class="row">
              <dt>{d.lastError}</dt>
              <dd>{s.lastError ? `${s.lastError} (${formatTime(s.lastErrorAt, lang)})` : t.developers.none}</dd>
            </div>
          </dl>
        </div>
      ) : null}
    </section>
  );
}

function RequestLog(p: { creds: Credentials }): JSX.Element {
  const { t, lang } = useI18n();
  const d = t.developers.integration;
  const [items, setItems] = useState<RequestLogItem[] | undefined>();
  const [next, setNext] = useState<string | undefined>();
  const [error, setError] = useState<ApiError | undefined>();
  const load = useCallback(
    async (after?: string) => {
      setError(undefined);
      try {
        const page = await api.requests(p.creds, after);
        setItems((old) => (after ? [...(old ?? []), ...page.items] : page.items));
        setNext(page.next);
      } catch (e) {
        setError(apiErrorOf(e));
      }
    },
    [p.creds],
  );
  useEffect(() => void load(), [load]);
  return (
    <section class="card" aria-labelledby="requests-title" data-testid="requests">
      <div class="card-head">
        <h2 id="requests-title">{d.requestsTitle}</h2>
        <button type="button" class="btn btn-secondary btn-small" onClick={() => void load()}>
          {d.reload}
        </button>
      </div>
      <p class="hint">{d.requestsIntro}</p>
      {error ? <Problem error={error} /> : null}
      {items === undefined && !error ? <p class="meta" role="status">{t.developers.loading}</p> : null}
      {items && items.length === 0 ? <p class="meta">{d.requestsEmpty}</p> : null}
      {items && items.length > 0 ? (
        <div class="table-wrap" tabIndex={0} role="region" aria-labelledby="requests-title">
          <table>
            <thead>
              <tr>
                <th scope="col">{d.colCreated}</th>
                <th scope="col">{d.colBizSeq}</th>
                <th scope="col">{d.colKind}</th>
                <th scope="col">{d.colMode}</th>
                <th scope="col">{d.colStatus}</th>
                <th scope="col">{d.colSettled}</th>
                <th scope="col">{d.colFailure}</th>
                <th scope="col">{d.colRequest}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((r) => (
                <tr key={r.requestId} data-request-id={r.requestId}>
                  <td>{formatTime(r.createdAt, lang)}</td>
                  <td>
                    <code>{r.bizSeq ?? ''}</code>
                  </td>
                  <td>{r.kind}</td>
                  <td>{label(t.labels.modes, r.mode)}</td>
                  <td data-status={r.status}>{label(d.requestStatuses, r.status)}</td>
                  <td>{r.settledAt ? formatTime(r.settledAt, lang) : '—'}</td>
                  <td>{r.failure ? <code>{r.failure}</code> : '—'}</td>
                  <td class="request-id">
                    <code class="small">{r.requestId}</code>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {next ? (
        <div class="actions">
          <button type="button" class="btn btn-secondary" onClick={() => void load(next)}>
            {d.more}
          </button>
        </div>
      ) : null}
    </section>
  );
}
