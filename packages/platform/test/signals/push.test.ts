// RFC 8935 push delivery on SQLite and PostgreSQL, to a real HTTP receiver on 127.0.0.1: the
// request's shape; SETs verified with jose (ES256) and with core's verifySet and the openssl CLI
// (SM2); retries with backoff on 5xx (clock injected), a 400 failing for good, a timeout; several
// workers on one database never pushing a SET twice; a crashed worker's SET taken over after
// locked_until; paused, disabled and push→poll streams; the operator's counters.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { fromB64u, rawToDer } from '@wangzheng/core/crypto/index';
import { EVENT_TYPE_URIS, verifySet, type SecurityEvent } from '@wangzheng/core/signals/index';
import { retryDelayMs } from '../../src/jobs/index.ts';
import { describeEachEngine } from '../support/engines.ts';
import { claimsOf, ISSUER, pushStream, startReceiver, startRegistry, startSignalsPlatform, type Receiver, type SharedRegistry, type SignalsHarness, type TestRp } from './harness.ts';

let reg: SharedRegistry;
const dir = mkdtempSync(path.join(tmpdir(), 'wz-ssf-push-'));
beforeAll(async () => {
  reg = await startRegistry(20, 'ssf-push');
});
afterAll(async () => {
  await reg?.close();
  rmSync(dir, { recursive: true, force: true });
});

const BAN: SecurityEvent = { code: 'account_disabled', reason: 'nationwide-ban' };
const half = () => 0;

describeEachEngine('RFC 8935 push delivery', (engine) => {
  let h: SignalsHarness;
  let rx: Receiver;
  let t = Date.now();
  const now = () => t;

  beforeAll(async () => {
    h = await startSignalsPlatform(engine, reg, { now });
    rx = await startReceiver();
  });
  afterAll(async () => {
    await rx?.close();
    await h?.close();
  });

  /** A fresh RP with a push stream to the receiver, and a person it knows; emits `event` for them. */
  async function emitted(alg: 'SM2' | 'ES256', event: SecurityEvent = BAN, header?: string): Promise<{ rp: TestRp; appId: string; jti: string; netid: string }> {
    const rp = await h.rp(alg);
    await pushStream(h, rp, rx.url, header ? { authorization_header: header } : {});
    const person = await h.person([rp]);
    const [e] = await h.store.transaction((tx) => h.platform.signals.emitForPerson(tx, { personId: person.id, dek: person.dek, event }));
    return { rp, appId: person.appIds[rp.clientId]!, jti: e!.jti, netid: person.netid };
  }

  it('§2.1: one POST, Content-Type application/secevent+jwt, Accept application/json, the configured Authorization; jose verifies the ES256 SET', async () => {
    const { rp, appId, jti, netid } = await emitted('ES256', BAN, 'Bearer rx-token-es');
    const before = rx.received.length;
    expect((await h.worker().runOnce()).map((r) => [r.ref, r.outcome, r.attempt])).toEqual([[jti, 'done', 1]]);
    const got = rx.received.slice(before);
    expect(got.length).toBe(1);
    expect([got[0]!.headers['content-type'], got[0]!.headers.accept, got[0]!.headers.authorization]).toEqual(['application/secevent+jwt', 'application/json', 'Bearer rx-token-es']);
    const jwks = createLocalJWKSet((await h.request('GET', '/.well-known/jwks.json')).body as never);
    const { payload, protectedHeader } = await jwtVerify(got[0]!.body, jwks, { algorithms: ['ES256'], issuer: ISSUER, audience: rp.clientId, typ: 'secevent+jwt' });
    expect(protectedHeader.alg).toBe('ES256');
    expect(payload).toMatchObject({ jti, aud: rp.clientId, sub_id: { format: 'iss_sub', iss: ISSUER, sub: appId }, events: { [EVENT_TYPE_URIS.account_disabled]: { reason: 'nationwide-ban' } } });
    expect(got[0]!.body.includes(netid) || JSON.stringify(payload).includes(netid)).toBe(false);
    const [stream] = (await h.request<{ items: { clientId: string; delivered: number; pending: number; lastDeliveredAt: string | null }[] }>('GET', '/v1/admin/ssf/streams', { auth: h.adminAuth })).body.items.filter((i) => i.clientId === rp.clientId);
    expect([stream!.delivered, stream!.pending, stream!.lastDeliveredAt]).toEqual([1, 0, new Date(t).toISOString()]);
  });

  it('SM2 RP: the SET verifies with core verifySet pinned to SM2 and with the openssl CLI (SM3, distid 1234567812345678)', async () => {
    const { rp, appId } = await emitted('SM2', { code: 'credential_revoked', cause: 'device_lost' });
    const before = rx.received.length;
    await h.worker().runOnce();
    const token = rx.received[before]!.body;
    const v = verifySet(token, h.platform.deps.signing.gm, { issuer: ISSUER, audience: rp.clientId, algorithms: ['SM2'] });
    expect([v.header.alg, v.subject.sub, v.event.code]).toEqual(['SM2', appId, 'credential_revoked']);
    const [hd, pl, sg] = token.split('.') as [string, string, string];
    writeFileSync(path.join(dir, 'in'), `${hd}.${pl}`);
    writeFileSync(path.join(dir, 'sig'), rawToDer(fromB64u(sg)!));
    writeFileSync(path.join(dir, 'pub.pem'), h.platform.deps.signing.gm.signer.publicKey.toPem());
    const r = spawnSync('openssl', ['dgst', '-sm3', '-verify', path.join(dir, 'pub.pem'), '-sigopt', 'distid:1234567812345678', '-signature', path.join(dir, 'sig'), path.join(dir, 'in')], { encoding: 'utf8' });
    expect([r.status, r.stdout.trim()]).toEqual([0, 'Verified OK']);
  });

  it('503, 503, then 202: delivered once after attempt 3, each retry no sooner than its backoff', async () => {
    rx.script([503, 503, 202]);
    const { rp, jti } = await emitted('ES256');
    const w = h.worker({ random: half });
    const before = rx.received.length;
    expect((await w.runOnce()).map((r) => [r.outcome, r.code, r.attempt])).toEqual([['retry', 'http_503', 1]]);
    t += retryDelayMs(1, half) - 1;
    expect(await w.runOnce()).toEqual([]);
    t += 1;
    expect((await w.runOnce()).map((r) => [r.outcome, r.attempt])).toEqual([['retry', 2]]);
    t += retryDelayMs(2, half) - 1;
    expect(await w.runOnce()).toEqual([]);
    t += 1;
    expect((await w.runOnce()).map((r) => [r.ref, r.outcome, r.attempt])).toEqual([[jti, 'done', 3]]);
    const got = rx.received.slice(before);
    expect(got.length).toBe(3);
    expect(new Set(got.map((g) => claimsOf(g.body).jti))).toEqual(new Set([jti]));
    const s = await h.store.ssfStreams.findByClientId(rp.clientId);
    expect([s!.delivered, s!.failed, s!.lastError]).toEqual([1, 0, 'http_503']);
    expect(await h.store.jobs.countByQueue([rp.clientId])).toEqual({});
  });

  it('§2.3: 400 { err: invalid_key } → failed for good after one attempt; only the code is kept (not the description)', async () => {
    rx.script([{ status: 400, body: { err: 'invalid_key', description: 'Key ID 12345 has been revoked by Ms. Secret' } }]);
    const { rp } = await emitted('ES256');
    const before = rx.received.length;
    expect((await h.worker().runOnce()).map((r) => [r.outcome, r.code])).toEqual([['failed', 'rejected:invalid_key']]);
    t += 86_400_000;
    expect(await h.worker().runOnce()).toEqual([]);
    expect(rx.received.length - before).toBe(1);
    const s = await h.store.ssfStreams.findByClientId(rp.clientId);
    expect([s!.failed, s!.lastError]).toEqual([1, 'rejected:invalid_key']);
    expect(await h.store.jobs.countByQueue([rp.clientId])).toEqual({ [rp.clientId]: { pending: 0, failed: 1 } });
    expect(h.logs()).not.toContain('Ms. Secret');
  });

  it('no answer within the timeout → retry with code timeout', async () => {
    rx.script(['hang']);
    await emitted('ES256');
    expect((await h.worker({ timeoutMs: 300 }).runOnce()).map((r) => [r.outcome, r.code])).toEqual([['retry', 'timeout']]);
    t += 3_600_000;
    expect((await h.worker().runOnce()).map((r) => r.outcome)).toEqual(['done']);
  });

  it('two workers on one database (two stores, as two server processes) never push the same SET twice', async () => {
    const other = await engine.open(h.storeConfig);
    const rp = await h.rp('ES256');
    await pushStream(h, rp, rx.url);
    const people = await Promise.all(Array.from({ length: 12 }, () => h.person([rp])));
    const jtis = new Set<string>();
    for (const p of people) {
      for (const event of [BAN, { code: 'account_enabled' } as const]) {
        const [e] = await h.store.transaction((tx) => h.platform.signals.emitForPerson(tx, { personId: p.id, dek: p.dek, event }));
        jtis.add(e!.jti);
      }
    }
    const before = rx.received.length;
    const ws = [h.worker({ batchSize: 3 }), h.worker({ store: other, batchSize: 3 }), h.worker({ batchSize: 2 }), h.worker({ store: other, batchSize: 2 })];
    for (let round = 0; round < 30; round++) {
      const reports = await Promise.all(ws.map((w) => w.runOnce()));
      if (reports.every((r) => r.length === 0)) break;
    }
    const got = rx.received.slice(before).map((r) => claimsOf(r.body).jti as string);
    expect(got.length).toBe(24);
    expect(new Set(got)).toEqual(jtis);
  });

  it('a crashed worker’s claim is taken over after locked_until and delivered once; the crashed claim then changes nothing', async () => {
    const { jti } = await emitted('ES256');
    const crashed = 'crashed-worker-claim-0001';
    const [held] = await h.store.jobs.claim({ kinds: ['ssf.deliver'], now: t, leaseMs: 30_000, limit: 10, claimToken: crashed });
    expect(held!.ref).toBe(jti);
    t += 29_999;
    expect(await h.worker().runOnce()).toEqual([]);
    t += 1;
    const before = rx.received.length;
    expect((await h.worker().runOnce()).map((r) => [r.ref, r.outcome, r.attempt])).toEqual([[jti, 'done', 2]]);
    expect(rx.received.length - before).toBe(1);
    expect(await h.store.jobs.finish(held!.id, crashed)).toBe(false);
  });

  it('SSF §8.1.2: a paused stream holds its SETs (deferred, not attempts) and sends them when enabled; disabled drops them', async () => {
    const rp = await h.rp('ES256');
    const id = await pushStream(h, rp, rx.url);
    const p = await h.person([rp]);
    await h.request('POST', '/ssf/status', { auth: rp.auth, body: { stream_id: id, status: 'paused' } });
    await h.store.transaction((tx) => h.platform.signals.emitForPerson(tx, { personId: p.id, dek: p.dek, event: BAN }));
    const before = rx.received.length;
    expect((await h.worker().runOnce()).map((r) => r.outcome)).toEqual(['deferred']);
    expect(rx.received.length).toBe(before);
    await h.request('POST', '/ssf/status', { auth: rp.auth, body: { stream_id: id, status: 'enabled' } });
    expect((await h.worker().runOnce()).map((r) => [r.outcome, r.attempt])).toEqual([['done', 1]]);
    expect(rx.received.length).toBe(before + 1);
    await h.request('POST', '/ssf/status', { auth: rp.auth, body: { stream_id: id, status: 'paused' } });
    await h.store.transaction((tx) => h.platform.signals.emitForPerson(tx, { personId: p.id, dek: p.dek, event: { code: 'account_enabled' } }));
    await h.request('POST', '/ssf/status', { auth: rp.auth, body: { stream_id: id, status: 'disabled' } });
    expect(await h.worker().runOnce()).toEqual([]);
    expect(await h.store.jobs.countByQueue([rp.clientId])).toEqual({});
  });

  it('a stream switched from push to poll takes its queued SETs along: they are polled, not pushed', async () => {
    const rp = await h.rp('SM2');
    const id = await pushStream(h, rp, rx.url);
    const p = await h.person([rp]);
    const [e] = await h.store.transaction((tx) => h.platform.signals.emitForPerson(tx, { personId: p.id, dek: p.dek, event: BAN }));
    await h.request('PUT', '/ssf/stream', { auth: rp.auth, body: { stream_id: id, delivery: { method: 'urn:ietf:rfc:8936' }, events_requested: [EVENT_TYPE_URIS.account_disabled] } });
    expect(await h.worker().runOnce()).toEqual([]);
    const r = await h.request<{ sets: Record<string, string> }>('POST', '/ssf/poll', { auth: rp.auth, body: {} });
    expect(Object.keys(r.body.sets)).toEqual([e!.jti]);
  });
});
