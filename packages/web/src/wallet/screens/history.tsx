/**
 * History: every verification attempt (when, which service, the mode, what it asked for and
 * exactly what it received) and every other event of the person's, newest first.
 */
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import type { HistoryEntry } from '@wangzheng/wallet/me/client';
import { formatTime, label, useI18n } from '../../shared/i18n/index.ts';
import type { StoredWallet } from '../../shared/store.ts';
import { meClient, useLoad } from '../holder.ts';
import { Button, LoadState, Screen, shown } from '../ui.tsx';

const PAGE = 50;

function claimValue(t: ReturnType<typeof useI18n>['t'], k: string, v: string): string {
  if (k === 'age_band') return label(t.labels.ageBands, v);
  if (k === 'gender') return label(t.labels.sexes, v);
  if (k === 'document_type') return label(t.labels.documentTypes, v);
  return shown(v);
}

function Entry(p: { e: HistoryEntry }): JSX.Element {
  const { t, lang } = useI18n();
  const e = p.e;
  const when = <time dateTime={e.at}>{formatTime(e.at, lang)}</time>;
  if (e.type === 'event') {
    const rp = typeof e.details['rp'] === 'string' ? shown(e.details['rp']) : '';
    return (
      <li class="entry event">
        <p class="entry-head">
          <span class="entry-title">{label(t.labels.events, e.kind)}</span>
          {when}
        </p>
        {rp && <p class="meta">{rp}</p>}
      </li>
    );
  }
  const d = e.disclosed;
  const tone = e.outcome === 'passed' ? 'badge-ok' : e.outcome === 'pending' || e.outcome === 'awaiting_guardian' ? 'badge-info' : 'badge-warn';
  return (
    <li class="entry">
      <p class="entry-head">
        <span class="entry-title">{shown(e.rp.name)}</span>
        {when}
      </p>
      <p>
        <span class={`badge ${tone}`}>{label(t.labels.outcomes, e.outcome)}</span> {e.failure && <span class="meta">{label(t.labels.failures, e.failure)}</span>}
      </p>
      <dl class="facts compact">
        <div class="row">
          <dt>{t.history.mode}</dt>
          <dd>{label(t.labels.modes, e.mode)}</dd>
        </div>
        <div class="row">
          <dt>{t.history.asked}</dt>
          <dd>{e.scopes.map((s) => label(t.labels.scopes, s)).join(t.app.listSeparator)}</dd>
        </div>
        <div class="row">
          <dt>{t.history.received}</dt>
          <dd>
            {d ? (
              <ul class="plain">
                <li>{t.app.labelValue(t.history.result, d.result === 'pass' ? t.history.pass : t.history.fail)}</li>
                {d.appId && (
                  <li>{t.app.labelValue(t.history.appId, shown(d.appId))}</li>
                )}
                {Object.entries(d.claims).map(([k, v]) => (
                  <li key={k}>{t.app.labelValue(label(t.labels.claims, k), claimValue(t, k, v))}</li>
                ))}
                {d.faceSimilarity !== undefined && (
                  <li>{t.app.labelValue(t.history.faceSimilarity, String(d.faceSimilarity))}</li>
                )}
              </ul>
            ) : (
              t.history.nothing
            )}
          </dd>
        </div>
      </dl>
    </li>
  );
}

export function HistoryScreen(p: { wallet: StoredWallet }): JSX.Element {
  const { t } = useI18n();
  const [limit, setLimit] = useState(PAGE);
  const h = useLoad(() => meClient(p.wallet).history(limit), [limit, p.wallet.credentialId]);
  return (
    <Screen title={t.history.title}>
      <p>{t.history.intro}</p>
      <LoadState of={h} />
      {h.state === 'ok' && h.value.length === 0 && <p>{t.history.empty}</p>}
      {h.state === 'ok' && h.value.length > 0 && (
        <ol class="timeline">
          {h.value.map((e, i) => (
            <Entry key={`${e.at}-${i}`} e={e} />
          ))}
        </ol>
      )}
      {h.state === 'ok' && h.value.length >= limit && limit < 500 && (
        <div class="actions">
          <Button kind="secondary" onClick={() => setLimit(Math.min(500, limit + PAGE))}>
            {t.history.more}
          </Button>
        </div>
      )}
    </Screen>
  );
}
