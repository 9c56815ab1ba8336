/**
 * Nationwide bans of a 网号 (`operator` role), over packages/platform/src/lifecycle/routes.ts:
 *
 *   ban <网号> --reason R --legal-ref TEXT   POST /v1/admin/bans   { netid, reason, legalRef }
 *   unban <网号> --legal-ref TEXT            POST /v1/admin/unbans { netid, legalRef }
 *   bans [--state S] [--limit N]            GET  /v1/admin/bans?state=&limit=
 *   approve-ban <id>                        POST /v1/admin/bans/:id/approve
 *   reject-ban <id>                         POST /v1/admin/bans/:id/reject
 *   approve-unban <id>                      POST /v1/admin/bans/:id/approve-unban
 *
 * With four eyes (WZ_BAN_FOUR_EYES=on) a ban or unban waits for a second operator; without,
 * it takes effect at once. The 网号 goes in the body only and is never printed back: a ban is
 * known by its id from then on.
 */
import { isValidNetid } from '@wangzheng/core/identifiers/index';
import { BAN_REASONS } from '@wangzheng/platform/lifecycle/bans';
import { BAN_STATES } from '@wangzheng/platform/store/bans/types';
import { AdminUsageError } from './client.ts';
import { BAN_REASON_NAMES, BAN_STATE_NAMES, at, block, json, named, shown, table } from './format.ts';
import { integer, oneOf, required, requestId, str, type Call, type Sub } from './subcommand.ts';

interface BanJson {
  id: string;
  state: string;
  reason: string;
  legalRef: string;
  requestedBy: string;
  approvedBy: string | null;
  unbanRequestedBy: string | null;
  unbanApprovedBy: string | null;
  createdAt: string;
  updatedAt: string;
}

function netid(s: string): string {
  if (!isValidNetid(s)) throw new AdminUsageError('this is not a valid 网号 (10 characters with a check character)');
  return s;
}

const HEADLINES: Record<string, (id: string) => string> = {
  requested: (id) => `封禁待批准 ban requested — a second operator approves it: wangzheng admin approve-ban ${id} (or refuses: reject-ban ${id})`,
  active: () => '已封禁 banned — every 网证 of this 网号 is suspended; enrollment is refused',
  unban_requested: (id) => `解封待批准 unban requested — a second operator approves it: wangzheng admin approve-unban ${id} (or refuses: reject-ban ${id})`,
  lifted: () => '已解封 unbanned — the suspended 网证 are valid again',
  withdrawn: () => '已撤销 withdrawn — the ban never took effect',
};

function printBan(c: Call, b: BanJson): number {
  if (c.json) {
    json(c.io, b);
    return 0;
  }
  const id = shown(b.id);
  c.io.out(HEADLINES[b.state]?.(id) ?? named(BAN_STATE_NAMES, b.state));
  block(c.io, [
    ['ban id 封禁编号', id],
    ['state 状态', named(BAN_STATE_NAMES, b.state)],
    ['reason 事由', named(BAN_REASON_NAMES, b.reason)],
    ['legal ref 法律依据', shown(b.legalRef)],
    ['requested 申请', `${shown(b.requestedBy)}${b.approvedBy ? `, approved 批准 ${shown(b.approvedBy)}` : ''}`],
    b.unbanRequestedBy ? ['unban 解封', `${shown(b.unbanRequestedBy)}${b.unbanApprovedBy ? `, approved 批准 ${shown(b.unbanApprovedBy)}` : ''}`] : undefined,
    ['updated 更新时间', at(b.updatedAt)],
  ]);
  return 0;
}

async function ban(c: Call): Promise<number> {
  const body = {
    netid: netid(c.args[0]!),
    reason: oneOf(required(c.values, 'reason'), BAN_REASONS, '--reason')!,
    legalRef: required(c.values, 'legal-ref'),
  };
  return printBan(c, await c.api().post<BanJson>('/v1/admin/bans', body));
}

async function unban(c: Call): Promise<number> {
  const body = { netid: netid(c.args[0]!), legalRef: required(c.values, 'legal-ref') };
  return printBan(c, await c.api().post<BanJson>('/v1/admin/unbans', body));
}

async function list(c: Call): Promise<number> {
  const state = oneOf(str(c.values, 'state'), BAN_STATES, '--state');
  const limit = integer(str(c.values, 'limit'), '--limit', 1, 500);
  const r = await c.api().get<{ items: BanJson[] }>('/v1/admin/bans', { state, limit });
  if (c.json) {
    json(c.io, r);
    return 0;
  }
  const which = state ? ` (${named(BAN_STATE_NAMES, state)})` : '';
  if (r.items.length === 0) {
    c.io.out(`no ban 暂无封禁${which}`);
    return 0;
  }
  c.io.out(`${r.items.length} ban${r.items.length === 1 ? '' : 's'} 封禁${which}, newest first`);
  table(
    c.io,
    ['ban id', '状态 state', '事由 reason', '申请 requested', '批准 approved', '时间 created', '法律依据 legal ref'],
    r.items.map((b) => [shown(b.id), named(BAN_STATE_NAMES, b.state), named(BAN_REASON_NAMES, b.reason), shown(b.requestedBy), shown(b.approvedBy ?? '-'), at(b.createdAt), shown(b.legalRef)]),
  );
  return 0;
}

const decide = (action: string) => async (c: Call) => printBan(c, await c.api().post<BanJson>(`/v1/admin/bans/${requestId(c.args[0]!, 'bans')}/${action}`));

export const BAN_SUBCOMMANDS: Record<string, Sub> = {
  ban: {
    usage: `ban <网号> --reason ${BAN_REASONS.join('|')} --legal-ref TEXT`,
    summary: 'ban a 网号 nationwide (with four eyes: request a ban)',
    options: { reason: { type: 'string' }, 'legal-ref': { type: 'string' } },
    args: ['网号'],
    run: ban,
  },
  unban: { usage: 'unban <网号> --legal-ref TEXT', summary: 'lift a ban (with four eyes: request it)', options: { 'legal-ref': { type: 'string' } }, args: ['网号'], run: unban },
  bans: {
    usage: `bans [--state ${BAN_STATES.join('|')}] [--limit N]`,
    summary: 'the bans, newest first (--state requested: waiting for a second operator)',
    options: { state: { type: 'string' }, limit: { type: 'string' } },
    run: list,
  },
  'approve-ban': { usage: 'approve-ban <id>', summary: 'as the second operator, approve a requested ban', args: ['id'], run: decide('approve') },
  'reject-ban': { usage: 'reject-ban <id>', summary: 'refuse a requested ban or unban (or withdraw your own request)', args: ['id'], run: decide('reject') },
  'approve-unban': { usage: 'approve-unban <id>', summary: 'as the second operator, approve a requested unban', args: ['id'], run: decide('approve-unban') },
};
