/**
 * The per-process relying-party cache (store/rp-cache.ts): repeated lookups are served without
 * a statement; every write through this store — outside or inside a transaction, committed or
 * rolled back — is seen by the next lookup; a write made by another process is seen after the
 * TTL; unknown client ids are never cached; `ttlMs: 0` turns it off. Both engines.
 */
import { randomBytes } from 'node:crypto';
import { beforeAll, expect, it } from 'vitest';
import { generateClientId } from '@wangzheng/core/rp/client-id';
import type { NewRelyingParty, Store } from '../../src/store/index.ts';
import { RpCache } from '../../src/store/rp-cache.ts';
import { describeEachEngine } from '../support/engines.ts';

function rp(): NewRelyingParty {
  return {
    clientId: generateClientId(),
    name: '缓存测试科技有限公司',
    uscc: '91350100M000100Y43',
    contactEmail: 'identity@example.cn',
    category: 'internet_service',
    purpose: '注册账号时核验身份',
    sectorIdentifier: 'cache.example.cn',
    redirectUris: ['https://cache.example.cn/cb'],
    tokenEndpointAuthMethod: 'client_secret_basic',
    jwks: null,
    secretHash: randomBytes(32),
    idTokenSigningAlg: 'SM2',
    requestedScopes: [{ scope: 'result', legalBasis: null }],
    approvedScopes: [{ scope: 'result', legalBasisRef: null }],
    status: 'pending',
    statusReason: null,
  };
}

describeEachEngine('relying-party cache', (engine) => {
  let store: Store;
  let other: Store; // a second handle on the same database: another process, as far as the cache knows
  beforeAll(async () => {
    const cfg = await engine.freshConfig();
    store = await engine.open(cfg, { rpCache: { ttlMs: 60_000 } });
    other = await engine.open(cfg, { rpCache: { ttlMs: 0 } });
    return async () => {
      await store.close();
      await other.close();
    };
  });

  it('a second lookup runs no statement and answers the same (frozen) record', async () => {
    const r = rp();
    await store.relyingParties.insert(r);
    const first = await store.relyingParties.findByClientId(r.clientId);
    const before = store.statementCount();
    const second = await store.relyingParties.findByClientId(r.clientId);
    expect(store.statementCount()).toBe(before);
    expect(second).toBe(first);
    expect(Object.isFrozen(second)).toBe(true);
  });

  it('a write through this store is seen at once: transition, and a transaction that commits', async () => {
    const r = rp();
    await store.relyingParties.insert(r);
    expect((await store.relyingParties.findByClientId(r.clientId))?.status).toBe('pending');
    expect(await store.relyingParties.transition(r.clientId, 'pending', { status: 'approved' })).toBe(true);
    expect((await store.relyingParties.findByClientId(r.clientId))?.status).toBe('approved');
    await store.transaction(async (tx) => {
      expect(await tx.relyingParties.transition(r.clientId, 'approved', { status: 'suspended', statusReason: 'cache test' })).toBe(true);
    });
    expect((await store.relyingParties.findByClientId(r.clientId))?.status).toBe('suspended');
  });

  it('a read that raced a transaction’s write does not keep the old record after the commit', async () => {
    const r = rp();
    await store.relyingParties.insert(r);
    await store.relyingParties.transition(r.clientId, 'pending', { status: 'approved' });
    await store.relyingParties.findByClientId(r.clientId); // cached: approved
    let release!: () => void;
    const gate = new Promise<void>((res) => (release = res));
    const tx = store.transaction(async (t) => {
      await t.relyingParties.transition(r.clientId, 'approved', { status: 'suspended', statusReason: 'race' });
      await gate;
    });
    await new Promise((res) => setTimeout(res, 20));
    // The transaction has written (not committed): the cache was dropped, this read goes to the
    // database (PostgreSQL: the committed row, still approved — and it may be cached; SQLite: it
    // waits for the one connection, so for the commit). The end of the transaction drops it.
    const during = store.relyingParties.findByClientId(r.clientId);
    if (engine.name === 'postgres') expect((await during)?.status).toBe('approved'); // read before the commit
    release();
    await tx;
    await during;
    expect((await store.relyingParties.findByClientId(r.clientId))?.status).toBe('suspended');
  });

  it('a rolled-back transaction that wrote drops the cache too', async () => {
    const r = rp();
    await store.relyingParties.insert(r);
    await store.relyingParties.findByClientId(r.clientId);
    const hitsBefore = store.statementCount();
    await expect(
      store.transaction(async (t) => {
        await t.relyingParties.transition(r.clientId, 'pending', { status: 'approved' });
        throw new Error('roll back');
      }),
    ).rejects.toThrow(); // (the store reports a foreign error as a storage failure)
    const after = await store.relyingParties.findByClientId(r.clientId);
    expect(after?.status).toBe('pending');
    expect(store.statementCount()).toBeGreaterThan(hitsBefore + 1); // the lookup went to the database
  });

  it('a write by another process is not seen before the TTL (that is the documented bound)', async () => {
    const r = rp();
    await store.relyingParties.insert(r);
    await store.relyingParties.findByClientId(r.clientId);
    await other.relyingParties.transition(r.clientId, 'pending', { status: 'approved' });
    expect((await store.relyingParties.findByClientId(r.clientId))?.status).toBe('pending');
    expect((await other.relyingParties.findByClientId(r.clientId))?.status).toBe('approved');
  });

  it('unknown client ids are asked of the database every time', async () => {
    const id = generateClientId();
    expect(await store.relyingParties.findByClientId(id)).toBeUndefined();
    const before = store.statementCount();
    expect(await store.relyingParties.findByClientId(id)).toBeUndefined();
    expect(store.statementCount()).toBe(before + 1);
  });

  it('ttlMs 0: every lookup is a statement', async () => {
    const r = rp();
    await other.relyingParties.insert(r);
    await other.relyingParties.findByClientId(r.clientId);
    const before = other.statementCount();
    await other.relyingParties.findByClientId(r.clientId);
    expect(other.statementCount()).toBe(before + 1);
  });
});

it('RpCache: an entry expires after ttlMs on its clock', async () => {
  let t = 0;
  const cache = new RpCache({ ttlMs: 1000 }, () => t);
  let calls = 0;
  const record = { clientId: 'x' } as unknown as Awaited<ReturnType<Store['relyingParties']['findByClientId']>>;
  const repo = cache.wrap({ findByClientId: async () => (calls++, { ...record! }) } as unknown as Store['relyingParties']);
  await repo.findByClientId('x');
  t = 999;
  await repo.findByClientId('x');
  expect(calls).toBe(1);
  t = 1000;
  await repo.findByClientId('x');
  expect(calls).toBe(2);
  expect(() => new RpCache({ ttlMs: -1 })).toThrow(TypeError);
});
