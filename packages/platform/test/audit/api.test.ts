// The audit trail in the running platform, on SQLite and PostgreSQL: every RP decision by an
// operator is one `rp.*` entry written in the decision's own transaction (none if it fails);
// free text never enters the trail, only its digest; the operator endpoints answer only to an
// operator token (RFC 6750: 401 with a Bearer challenge otherwise) and never cache; verify over
// HTTP reports tampering done by raw SQL; checkpoints come on the timer and at close.
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { AuditEntry } from '@wangzheng/core/audit/index';
import { WzError } from '@wangzheng/core/errors';
import { loadConfig } from '../../src/config.ts';
import { RelyingPartyService } from '../../src/rp/index.ts';
import { resolveSecrets } from '../../src/secrets.ts';
import { createPlatform } from '../../src/server/platform.ts';
import { describeEachEngine } from '../support/engines.ts';
import { application, startRegistry, startRpPlatform, type RpHarness, type SharedRegistry } from '../rp/harness.ts';
import { rawSql, summary } from './support.ts';

let reg: SharedRegistry;
beforeAll(async () => {
  reg = await startRegistry(20, 'audit-api');
});
afterAll(async () => reg?.close());

type Json = Record<string, unknown> & { error?: string; items?: AuditEntry[]; next?: string };

describeEachEngine('audit trail in the platform', (engine) => {
  let h: RpHarness;
  let actor: string;
  beforeAll(async () => {
    h = await startRpPlatform(engine, reg);
    actor = `admin:${h.secrets.admin[0].id}`;
  });
  afterAll(async () => h?.close());

  const admin = (method: 'GET' | 'POST', url: string, body?: unknown, authorization = h.adminAuth) =>
    h.request<Json>(method, url, { ...(body !== undefined ? { body } : {}), headers: { authorization } });

  async function applied(): Promise<string> {
    const r = await h.request<{ clientId: string }>('POST', '/v1/rp/applications', { body: application() });
    expect(r.status).toBe(201);
    return r.body.clientId;
  }
  const entriesAbout = async (clientId: string) => (await admin('GET', `/v1/admin/audit?subject=${clientId}`)).body.items as AuditEntry[];

  it('RFC 6750: no token → 401 unauthenticated with a Bearer challenge; a wrong one → 401 invalid_token; never cached', async () => {
    for (const url of ['/v1/admin/audit', '/v1/admin/audit/verify', '/v1/admin/audit/checkpoints']) {
      const none = await h.request<Json>('GET', url);
      expect([none.status, none.body.error, none.headers['www-authenticate']], url).toEqual([401, 'unauthenticated', 'Bearer realm="wangzheng-admin"']);
      expect(none.headers['cache-control']).toBe('no-store');
      const wrong = await admin('GET', url, undefined, `Bearer ${Buffer.alloc(32, 7).toString('base64url')}`);
      expect([wrong.status, wrong.body.error], url).toEqual([401, 'invalid_token']);
      expect(wrong.headers['www-authenticate']).toMatch(/^Bearer realm="wangzheng-admin", error="invalid_token"/);
      const ok = await admin('GET', url);
      expect([ok.status, ok.headers['cache-control']]).toEqual([200, 'no-store']);
    }
  });

  it('approve → exactly one rp.approved entry: the operator’s actor id, the RP’s client id, the scope codes', async () => {
    const clientId = await applied();
    expect((await admin('POST', `/v1/admin/rps/${clientId}/approve`, { scopes: [] })).status).toBe(200);
    const entries = await entriesAbout(clientId);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ actor, action: 'rp.approved', subject: clientId, data: { scopes: ['result'] } });
    expect(Object.keys(entries[0]!.data).sort()).toEqual(['details', 'scopes']);
  });

  it('reject, suspend, reinstate: one entry each; the operator’s free text only as a digest that binds the RP’s history', async () => {
    const a = await applied();
    const reason = '联系人张三（13800138000）所述机构与统一社会信用代码不符';
    expect((await admin('POST', `/v1/admin/rps/${a}/reject`, { reason })).status).toBe(200);
    const b = await applied();
    await admin('POST', `/v1/admin/rps/${b}/approve`, { scopes: [] });
    await admin('POST', `/v1/admin/rps/${b}/suspend`, { reason });
    await admin('POST', `/v1/admin/rps/${b}/reinstate`, {});
    expect((await entriesAbout(a)).map((e) => e.action)).toEqual(['rp.rejected']);
    const bs = await entriesAbout(b);
    expect(bs.map((e) => e.action)).toEqual(['rp.approved', 'rp.suspended', 'rp.reinstated']);
    expect(bs[2]!.data).toEqual({});
    const everything = JSON.stringify((await admin('GET', '/v1/admin/audit?limit=1000')).body);
    for (const leak of ['张三', '13800138000', '统一社会信用代码']) expect(everything).not.toContain(leak);
    const rejected = (await entriesAbout(a))[0]!;
    expect(rejected.data).toEqual({ details: h.platform.audit.digest({ reason }) });
  });

  it('the entry is in the decision’s transaction: a failure after it keeps neither; a race of two approvals keeps one', async () => {
    const clientId = await applied();
    const before = (await h.platform.deps.store.audit.head())?.seq;
    const trail = h.platform.audit;
    const failing = new RelyingPartyService({
      store: h.platform.deps.store,
      mode: 'development',
      defaultIdTokenAlg: 'SM2',
      audit: {
        record: async (tx, r) => {
          await trail.record(tx, r);
          throw new WzError('store_unavailable', 'the database went away after the entry was written');
        },
        enqueue: (tx, r) => trail.enqueue(tx, r),
        queued: (r) => trail.queued(r),
        digest: (v) => trail.digest(v),
      },
      now: Date.now,
    });
    await expect(failing.approve(clientId, actor, { scopes: [] })).rejects.toMatchObject({ code: 'store_unavailable' });
    expect((await h.platform.rp.service.get(clientId)).status).toBe('pending');
    expect(await entriesAbout(clientId)).toEqual([]);
    expect((await h.platform.deps.store.audit.head())?.seq).toBe(before);

    const both = await Promise.all([admin('POST', `/v1/admin/rps/${clientId}/approve`, { scopes: [] }), admin('POST', `/v1/admin/rps/${clientId}/approve`, { scopes: [] })]);
    expect(both.map((r) => r.status).sort()).toEqual([200, 409]);
    expect((await entriesAbout(clientId)).map((e) => e.action)).toEqual(['rp.approved']);
  });

  it('GET /v1/admin/audit: filters, keyset pages in seq order, a bad query → 400 invalid_request', async () => {
    const all = (await admin('GET', '/v1/admin/audit?limit=1000')).body.items!;
    expect(all.map((e) => e.seq)).toEqual(all.map((_, i) => i + 1));
    const p1 = await admin('GET', '/v1/admin/audit?action=rp.approved&limit=2');
    expect(p1.body.items!.every((e) => e.action === 'rp.approved')).toBe(true);
    const p2 = await admin('GET', `/v1/admin/audit?action=rp.approved&limit=2&after=${p1.body.next!}`);
    expect(p2.body.items![0]!.seq).toBeGreaterThan(p1.body.items![1]!.seq);
    const at = all[1]!.at;
    const byTime = await admin('GET', `/v1/admin/audit?from=${new Date(at).toISOString()}&to=${at + 1}&actor=${actor}`);
    expect(byTime.body.items!.map((e) => e.seq)).toEqual(all.filter((e) => e.at === at).map((e) => e.seq));
    for (const q of ['action=rp.deleted', 'limit=0', 'limit=1001', 'after=-1', 'from=yesterday', 'unknown=1']) {
      const r = await admin('GET', `/v1/admin/audit?${q}`);
      expect([r.status, r.body.error], q).toEqual([400, 'invalid_request']);
    }
  });

  it('GET /v1/admin/audit/checkpoints exports them; GET /v1/admin/audit/verify: ok on the intact trail, after a raw UPDATE entry_changed at that seq', async () => {
    const c = await h.platform.audit.checkpoint();
    const exported = await admin('GET', '/v1/admin/audit/checkpoints');
    expect((exported.body.items as unknown as { seq: number }[]).map((x) => x.seq)).toEqual([c!.seq]);
    const ok = await admin('GET', '/v1/admin/audit/verify');
    expect(ok.body).toMatchObject({ ok: true, findings: [], checkpoints: 1 });
    expect(ok.body.checked).toBe((ok.body.head as { seq: number }).seq);
    await rawSql(h.storeConfig, ["update audit_entries set actor = 'admin:nobody' where seq = 2"]);
    const bad = await admin('GET', '/v1/admin/audit/verify');
    expect([bad.status, bad.body.ok, summary(bad.body as never)]).toEqual([200, false, ['entry_changed@2']]);
  });
});

describeEachEngine('audit checkpoints on the timer and at close', (engine) => {
  it('WZ_AUDIT_CHECKPOINT_SECONDS=1: a checkpoint within the interval, and the last one at close', async () => {
    const config = loadConfig({ WZ_AUDIT_CHECKPOINT_SECONDS: '1' }, { dataDir: reg.dir, 'registry.url': reg.url, 'http.port': 0 });
    expect(config.audit.checkpointSeconds).toBe(1);
    const storeConfig = await engine.freshConfig();
    const store = await engine.open(storeConfig);
    const logger = pino({ level: 'silent' }, new Writable({ write: (_c, _e, cb) => cb() }));
    const platform = await createPlatform({ config, secrets: resolveSecrets(config), logger, store });
    const record = () => store.transaction((tx) => platform.audit.record(tx, { actor: 'system', action: 'verification.completed' }));
    await record();
    const deadline = Date.now() + 10_000;
    while ((await store.reader.audit.listCheckpoints()).length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect((await store.reader.audit.listCheckpoints()).map((c) => c.seq)).toEqual([1]);
    await record();
    await platform.close();
    const reopened = await engine.open(storeConfig);
    expect((await reopened.reader.audit.listCheckpoints()).map((c) => c.seq)).toEqual([1, 2]);
  });
});
