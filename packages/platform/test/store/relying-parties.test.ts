/**
 * Relying parties (migration 0003): records round-trip with their lists; status changes are a
 * compare-and-set; the audit trail is append-only and ordered; client-assertion ids are single
 * use (RFC 7523 §3) even under concurrency; expired ids are swept. Every suite runs on SQLite
 * and PostgreSQL.
 */
import { randomBytes } from 'node:crypto';
import { beforeAll, expect, it } from 'vitest';
import { generateClientId } from '@wangzheng/core/rp/client-id';
import { generateKey } from '@wangzheng/core/crypto/index';
import { WzError } from '@wangzheng/core/errors';
import type { NewRelyingParty, Store } from '../../src/store/index.ts';
import { describeEachEngine, type TestEngine } from '../support/engines.ts';
import { rejectionCode as codeOf } from '../../../../test/support/errors.ts';

const T0 = 1_770_000_000_000;

function fakeRp(over: Partial<NewRelyingParty> = {}): NewRelyingParty {
  return {
    clientId: generateClientId(),
    name: '示例网络科技有限公司',
    uscc: '91350100M000100Y43',
    contactEmail: 'identity@example.cn',
    category: 'internet_service',
    purpose: '注册账号时核验身份',
    sectorIdentifier: 'app.example.cn',
    redirectUris: ['https://app.example.cn/cb', 'https://app.example.cn/cb2?x=1'],
    tokenEndpointAuthMethod: 'client_secret_basic',
    jwks: null,
    secretHash: randomBytes(32),
    idTokenSigningAlg: 'SM2',
    requestedScopes: [
      { scope: 'result', legalBasis: null },
      { scope: 'age_band', legalBasis: '《未成年人保护法》第七十四条' },
    ],
    approvedScopes: [{ scope: 'result', legalBasisRef: null }],
    status: 'pending',
    statusReason: null,
    ...over,
  };
}

async function concurrentStores(engine: TestEngine): Promise<Store[]> {
  const cfg = await engine.freshConfig();
  const first = await engine.open(cfg);
  return engine.name === 'postgres' ? [first, await engine.open(cfg)] : [first];
}

describeEachEngine('relying parties: records', (engine) => {
  let store: Store;
  beforeAll(async () => {
    store = await engine.openFresh({ now: () => T0 });
  });

  it('insert then findByClientId returns every field, lists as arrays, the secret digest as bytes', async () => {
    const rp = fakeRp();
    const inserted = await store.relyingParties.insert(rp);
    const found = await store.relyingParties.findByClientId(rp.clientId);
    expect(found).toEqual(inserted);
    expect(found).toMatchObject({
      clientId: rp.clientId,
      redirectUris: rp.redirectUris,
      requestedScopes: rp.requestedScopes,
      approvedScopes: rp.approvedScopes,
      sandbox: false,
      createdAt: T0,
      updatedAt: T0,
    });
    expect(found!.secretHash).toBeInstanceOf(Uint8Array);
    expect(Buffer.from(found!.secretHash!).equals(Buffer.from(rp.secretHash!))).toBe(true);
  });

  it('private_key_jwt: the public JWK Set round-trips; sandbox flag and null uscc/contact are kept', async () => {
    const jwk = generateKey('ES256').publicKey.toJwk();
    const rp = fakeRp({ tokenEndpointAuthMethod: 'private_key_jwt', jwks: { keys: [jwk] }, secretHash: null, sandbox: true, uscc: null, contactEmail: null, status: 'approved' });
    await store.relyingParties.insert(rp);
    expect(await store.relyingParties.findByClientId(rp.clientId)).toMatchObject({ jwks: { keys: [jwk] }, secretHash: null, sandbox: true, uscc: null, contactEmail: null });
  });

  it('an auth method must carry exactly its own credential (TypeError otherwise)', async () => {
    expect(await codeOf(store.relyingParties.insert(fakeRp({ tokenEndpointAuthMethod: 'private_key_jwt' })))).toMatch(/not a WzError: TypeError/);
    expect(await codeOf(store.relyingParties.insert(fakeRp({ secretHash: null })))).toMatch(/not a WzError: TypeError/);
  });

  it('a taken client id → conflict; an unknown or malformed one finds nothing', async () => {
    const rp = fakeRp();
    await store.relyingParties.insert(rp);
    expect(await codeOf(store.relyingParties.insert(fakeRp({ clientId: rp.clientId })))).toBe('conflict');
    expect(await store.relyingParties.findByClientId(generateClientId())).toBeUndefined();
    expect(await store.relyingParties.findByClientId("rp_' or 1=1 --")).toBeUndefined();
  });

  it('list: by status, oldest first, keyset pages', async () => {
    const s = await engine.openFresh();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const rp = fakeRp({ createdAt: T0 + i, status: i === 2 ? 'approved' : 'pending' });
      ids.push(rp.clientId);
      await s.relyingParties.insert(rp);
    }
    const pending = await s.relyingParties.list({ status: 'pending' });
    expect(pending.map((r) => r.clientId)).toEqual([ids[0], ids[1], ids[3], ids[4]]);
    const page1 = await s.relyingParties.list({ limit: 2 });
    const last = page1.at(-1)!;
    const page2 = await s.relyingParties.list({ limit: 2, after: { createdAt: last.createdAt, clientId: last.clientId } });
    expect([...page1, ...page2].map((r) => r.clientId)).toEqual(ids.slice(0, 4));
  });

  it('listClientIdsBySector finds every RP of a sector', async () => {
    const s = await engine.openFresh();
    const a = fakeRp({ sectorIdentifier: 'shared.example.cn' });
    const b = fakeRp({ sectorIdentifier: 'shared.example.cn' });
    await s.relyingParties.insert(a);
    await s.relyingParties.insert(b);
    await s.relyingParties.insert(fakeRp({ sectorIdentifier: 'other.example.cn' }));
    expect(await s.relyingParties.listClientIdsBySector('shared.example.cn')).toEqual([a.clientId, b.clientId].sort());
  });

  it('the reader carries no write methods', () => {
    const r = store.reader.relyingParties as unknown as Record<string, unknown>;
    expect(typeof r.findByClientId).toBe('function');
    for (const m of ['insert', 'transition', 'appendEvent']) expect(r[m]).toBeUndefined();
  });
});

describeEachEngine('relying parties: status compare-and-set and audit trail', (engine) => {
  it('transition applies only from the expected status; writes scopes and reason', async () => {
    const store = await engine.openFresh({ now: () => T0 });
    const rp = fakeRp();
    await store.relyingParties.insert(rp);
    const approved = [
      { scope: 'result', legalBasisRef: null },
      { scope: 'age_band', legalBasisRef: 'Art. 74 Minors Protection Law' },
    ] as const;
    expect(await store.relyingParties.transition(rp.clientId, 'approved', { status: 'suspended' })).toBe(false);
    expect(await store.relyingParties.transition(rp.clientId, 'pending', { status: 'approved', approvedScopes: approved, at: T0 + 5 })).toBe(true);
    expect(await store.relyingParties.transition(rp.clientId, 'pending', { status: 'rejected' })).toBe(false);
    expect(await store.relyingParties.findByClientId(rp.clientId)).toMatchObject({ status: 'approved', approvedScopes: approved, updatedAt: T0 + 5 });
    expect(await store.relyingParties.transition(rp.clientId, 'approved', { status: 'suspended', statusReason: 'complaint_under_review' })).toBe(true);
    expect(await store.relyingParties.findByClientId(rp.clientId)).toMatchObject({ status: 'suspended', statusReason: 'complaint_under_review', approvedScopes: approved });
    expect(await store.relyingParties.transition(rp.clientId, 'suspended', { status: 'approved', statusReason: null })).toBe(true);
    expect(await store.relyingParties.findByClientId(rp.clientId)).toMatchObject({ status: 'approved', statusReason: null });
  });

  it('two operators deciding at once: exactly one transition wins', async () => {
    const stores = await concurrentStores(engine);
    const rp = fakeRp();
    await stores[0]!.relyingParties.insert(rp);
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        stores[i % stores.length]!.relyingParties.transition(rp.clientId, 'pending', { status: i % 2 ? 'approved' : 'rejected' }),
      ),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it('events: appended in a transaction with the transition, listed oldest first; an unknown client → conflict', async () => {
    const store = await engine.openFresh();
    const rp = fakeRp();
    await store.relyingParties.insert(rp);
    await store.relyingParties.appendEvent({ clientId: rp.clientId, type: 'rp.applied', actor: 'applicant', createdAt: T0 });
    await store.transaction(async (tx) => {
      expect(await tx.relyingParties.transition(rp.clientId, 'pending', { status: 'rejected', statusReason: 'uscc does not match the name' })).toBe(true);
      await tx.relyingParties.appendEvent({ clientId: rp.clientId, type: 'rp.rejected', actor: 'admin:ops-1', data: { reason: 'uscc does not match the name' }, createdAt: T0 + 1 });
    });
    const events = await store.relyingParties.listEvents(rp.clientId);
    expect(events.map((e) => [e.type, e.actor, e.data])).toEqual([
      ['rp.applied', 'applicant', null],
      ['rp.rejected', 'admin:ops-1', { reason: 'uscc does not match the name' }],
    ]);
    expect(await codeOf(store.relyingParties.appendEvent({ clientId: generateClientId(), type: 'rp.applied', actor: 'applicant' }))).toBe('conflict');
  });

  it('a transaction that throws leaves neither the transition nor the event', async () => {
    const store = await engine.openFresh();
    const rp = fakeRp();
    await store.relyingParties.insert(rp);
    const aborted = store.transaction(async (tx) => {
      await tx.relyingParties.transition(rp.clientId, 'pending', { status: 'approved' });
      await tx.relyingParties.appendEvent({ clientId: rp.clientId, type: 'rp.approved', actor: 'admin:ops-1' });
      throw new WzError('invalid_request', 'abort');
    });
    expect(await codeOf(aborted)).toBe('invalid_request');
    expect((await store.relyingParties.findByClientId(rp.clientId))?.status).toBe('pending');
    expect(await store.relyingParties.listEvents(rp.clientId)).toEqual([]);
  });
});

describeEachEngine('client assertion ids: single use until expiry (RFC 7523 §3)', (engine) => {
  it('the first use is true, a replay false; the same jti of another client is another pair', async () => {
    const store = await engine.openFresh();
    const a = generateClientId();
    const b = generateClientId();
    expect(await store.assertionJtis.use(a, 'jti-1', T0 + 60_000)).toBe(true);
    expect(await store.assertionJtis.use(a, 'jti-1', T0 + 60_000)).toBe(false);
    expect(await store.assertionJtis.use(b, 'jti-1', T0 + 60_000)).toBe(true);
  });

  it('a replay inside a PostgreSQL or SQLite transaction does not end the transaction', async () => {
    const store = await engine.openFresh();
    const a = generateClientId();
    const seen = await store.transaction(async (tx) => {
      const first = await tx.assertionJtis.use(a, 'j', T0);
      const second = await tx.assertionJtis.use(a, 'j', T0);
      await tx.counters.increment('after-replay');
      return [first, second];
    });
    expect(seen).toEqual([true, false]);
    expect(await store.counters.get('after-replay')).toBe(1);
  });

  it('many concurrent uses of one jti (two pools on PostgreSQL): exactly one is true', async () => {
    const stores = await concurrentStores(engine);
    const a = generateClientId();
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) => stores[i % stores.length]!.assertionJtis.use(a, 'race', T0 + 60_000)));
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it('deleteExpired removes only pairs at or past their expiry, up to the limit', async () => {
    const store = await engine.openFresh();
    const a = generateClientId();
    for (let i = 0; i < 5; i++) await store.assertionJtis.use(a, `old-${i}`, T0 + i);
    await store.assertionJtis.use(a, 'live', T0 + 60_000);
    expect(await store.assertionJtis.deleteExpired(T0 + 10, 3)).toBe(3);
    expect(await store.assertionJtis.deleteExpired(T0 + 10, 100)).toBe(2);
    expect(await store.assertionJtis.deleteExpired(T0 + 10, 100)).toBe(0);
    // Swept pairs can be recorded again; the live one is still a replay.
    expect(await store.assertionJtis.use(a, 'old-0', T0 + 120_000)).toBe(true);
    expect(await store.assertionJtis.use(a, 'live', T0 + 60_000)).toBe(false);
  });
});
