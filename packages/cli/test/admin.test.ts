// `wangzheng admin …`: the operators' command line against a real platform and registry
// simulator (in-process, port 0, SQLite, four eyes on) — docs/admin.md. The operator token comes
// from the development secrets file without any flag (or --as, --token-file, WZ_ADMIN_TOKEN);
// exit codes 0 done / 1 refused with the platform's exact code, or unreachable / 2 bad input;
// --json is the platform's JSON; no token ever reaches stdout or stderr.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminCommand } from '../src/commands/admin.ts';
import type { Started } from '../src/commands/start.ts';
import { registryAdults, startTestSystem } from './support/system.ts';
import { main } from '../src/main.ts';
import { walletRunner } from './support/wallet-runner.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'wz-admin-cli-'));
const env = { WZ_DATA_DIR: dir };
const PASS = '48273915';
const WALLET = path.join(dir, 'alice');
const WRONG_TOKEN = randomBytes(32).toString('base64url');
let sys: Started;
let person: { documentType: string; documentNumber: string; name: string };
let netid: string;
let clientId: string;
/** Every run's output, checked at the end for tokens. */
const transcript: string[] = [];

interface Run {
  code: number;
  out: string;
  err: string;
}

async function admin(args: string[], extraEnv: Record<string, string> = {}): Promise<Run> {
  let out = '';
  let err = '';
  const code = await adminCommand([...args, ...(args.includes('--url') ? [] : ['--url', sys.platformUrl])], { out: (s) => (out += `${s}\n`), err: (s) => (err += `${s}\n`) }, { ...env, ...extraEnv });
  transcript.push(out, err);
  return { code, out, err };
}

/** The tokens `npm start` wrote to <dataDir>/dev-secrets.json, by operator id. */
function devTokens(): Map<string, string> {
  const field = (JSON.parse(readFileSync(path.join(dir, 'dev-secrets.json'), 'utf8')) as { adminTokens: string }).adminTokens;
  return new Map(field.split(',').map((e) => [e.slice(0, e.indexOf(':')), e.slice(e.indexOf(':') + 1)] as [string, string]));
}

beforeAll(async () => {
  sys = await startTestSystem(dir, { 'lifecycle.fourEyes': 'on' });
  person = registryAdults(sys, 1)[0]! as typeof person;
  const wallet = walletRunner(env);
  const mine = ['--passphrase', PASS, '--wallet', WALLET, '--platform', sys.platformUrl];
  const enrolled = await wallet(['enroll', '--document-type', person.documentType, '--document-number', person.documentNumber, '--phone', '13900007102', '--yes', '--registry', sys.registryUrl, ...mine]);
  expect(enrolled.code).toBe(0);
  netid = JSON.parse((await wallet(['status', '--json', ...mine])).out).netid;
  const res = await fetch(`${sys.platformUrl}/v1/rp/applications`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      name: '示例银行 运维',
      uscc: '91110000802100433B',
      contactEmail: 'identity@example.cn',
      category: 'bank',
      purpose: '开户时核验您的身份',
      redirectUris: ['https://bank.example.cn/cb'],
      tokenEndpointAuthMethod: 'client_secret_basic',
      scopes: { masked_name: '客户身份识别' },
    }),
  });
  expect(res.status).toBe(201);
  clientId = ((await res.json()) as { clientId: string }).clientId;
});

afterAll(async () => {
  await sys?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('relying-party review (rp_reviewer): an application through the queue', () => {
  it('rps --status pending lists the application; the token comes from dev-secrets.json without any flag, the operator named on stderr', async () => {
    const r = await admin(['rps', '--status', 'pending']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^1 relying party 依赖方 \(待审核 pending\)$/m);
    expect(r.out).toMatch(new RegExp(`^${clientId}\\s+待审核 pending\\s+银行 bank\\s+.*示例银行 运维$`, 'm'));
    expect(r.err).toMatch(/^操作员 operator: dev-admin-1 — token from .*dev-secrets\.json \(development\)/m);
  });

  it('approve --scope masked_name=<legal basis> → approved; rp shows it with the legal basis and the history; --json is the RP record', async () => {
    const a = await admin(['approve', clientId, '--scope', 'masked_name=反洗钱法 第二十九条']);
    expect([a.code, a.err.includes('[')]).toEqual([0, false]);
    expect(a.out).toMatch(new RegExp(`^已批准 approved: ${clientId} 示例银行 运维\\n {2}状态 status +已批准 approved\\n {2}approved 批准范围 {2}result; masked_name \\(反洗钱法 第二十九条\\)\\n$`));
    const r = await admin(['rp', clientId]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/状态 status\s+已批准 approved/);
    expect(r.out).toMatch(/approved 批准范围\s+result; masked_name \(反洗钱法 第二十九条\)/);
    expect(r.out).toMatch(/admin:dev-admin-1 {2}rp\.approved/);
    const j = JSON.parse((await admin(['rp', clientId, '--json'])).out);
    expect([j.clientId, j.status]).toEqual([clientId, 'approved']);
    expect((await admin(['rps', '--status', 'pending'])).out).toContain('no relying party 暂无依赖方');
  });

  it('approving twice → the platform’s refusal as `message [code]`, exit 1; suspend with a reason, reinstate', async () => {
    const again = await admin(['approve', clientId]);
    expect(again.code).toBe(1);
    expect(again.err).toMatch(/^wangzheng admin approve: .+ \[[a-z_]+\]$/m);
    const s = await admin(['suspend', clientId, '--reason', '核查中']);
    expect([s.code, s.out.includes('已暂停 suspended')]).toEqual([0, true]);
    expect(s.out).toMatch(/reason 理由\s+核查中/);
    expect((await admin(['reinstate', clientId])).out).toContain('已恢复 reinstated');
  });
});

describe('bans (operator), four eyes', () => {
  let banId: string;

  it('ban <网号> --reason fraud --legal-ref → requested; the same operator cannot approve it (four_eyes_required, exit 1)', async () => {
    const b = await admin(['ban', netid, '--reason', 'fraud', '--legal-ref', '公安机关协查函 2026-001']);
    expect(b.code).toBe(0);
    expect(b.out).toMatch(/^封禁待批准 ban requested — a second operator approves it: wangzheng admin approve-ban [0-9a-f-]{36}/m);
    banId = JSON.parse((await admin(['bans', '--state', 'requested', '--json'])).out).items[0].id;
    const l = await admin(['bans', '--state', 'requested']);
    expect(l.out).toMatch(new RegExp(`^${banId}\\s+待批准 requested\\s+欺诈 fraud\\s+admin:dev-admin-1\\s+-`, 'm'));
    const self = await admin(['approve-ban', banId]);
    expect(self.code).toBe(1);
    expect(self.err).toMatch(/\[four_eyes_required\]$/m);
  });

  it('--as dev-admin-2 acts as the second operator: approve-ban → active; unban and approve-unban → lifted', async () => {
    const a = await admin(['approve-ban', banId, '--as', 'dev-admin-2']);
    expect(a.code).toBe(0);
    expect(a.err).toMatch(/^操作员 operator: dev-admin-2 /m);
    expect(a.out).toMatch(/^已封禁 banned/m);
    expect(a.out).toMatch(/requested 申请\s+admin:dev-admin-1, approved 批准 admin:dev-admin-2/);
    const u = await admin(['unban', netid, '--legal-ref', '撤销协查 2026-002']);
    expect([u.code, JSON.parse((await admin(['bans', '--json'])).out).items[0].state]).toEqual([0, 'unban_requested']);
    const lifted = await admin(['approve-unban', banId, '--as', 'dev-admin-2']);
    expect([lifted.code, lifted.out.split('\n')[0]]).toEqual([0, '已解封 unbanned — the suspended 网证 are valid again']);
  });

  it('bad input is exit 2 with the usage, before any token is looked up', async () => {
    const noReason = await admin(['ban', netid, '--legal-ref', 'x 1']);
    expect(noReason.code).toBe(2);
    expect(noReason.err).toMatch(/missing --reason\nusage: wangzheng admin ban <网号> --reason fraud\|identity_theft\|court_order\|other_legal/);
    expect(noReason.err).not.toContain('操作员 operator');
    expect((await admin(['ban', netid, '--reason', 'dislike', '--legal-ref', 'x 1'])).code).toBe(2);
    expect((await admin(['ban', 'ABCDEFGHIJ', '--reason', 'fraud', '--legal-ref', 'x 1'])).code).toBe(2);
    expect((await admin(['approve-ban', 'not-a-uuid'])).code).toBe(2);
    expect((await admin(['rp'])).code).toBe(2);
    expect((await admin(['rp', 'bank'])).code).toBe(2);
    expect((await admin(['frobnicate'])).code).toBe(2);
    expect((await admin(['rps', '--bogus'])).code).toBe(2);
  });
});

describe('audit (auditor) and Shared Signals (operator)', () => {
  it('audit verify → exit 0 on the intact trail; --json carries ok: true', async () => {
    const v = await admin(['audit', 'verify']);
    expect(v.code).toBe(0);
    expect(v.out).toMatch(/^审计日志 audit trail: \d+ entries checked \(head seq \d+\)/m);
    expect(v.out).toMatch(/^完整 OK: /m);
    expect(JSON.parse((await admin(['audit', 'verify', '--json'])).out)).toEqual(expect.objectContaining({ ok: true, findings: [] }));
  });

  it('audit search --action netid.banned shows the second operator; an unknown action is exit 2', async () => {
    const s = await admin(['audit', 'search', '--action', 'netid.banned', '--limit', '5']);
    expect(s.code).toBe(0);
    expect(s.out).toMatch(/^\d+\s+\S+ \S+\s+admin:dev-admin-2\s+netid\.banned\s/m);
    expect(JSON.parse((await admin(['audit', 'search', '--json'])).out).items.length).toBeGreaterThan(3);
    expect((await admin(['audit', 'search', '--action', 'rp.frobnicated'])).code).toBe(2);
  });

  it('streams: exit 0, no stream yet', async () => {
    const s = await admin(['streams']);
    expect([s.code, s.out]).toEqual([0, 'no relying party has a Shared Signals stream 暂无事件流\n']);
    expect(JSON.parse((await admin(['streams', '--json'])).out)).toEqual({ items: [] });
  });
});

describe('identity disclosure (liaison), four eyes', () => {
  it('disclose → requested; approve-disclosure by a second liaison; the requester reads the identity and log, nobody else', async () => {
    const d = await admin(['disclose', '--netid', netid, '--case-ref', '（2026）京公刑协字第 17 号']);
    expect(d.code).toBe(0);
    expect(d.out).toMatch(/^身份查询待批准 disclosure requested/m);
    const id = JSON.parse((await admin(['disclosures', '--state', 'requested', '--json'])).out).items[0].id as string;
    expect((await admin(['disclosure', id])).err).toMatch(/\[disclosure_not_approved\]$/m);
    expect((await admin(['approve-disclosure', id])).err).toMatch(/\[four_eyes_required\]$/m);
    expect((await admin(['approve-disclosure', id, '--as', 'dev-admin-2'])).code).toBe(0);
    const r = await admin(['disclosure', id]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(new RegExp(`姓名 name\\s+${person.name}`));
    expect(r.out).toContain(`网号 netid`);
    expect(r.out).toMatch(/^认证记录 authentication log: \d+ entr/m);
    expect(r.err).toContain('this reading is in the audit trail');
    expect((await admin(['disclosure', id, '--as', 'dev-admin-2'])).err).toMatch(/\[forbidden\]$/m);
    expect((await admin(['disclose', '--case-ref', 'x 1'])).code).toBe(2);
  });
});

describe('web console operators (operator): grant by 网号, list, revoke', () => {
  let appId: string;

  it('console-grant <网号> --roles operator+auditor → granted to the console application identifier; the 网号 is not printed back', async () => {
    const g = await admin(['console-grant', netid, '--roles', 'operator+auditor']);
    expect(g.code).toBe(0);
    const m = /^已授权 granted: console:(A[2-9A-HJKMNP-Z]{25}) — they sign in at \/console\/ with their 网证 \(网证\+口令\+人脸\)$/m.exec(g.out);
    expect(m).not.toBeNull();
    appId = m![1]!;
    expect(g.out).toMatch(/roles 角色\s+operator, auditor/);
    expect(g.out).toMatch(/granted by 授权人\s+admin:dev-admin-1/);
    expect(g.out + g.err).not.toContain(netid);
    // The same person again: the same identifier, the roles replaced.
    const again = JSON.parse((await admin(['console-grant', netid, '--roles', 'rp_reviewer', '--json'])).out);
    expect([again.appId, again.roles]).toEqual([appId, ['rp_reviewer']]);
  });

  it('console-operators lists the grant; --json is the platform’s answer', async () => {
    const l = await admin(['console-operators']);
    expect(l.code).toBe(0);
    expect(l.out).toMatch(new RegExp(`^${appId}\\s+rp_reviewer\\s+admin:dev-admin-1\\s`, 'm'));
    expect(JSON.parse((await admin(['console-operators', '--json'])).out).items).toEqual([expect.objectContaining({ id: `console:${appId}`, appId, roles: ['rp_reviewer'] })]);
  });

  it('console-revoke <appId> → revoked at once; a second time the platform refuses (not_found, exit 1); bad input is exit 2', async () => {
    const r = await admin(['console-revoke', appId]);
    expect([r.code, r.out]).toEqual([0, `已撤销 revoked: console:${appId} — their next console request has no role\n`]);
    expect((await admin(['console-operators'])).out).toBe('no console operator 暂无控制台操作员\n');
    const again = await admin(['console-revoke', appId]);
    expect(again.code).toBe(1);
    expect(again.err).toMatch(/\[not_found\]$/m);
    expect((await admin(['console-grant', netid, '--roles', 'operator+root'])).code).toBe(2);
    expect((await admin(['console-grant', netid])).err).toMatch(/missing --roles\nusage: wangzheng admin console-grant <网号> --roles operator\+rp_reviewer\+auditor\+liaison/);
    expect((await admin(['console-grant', 'ABCDEFGHIJ', '--roles', 'operator'])).code).toBe(2);
    expect((await admin(['console-revoke', 'rp_x'])).code).toBe(2);
  });

  it('the audit trail has the grant and the revocation by the acting operator', async () => {
    const s = await admin(['audit', 'search', '--action', 'console.roles_revoked']);
    expect(s.out).toMatch(new RegExp(`admin:dev-admin-1\\s+console\\.roles_revoked\\s+${appId}`));
  });
});

describe('the operator token', () => {
  it('a wrong WZ_ADMIN_TOKEN → exit 1 with invalid_token', async () => {
    const r = await admin(['rps'], { WZ_ADMIN_TOKEN: WRONG_TOKEN });
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^wangzheng admin rps: .+ \[invalid_token\]$/m);
    expect(r.err).toMatch(/operator: \(token without an id\) — token from WZ_ADMIN_TOKEN/);
  });

  it('--token-file holding an id:token entry names the operator; --as with a token file is a usage error', async () => {
    const file = path.join(dir, 'operator-token');
    writeFileSync(file, `dev-admin-2:${devTokens().get('dev-admin-2')}\n`, { mode: 0o600 });
    const r = await admin(['bans', '--token-file', file]);
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/^操作员 operator: dev-admin-2 — token from .*operator-token;/m);
    expect((await admin(['bans', '--token-file', file, '--as', 'dev-admin-1'])).code).toBe(2);
    expect((await admin(['bans', '--as', 'dev-admin-9'])).err).toMatch(/no operator 'dev-admin-9' in .*; the operators there are dev-admin-1, dev-admin-2/);
    expect((await admin(['bans', '--token-file', path.join(dir, 'missing')])).code).toBe(2);
  });

  it('without a token in production mode → exit 2 naming the ways to give one', async () => {
    const r = await admin(['bans'], { WZ_MODE: 'production' });
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/no operator token: pass --token-file FILE or set WZ_ADMIN_TOKEN/);
  });

  it('an unreachable platform → exit 1, platform_unreachable, and how to start it', async () => {
    const r = await admin(['rps', '--url', 'http://127.0.0.1:1']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/cannot reach the platform at http:\/\/127\.0\.0\.1:1: is it running\? Start it with `npm start`.* \[platform_unreachable\]$/m);
  });

  it('is registered in `wangzheng` and has a usage', async () => {
    let out = '';
    expect(await main(['help'], { out: (s) => (out += s), err: () => {} })).toBe(0);
    expect(out).toMatch(/^ {2}admin\s+the operators’ command line/m);
    const u = await admin(['--help']);
    for (const sub of ['rps', 'approve', 'ban', 'approve-unban', 'audit verify', 'disclose', 'streams', 'console-grant', 'console-operators', 'console-revoke']) expect(u.out).toMatch(new RegExp(`^  ${sub}\\s`, 'm'));
  });

  it('no token ever appears on stdout or stderr', () => {
    const all = transcript.join('');
    expect(all.length).toBeGreaterThan(1000);
    for (const t of [...devTokens().values(), WRONG_TOKEN]) expect(all).not.toContain(t);
  });
});
