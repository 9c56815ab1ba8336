import { randomBytes } from 'node:crypto';
import { beforeAll, expect, it } from 'vitest';
import { isWzError, WzError } from '@wangzheng/core/errors';
import type { Store } from '../../src/store/index.ts';
import { describeEachEngine } from '../support/engines.ts';
import { fakePerson } from '../support/rows.ts';

const person = fakePerson;

describeEachEngine('transactions: all or nothing', (engine) => {
  let store: Store;
  beforeAll(async () => {
    store = await engine.openFresh();
  });

  it('commits person, indexes, device, credential, consent, event and counter together', async () => {
    const p = person();
    const digest = randomBytes(32);
    const credId = await store.transaction(async (tx) => {
      await tx.persons.insert(p);
      await tx.persons.addBlindIndexes(p.id, [{ kind: 'phone', digest, keyId: 'bidx-1' }]);
      const d = await tx.devices.insert({ personId: p.id, publicJwk: '{}', thumbprint: randomBytes(16).toString('hex') });
      const c = await tx.credentials.insert({ personId: p.id, deviceId: d.id, expiresAt: 2e12 });
      await tx.consents.insert({ personId: p.id, subject: 'notice:v1', scope: 'enrollment' });
      await tx.events.append({ personId: p.id, type: 'enrolled' });
      await tx.counters.increment('tx_commit');
      return c.id;
    });
    expect((await store.persons.findByBlindIndex('phone', [digest]))?.id).toBe(p.id);
    expect((await store.credentials.findById(credId))?.personId).toBe(p.id);
    expect(await store.devices.listByPerson(p.id)).toHaveLength(1);
    expect(await store.consents.listByPerson(p.id)).toHaveLength(1);
    expect(await store.events.listByPerson(p.id)).toHaveLength(1);
    expect(await store.counters.get('tx_commit')).toBe(1);
  });

  it('an error thrown by the caller rolls everything back', async () => {
    const p = person();
    const digest = randomBytes(32);
    const err = await store
      .transaction(async (tx) => {
        await tx.persons.insert(p);
        await tx.persons.addBlindIndexes(p.id, [{ kind: 'phone', digest, keyId: 'bidx-1' }]);
        await tx.credentials.insert({ personId: p.id, expiresAt: 2e12 });
        await tx.events.append({ personId: null, type: 'abandoned_probe' });
        await tx.counters.increment('tx_rollback');
        throw new WzError('face_mismatch', 'face does not match');
      })
      .catch((e: unknown) => e);
    expect(isWzError(err, 'face_mismatch')).toBe(true);
    expect(await store.persons.findById(p.id)).toBeUndefined();
    expect(await store.persons.findByBlindIndex('phone', [digest])).toBeUndefined();
    expect(await store.persons.isNetidTaken(p.netid)).toBe(false);
    expect(await store.credentials.listByPerson(p.id)).toEqual([]);
    expect(await store.counters.get('tx_rollback')).toBe(0);
  });

  it('a conflict half-way → WzError conflict and nothing of the transaction remains', async () => {
    const existing = person();
    await store.persons.insert(existing);
    const p = person();
    const err = await store
      .transaction(async (tx) => {
        await tx.persons.insert(p);
        await tx.counters.increment('tx_conflict');
        await tx.persons.insert(person({ netid: existing.netid }));
      })
      .catch((e: unknown) => e);
    expect(isWzError(err, 'conflict')).toBe(true);
    expect(await store.persons.findById(p.id)).toBeUndefined();
    expect(await store.counters.get('tx_conflict')).toBe(0);
    expect((await store.persons.findById(existing.id))?.id).toBe(existing.id);
  });

  it('the store stays usable after a rolled-back transaction', async () => {
    await store.transaction(async () => {
      throw new Error('boom');
    }).catch(() => {});
    const p = person();
    await store.transaction(async (tx) => {
      await tx.persons.insert(p);
    });
    expect((await store.persons.findById(p.id))?.id).toBe(p.id);
  });

  it('concurrent transactions each commit atomically (counter increments are not lost)', async () => {
    await Promise.all(
      Array.from({ length: 20 }, () =>
        store.transaction(async (tx) => {
          await tx.counters.increment('tx_parallel');
          await tx.counters.increment('tx_parallel');
        }),
      ),
    );
    expect(await store.counters.get('tx_parallel')).toBe(40);
  });
});

describeEachEngine('transactions: misuse is refused the same way on both engines', (engine) => {
  it('using the store (not tx) inside a transaction is a TypeError, and the transaction rolls back', async () => {
    const store = await engine.openFresh();
    const p = person();
    const err = await store
      .transaction(async (tx) => {
        await tx.persons.insert(p);
        await store.persons.findById(p.id);
      })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TypeError);
    expect(await store.persons.findById(p.id)).toBeUndefined();
  });

  it('a transaction’s repositories are its own properties: spread, every one is there and bound to the transaction', async () => {
    const store = await engine.openFresh();
    const p = person();
    const names = await store.transaction(async (tx) => {
      const wrapped = { ...tx };
      await wrapped.persons.insert(p);
      expect(await wrapped.persons.findById(p.id)).toBeDefined();
      return Object.keys(wrapped).sort();
    });
    expect(names).toEqual(Object.keys(store.reader).concat(['assertionJtis', 'erasure', 'phoneChanges', 'spentNonces']).sort());
    expect(await store.persons.findById(p.id)).toBeDefined();
  });

  it('transactions do not nest', async () => {
    const store = await engine.openFresh();
    const err = await store.transaction(() => store.transaction(async () => 1)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TypeError);
  });
});
