/**
 * 依赖方申请 RP applications (`rp_reviewer`): the list by status with paging, and one
 * application — what it asked for, each scope beside the applicant's own statement of its legal
 * basis — with the decisions its status allows: approve (a legal-basis reference per approved
 * scope; `result` is always granted), reject with a reason, suspend, reinstate.
 */
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { label, useI18n } from '../../shared/i18n/index.ts';
import { ApiError, apiErrorOf, get, post, type Page, type Rp, type RpDetail } from '../api.ts';
import { go, href } from '../router.ts';
import { Badge, Done, Heading, Loading, Pager, Problem, useLoad, When } from '../ui.tsx';

const STATUSES = ['pending', 'approved', 'rejected', 'suspended'] as const;

export function RpList(p: { status: string; after: string | undefined }): JSX.Element {
  const { t } = useI18n();
  const c = t.console.rps;
  const status = (STATUSES as readonly string[]).includes(p.status) ? p.status : '';
  const loaded = useLoad(() => get<Page<Rp>>('/v1/admin/rps', { status, after: p.after, limit: 20 }), [status, p.after]);
  const query = (o: Record<string, string | undefined>) => Object.fromEntries(Object.entries(o).filter((e): e is [string, string] => !!e[1]));
  return (
    <>
      <Heading>{c.title}</Heading>
      <div class="field filter">
        <label for="rp-status">{c.filter}</label>
        <select id="rp-status" value={status} onChange={(e) => go('/rps', query({ status: (e.target as HTMLSelectElement).value }))}>
          <option value="">{t.console.all}</option>
          {STATUSES.map((s) => (
            <option value={s} key={s}>
              {label(c.status, s)}
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
                  <th scope="col">{c.name}</th>
                  <th scope="col">{c.statusLabel}</th>
                  <th scope="col">{c.categoryLabel}</th>
                  <th scope="col">{c.clientId}</th>
                  <th scope="col">{c.applied}</th>
                </tr>
              </thead>
              <tbody>
                {loaded.data.items.map((rp) => (
                  <tr key={rp.clientId} data-client-id={rp.clientId}>
                    <th scope="row">
                      <a href={href('/rp', { id: rp.clientId })} aria-label={c.open(rp.name)}>
                        {rp.name}
                      </a>
                      {rp.sandbox ? <span class="badge state-sandbox">{c.sandbox}</span> : null}
                    </th>
                    <td>
                      <Badge names={c.status} value={rp.status} />
                    </td>
                    <td>{label(c.category, rp.category)}</td>
                    <td class="mono">{rp.clientId}</td>
                    <td>
                      <When at={rp.createdAt} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )
      ) : null}
      <Pager next={loaded.data?.next} atFirst={!p.after} onNext={(next) => go('/rps', query({ status, after: next }))} onFirst={() => go('/rps', query({ status }))} />
    </>
  );
}

type Action = 'approved' | 'rejected' | 'suspended' | 'reinstated';

export function RpDetailScreen(p: { clientId: string }): JSX.Element {
  const { t } = useI18n();
  const c = t.console.rps;
  const loaded = useLoad(() => get<RpDetail>(`/v1/admin/rps/${encodeURIComponent(p.clientId)}`), [p.clientId]);
  const [done, setDone] = useState<Action | undefined>();
  const [error, setError] = useState<ApiError | undefined>();
  const [busy, setBusy] = useState(false);
  const rp = loaded.data;

  async function act(action: Action, path: string, body: unknown): Promise<void> {
    setBusy(true);
    setError(undefined);
    setDone(undefined);
    try {
      await post(`/v1/admin/rps/${encodeURIComponent(p.clientId)}/${path}`, body);
      setDone(action);
      loaded.reload();
    } catch (e) {
      setError(apiErrorOf(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <a class="back" href={href('/rps')}>
        {c.back}
      </a>
      <Heading>{rp ? rp.name : c.title}</Heading>
      {loaded.error ? <Problem error={loaded.error} /> : null}
      {!rp && loaded.loading ? <Loading /> : null}
      {done ? <Done>{label(c.done, done)}</Done> : null}
      {error ? <Problem error={error} /> : null}
      {rp ? (
        <>
          <section class="card" aria-labelledby="rp-facts">
            <h2 id="rp-facts" class="visually-hidden">
              {c.title}
            </h2>
            <dl class="facts">
              <dt>{c.statusLabel}</dt>
              <dd>
                <Badge names={c.status} value={rp.status} />
                {rp.sandbox ? <span class="badge state-sandbox">{c.sandbox}</span> : null}
              </dd>
              {rp.statusReason ? (
                <>
                  <dt>{c.statusReason}</dt>
                  <dd>{rp.statusReason}</dd>
                </>
              ) : null}
              <dt>{c.clientId}</dt>
              <dd class="mono">{rp.clientId}</dd>
              <dt>{c.uscc}</dt>
              <dd class="mono">{rp.uscc ?? '-'}</dd>
              <dt>{c.categoryLabel}</dt>
              <dd>{label(c.category, rp.category)}</dd>
              <dt>{c.purpose}</dt>
              <dd>{rp.purpose}</dd>
              <dt>{c.contact}</dt>
              <dd>{rp.contactEmail ?? '-'}</dd>
              <dt>{c.sector}</dt>
              <dd class="mono">{rp.sectorIdentifier}</dd>
              {rp.sectorSharedWith && rp.sectorSharedWith.length > 0 ? (
                <>
                  <dt>{c.sameSector}</dt>
                  <dd class="mono">{rp.sectorSharedWith.join(', ')}</dd>
                </>
              ) : null}
              <dt>{c.redirectUris}</dt>
              <dd class="mono">{rp.redirectUris.join(' ')}</dd>
              <dt>{c.applied}</dt>
              <dd>
                <When at={rp.createdAt} />
              </dd>
            </dl>
          </section>

          <section class="card" aria-labelledby="rp-requested">
            <h2 id="rp-requested">{c.requested}</h2>
            <ul class="scopes">
              {rp.requestedScopes.map((s) => (
                <li key={s.scope} data-scope={s.scope}>
                  <strong>{label(c.scope, s.scope)}</strong> <code>{s.scope}</code>
                  <p class="hint">
                    {c.applicantBasis}: {s.scope === 'result' ? c.alwaysGranted : (s.legalBasis ?? '-')}
                  </p>
                </li>
              ))}
            </ul>
            {rp.approvedScopes.length > 0 ? (
              <>
                <h3>{c.approvedScopes}</h3>
                <ul class="scopes">
                  {rp.approvedScopes.map((s) => (
                    <li key={s.scope} data-approved-scope={s.scope}>
                      <strong>{label(c.scope, s.scope)}</strong> <code>{s.scope}</code>
                      {s.legalBasisRef ? (
                        <p class="hint">
                          {c.operatorBasis}: {s.legalBasisRef}
                        </p>
                      ) : null}
                    </li>
                  ))}
                </ul>
              </>
            ) : null}
          </section>

          {rp.status === 'pending' ? (
            <>
              <ApproveForm rp={rp} busy={busy} onApprove={(body) => act('approved', 'approve', body)} />
              <ReasonForm id="reject" title={c.rejectTitle} fieldLabel={c.rejectReason} button={c.reject} required busy={busy} onSubmit={(reason) => act('rejected', 'reject', { reason })} />
            </>
          ) : null}
          {rp.status === 'approved' ? <ReasonForm id="suspend" title={c.suspendTitle} fieldLabel={c.suspendReason} button={c.suspend} busy={busy} onSubmit={(reason) => act('suspended', 'suspend', reason ? { reason } : {})} /> : null}
          {rp.status === 'suspended' ? (
            <div class="actions">
              <button type="button" class="btn btn-primary" disabled={busy} onClick={() => void act('reinstated', 'reinstate', {})}>
                {c.reinstate}
              </button>
            </div>
          ) : null}

          {rp.events && rp.events.length > 0 ? (
            <section class="card" aria-labelledby="rp-history">
              <h2 id="rp-history">{c.history}</h2>
              <ol class="history">
                {rp.events.map((e, i) => (
                  <li key={i}>
                    <When at={e.at} /> · <span class="mono">{e.actor}</span> · <code>{e.type}</code>
                    {e.data ? <code class="data"> {JSON.stringify(e.data)}</code> : null}
                  </li>
                ))}
              </ol>
            </section>
          ) : null}
        </>
      ) : null}
    </>
  );
}

function ApproveForm(p: { rp: RpDetail; busy: boolean; onApprove(body: { scopes: string[]; legalBasis?: Record<string, string> }): Promise<void> }): JSX.Element {
  const { t } = useI18n();
  const c = t.console.rps;
  const asked = p.rp.requestedScopes.filter((s) => s.scope !== 'result');
  const [chosen, setChosen] = useState<Record<string, boolean>>({});
  const [basis, setBasis] = useState<Record<string, string>>({});
  const [missing, setMissing] = useState<string | undefined>();
  function submit(e: Event): void {
    e.preventDefault();
    const scopes = asked.map((s) => s.scope).filter((s) => chosen[s]);
    const gap = scopes.find((s) => !(basis[s] ?? '').trim());
    if (gap) {
      setMissing(gap);
      document.getElementById(`basis-${gap}`)?.focus();
      return;
    }
    setMissing(undefined);
    const legalBasis = Object.fromEntries(scopes.map((s) => [s, basis[s]!.trim()]));
    void p.onApprove({ scopes, ...(scopes.length > 0 ? { legalBasis } : {}) });
  }
  return (
    <form class="card" aria-labelledby="approve-title" onSubmit={submit} noValidate>
      <h2 id="approve-title">{c.approveTitle}</h2>
      <p class="hint">{c.approveIntro}</p>
      {asked.map((s) => {
        const name = label(c.scope, s.scope);
        return (
          <fieldset class="scope-choice" key={s.scope}>
            <legend class="visually-hidden">{name}</legend>
            <div class="check">
              <input id={`scope-${s.scope}`} type="checkbox" checked={!!chosen[s.scope]} onChange={(e) => setChosen({ ...chosen, [s.scope]: (e.target as HTMLInputElement).checked })} />
              <label for={`scope-${s.scope}`}>{c.approveScope(name)}</label>
            </div>
            {chosen[s.scope] ? (
              <div class={`field${missing === s.scope ? ' invalid' : ''}`}>
                <label for={`basis-${s.scope}`}>{c.basisFor(name)}</label>
                <p class="hint" id={`basis-${s.scope}-hint`}>
                  {c.applicantBasis}: {s.legalBasis ?? '-'}
                </p>
                <input id={`basis-${s.scope}`} type="text" value={basis[s.scope] ?? ''} aria-describedby={`basis-${s.scope}-hint`} aria-invalid={missing === s.scope} onInput={(e) => setBasis({ ...basis, [s.scope]: (e.target as HTMLInputElement).value })} />
                {missing === s.scope ? (
                  <p class="field-error" role="alert">
                    {c.basisMissing(name)}
                  </p>
                ) : null}
              </div>
            ) : null}
          </fieldset>
        );
      })}
      <div class="actions">
        <button type="submit" class="btn btn-primary" disabled={p.busy}>
          {c.approve}
        </button>
      </div>
    </form>
  );
}

/** A decision with a reason: reject (required) or suspend (optional). */
export function ReasonForm(p: { id: string; title: string; fieldLabel: string; button: string; required?: boolean; busy: boolean; onSubmit(reason: string): Promise<void> }): JSX.Element {
  const { t } = useI18n();
  const [reason, setReason] = useState('');
  const [missing, setMissing] = useState(false);
  return (
    <form
      class="card"
      aria-labelledby={`${p.id}-title`}
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        if (p.required && !reason.trim()) {
          setMissing(true);
          document.getElementById(`${p.id}-reason`)?.focus();
          return;
        }
        setMissing(false);
        void p.onSubmit(reason.trim());
      }}
    >
      <h2 id={`${p.id}-title`}>{p.title}</h2>
      <div class={`field${missing ? ' invalid' : ''}`}>
        <label for={`${p.id}-reason`}>{p.fieldLabel}</label>
        <textarea id={`${p.id}-reason`} rows={3} value={reason} aria-invalid={missing} onInput={(e) => setReason((e.target as HTMLTextAreaElement).value)} />
        {missing ? (
          <p class="field-error" role="alert">
            {t.console.rps.reasonMissing}
          </p>
        ) : null}
      </div>
      <div class="actions">
        <button type="submit" class="btn btn-danger" disabled={p.busy}>
          {p.button}
        </button>
      </div>
    </form>
  );
}
