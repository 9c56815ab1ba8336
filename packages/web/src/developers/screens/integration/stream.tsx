/** 我的接入: the Shared Signals stream (GET/POST/PATCH /ssf/stream, docs/signals.md) and its delivery counters (GET /v1/rp/clients/:id/delivery). */
import type { JSX } from 'preact';
import { useCallback, useEffect, useState } from 'preact/hooks';
import { EVENT_CODES, EVENT_TYPE_URIS } from '@wangzheng/core/signals/events';
import { formatTime, label, useI18n } from '../../../shared/i18n/index.ts';
import { api, apiErrorOf, type ApiError, type DeliveryView, type StreamView } from '../../api.ts';
import type { Credentials } from '../../credentials.ts';
import { Done, Problem } from '../../ui.tsx';

const POLL = 'urn:ietf:rfc:8936';
const PUSH = 'urn:ietf:rfc:8935';

export function StreamCard(p: { creds: Credentials }): JSX.Element {
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
