/**
 * 事件送达 Event delivery (`operator`): each relying party's Shared Signals stream
 * (`GET /v1/admin/ssf/streams`) — push or poll, delivered, failed, waiting, the last delivery and
 * the last error — paged by client id.
 */
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { label, useI18n } from '../../shared/i18n/index.ts';
import { get, type Page, type Stream } from '../api.ts';
import { Badge, Heading, Loading, Pager, Problem, useLoad, When } from '../ui.tsx';

/** `…/risc/event-type/account-disabled` → `account-disabled`. */
const short = (uri: string) => uri.slice(uri.lastIndexOf('/') + 1);

export function Delivery(): JSX.Element {
  const { t } = useI18n();
  const c = t.console.delivery;
  const [after, setAfter] = useState<string | undefined>();
  const loaded = useLoad(() => get<Page<Stream>>('/v1/admin/ssf/streams', { after, limit: 50 }), [after]);
  return (
    <>
      <Heading>{c.title}</Heading>
      <p class="meta">{c.intro}</p>
      <div class="actions">
        <button type="button" class="btn btn-secondary" onClick={loaded.reload}>
          {t.console.refresh}
        </button>
      </div>
      {loaded.error ? <Problem error={loaded.error} /> : null}
      {loaded.loading && !loaded.data ? <Loading /> : null}
      {loaded.data ? (
        loaded.data.items.length === 0 ? (
          <p class="message info">{t.console.empty}</p>
        ) : (
          <div class="table-wrap">
            <table class="rows">
              <thead>
                <tr>
                  <th scope="col">{c.client}</th>
                  <th scope="col">{c.status}</th>
                  <th scope="col">{c.method}</th>
                  <th scope="col" class="num">
                    {c.delivered}
                  </th>
                  <th scope="col" class="num">
                    {c.failed}
                  </th>
                  <th scope="col" class="num">
                    {c.pending}
                  </th>
                  <th scope="col">{c.lastDelivered}</th>
                  <th scope="col">{c.lastError}</th>
                  <th scope="col">{c.events}</th>
                </tr>
              </thead>
              <tbody>
                {loaded.data.items.map((s) => (
                  <tr key={s.streamId} data-client-id={s.clientId}>
                    <th scope="row" class="mono">
                      {s.clientId}
                    </th>
                    <td>
                      <Badge names={c.statuses} value={s.status} />
                    </td>
                    <td>
                      {label(c.methods, s.method)}
                      {s.endpointUrl ? <div class="mono small">{s.endpointUrl}</div> : null}
                    </td>
                    <td class="num" data-field="delivered">
                      {s.delivered}
                    </td>
                    <td class="num" data-field="failed">
                      {s.failed}
                    </td>
                    <td class="num" data-field="pending">
                      {s.pending}
                    </td>
                    <td>
                      <When at={s.lastDeliveredAt} />
                    </td>
                    <td>
                      {s.lastError ? (
                        <>
                          <code>{s.lastError}</code> <When at={s.lastErrorAt} />
                        </>
                      ) : (
                        '-'
                      )}
                    </td>
                    <td>{s.eventsRequested.map(short).join(', ') || '-'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )
      ) : null}
      <Pager next={loaded.data?.next} atFirst={after === undefined} onNext={setAfter} onFirst={() => setAfter(undefined)} />
    </>
  );
}
