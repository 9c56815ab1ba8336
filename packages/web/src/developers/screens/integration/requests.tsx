/** 我的接入: the RP's own request log (GET /v1/rp/clients/:id/requests), newest first, paged. */
import type { JSX } from 'preact';
import { useCallback, useEffect, useState } from 'preact/hooks';
import { formatTime, label, useI18n } from '../../../shared/i18n/index.ts';
import { api, apiErrorOf, type ApiError, type RequestLogItem } from '../../api.ts';
import type { Credentials } from '../../credentials.ts';
import { Problem } from '../../ui.tsx';

export function RequestLog(p: { creds: Credentials }): JSX.Element {
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
