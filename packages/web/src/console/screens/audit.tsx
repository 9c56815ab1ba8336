/**
 * 审计日志 Audit trail (`auditor`): search by action, actor, subject and time (paged by sequence
 * number), and the platform's verification of the hash chain and its checkpoints — intact, or
 * tampered with the findings.
 */
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { AUDIT_ACTIONS } from '@wangzheng/core/audit/entry';
import { useI18n } from '../../shared/i18n/index.ts';
import { apiErrorOf, get, type ApiError, type AuditEntry, type AuditVerification, type Page } from '../api.ts';
import { Heading, Loading, Pager, Problem, useLoad, When } from '../ui.tsx';

interface Query {
  action: string;
  actor: string;
  subject: string;
  from: string;
  to: string;
}

const EMPTY: Query = { action: '', actor: '', subject: '', from: '', to: '' };

/** A `datetime-local` value (the operator's clock) as ISO 8601 with an offset, as the API takes it. */
function instant(local: string): string | undefined {
  if (!local) return undefined;
  const d = new Date(local);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

export function Audit(): JSX.Element {
  const { t } = useI18n();
  const c = t.console.audit;
  const [form, setForm] = useState<Query>(EMPTY);
  const [query, setQuery] = useState<Query>(EMPTY);
  const [after, setAfter] = useState<string | undefined>();
  const loaded = useLoad(
    () => get<Page<AuditEntry>>('/v1/admin/audit', { action: query.action, actor: query.actor.trim(), subject: query.subject.trim(), from: instant(query.from), to: instant(query.to), after, limit: 50 }),
    [query, after],
  );
  const set = (k: keyof Query) => (e: Event) => setForm({ ...form, [k]: (e.target as HTMLInputElement | HTMLSelectElement).value });

  return (
    <>
      <Heading>{c.title}</Heading>
      <form
        class="card search"
        aria-labelledby="audit-search"
        onSubmit={(e) => {
          e.preventDefault();
          setAfter(undefined);
          setQuery({ ...form });
        }}
      >
        <h2 id="audit-search">{c.searchTitle}</h2>
        <div class="grid">
          <div class="field">
            <label for="audit-action">{c.action}</label>
            <select id="audit-action" value={form.action} onChange={set('action')}>
              <option value="">{c.anyAction}</option>
              {AUDIT_ACTIONS.map((a) => (
                <option value={a} key={a}>
                  {a}
                </option>
              ))}
            </select>
          </div>
          <div class="field">
            <label for="audit-actor">{c.actor}</label>
            <input id="audit-actor" type="text" value={form.actor} placeholder={c.actorHint} onInput={set('actor')} />
          </div>
          <div class="field">
            <label for="audit-subject">{c.subject}</label>
            <input id="audit-subject" type="text" value={form.subject} onInput={set('subject')} />
          </div>
          <div class="field">
            <label for="audit-from">{c.from}</label>
            <input id="audit-from" type="datetime-local" step={1} value={form.from} onInput={set('from')} />
          </div>
          <div class="field">
            <label for="audit-to">{c.to}</label>
            <input id="audit-to" type="datetime-local" step={1} value={form.to} onInput={set('to')} />
          </div>
        </div>
        <div class="actions">
          <button type="submit" class="btn btn-primary">
            {c.search}
          </button>
          <button
            type="button"
            class="btn btn-secondary"
            onClick={() => {
              setForm(EMPTY);
              setAfter(undefined);
              setQuery(EMPTY);
            }}
          >
            {c.reset}
          </button>
        </div>
      </form>

      {loaded.error ? <Problem error={loaded.error} /> : null}
      {loaded.loading && !loaded.data ? <Loading /> : null}
      {loaded.data ? (
        loaded.data.items.length === 0 ? (
          <p class="message info">{t.console.empty}</p>
        ) : (
          <div class="table-wrap">
            <table class="rows audit">
              <thead>
                <tr>
                  <th scope="col">{c.seq}</th>
                  <th scope="col">{c.at}</th>
                  <th scope="col">{c.actor}</th>
                  <th scope="col">{c.action}</th>
                  <th scope="col">{c.subject}</th>
                  <th scope="col">{c.data}</th>
                </tr>
              </thead>
              <tbody>
                {loaded.data.items.map((e) => (
                  <tr key={e.seq} data-action={e.action}>
                    <th scope="row">{e.seq}</th>
                    <td>
                      <When at={e.at} />
                    </td>
                    <td class="mono">{e.actor}</td>
                    <td>
                      <code>{e.action}</code>
                    </td>
                    <td class="mono">{e.subject ?? '-'}</td>
                    <td>
                      <code class="data">{JSON.stringify(e.data ?? {})}</code>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )
      ) : null}
      <Pager next={loaded.data?.next} atFirst={after === undefined} onNext={setAfter} onFirst={() => setAfter(undefined)} />
      <VerifyChain />
    </>
  );
}

function VerifyChain(): JSX.Element {
  const { t } = useI18n();
  const c = t.console.audit;
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<AuditVerification | undefined>();
  const [error, setError] = useState<ApiError | undefined>();
  async function verify(): Promise<void> {
    setBusy(true);
    setError(undefined);
    setResult(undefined);
    try {
      setResult(await get<AuditVerification>('/v1/admin/audit/verify'));
    } catch (e) {
      setError(apiErrorOf(e));
    } finally {
      setBusy(false);
    }
  }
  return (
    <section class="card" aria-labelledby="audit-verify">
      <h2 id="audit-verify">{c.verifyTitle}</h2>
      <p class="hint">{c.verifyIntro}</p>
      <div class="actions">
        <button type="button" class="btn btn-primary" disabled={busy} onClick={() => void verify()}>
          {busy ? c.verifying : c.verify}
        </button>
      </div>
      <div aria-live="polite">
        {error ? <Problem error={error} /> : null}
        {result ? (
          <div class={`message ${result.ok ? 'ok' : 'error'}`} data-verdict={result.ok ? 'intact' : 'tampered'}>
            <p class="message-title">{result.ok ? (result.checkpoints === 0 && result.checked > 0 ? c.intactNoCheckpoint : c.intact) : c.tampered}</p>
            <p>{c.checked(result.checked, result.checkpoints)}</p>
            {result.findings.length > 0 ? (
              <div class="table-wrap">
                <table>
                  <thead>
                    <tr>
                      <th scope="col">{c.finding}</th>
                      <th scope="col">{c.where}</th>
                      <th scope="col">{c.detail}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {result.findings.map((f, i) => (
                      <tr key={i}>
                        <th scope="row">
                          <code>{f.code}</code>
                        </th>
                        <td>{[f.seq === null ? '' : f.through !== undefined && f.through !== f.seq ? `seq ${f.seq}–${f.through}` : `seq ${f.seq}`, f.checkpoint === undefined ? '' : `checkpoint #${f.checkpoint + 1}`].filter(Boolean).join(', ') || '-'}</td>
                        <td lang="en">{f.detail}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            ) : null}
          </div>
        ) : null}
      </div>
    </section>
  );
}
