import { randomBytes } from 'node:crypto';
import { beforeAll, expect, it } from 'vitest';
import { isWzError } from '@wangzheng/core/errors';
import { newId, type Store } from '../../src/store/index.ts';
import { describeEachEngine } from '../support/engines.ts';
import { fakeNetid } from '../support/people.ts';
import { fakePerson } from '../support/rows.ts';
import { rejectionCode as codeOf } from '../../../../test/support/errors.ts';

const person = fakePerson;

describeEachEngine('persons: create, read, update', (engine) => {
  let store: Store;
  beforeAll(async () => {
    store = await engine.openFresh({ now: () => 1_750_000_000_000 });
  });

  it('insert then findById returns the same bytes and fields', async () => {
    const p = person({ netidAttempt: 2 });
    const inserted = await store.persons.insert(p);
    const found = await store.persons.findById(p.id);
    expect(found).toBeDefined();
    expect(found?.netid).toBe(p.netid);
    expect(found?.netidAttempt).toBe(2);
    expect(Buffer.from(found!.personIndex).equals(Buffer.from(p.personIndex))).toBe(true);
    expect(Buffer.from(found!.wrappedDek).equals(Buffer.from(p.wrappedDek))).toBe(true);
    expect(Buffer.from(found!.profile).equals(Buffer.from(p.profile))).toBe(true);
    expect(found?.status).toBe('active');
    expect(found?.createdAt).toBe(1_750_000_000_000);
    expect(typeof found?.createdAt).toBe('number');
    expect(found?.profile).toBeInstanceOf(Uint8Array);
    expect({ ...found, personIndex: 0, wrappedDek: 0, profile: 0 }).toEqual({ ...inserted, personIndex: 0, wrappedDek: 0, profile: 0 });
  });

  it('findByNetid and isNetidTaken', async () => {
    const p = person();
    await store.persons.insert(p);
    expect((await store.persons.findByNetid(p.netid))?.id).toBe(p.id);
    expect(await store.persons.isNetidTaken(p.netid)).toBe(true);
    expect(await store.persons.isNetidTaken(fakeNetid())).toBe(false);
    expect(await store.persons.findByNetid(fakeNetid())).toBeUndefined();
  });

  it('findByPersonIndex matches any of the candidate digests', async () => {
    const p = person();
    await store.persons.insert(p);
    expect((await store.persons.findByPersonIndex([randomBytes(32), p.personIndex]))?.id).toBe(p.id);
    expect(await store.persons.findByPersonIndex([randomBytes(32)])).toBeUndefined();
    expect(await store.persons.findByPersonIndex([])).toBeUndefined();
  });

  it('findByBlindIndex looks up by kind and digest only', async () => {
    const p = person();
    await store.persons.insert(p);
    const doc = randomBytes(32);
    await store.persons.addBlindIndexes(p.id, [{ kind: 'document:resident_id', digest: doc, keyId: 'bidx-1' }]);
    expect((await store.persons.findByBlindIndex('document:resident_id', [doc]))?.id).toBe(p.id);
    expect(await store.persons.findByBlindIndex('phone', [doc])).toBeUndefined();
    const listed = await store.persons.listBlindIndexes(p.id);
    expect(listed.map((b) => [b.kind, b.keyId])).toEqual([['document:resident_id', 'bidx-1']]);
  });

  it('replaceBlindIndexes swaps one kind and leaves the others', async () => {
    const p = person();
    await store.persons.insert(p);
    const oldPhone = randomBytes(32);
    const newPhone = randomBytes(32);
    const doc = randomBytes(32);
    await store.persons.addBlindIndexes(p.id, [
      { kind: 'phone', digest: oldPhone, keyId: 'bidx-1' },
      { kind: 'document:passport', digest: doc, keyId: 'bidx-1' },
    ]);
    await store.persons.replaceBlindIndexes(p.id, 'phone', [{ kind: 'phone', digest: newPhone, keyId: 'bidx-2' }]);
    expect(await store.persons.findByBlindIndex('phone', [oldPhone])).toBeUndefined();
    expect((await store.persons.findByBlindIndex('phone', [newPhone]))?.id).toBe(p.id);
    expect((await store.persons.findByBlindIndex('document:passport', [doc]))?.id).toBe(p.id);
  });

  it('updateStatus, updateProfile and setPersonIndex change one row and bump updated_at', async () => {
    let t = 1_750_000_000_000;
    const s = await engine.openFresh({ now: () => t });
    const p = person();
    await s.persons.insert(p);
    t += 5_000;
    expect(await s.persons.updateStatus(p.id, 'locked')).toBe(true);
    const profile = randomBytes(90);
    expect(await s.persons.updateProfile(p.id, profile)).toBe(true);
    const idx = randomBytes(32);
    expect(await s.persons.setPersonIndex(p.id, idx, 'bidx-2')).toBe(true);
    const found = await s.persons.findById(p.id);
    expect(found?.status).toBe('locked');
    expect(Buffer.from(found!.profile).equals(profile)).toBe(true);
    expect(found?.personIndexKeyId).toBe('bidx-2');
    expect(found?.updatedAt).toBe(t);
    expect(found?.createdAt).toBe(t - 5_000);
    expect(await s.persons.updateStatus(newId(), 'locked')).toBe(false);
  });

  it('a malformed or upper-case id is answered alike on both engines', async () => {
    const p = person();
    await store.persons.insert(p);
    expect(await store.persons.findById('not-a-uuid')).toBeUndefined();
    expect(await store.persons.findById("' or 1=1 --")).toBeUndefined();
    expect((await store.persons.findById(p.id.toUpperCase()))?.id).toBe(p.id);
    expect(await store.persons.updateStatus('nope', 'locked')).toBe(false);
    await expect(store.persons.insert(person({ id: 'nope' }))).rejects.toThrow(TypeError);
  });

  it('rejects a status outside the closed set (TypeError: programming error)', async () => {
    const p = person();
    await store.persons.insert(p);
    await expect(store.persons.updateStatus(p.id, 'deleted' as never)).rejects.toThrow(TypeError);
  });

  it('count counts rows', async () => {
    const s = await engine.openFresh();
    expect(await s.persons.count()).toBe(0);
    await s.persons.insert(person());
    await s.persons.insert(person());
    expect(await s.persons.count()).toBe(2);
  });

  it('the reader view carries no write method at run time', async () => {
    const r = store.reader.persons as unknown as Record<string, unknown>;
    expect(typeof r.findById).toBe('function');
    for (const m of ['insert', 'updateStatus', 'shred', 'addBlindIndexes', 'setWrappedKey']) expect(r[m]).toBeUndefined();
    expect((store.reader.credentials as unknown as Record<string, unknown>).setStatus).toBeUndefined();
    expect((store.reader.counters as unknown as Record<string, unknown>).increment).toBeUndefined();
  });
});

describeEachEngine('unique violations are WzError conflict on both engines', (engine) => {
  let store: Store;
  beforeAll(async () => {
    store = await engine.openFresh();
  });

  it('same person id twice → conflict', async () => {
    const p = person();
    await store.persons.insert(p);
    expect(await codeOf(store.persons.insert(person({ id: p.id })))).toBe('conflict');
  });

  it('same netid twice → conflict', async () => {
    const p = person();
    await store.persons.insert(p);
    expect(await codeOf(store.persons.insert(person({ netid: p.netid })))).toBe('conflict');
  });

  it('same person index twice → conflict', async () => {
    const p = person();
    await store.persons.insert(p);
    expect(await codeOf(store.persons.insert(person({ personIndex: p.personIndex })))).toBe('conflict');
  });

  it('same (kind, digest) blind index for two persons → conflict', async () => {
    const a = person();
    const b = person();
    await store.persons.insert(a);
    await store.persons.insert(b);
    const d = randomBytes(32);
    await store.persons.addBlindIndexes(a.id, [{ kind: 'phone', digest: d, keyId: 'bidx-1' }]);
    expect(await codeOf(store.persons.addBlindIndexes(b.id, [{ kind: 'phone', digest: d, keyId: 'bidx-1' }]))).toBe('conflict');
    // The same digest under another kind is a different index.
    await store.persons.addBlindIndexes(b.id, [{ kind: 'document:passport', digest: d, keyId: 'bidx-1' }]);
  });

  it('a row that refers to a missing person → conflict (foreign key)', async () => {
    expect(await codeOf(store.persons.addBlindIndexes(newId(), [{ kind: 'phone', digest: randomBytes(32), keyId: 'bidx-1' }]))).toBe('conflict');
    expect(await codeOf(store.credentials.insert({ personId: newId(), expiresAt: 1 }))).toBe('conflict');
  });

  it('the conflict detail names the constraint, never the value', async () => {
    const p = person();
    await store.persons.insert(p);
    try {
      await store.persons.insert(person({ netid: p.netid }));
      expect.unreachable();
    } catch (e) {
      expect(isWzError(e, 'conflict')).toBe(true);
      const err = e as Error & { detail?: string };
      expect(err.detail).toMatch(/netid/);
      expect(`${err.message} ${err.detail}`).not.toContain(p.netid);
    }
  });
});
