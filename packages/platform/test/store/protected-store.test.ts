import { beforeAll, expect, it } from 'vitest';
import { getSuite } from '@wangzheng/core/crypto/index';
import { isWzError } from '@wangzheng/core/errors';
import { BlindIndexer } from '../../src/protect/blind-index.ts';
import { DataProtector } from '../../src/protect/data-protector.ts';
import { rewrapAll } from '../../src/protect/rotate.ts';
import type { Store } from '../../src/store/index.ts';
import { describeEachEngine } from '../support/engines.ts';
import { enrollSynthetic } from '../support/enroll.ts';
import { blindKeyRing, kekRing } from '../support/keys.ts';
import { syntheticPeople } from '../support/people.ts';

const suite = getSuite('gm');

async function openProfile(store: Store, protector: DataProtector, id: string): Promise<unknown> {
  const p = await store.persons.findById(id);
  if (p === undefined) throw new Error('no such person');
  return protector.openFor(protector.unwrapDataKey(p.id, p.wrappedDek, p.kekId), p.id, 'profile', p.profile);
}

describeEachEngine('personal data at rest: envelope encryption through the store', (engine) => {
  let store: Store;
  const oldKeks = kekRing(suite, ['kek-1']);
  const bidx1 = blindKeyRing(['bidx-1']);
  const protector = new DataProtector(suite, oldKeks);
  const indexer = new BlindIndexer(suite, bidx1);
  const people = syntheticPeople(12, 7);
  const ids: string[] = [];

  beforeAll(async () => {
    store = await engine.openFresh();
    for (const p of people.slice(0, 10)) ids.push((await enrollSynthetic(store, protector, indexer, p)).id);
  });

  it('a stored profile opens with the person’s unwrapped data key', async () => {
    expect(await openProfile(store, protector, ids[0]!)).toEqual(people[0]);
  });

  it('a profile copied onto another person’s row → decryption_failed', async () => {
    const [a, b] = [ids[1]!, ids[2]!];
    const pa = await store.persons.findById(a);
    await store.persons.updateProfile(b, pa!.profile);
    const err = await openProfile(store, protector, b).catch((e: unknown) => e);
    expect(isWzError(err, 'decryption_failed')).toBe(true);
  });

  it('a wrapped data key copied onto another person’s row → decryption_failed', async () => {
    const [a, b] = [ids[3]!, ids[4]!];
    const pa = await store.persons.findById(a);
    expect(await store.persons.setWrappedKey(b, pa!.kekId, pa!.wrappedDek, pa!.kekId)).toBe(true);
    const err = await openProfile(store, protector, b).catch((e: unknown) => e);
    expect(isWzError(err, 'decryption_failed')).toBe(true);
  });

  it('a tampered profile byte at rest → decryption_failed', async () => {
    const p = await store.persons.findById(ids[5]!);
    const t = Uint8Array.from(p!.profile);
    t[20] = (t[20] as number) ^ 0x80;
    await store.persons.updateProfile(p!.id, t);
    const err = await openProfile(store, protector, p!.id).catch((e: unknown) => e);
    expect(isWzError(err, 'decryption_failed')).toBe(true);
  });

  it('blind-index lookup finds a person by document or phone, in any input form', async () => {
    const p = people[6]!;
    const byDoc = await store.persons.findByBlindIndex('document:resident_id', indexer.candidates('document:resident_id', ` ${p.documentNumber.toLowerCase()} `).map((c) => c.digest));
    expect(byDoc?.id).toBe(ids[6]);
    const byPhone = await store.persons.findByBlindIndex('phone', indexer.candidates('phone', `+86 ${p.phone}`).map((c) => c.digest));
    expect(byPhone?.id).toBe(ids[6]);
    const byRef = await store.persons.findByPersonIndex(indexer.candidates('person_ref', p.personRef).map((c) => c.digest));
    expect(byRef?.id).toBe(ids[6]);
  });

  it('blind-index key rotation: old digests are still found through candidates, then re-indexed under the new key', async () => {
    const bidx2 = blindKeyRing(['bidx-2']);
    const rotated = new BlindIndexer(suite, [...bidx2, ...bidx1]);
    const p = people[7]!;
    const id = ids[7]!;
    const cands = rotated.candidates('phone', p.phone);
    expect(cands[0]!.keyId).toBe('bidx-2');
    const found = await store.persons.findByBlindIndex('phone', cands.map((c) => c.digest));
    expect(found?.id).toBe(id);
    // The matched index was made with bidx-1: re-index this person under the current key.
    const stored = await store.persons.listBlindIndexes(id);
    expect(stored.filter((s) => s.kind === 'phone').map((s) => rotated.isCurrent(s.keyId))).toEqual([false]);
    await store.persons.replaceBlindIndexes(id, 'phone', [rotated.digest('phone', p.phone)]);
    const person = await store.persons.findByPersonIndex(rotated.candidates('person_ref', p.personRef).map((c) => c.digest));
    expect(person?.personIndexKeyId).toBe('bidx-1');
    const ref = rotated.digest('person_ref', p.personRef);
    await store.persons.setPersonIndex(id, ref.digest, ref.keyId);
    // With the old key dropped from the ring, the person is still found.
    const newOnly = new BlindIndexer(suite, bidx2);
    expect((await store.persons.findByBlindIndex('phone', newOnly.candidates('phone', p.phone).map((c) => c.digest)))?.id).toBe(id);
    expect((await store.persons.findByPersonIndex(newOnly.candidates('person_ref', p.personRef).map((c) => c.digest)))?.id).toBe(id);
    // The document index was not re-indexed yet: under the new key alone it is not found.
    expect(await store.persons.findByBlindIndex('document:resident_id', newOnly.candidates('document:resident_id', p.documentNumber).map((c) => c.digest))).toBeUndefined();
  });

  it('KEK rotation: rewrapAll moves every data key to the new KEK; profiles open after the old KEK is dropped', async () => {
    const s = await engine.openFresh();
    const before = new DataProtector(suite, oldKeks);
    const enrolled: string[] = [];
    for (const p of people) enrolled.push((await enrollSynthetic(s, before, indexer, p)).id);
    const newKek = kekRing(suite, ['kek-2']);
    const rotating = new DataProtector(suite, [...newKek, ...oldKeks]);
    expect(await rewrapAll(s.persons, rotating, { batchSize: 5 })).toEqual({ rewrapped: people.length });
    expect(await rewrapAll(s.persons, rotating)).toEqual({ rewrapped: 0 });
    const after = new DataProtector(suite, newKek);
    for (let i = 0; i < people.length; i++) {
      const p = await s.persons.findById(enrolled[i]!);
      expect(p?.kekId).toBe('kek-2');
      expect(await openProfile(s, after, enrolled[i]!)).toEqual(people[i]);
    }
  });

  it('setWrappedKey is compare-and-set on the KEK id', async () => {
    const p = await store.persons.findById(ids[8]!);
    expect(await store.persons.setWrappedKey(p!.id, 'kek-other', p!.wrappedDek, 'kek-9')).toBe(false);
    expect((await store.persons.findById(p!.id))?.kekId).toBe('kek-1');
  });
});
