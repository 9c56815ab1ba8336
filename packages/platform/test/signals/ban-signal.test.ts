// End to end on SQLite and PostgreSQL, the platform as deployed (listening, the job worker
// started by createPlatform at the default WZ_JOBS_INTERVAL_MS): a person enrolls with the
// wallet, two relying parties verify them by receipt (so their application identifiers are
// recorded by the real verification code), both configure push streams to a real receiver; a ban
// is committed with its signals and each RP's receiver gets a SET — verified with jose (ES256) or
// openssl (SM2) — whose subject is exactly the `sub` that RP got in its receipt. The time from
// commit to arrival is measured: the issue requires under one second for a ban.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { fromB64u, rawToDer, type PrivateKey } from '@wangzheng/core/crypto/index';
import type { Issued } from '@wangzheng/wallet/enroll/enroll';
import { answerVerification } from '@wangzheng/wallet/verify';
import { describeEachEngine } from '../support/engines.ts';
import { ADULT, deviceKey, startPlatform, startRegistry, VALID_DOC, type Harness, type SharedRegistry } from '../enrollment/harness.ts';
import { USCC } from '../rp/harness.ts';
import { ALL_EVENTS, claimsOf, startReceiver, type Receiver } from './harness.ts';
import { nodeHolder } from '@wangzheng/wallet/holder/node';

let reg: SharedRegistry;
const dir = mkdtempSync(path.join(tmpdir(), 'wz-ssf-e2e-'));
beforeAll(async () => {
  reg = await startRegistry(200, 'ssf-e2e');
});
afterAll(async () => {
  await reg?.close();
  rmSync(dir, { recursive: true, force: true });
});

interface Rp {
  clientId: string;
  auth: string;
  alg: 'SM2' | 'ES256';
  rx: Receiver;
  sub?: string;
}

describeEachEngine('a ban reaches every relying party that knows the person as a SET, within a second', (engine) => {
  let h: Harness;
  let holder: { issued: Issued; key: PrivateKey };
  const rps: Rp[] = [];
  let seq = 0;

  const call = async <T>(rp: Rp, method: string, p: string, body?: unknown): Promise<{ status: number; body: T }> => {
    const res = await fetch(`${h.url}${p}`, { method, headers: { authorization: rp.auth, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) }, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    return { status: res.status, body: (res.status === 204 ? {} : await res.json()) as T };
  };

  beforeAll(async () => {
    h = await startPlatform(engine, reg);
    expect(h.config.jobs.intervalMs).toBe(250);
    const person = reg.people(`d.type = 'resident_id_card' AND ${VALID_DOC} AND ${ADULT}`, [], 1)[0]!;
    const key = deviceKey();
    holder = { key, issued: (await h.enroll(person, { deviceKey: key })) as Issued };
    for (const alg of ['ES256', 'SM2'] as const) {
      const s = h.platform.rp.service;
      const r = await s.apply({ name: `${alg} 测试机构`, uscc: USCC.internet, contactEmail: 'identity@example.cn', category: 'internet_service', purpose: '注册时核验身份', redirectUris: [`https://${alg.toLowerCase()}.example.cn/cb`], tokenEndpointAuthMethod: 'client_secret_basic', idTokenSigningAlg: alg });
      await s.approve(r.clientId, 'admin:test', { scopes: [] });
      const rp: Rp = { clientId: r.clientId, auth: `Basic ${Buffer.from(`${r.clientId}:${r.clientSecret}`).toString('base64')}`, alg, rx: await startReceiver() };
      // The RP verifies the person once: its application identifier is recorded.
      const req = await call<{ requestId: string; ref: string }>(rp, 'POST', '/v1/receipt-requests', { bizSeq: `order-${++seq}`, mode: 'wz' });
      await answerVerification(h.client, { ref: req.body.ref, holder: nodeHolder(holder.issued.credential, key) });
      const receipt = await call<{ receipt: string }>(rp, 'POST', `/v1/receipt-requests/${req.body.requestId}/receipt`, {});
      rp.sub = claimsOf(receipt.body.receipt).sub as string;
      const stream = await call(rp, 'POST', '/ssf/stream', { delivery: { method: 'urn:ietf:rfc:8935', endpoint_url: rp.rx.url, authorization_header: `Bearer rx-${alg}` }, events_requested: ALL_EVENTS });
      expect(stream.status).toBe(201);
      rps.push(rp);
    }
  });
  afterAll(async () => {
    for (const rp of rps) await rp.rx.close();
    await h?.close();
  });

  it('ban → each RP gets one SET, signed with its algorithm, subject = the sub of its receipt, never the 网号; commit → arrival < 1 s', async () => {
    const store = h.platform.deps.store;
    const person = (await store.persons.findByNetid(holder.issued.netid))!;
    const dek = h.platform.deps.protector.unwrapDataKey(person.id, person.wrappedDek, person.kekId);
    const samples: number[] = [];
    for (let i = 0; i < 10; i++) {
      const event = i % 2 === 0 ? ({ code: 'account_disabled', reason: 'nationwide-ban' } as const) : ({ code: 'account_enabled' } as const);
      // A random phase against the worker's 250 ms timer, as a ban arrives at any moment.
      await new Promise((r) => setTimeout(r, Math.random() * 250));
      const arrivals = rps.map((rp) => rp.rx.next());
      await store.transaction((tx) => h.platform.signals.emitForPerson(tx, { personId: person.id, dek, event, txn: `ban-${i}` }));
      const committed = performance.now();
      const got = await Promise.all(arrivals);
      for (const g of got) samples.push(g.at - committed);

      for (const [k, rp] of rps.entries()) {
        const token = got[k]!.body;
        expect(got[k]!.headers.authorization).toBe(`Bearer rx-${rp.alg}`);
        const c = claimsOf(token);
        expect([c.aud, c.txn, c.sub_id]).toEqual([rp.clientId, `ban-${i}`, { format: 'iss_sub', iss: h.platform.deps.issuer, sub: rp.sub }]);
        expect(token.includes(holder.issued.netid) || JSON.stringify(c).includes(holder.issued.netid)).toBe(false);
        if (i > 0) continue;
        if (rp.alg === 'ES256') {
          const jwks = createLocalJWKSet((await (await fetch(`${h.url}/.well-known/jwks.json`)).json()) as never);
          const v = await jwtVerify(token, jwks, { algorithms: ['ES256'], issuer: h.platform.deps.issuer, audience: rp.clientId, typ: 'secevent+jwt' });
          expect(v.protectedHeader.alg).toBe('ES256');
        } else {
          const [hd, pl, sg] = token.split('.') as [string, string, string];
          writeFileSync(path.join(dir, 'in'), `${hd}.${pl}`);
          writeFileSync(path.join(dir, 'sig'), rawToDer(fromB64u(sg)!));
          writeFileSync(path.join(dir, 'pub.pem'), h.platform.deps.signing.gm.signer.publicKey.toPem());
          const r = spawnSync('openssl', ['dgst', '-sm3', '-verify', path.join(dir, 'pub.pem'), '-sigopt', 'distid:1234567812345678', '-signature', path.join(dir, 'sig'), path.join(dir, 'in')], { encoding: 'utf8' });
          expect([r.status, r.stdout.trim()]).toEqual([0, 'Verified OK']);
        }
      }
    }
    // Each RP got exactly the SETs of this test, once each.
    for (const rp of rps) expect(new Set(rp.rx.received.map((r) => claimsOf(r.body).jti)).size).toBe(10);
    const sorted = [...samples].sort((x, y) => x - y);
    const report = { engine: engine.name, n: samples.length, medianMs: Math.round(sorted[Math.floor(sorted.length / 2)]!), maxMs: Math.round(sorted.at(-1)!) };
    console.log(`[ssf] commit → receiver latency ${JSON.stringify(report)}`);
    // The requirement is a second; the figures are reported above. The bounds here only catch a
    // worker that stopped polling (a timed test on a shared 2-core machine must not flake).
    expect(report.medianMs).toBeLessThan(1_000);
    expect(report.maxMs).toBeLessThan(5_000);
  });

  it('the operator sees both streams delivered, nothing pending, no error', async () => {
    const ops = `Bearer ${Buffer.from(h.platform.deps.secrets.admin[0].key).toString('base64url')}`;
    type Item = { clientId: string; delivered: number; pending: number; failed: number; lastError: string | null };
    let items: Item[] = [];
    // The receiver answers before the worker records the outcome: wait for the last record.
    for (let i = 0; i < 50; i++) {
      const res = await fetch(`${h.url}/v1/admin/ssf/streams`, { headers: { authorization: ops } });
      items = ((await res.json()) as { items: Item[] }).items;
      if (rps.every((rp) => items.find((x) => x.clientId === rp.clientId)?.delivered === 10)) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    for (const rp of rps) expect(items.find((i) => i.clientId === rp.clientId)).toMatchObject({ delivered: 10, pending: 0, failed: 0, lastError: null });
  });
});
