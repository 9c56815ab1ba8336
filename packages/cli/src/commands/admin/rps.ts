/**
 * Relying-party review (`rp_reviewer` role), over `/v1/admin/rps` (packages/platform/src/rp/routes.ts):
 *
 *   rps [--status S] [--limit N] [--after CURSOR]   GET  /v1/admin/rps
 *   rp <clientId>                                  GET  /v1/admin/rps/:clientId
 *   approve <clientId> [--scope S=BASIS]…          POST /v1/admin/rps/:clientId/approve   { scopes, legalBasis }
 *   reject <clientId> --reason TEXT                POST /v1/admin/rps/:clientId/reject    { reason }
 *   suspend <clientId> [--reason TEXT]             POST /v1/admin/rps/:clientId/suspend   { reason? }
 *   reinstate <clientId>                           POST /v1/admin/rps/:clientId/reinstate {}
 *
 * An approval grants `result` always; each `--scope` adds one field the RP asked for, with the
 * operator's reference to its legal basis (the platform refuses a scope without one).
 */
import { DISCLOSURE_SCOPES, RP_STATUSES } from '@wangzheng/core/rp/types';
import { AdminUsageError } from './client.ts';
import { RP_STATUS_NAMES, at, block, categoryName, json, named, shown, table } from './format.ts';
import { clientId, integer, oneOf, required, str, strs, type Call, type Sub } from './subcommand.ts';

interface RpJson {
  clientId: string;
  name: string;
  uscc: string | null;
  contactEmail: string | null;
  category: string;
  purpose: string;
  sectorIdentifier: string;
  redirectUris: string[];
  tokenEndpointAuthMethod: string;
  idTokenSigningAlg: string;
  requestedScopes: { scope: string; legalBasis: string | null }[];
  approvedScopes: { scope: string; legalBasisRef: string | null }[];
  status: string;
  statusReason: string | null;
  sandbox: boolean;
  createdAt: string;
  updatedAt: string;
}

interface RpAdminJson extends RpJson {
  sectorSharedWith: string[];
  events: { type: string; actor: string; at: string; data: Record<string, unknown> | null }[];
}

const path = (id: string, action = '') => `/v1/admin/rps/${encodeURIComponent(id)}${action ? `/${action}` : ''}`;

function scopes(list: readonly { scope: string; legalBasis?: string | null; legalBasisRef?: string | null }[]): string {
  return list.map((s) => `${shown(s.scope)}${(s.legalBasis ?? s.legalBasisRef) ? ` (${shown(s.legalBasis ?? s.legalBasisRef)})` : ''}`).join('; ') || '-';
}

/** One line after a decision: what the RP is now, and what it may learn. */
function decided(c: Call, verb: string, rp: RpJson): number {
  if (c.json) {
    json(c.io, rp);
    return 0;
  }
  c.io.out(`${verb}: ${shown(rp.clientId)} ${shown(rp.name)}`);
  block(c.io, [
    ['状态 status', named(RP_STATUS_NAMES, rp.status)],
    ['approved 批准范围', scopes(rp.approvedScopes)],
    rp.statusReason ? ['reason 理由', shown(rp.statusReason)] : undefined,
  ]);
  return 0;
}

async function list(c: Call): Promise<number> {
  const status = oneOf(str(c.values, 'status'), RP_STATUSES, '--status');
  const limit = integer(str(c.values, 'limit'), '--limit', 1, 100);
  const after = str(c.values, 'after');
  const r = await c.api().get<{ items: RpJson[]; next?: string }>('/v1/admin/rps', { status, limit, after });
  if (c.json) {
    json(c.io, r);
    return 0;
  }
  const which = status ? ` (${named(RP_STATUS_NAMES, status)})` : '';
  if (r.items.length === 0) {
    c.io.out(`no relying party 暂无依赖方${which}`);
    return 0;
  }
  c.io.out(`${r.items.length} relying part${r.items.length === 1 ? 'y' : 'ies'} 依赖方${which}`);
  table(
    c.io,
    ['client id', '状态 status', '类别 category', '申请 applied', '名称 name'],
    r.items.map((rp) => [shown(rp.clientId), named(RP_STATUS_NAMES, rp.status), categoryName(rp.category), at(rp.createdAt), `${shown(rp.name)}${rp.sandbox ? ' [sandbox]' : ''}`]),
  );
  if (r.next) c.io.err(`(more: --after ${shown(r.next)})`);
  return 0;
}

async function show(c: Call): Promise<number> {
  const id = clientId(c.args[0]!);
  const rp = await c.api().get<RpAdminJson>(path(id));
  if (c.json) {
    json(c.io, rp);
    return 0;
  }
  c.io.out(`${shown(rp.name)} (${categoryName(rp.category)})${rp.sandbox ? ' [sandbox]' : ''}`);
  block(c.io, [
    ['client id', shown(rp.clientId)],
    ['状态 status', named(RP_STATUS_NAMES, rp.status)],
    rp.statusReason ? ['reason 理由', shown(rp.statusReason)] : undefined,
    ['USCC 统一社会信用代码', shown(rp.uscc ?? '-')],
    ['contact 联系邮箱', shown(rp.contactEmail ?? '-')],
    ['purpose 用途', shown(rp.purpose)],
    ['sector 扇区', shown(rp.sectorIdentifier)],
    rp.sectorSharedWith.length > 0 ? ['same sector 同扇区', `${rp.sectorSharedWith.map(shown).join(', ')} (these see the same application identifiers)`] : undefined,
    ['redirect URIs', rp.redirectUris.map(shown).join(' ')],
    ['client auth 认证', `${shown(rp.tokenEndpointAuthMethod)}; id_token ${shown(rp.idTokenSigningAlg)}`],
    ['requested 申请范围', scopes(rp.requestedScopes)],
    ['approved 批准范围', scopes(rp.approvedScopes)],
    ['applied 申请时间', at(rp.createdAt)],
    ['updated 更新时间', at(rp.updatedAt)],
  ]);
  if (rp.events.length > 0) {
    c.io.out('history 记录');
    for (const e of rp.events) c.io.out(`  ${at(e.at)}  ${shown(e.actor)}  ${shown(e.type)}${e.data ? `  ${shown(JSON.stringify(e.data))}` : ''}`);
  }
  return 0;
}

/** `--scope masked_name=反洗钱法 第二十九条` → the scope and its legal-basis reference. */
function parseScopes(given: readonly string[]): { scopes: string[]; legalBasis: Record<string, string> } {
  const scopes: string[] = [];
  const legalBasis: Record<string, string> = {};
  for (const g of given) {
    const eq = g.indexOf('=');
    const scope = (eq < 0 ? g : g.slice(0, eq)).trim();
    const basis = eq < 0 ? '' : g.slice(eq + 1).trim();
    if (!(DISCLOSURE_SCOPES as readonly string[]).includes(scope)) throw new AdminUsageError(`--scope: unknown scope '${shown(scope)}'; the scopes are ${DISCLOSURE_SCOPES.join(', ')}`, true);
    if (scopes.includes(scope)) throw new AdminUsageError(`--scope ${scope} given twice`);
    scopes.push(scope);
    if (basis) legalBasis[scope] = basis;
  }
  return { scopes, legalBasis };
}

async function approve(c: Call): Promise<number> {
  const id = clientId(c.args[0]!);
  const { scopes: s, legalBasis } = parseScopes(strs(c.values, 'scope'));
  const body = { scopes: s, ...(Object.keys(legalBasis).length > 0 ? { legalBasis } : {}) };
  return decided(c, '已批准 approved', await c.api().post<RpJson>(path(id, 'approve'), body));
}

async function reject(c: Call): Promise<number> {
  const id = clientId(c.args[0]!);
  const reason = required(c.values, 'reason');
  return decided(c, '已拒绝 rejected', await c.api().post<RpJson>(path(id, 'reject'), { reason }));
}

async function suspend(c: Call): Promise<number> {
  const id = clientId(c.args[0]!);
  const reason = str(c.values, 'reason');
  return decided(c, '已暂停 suspended', await c.api().post<RpJson>(path(id, 'suspend'), reason === undefined ? {} : { reason }));
}

async function reinstate(c: Call): Promise<number> {
  const id = clientId(c.args[0]!);
  return decided(c, '已恢复 reinstated', await c.api().post<RpJson>(path(id, 'reinstate')));
}

export const RP_SUBCOMMANDS: Record<string, Sub> = {
  rps: {
    usage: `rps [--status ${RP_STATUSES.join('|')}] [--limit N] [--after CURSOR]`,
    summary: 'relying parties, oldest first (--status pending: the review queue)',
    options: { status: { type: 'string' }, limit: { type: 'string' }, after: { type: 'string' } },
    run: list,
  },
  rp: { usage: 'rp <clientId>', summary: 'one relying party: its application, scopes, RPs sharing its sector, its history', args: ['clientId'], run: show },
  approve: {
    usage: 'approve <clientId> [--scope SCOPE=LEGAL_BASIS]…',
    summary: 'approve an application; each --scope grants one requested field with its legal basis (none: result only)',
    options: { scope: { type: 'string', multiple: true } },
    args: ['clientId'],
    run: approve,
  },
  reject: { usage: 'reject <clientId> --reason TEXT', summary: 'reject an application', options: { reason: { type: 'string' } }, args: ['clientId'], run: reject },
  suspend: { usage: 'suspend <clientId> [--reason TEXT]', summary: 'suspend an approved relying party: it can verify nobody', options: { reason: { type: 'string' } }, args: ['clientId'], run: suspend },
  reinstate: { usage: 'reinstate <clientId>', summary: 'lift a suspension', args: ['clientId'], run: reinstate },
};
