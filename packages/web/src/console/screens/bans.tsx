/**
 * 封禁 Bans (`operator`): the list by state, requesting a ban (网号, a reason from the closed set,
 * a legal reference) or an unban, and deciding a pending one. With four eyes on, the platform
 * refuses the requester's own approval (`four_eyes_required`): the console shows that refusal as
 * it is, with its code, and marks the operator's own requests — it does not hide the button, the
 * platform is the one that decides.
 */
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { label, useI18n } from '../../shared/i18n/index.ts';
import { ApiError, apiErrorOf, get, post, type Ban, type Operator } from '../api.ts';
import { go } from '../router.ts';
import { Badge, Done, Heading, Loading, Problem, useLoad, When } from '../ui.tsx';

const STATES = ['requested', 'active', 'unban_requested', 'lifted', 'withdrawn'] as const;
const REASONS = ['fraud', 'identity_theft', 'court_order', 'other_legal'] as const;

/** Is `actor` (as the audit trail names it, e.g. `console:<id>`) this operator? */
function isMe(actor: string | null, me: Operator): boolean {
  return !!actor && (actor === me.id || actor.endsWith(`:${me.id}`));
}

export function Bans(p: { state: string; me: Operator }): JSX.Element {
  const { t } = useI18n();
  const c = t.console.bans;
  const state = (STATES as readonly string[]).includes(p.state) ? p.state : '';
  const loaded = useLoad(() => get<{ items: Ban[] }>('/v1/admin/bans', { state, limit: 100 }), [state]);
  const [done, setDone] = useState<{ state: string; id: string } | undefined>();
  const [error, setError] = useState<{ e: ApiError; id?: string } | undefined>();
  const [busy, setBusy] = useState(false);

  async function act(path: string, body: unknown, id?: string): Promise<boolean> {
    setBusy(true);
    setError(undefined);
    setDone(undefined);
    try {
      const b = await post<Ban>(path, body);
      setDone({ state: b.state, id: b.id });
      loaded.reload();
      return true;
    } catch (e) {
      setError({ e: apiErrorOf(e), ...(id ? { id } : {}) });
      return false;
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <Heading>{c.title}</Heading>
      <p class="meta">{c.intro}</p>
      <div aria-live="polite">
        {done ? (
          <Done>
            {label(c.done, done.state)} <span class="mono">{done.id}</span>
          </Done>
        ) : null}
      </div>
      {error ? <Problem error={error.e} /> : null}

      <div class="field filter">
        <label for="ban-state">{c.filter}</label>
        <select id="ban-state" value={state} onChange={(e) => go('/bans', (e.target as HTMLSelectElement).value ? { state: (e.target as HTMLSelectElement).value } : undefined)}>
          <option value="">{t.console.all}</option>
          {STATES.map((s) => (
            <option value={s} key={s}>
              {label(c.state, s)}
            </option>
          ))}
        </select>
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
                  <th scope="col">{c.id}</th>
                  <th scope="col">{c.stateLabel}</th>
                  <th scope="col">{c.reasonLabel}</th>
                  <th scope="col">{c.legalRef}</th>
                  <th scope="col">{c.requestedBy}</th>
                  <th scope="col">{c.approvedBy}</th>
                  <th scope="col">{c.created}</th>
                  <th scope="col">{c.actions}</th>
                </tr>
              </thead>
              <tbody>
                {loaded.data.items.map((b) => {
                  const mine = (b.state === 'requested' && isMe(b.requestedBy, p.me)) || (b.state === 'unban_requested' && isMe(b.unbanRequestedBy, p.me));
                  return (
                    <tr key={b.id} data-ban-id={b.id} data-state={b.state}>
                      <th scope="row" class="mono">
                        {b.id}
                      </th>
                      <td>
                        <Badge names={c.state} value={b.state} />
                      </td>
                      <td>{label(c.reason, b.reason)}</td>
                      <td>{b.legalRef}</td>
                      <td class="mono">{b.state === 'unban_requested' && b.unbanRequestedBy ? `${b.requestedBy} / ${b.unbanRequestedBy}` : b.requestedBy}</td>
                      <td class="mono">{b.approvedBy ?? '-'}</td>
                      <td>
                        <When at={b.createdAt} />
                      </td>
                      <td>
                        {mine ? <p class="hint own">{c.own}</p> : null}
                        <div class="row-actions">
                          {b.state === 'requested' ? (
                            <>
                              <button type="button" class="btn btn-danger btn-small" disabled={busy} aria-label={`${c.approve} ${b.id}`} onClick={() => void act(`/v1/admin/bans/${encodeURIComponent(b.id)}/approve`, {}, b.id)}>
                                {c.approve}
                              </button>
                              <button type="button" class="btn btn-secondary btn-small" disabled={busy} aria-label={`${c.reject} ${b.id}`} onClick={() => void act(`/v1/admin/bans/${encodeURIComponent(b.id)}/reject`, {}, b.id)}>
                                {c.reject}
                              </button>
                            </>
                          ) : null}
                          {b.state === 'unban_requested' ? (
                            <button type="button" class="btn btn-primary btn-small" disabled={busy} aria-label={`${c.approveUnban} ${b.id}`} onClick={() => void act(`/v1/admin/bans/${encodeURIComponent(b.id)}/approve-unban`, {}, b.id)}>
                              {c.approveUnban}
                            </button>
                          ) : null}
                        </div>
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )
      ) : null}

      <NetidForm id="ban" title={c.requestTitle} button={c.request} withReason busy={busy} onSubmit={(body) => act('/v1/admin/bans', body)} />
      <NetidForm id="unban" title={c.unbanTitle} button={c.unban} busy={busy} onSubmit={(body) => act('/v1/admin/unbans', body)} />
    </>
  );
}

function NetidForm(p: { id: string; title: string; button: string; withReason?: boolean; busy: boolean; onSubmit(body: Record<string, string>): Promise<boolean> }): JSX.Element {
  const { t } = useI18n();
  const c = t.console.bans;
  const [netid, setNetid] = useState('');
  const [reason, setReason] = useState('');
  const [legalRef, setLegalRef] = useState('');
  const [missing, setMissing] = useState(false);
  const f = (name: string) => `${p.id}-${name}`;
  return (
    <form
      class="card"
      aria-labelledby={f('title')}
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        if (!netid.trim() || !legalRef.trim() || (p.withReason && !reason)) {
          setMissing(true);
          return;
        }
        setMissing(false);
        void p.onSubmit({ netid: netid.trim(), ...(p.withReason ? { reason } : {}), legalRef: legalRef.trim() }).then((ok) => {
          if (ok) {
            setNetid('');
            setLegalRef('');
            setReason('');
          }
        });
      }}
    >
      <h2 id={f('title')}>{p.title}</h2>
      <div class="field">
        <label for={f('netid')}>{c.netid}</label>
        <p class="hint" id={f('netid-hint')}>
          {c.netidHint}
        </p>
        <input id={f('netid')} type="text" class="mono" autocomplete="off" spellcheck={false} value={netid} aria-describedby={f('netid-hint')} onInput={(e) => setNetid((e.target as HTMLInputElement).value)} />
      </div>
      {p.withReason ? (
        <div class="field">
          <label for={f('reason')}>{c.reasonLabel}</label>
          <select id={f('reason')} value={reason} onChange={(e) => setReason((e.target as HTMLSelectElement).value)}>
            <option value="">{c.chooseReason}</option>
            {REASONS.map((r) => (
              <option value={r} key={r}>
                {label(c.reason, r)}
              </option>
            ))}
          </select>
        </div>
      ) : null}
      <div class="field">
        <label for={f('legal-ref')}>{c.legalRef}</label>
        <p class="hint" id={f('legal-ref-hint')}>
          {c.legalRefHint}
        </p>
        <input id={f('legal-ref')} type="text" value={legalRef} aria-describedby={f('legal-ref-hint')} onInput={(e) => setLegalRef((e.target as HTMLInputElement).value)} />
      </div>
      {missing ? (
        <p class="field-error" role="alert">
          {c.missing}
        </p>
      ) : null}
      <div class="actions">
        <button type="submit" class={`btn ${p.withReason ? 'btn-danger' : 'btn-primary'}`} disabled={p.busy}>
          {p.button}
        </button>
      </div>
    </form>
  );
}
