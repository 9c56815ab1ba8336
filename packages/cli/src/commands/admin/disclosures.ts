/**
 * Identity disclosure to law enforcement (`liaison` role only), over
 * packages/platform/src/admin/disclosure-routes.ts:
 *
 *   disclose --netid N --case-ref TEXT                       POST /v1/admin/disclosures { netid, caseRef }
 *   disclose --client-id C --app-id A --case-ref TEXT        POST /v1/admin/disclosures { clientId, appId, caseRef }
 *   disclosures [--state S] [--limit N]                      GET  /v1/admin/disclosures?state=&limit=
 *   approve-disclosure <id> / reject-disclosure <id>         POST /v1/admin/disclosures/:id/approve|reject
 *   disclosure <id>                                          GET  /v1/admin/disclosures/:id/identity
 *
 * `disclosure <id>` prints a person's identity and authentication log: it is the one command
 * here whose output is personal data, for the liaison who asked, once a second liaison approved,
 * and every reading is in the audit trail. Nothing else prints the person's data; the 网号 or
 * application identifier given to `disclose` is never printed back.
 */
import { isAppId, isValidNetid } from '@wangzheng/core/identifiers/index';
import type { HistoryEntry } from '@wangzheng/core/person/views';
import { DISCLOSURE_STATES } from '@wangzheng/platform/store/disclosures/types';
import { AdminUsageError } from './client.ts';
import { DISCLOSURE_STATE_NAMES, OUTCOME_NAMES, SEX_NAMES, at, block, eventName, json, modeName, named, shown, table } from './format.ts';
import { clientId, integer, oneOf, required, requestId, str, type Call, type Sub } from './subcommand.ts';

interface DisclosureJson {
  id: string;
  state: string;
  namedBy: 'netid' | 'app_id';
  caseRef: string;
  requestedBy: string;
  approvedBy: string | null;
  expiresAt: string | null;
  createdAt: string;
}

interface IdentityJson {
  disclosure: DisclosureJson;
  identity: {
    netid: string;
    name: string;
    nameLatin?: string;
    sex: string;
    birthDate: string;
    nationality: string;
    documents: { type: string; number: string }[];
  };
  authenticationLog: HistoryEntry[];
}

const NAMED_BY: Record<string, string> = { netid: '网号 netid', app_id: '应用标识 app id' };

function printRequest(c: Call, d: DisclosureJson): number {
  if (c.json) {
    json(c.io, d);
    return 0;
  }
  const id = shown(d.id);
  const next: Record<string, string> = {
    requested: `身份查询待批准 disclosure requested — a second liaison approves it: wangzheng admin approve-disclosure ${id}`,
    approved: `已批准 approved — the liaison who asked reads it (until ${at(d.expiresAt)}): wangzheng admin disclosure ${id}`,
    rejected: '已拒绝 rejected — nothing will be disclosed',
  };
  c.io.out(next[d.state] ?? named(DISCLOSURE_STATE_NAMES, d.state));
  block(c.io, [
    ['id 编号', id],
    ['case 案件编号', shown(d.caseRef)],
    ['named by 依据', named(NAMED_BY, d.namedBy)],
    ['requested 申请', shown(d.requestedBy)],
    d.approvedBy ? ['decided 决定', shown(d.approvedBy)] : undefined,
  ]);
  return 0;
}

async function disclose(c: Call): Promise<number> {
  const caseRef = required(c.values, 'case-ref');
  const netid = str(c.values, 'netid');
  const rp = str(c.values, 'client-id');
  const appId = str(c.values, 'app-id');
  let subject: Record<string, string>;
  if (netid !== undefined && rp === undefined && appId === undefined) {
    if (!isValidNetid(netid)) throw new AdminUsageError('--netid: this is not a valid 网号');
    subject = { netid };
  } else if (netid === undefined && rp !== undefined && appId !== undefined) {
    if (!isAppId(appId)) throw new AdminUsageError('--app-id: this is not an application identifier');
    subject = { clientId: clientId(rp), appId };
  } else {
    throw new AdminUsageError('name the person either by --netid, or by --client-id and --app-id (the identifier that relying party knows them by)', true);
  }
  return printRequest(c, await c.api().post<DisclosureJson>('/v1/admin/disclosures', { ...subject, caseRef }));
}

async function list(c: Call): Promise<number> {
  const state = oneOf(str(c.values, 'state'), DISCLOSURE_STATES, '--state');
  const limit = integer(str(c.values, 'limit'), '--limit', 1, 500);
  const r = await c.api().get<{ items: DisclosureJson[] }>('/v1/admin/disclosures', { state, limit });
  if (c.json) {
    json(c.io, r);
    return 0;
  }
  if (r.items.length === 0) {
    c.io.out('no disclosure request 暂无身份查询');
    return 0;
  }
  table(
    c.io,
    ['id', '状态 state', '依据 named by', '申请 requested', '决定 decided', '时间 created', '可读至 until', '案件编号 case'],
    r.items.map((d) => [shown(d.id), named(DISCLOSURE_STATE_NAMES, d.state), named(NAMED_BY, d.namedBy), shown(d.requestedBy), shown(d.approvedBy ?? '-'), at(d.createdAt), at(d.expiresAt), shown(d.caseRef)]),
  );
  return 0;
}

const decide = (action: 'approve' | 'reject') => async (c: Call) => printRequest(c, await c.api().post<DisclosureJson>(`/v1/admin/disclosures/${requestId(c.args[0]!, 'disclosures')}/${action}`));

function logLine(e: HistoryEntry): string {
  if (e.type === 'event') return `  ${at(e.at)}  ${eventName(e.kind)}`;
  const failure = e.failure ? ` (${shown(e.failure)})` : '';
  return `  ${at(e.at)}  ${named(OUTCOME_NAMES, e.outcome)}${failure}  ${shown(e.rp.name)} ${shown(e.rp.clientId)}  ${modeName(e.mode)}  asked ${e.scopes.map(shown).join(', ')}`;
}

async function read(c: Call): Promise<number> {
  const id = requestId(c.args[0]!, 'disclosures');
  const r = await c.api().get<IdentityJson>(`/v1/admin/disclosures/${id}/identity`);
  c.io.err('note: personal data disclosed for a case; this reading is in the audit trail — keep it with the case file only');
  if (c.json) {
    json(c.io, r);
    return 0;
  }
  const d = r.disclosure;
  const p = r.identity;
  c.io.out(`身份信息 identity — case ${shown(d.caseRef)}, disclosure ${shown(d.id)}, approved by ${shown(d.approvedBy ?? '-')}, readable until ${at(d.expiresAt)}`);
  block(c.io, [
    ['网号 netid', shown(p.netid)],
    ['姓名 name', shown(p.name)],
    p.nameLatin ? ['name (Latin)', shown(p.nameLatin)] : undefined,
    ['性别 sex', named(SEX_NAMES, p.sex)],
    ['出生日期 birth date', shown(p.birthDate)],
    ['国籍 nationality', shown(p.nationality)],
    ...p.documents.map((doc): readonly [string, string] => ['证件 document', `${shown(doc.type)} ${shown(doc.number)}`]),
  ]);
  c.io.out(`认证记录 authentication log: ${r.authenticationLog.length} entr${r.authenticationLog.length === 1 ? 'y' : 'ies'}, newest first`);
  for (const e of r.authenticationLog) c.io.out(logLine(e));
  return 0;
}

export const DISCLOSURE_SUBCOMMANDS: Record<string, Sub> = {
  disclose: {
    usage: 'disclose (--netid 网号 | --client-id C --app-id A) --case-ref TEXT',
    summary: 'ask who is behind a 网号 or an application identifier, citing the case (a second liaison approves)',
    options: { netid: { type: 'string' }, 'client-id': { type: 'string' }, 'app-id': { type: 'string' }, 'case-ref': { type: 'string' } },
    run: disclose,
  },
  disclosures: {
    usage: `disclosures [--state ${DISCLOSURE_STATES.join('|')}] [--limit N]`,
    summary: 'the disclosure requests, newest first',
    options: { state: { type: 'string' }, limit: { type: 'string' } },
    run: list,
  },
  'approve-disclosure': { usage: 'approve-disclosure <id>', summary: 'as the second liaison, approve a disclosure request', args: ['id'], run: decide('approve') },
  'reject-disclosure': { usage: 'reject-disclosure <id>', summary: 'as the second liaison, refuse a disclosure request', args: ['id'], run: decide('reject') },
  disclosure: { usage: 'disclosure <id>', summary: 'as the liaison who asked, read the approved identity and authentication log', args: ['id'], run: read },
};
