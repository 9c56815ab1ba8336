import { readFileSync, existsSync } from 'node:fs';
import { hash } from '@node-rs/argon2';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { getSuite } from '@wangzheng/core/crypto/index';
import { isWzError } from '@wangzheng/core/errors';
import { BlindIndexer } from '../../src/protect/blind-index.ts';
import { DataProtector } from '../../src/protect/data-protector.ts';
import { openStore, type PersonRecord, type Store } from '../../src/store/index.ts';
import { describeEachEngine } from '../support/engines.ts';
import { enrollSynthetic, type Enrolled } from '../support/enroll.ts';
import { blindKeyRing, kekRing } from '../support/keys.ts';
import { syntheticPeople } from '../support/people.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const suite = getSuite('gm');
/** A real Argon2id PHC string, cheap parameters (the store never looks inside). */
const phc = (passphrase: string) => hash(passphrase, { memoryCost: 1024, timeCost: 1, parallelism: 1 });

describeEachEngine('cancellation shreds the person: nothing readable, nothing linkable', (engine) => {
  let store: Store;
  const keks = kekRing(suite, ['kek-1']);
  const protector = new DataProtector(suite, keks);
  const indexer = new BlindIndexer(suite, blindKeyRing());
  const [alice, bob] = syntheticPeople(2, 99) as [ReturnType<typeof syntheticPeople>[number], ReturnType<typeof syntheticPeople>[number]];
  let a: Enrolled;
  let b: Enrolled;
  let backup: PersonRecord;
  let bobPassphrase: string;

  beforeAll(async () => {
    store = await engine.openFresh();
    a = await enrollSynthetic(store, protector, indexer, alice);
    b = await enrollSynthetic(store, protector, indexer, bob);
    bobPassphrase = await phc('bob passphrase');
    await store.passphrases.set(a.id, await phc('alice passphrase'));
    await store.passphrases.set(b.id, bobPassphrase);
    await store.passphrases.recordFailure(a.id, { lockAfter: 5, lockMs: 60_000 });
    await store.credentials.setStatus(a.credentialId, 'suspended');
    backup = (await store.persons.findById(a.id))!;
    expect(await store.persons.shred(a.id)).toBe(true);
  });

  it('the person row is gone: by id, netid, person index, document, phone', async () => {
    expect(await store.persons.findById(a.id)).toBeUndefined();
    expect(await store.persons.findByNetid(a.netid)).toBeUndefined();
    expect(await store.persons.isNetidTaken(a.netid)).toBe(false);
    expect(await store.persons.findByPersonIndex(indexer.candidates('person_ref', alice.personRef).map((c) => c.digest))).toBeUndefined();
    expect(await store.persons.findByBlindIndex('document:resident_id', indexer.candidates('document:resident_id', alice.documentNumber).map((c) => c.digest))).toBeUndefined();
    expect(await store.persons.findByBlindIndex('phone', indexer.candidates('phone', alice.phone).map((c) => c.digest))).toBeUndefined();
  });

  it('blind indexes, devices, consents, events and the passphrase of the person are deleted', async () => {
    expect(await store.passphrases.find(a.id)).toBeUndefined();
    expect(await store.persons.listBlindIndexes(a.id)).toEqual([]);
    expect(await store.devices.listByPerson(a.id)).toEqual([]);
    expect(await store.devices.findById(a.deviceId)).toBeUndefined();
    expect(await store.consents.listByPerson(a.id)).toEqual([]);
    expect(await store.events.listByPerson(a.id)).toEqual([]);
  });

  it('credentials stay, revoked with reason "cancelled" and linked to no one (status lists stay correct)', async () => {
    const c = await store.credentials.findById(a.credentialId);
    expect(c).toMatchObject({ status: 'revoked', reason: 'cancelled', personId: null, deviceId: null });
    expect(c?.revokedAt).toEqual(expect.any(Number));
  });

  it('without the wrapped data key, a leftover copy of the profile cannot be opened', async () => {
    const bRow = (await store.persons.findById(b.id))!;
    const bDek = protector.unwrapDataKey(b.id, bRow.wrappedDek, bRow.kekId);
    for (const dek of [bDek, protector.newDataKey(a.id).dek]) {
      const err = (() => {
        try {
          return protector.openFor(dek, a.id, 'profile', backup.profile);
        } catch (e) {
          return e;
        }
      })();
      expect(isWzError(err, 'decryption_failed')).toBe(true);
    }
  });

  it('a backup copy of the wrapped key is dead once its KEK is rotated out of the ring', async () => {
    const rotated = new DataProtector(suite, kekRing(suite, ['kek-2']));
    const err = (() => {
      try {
        return rotated.unwrapDataKey(a.id, backup.wrappedDek, backup.kekId);
      } catch (e) {
        return e;
      }
    })();
    expect(isWzError(err, 'decryption_failed')).toBe(true);
  });

  it('other persons are untouched', async () => {
    const row = (await store.persons.findById(b.id))!;
    expect(protector.openFor(protector.unwrapDataKey(b.id, row.wrappedDek, row.kekId), b.id, 'profile', row.profile)).toEqual(bob);
    expect((await store.credentials.findById(b.credentialId))?.status).toBe('valid');
    expect(await store.passphrases.find(b.id)).toMatchObject({ hash: bobPassphrase, failures: 0 });
  });

  it('shredding again returns false; the same person can enroll anew', async () => {
    expect(await store.persons.shred(a.id)).toBe(false);
    const again = await enrollSynthetic(store, protector, indexer, alice);
    expect(again.id).not.toBe(a.id);
  });
});

describe('SQLite secure_delete: a shredded person leaves no ciphertext bytes in the database file [sqlite]', () => {
  it('after shred and checkpoint, the file holds neither the wrapped key nor the profile', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wz-shred-'));
    try {
      const path = join(dir, 'db.sqlite');
      const store = await openStore({ engine: 'sqlite', path });
      const protector = new DataProtector(suite, kekRing(suite));
      const indexer = new BlindIndexer(suite, blindKeyRing());
      const people = syntheticPeople(20, 5);
      const enrolled = [];
      for (const p of people) enrolled.push(await enrollSynthetic(store, protector, indexer, p));
      const victim = (await store.persons.findById(enrolled[7]!.id))!;
      const survivor = (await store.persons.findById(enrolled[8]!.id))!;
      const [victimHash, survivorHash] = [await phc('victim passphrase'), await phc('survivor passphrase')];
      await store.passphrases.set(victim.id, victimHash);
      await store.passphrases.set(survivor.id, survivorHash);
      await store.persons.shred(victim.id);
      await store.close();

      const db = new Database(path);
      db.pragma('wal_checkpoint(TRUNCATE)');
      db.close();
      const files = [path, `${path}-wal`].filter((f) => existsSync(f)).map((f) => readFileSync(f));
      const contains = (needle: Uint8Array) => files.some((f) => f.includes(Buffer.from(needle)));
      // The check can fail: the survivor's bytes are found the same way.
      expect(contains(survivor.wrappedDek)).toBe(true);
      expect(contains(survivor.profile)).toBe(true);
      expect(contains(Buffer.from(survivorHash))).toBe(true);
      expect(contains(Buffer.from(victimHash))).toBe(false);
      expect(contains(victim.wrappedDek)).toBe(false);
      expect(contains(victim.profile)).toBe(false);
      expect(contains(Buffer.from(victim.netid))).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describeEachEngine('shred is all or nothing', (engine) => {
  it('shred inside a transaction that then fails is undone entirely; outside one it commits on its own', async () => {
    const store = await engine.openFresh();
    const protector = new DataProtector(suite, kekRing(suite));
    const indexer = new BlindIndexer(suite, blindKeyRing());
    const [p] = syntheticPeople(1, 3);
    const e = await enrollSynthetic(store, protector, indexer, p!);
    await store.passphrases.set(e.id, await phc('a passphrase'));
    // Shredding inside a caller's transaction that then fails: everything comes back.
    await store
      .transaction(async (tx) => {
        expect(await tx.persons.shred(e.id)).toBe(true);
        throw new Error('abort after shred');
      })
      .catch(() => {});
    expect((await store.persons.findById(e.id))?.id).toBe(e.id);
    expect((await store.credentials.findById(e.credentialId))?.status).toBe('valid');
    expect(await store.persons.listBlindIndexes(e.id)).toHaveLength(2);
    expect((await store.passphrases.find(e.id))?.personId).toBe(e.id);
    // And outside a transaction, shred opens its own.
    expect(await store.persons.shred(e.id)).toBe(true);
    expect(await store.persons.findById(e.id)).toBeUndefined();
    expect(await store.passphrases.find(e.id)).toBeUndefined();
  });
});
