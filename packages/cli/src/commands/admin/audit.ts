/**
 * The audit trail over HTTP (`auditor` role), packages/platform/src/audit/routes.ts:
 *
 *   audit search [--action A] [--actor X] [--subject S] [--from T] [--to T] [--after SEQ] [--limit N]
 *                                             GET /v1/admin/audit?…
 *   audit verify                              GET /v1/admin/audit/verify   exit 0 intact, 1 not
 *
 * This asks the running platform, which verifies with its own keys. To verify without trusting
 * the running process, `wangzheng audit verify` reads the store directly (docs/audit.md).
 */
import { AUDIT_ACTIONS, isAuditAction, type AuditEntry, type Finding } from '@wangzheng/core/audit/index';
import { AdminUsageError } from './client.ts';
import { at, json, shown, table } from './format.ts';
import { integer, str, type Call, type Sub } from './subcommand.ts';

interface Verification {
  ok: boolean;
  checked: number;
  checkpoints: number;
  head: { seq: number; hash: string } | null;
  findings: Finding[];
}

async function search(c: Call): Promise<number> {
  const action = str(c.values, 'action');
  if (action !== undefined && !isAuditAction(action)) throw new AdminUsageError(`--action must be one of: ${AUDIT_ACTIONS.join(', ')}`, true);
  const seqLike = (flag: string) => {
    const v = str(c.values, flag);
    if (v !== undefined && !/^\d{1,15}$/.test(v)) throw new AdminUsageError(`--${flag} takes a sequence number`);
    return v;
  };
  const q = {
    action,
    actor: str(c.values, 'actor'),
    subject: str(c.values, 'subject'),
    from: str(c.values, 'from'),
    to: str(c.values, 'to'),
    after: seqLike('after'),
    limit: integer(str(c.values, 'limit'), '--limit', 1, 1000),
  };
  const r = await c.api().get<{ items: AuditEntry[]; next?: string }>('/v1/admin/audit', q);
  if (c.json) {
    json(c.io, r);
    return 0;
  }
  if (r.items.length === 0) {
    c.io.out('no entries match 无匹配记录');
    return 0;
  }
  table(
    c.io,
    ['seq', '时间 at', '操作者 actor', '动作 action', '对象 subject', '内容 data'],
    r.items.map((e) => [String(e.seq), at(e.at), shown(e.actor), shown(e.action), shown(e.subject ?? '-'), shown(JSON.stringify(e.data))]),
  );
  if (r.next) c.io.err(`(more: --after ${shown(r.next)})`);
  return 0;
}

function where(f: Finding): string {
  const seq = f.seq === null ? '' : f.through !== undefined && f.through !== f.seq ? `seq ${f.seq}–${f.through}` : `seq ${f.seq}`;
  const cp = f.checkpoint === undefined ? '' : `checkpoint #${f.checkpoint + 1}`;
  return [seq, cp].filter(Boolean).join(', ') || '-';
}

async function verify(c: Call): Promise<number> {
  const r = await c.api().get<Verification>('/v1/admin/audit/verify');
  if (c.json) {
    json(c.io, r);
    return r.ok ? 0 : 1;
  }
  const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? '' : 's'}`;
  c.io.out(`审计日志 audit trail: ${r.checked} ${r.checked === 1 ? 'entry' : 'entries'} checked${r.head ? ` (head seq ${r.head.seq})` : ''}, ${plural(r.checkpoints, 'checkpoint')}`);
  if (r.ok) {
    c.io.out(r.checkpoints === 0 && r.checked > 0 ? '完整 OK: the chain verifies (no checkpoint yet: a rewrite of the whole trail could not be seen)' : '完整 OK: the chain and every checkpoint verify');
    return 0;
  }
  c.io.out(`被篡改 TAMPERED: ${plural(r.findings.length, 'finding')}`);
  table(
    c.io,
    ['  finding', 'where', 'detail'],
    r.findings.map((f) => [`  ${shown(f.code)}`, where(f), shown(f.detail)]),
  );
  return 1;
}

export const AUDIT_SUBCOMMANDS: Record<string, Sub> = {
  'audit search': {
    usage: 'audit search [--action A] [--actor X] [--subject S] [--from T] [--to T] [--after SEQ] [--limit N]',
    summary: 'audit entries in sequence order (T: ISO 8601 with an offset, or epoch milliseconds)',
    options: { action: { type: 'string' }, actor: { type: 'string' }, subject: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' }, after: { type: 'string' }, limit: { type: 'string' } },
    run: search,
  },
  'audit verify': { usage: 'audit verify', summary: 'the platform verifies the whole chain and every checkpoint (exit 1 when it does not)', run: verify },
};
