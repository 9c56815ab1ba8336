/** 我的接入: the registration record, as the platform holds it (GET /v1/rp/clients/:id). */
import type { JSX } from 'preact';
import { label, useI18n } from '../../../shared/i18n/index.ts';
import type { RpRecord } from '../../api.ts';

export function RecordCard(p: { record: RpRecord; onReload(): void }): JSX.Element {
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
