/**
 * Credential passphrases (migration 0002): the Argon2id PHC string of a person's passphrase and
 * the failure counter behind lockout. Real hashes from @node-rs/argon2 (cheap parameters: the
 * store never looks inside). Every suite runs on SQLite and PostgreSQL.
 */
import { hash } from '@node-rs/argon2';
import { beforeAll, expect, it } from 'vitest';
import { isWzError } from '@wangzheng/core/errors';
import { newId, type Store } from '../../src/store/index.ts';
import { describeEachEngine, type TestEngine } from '../support/engines.ts';
import { fakePerson } from '../support/rows.ts';

const T0 = 1_770_000_000_000;
const LOCK = { lockAfter: 5, lockMs: 15 * 60_000 };

const phc = (passphrase: string) => hash(passphrase, { memoryCost: 1024, timeCost: 1, parallelism: 1 });

async function newPerson(store: Store): Promise<string> {
  return (await store.persons.insert(fakePerson())).id;
}

describeEachEngine('passphrases: set, replace, find', (engine) => {
  let store: Store;
  let t = T0;
  let h1: string;
  let h2: string;
  beforeAll(async () => {
    store = await engine.openFresh({ now: () => t });
    [h1, h2] = await Promise.all([phc('correct horse battery'), phc('another passphrase')]);
  });

  it('set then find: the PHC string, no failures, no lock', async () => {
    const personId = await newPerson(store);
    await store.passphrases.set(personId, h1);
    expect(await store.passphrases.find(personId)).toEqual({ personId, hash: h1, failures: 0, lockedUntil: null, updatedAt: T0 });
    expect(h1.startsWith('$argon2id$v=19$')).toBe(true);
  });

  it('set again replaces the hash and resets failures and lock', async () => {
    const personId = await newPerson(store);
    await store.passphrases.set(personId, h1);
    for (let i = 0; i < LOCK.lockAfter; i++) await store.passphrases.recordFailure(personId, LOCK);
    expect((await store.passphrases.find(personId))?.lockedUntil).toEqual(expect.any(Number));
    await store.passphrases.set(personId, h2, T0 + 7);
    expect(await store.passphrases.find(personId)).toEqual({ personId, hash: h2, failures: 0, lockedUntil: null, updatedAt: T0 + 7 });
  });

  it('a raw passphrase or another algorithm’s hash is a TypeError that does not echo the value', async () => {
    const personId = await newPerson(store);
    for (const bad of ['correct horse battery', '$argon2i$v=19$m=1024,t=1,p=1$c29tZXNhbHQ$aGFzaGhhc2hoYXNoaGFzaA', '$2b$10$abcdefghijklmnopqrstuv', '', h1 + ' ']) {
      const err = await store.passphrases.set(personId, bad).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(TypeError);
      if (bad !== '') expect((err as Error).message).not.toContain(bad);
    }
    expect(await store.passphrases.find(personId)).toBeUndefined();
  });

  it('an unknown person: set → conflict (foreign key); find and recordFailure → undefined; resetFailures does nothing', async () => {
    const ghost = newId();
    const err = await store.passphrases.set(ghost, h1).catch((e: unknown) => e);
    expect(isWzError(err, 'conflict')).toBe(true);
    expect(await store.passphrases.find(ghost)).toBeUndefined();
    expect(await store.passphrases.find('not-a-uuid')).toBeUndefined();
    expect(await store.passphrases.recordFailure(ghost, LOCK)).toBeUndefined();
    await store.passphrases.resetFailures(ghost);
    await expect(store.passphrases.set('not-a-uuid', h1)).rejects.toThrow(TypeError);
  });
});

describeEachEngine('passphrases: failures and lockout (lockAfter 5)', (engine) => {
  let store: Store;
  let t = T0;
  let h: string;
  beforeAll(async () => {
    store = await engine.openFresh({ now: () => t });
    h = await phc('correct horse battery');
  });

  it('failures 1–4 lock nothing; the 5th sets lockedUntil = at + lockMs', async () => {
    const personId = await newPerson(store);
    await store.passphrases.set(personId, h);
    for (let i = 1; i <= 4; i++) {
      expect(await store.passphrases.recordFailure(personId, { ...LOCK, at: T0 + i })).toEqual({ failures: i, lockedUntil: null });
    }
    expect(await store.passphrases.recordFailure(personId, { ...LOCK, at: T0 + 5 })).toEqual({ failures: 5, lockedUntil: T0 + 5 + LOCK.lockMs });
    expect(await store.passphrases.find(personId)).toMatchObject({ failures: 5, lockedUntil: T0 + 5 + LOCK.lockMs, updatedAt: T0 + 5 });
  });

  it('every failure past the threshold locks again from its own time (no free guesses after a lock runs out)', async () => {
    const personId = await newPerson(store);
    await store.passphrases.set(personId, h);
    for (let i = 1; i <= 5; i++) await store.passphrases.recordFailure(personId, { ...LOCK, at: T0 });
    const later = T0 + LOCK.lockMs + 1;
    expect(await store.passphrases.recordFailure(personId, { ...LOCK, at: later })).toEqual({ failures: 6, lockedUntil: later + LOCK.lockMs });
  });

  it('the clock is the store’s when `at` is omitted', async () => {
    const personId = await newPerson(store);
    await store.passphrases.set(personId, h);
    t = T0 + 1234;
    const r = await store.passphrases.recordFailure(personId, { lockAfter: 1, lockMs: 1000 });
    expect(r).toEqual({ failures: 1, lockedUntil: T0 + 1234 + 1000 });
    t = T0;
  });

  it('resetFailures clears failures and lock; on a clean row it writes nothing (updatedAt unchanged)', async () => {
    const personId = await newPerson(store);
    await store.passphrases.set(personId, h, T0);
    t = T0 + 10;
    await store.passphrases.resetFailures(personId);
    expect((await store.passphrases.find(personId))?.updatedAt).toBe(T0);
    for (let i = 0; i < 5; i++) await store.passphrases.recordFailure(personId, { ...LOCK, at: T0 + 20 });
    t = T0 + 30;
    await store.passphrases.resetFailures(personId);
    expect(await store.passphrases.find(personId)).toEqual({ personId, hash: h, failures: 0, lockedUntil: null, updatedAt: T0 + 30 });
    t = T0;
  });

  it('lockAfter and lockMs must be positive integers (TypeError)', async () => {
    const personId = await newPerson(store);
    await store.passphrases.set(personId, h);
    for (const opts of [{ lockAfter: 0, lockMs: 1 }, { lockAfter: 1.5, lockMs: 1 }, { lockAfter: 5, lockMs: 0 }, { lockAfter: 5, lockMs: -1 }]) {
      await expect(store.passphrases.recordFailure(personId, opts)).rejects.toThrow(TypeError);
    }
    expect((await store.passphrases.find(personId))?.failures).toBe(0);
  });
});

/** Two pools on PostgreSQL (two "processes"); one SQLite file is opened once per process. */
async function concurrentStores(engine: TestEngine): Promise<Store[]> {
  const cfg = await engine.freshConfig();
  const first = await engine.open(cfg);
  return engine.name === 'postgres' ? [first, await engine.open(cfg)] : [first];
}

describeEachEngine('passphrases: concurrent failures are each counted (no lost update)', (engine) => {
  it('40 failures in flight: every call sees a distinct count 1..40, the row ends at 40 and locked', async () => {
    const stores = await concurrentStores(engine);
    const personId = await newPerson(stores[0]!);
    await stores[0]!.passphrases.set(personId, await phc('correct horse battery'));
    const n = 40;
    const results = await Promise.all(
      Array.from({ length: n }, (_, i) => stores[i % stores.length]!.passphrases.recordFailure(personId, { ...LOCK, at: T0 })),
    );
    expect(results.map((r) => r?.failures).sort((a, b) => a! - b!)).toEqual(Array.from({ length: n }, (_, i) => i + 1));
    for (const r of results) expect(r?.lockedUntil).toBe(r!.failures >= LOCK.lockAfter ? T0 + LOCK.lockMs : null);
    expect(await stores[0]!.passphrases.find(personId)).toMatchObject({ failures: n, lockedUntil: T0 + LOCK.lockMs });
  });
});
