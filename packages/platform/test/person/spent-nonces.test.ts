// The single-use check of the person-authenticated API, on SQLite and PostgreSQL: a nonce digest
// is spent once; of concurrent uses exactly one wins; expired digests are swept; the table holds a
// digest and a time, nothing else.
import { randomBytes } from 'node:crypto';
import { beforeAll, expect, it } from 'vitest';
import type { Store } from '../../src/store/index.ts';
import { describeEachEngine } from '../support/engines.ts';

describeEachEngine('spent nonces: single use until expiry', (engine) => {
  let store: Store;
  beforeAll(async () => {
    store = await engine.openFresh();
  });

  it('the first spend succeeds, every later one is refused', async () => {
    const d = randomBytes(32);
    expect(await store.spentNonces.spend(d, Date.now() + 60_000)).toBe(true);
    expect(await store.spentNonces.spend(d, Date.now() + 60_000)).toBe(false);
    expect(await store.spentNonces.spend(Buffer.from(d), Date.now() + 120_000)).toBe(false);
  });

  it('of 8 concurrent spends of one digest exactly one wins', async () => {
    const d = randomBytes(32);
    const results = await Promise.all(Array.from({ length: 8 }, () => store.spentNonces.spend(d, Date.now() + 60_000)));
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it('inside a transaction a replay answers false without ending the transaction (PostgreSQL)', async () => {
    const d = randomBytes(32);
    const out = await store.transaction(async (tx) => {
      const first = await tx.spentNonces.spend(d, Date.now() + 60_000);
      const second = await tx.spentNonces.spend(d, Date.now() + 60_000);
      await tx.counters.increment('spent-nonce-tx');
      return [first, second];
    });
    expect(out).toEqual([true, false]);
  });

  it('deleteExpired removes only digests expired at `now`, at most `limit`', async () => {
    const now = Date.now() + 10 * 60_000;
    const old = [randomBytes(32), randomBytes(32), randomBytes(32)];
    for (const d of old) await store.spentNonces.spend(d, now - 1);
    const live = randomBytes(32);
    await store.spentNonces.spend(live, now + 60_000);
    expect(await store.spentNonces.deleteExpired(now, 2)).toBe(2);
    expect(await store.spentNonces.deleteExpired(now, 1000)).toBeGreaterThanOrEqual(1);
    expect(await store.spentNonces.spend(live, now + 60_000)).toBe(false);
    for (const d of old) expect(await store.spentNonces.spend(d, now + 60_000)).toBe(true);
  });

  it('bad arguments are programming errors (TypeError)', async () => {
    await expect(store.spentNonces.spend(new Uint8Array(0), Date.now())).rejects.toThrow(TypeError);
    await expect(store.spentNonces.spend(randomBytes(65), Date.now())).rejects.toThrow(TypeError);
    await expect(store.spentNonces.deleteExpired(Date.now(), 0)).rejects.toThrow(TypeError);
  });

  it('is a writer only: the read-only store carries no spent nonces', () => {
    expect((store.reader as unknown as Record<string, unknown>).spentNonces).toBeUndefined();
  });
});
