/** Persons and their blind indexes. See types.ts for the contract. */
import type { Selectable } from 'kysely';
import { toDbBytes } from '../dialect.ts';
import type { PersonsTable } from '../schema.ts';
import {
  PERSON_STATUSES,
  type BlindIndexEntry,
  type NewPerson,
  type PersonReader,
  type PersonRecord,
  type PersonStatus,
  type PersonWriter,
  type StoredBlindIndex,
  type WrappedKeyRow,
} from './types.ts';
import {
  assertBytes,
  assertCode,
  assertEpochMs,
  assertInt32,
  assertText,
  lookupId,
  writeId,
  type RepoContext,
} from '../context.ts';

/** Cap on digests per lookup: one per key in a ring; more means a bug upstream. */
const MAX_DIGESTS = 16;

/** The read-only methods: all that `store.reader.persons` carries. */
export const PERSON_READ = [
  'findById',
  'findByNetid',
  'findByPersonIndex',
  'findByBlindIndex',
  'isNetidTaken',
  'listBlindIndexes',
  'count',
] as const satisfies readonly (keyof PersonReader)[];

export function personRepo({ db, now }: RepoContext): PersonWriter {
  const repo: PersonWriter = {
    async findById(id) {
      const key = lookupId(id);
      if (key === undefined) return undefined;
      const row = await db.selectFrom('persons').selectAll().where('id', '=', key).executeTakeFirst();
      return row && toPerson(row);
    },

    async findByNetid(netid) {
      if (typeof netid !== 'string' || netid.length === 0) return undefined;
      const row = await db.selectFrom('persons').selectAll().where('netid', '=', netid).executeTakeFirst();
      return row && toPerson(row);
    },

    async findByPersonIndex(digests) {
      const list = digestList(digests);
      if (list.length === 0) return undefined;
      const rows = await db.selectFrom('persons').selectAll().where('person_index', 'in', list).execute();
      const hit = firstByDigestOrder(rows, list, (r) => r.person_index);
      return hit && toPerson(hit);
    },

    async findByBlindIndex(kind, digests) {
      assertCode(kind, 'blind index kind');
      const list = digestList(digests);
      if (list.length === 0) return undefined;
      const hits = await db
        .selectFrom('blind_indexes')
        .select(['digest', 'person_id'])
        .where('kind', '=', kind)
        .where('digest', 'in', list)
        .execute();
      const hit = firstByDigestOrder(hits, list, (r) => r.digest);
      if (hit === undefined) return undefined;
      const row = await db.selectFrom('persons').selectAll().where('id', '=', hit.person_id).executeTakeFirst();
      return row && toPerson(row);
    },

    async isNetidTaken(netid) {
      assertText(netid, 'netid', 64);
      const row = await db.selectFrom('persons').select('id').where('netid', '=', netid).executeTakeFirst();
      return row !== undefined;
    },

    async listBlindIndexes(personId) {
      const key = lookupId(personId);
      if (key === undefined) return [];
      const rows = await db
        .selectFrom('blind_indexes')
        .selectAll()
        .where('person_id', '=', key)
        .orderBy('kind')
        .orderBy('created_at')
        .execute();
      return rows.map(
        (r): StoredBlindIndex => ({ kind: r.kind, digest: r.digest, keyId: r.key_id, personId: r.person_id, createdAt: r.created_at }),
      );
    },

    async count() {
      const row = await db.selectFrom('persons').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      return Number(row.n);
    },

    async insert(p: NewPerson) {
      const at = p.createdAt === undefined ? now() : assertEpochMs(p.createdAt, 'createdAt');
      const status = p.status ?? 'active';
      assertStatus(status);
      const row = {
        id: writeId(p.id, 'person id'),
        netid: assertText(p.netid, 'netid', 64),
        netid_attempt: assertInt32(p.netidAttempt, 'netidAttempt'),
        person_index: toDbBytes(assertBytes(p.personIndex, 'personIndex')),
        person_index_key_id: assertCode(p.personIndexKeyId, 'personIndexKeyId'),
        wrapped_dek: toDbBytes(assertBytes(p.wrappedDek, 'wrappedDek')),
        kek_id: assertCode(p.kekId, 'kekId'),
        profile: toDbBytes(assertBytes(p.profile, 'profile')),
        status,
        created_at: at,
        updated_at: at,
      };
      await db.insertInto('persons').values(row).execute();
      return toPerson(row);
    },

    async addBlindIndexes(personId, entries) {
      const rows = indexRows(writeId(personId, 'person id'), entries, now());
      if (rows.length > 0) await db.insertInto('blind_indexes').values(rows).execute();
    },

    async replaceBlindIndexes(personId, kind, entries) {
      const id = writeId(personId, 'person id');
      assertCode(kind, 'blind index kind');
      if (entries.some((e) => e.kind !== kind)) throw new TypeError('replaceBlindIndexes: every entry must be of the replaced kind');
      const rows = indexRows(id, entries, now());
      await db.deleteFrom('blind_indexes').where('person_id', '=', id).where('kind', '=', kind).execute();
      if (rows.length > 0) await db.insertInto('blind_indexes').values(rows).execute();
    },

    async setPersonIndex(id, personIndex, keyId) {
      const key = lookupId(id);
      if (key === undefined) return false;
      const r = await db
        .updateTable('persons')
        .set({
          person_index: toDbBytes(assertBytes(personIndex, 'personIndex')),
          person_index_key_id: assertCode(keyId, 'keyId'),
          updated_at: now(),
        })
        .where('id', '=', key)
        .executeTakeFirst();
      return r.numUpdatedRows > 0n;
    },

    async updateStatus(id, status) {
      assertStatus(status);
      const key = lookupId(id);
      if (key === undefined) return false;
      const r = await db.updateTable('persons').set({ status, updated_at: now() }).where('id', '=', key).executeTakeFirst();
      return r.numUpdatedRows > 0n;
    },

    async updateProfile(id, profile) {
      const key = lookupId(id);
      if (key === undefined) return false;
      const r = await db
        .updateTable('persons')
        .set({ profile: toDbBytes(assertBytes(profile, 'profile')), updated_at: now() })
        .where('id', '=', key)
        .executeTakeFirst();
      return r.numUpdatedRows > 0n;
    },

    async listWrappedKeysNotUnder(currentKekId, limit) {
      assertCode(currentKekId, 'kekId');
      if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) throw new TypeError('limit must be 1..10000');
      const rows = await db
        .selectFrom('persons')
        .select(['id', 'wrapped_dek', 'kek_id'])
        .where('kek_id', '<>', currentKekId)
        .orderBy('id')
        .limit(limit)
        .execute();
      return rows.map((r): WrappedKeyRow => ({ id: r.id, wrappedDek: r.wrapped_dek, kekId: r.kek_id }));
    },

    async setWrappedKey(id, expectedKekId, wrappedDek, kekId) {
      const key = writeId(id, 'person id');
      const r = await db
        .updateTable('persons')
        .set({ wrapped_dek: toDbBytes(assertBytes(wrappedDek, 'wrappedDek')), kek_id: assertCode(kekId, 'kekId') })
        .where('id', '=', key)
        .where('kek_id', '=', assertCode(expectedKekId, 'expectedKekId'))
        .executeTakeFirst();
      return r.numUpdatedRows > 0n;
    },

    async shred(id) {
      const key = lookupId(id);
      if (key === undefined) return false;
      const at = now();
      // Revoke first: the ON DELETE SET NULL below then detaches the credentials from the person.
      await db
        .updateTable('credentials')
        .set({ status: 'revoked', revoked_at: at, reason: 'cancelled' })
        .where('person_id', '=', key)
        .where('status', '<>', 'revoked')
        .execute();
      // Cascades to blind_indexes, devices, consents, events, passphrases. SQLite's
      // secure_delete zeroes the freed cells; PostgreSQL leaves a dead tuple until VACUUM
      // (see docs/store.md).
      const r = await db.deleteFrom('persons').where('id', '=', key).executeTakeFirst();
      return r.numDeletedRows > 0n;
    },
  };
  return repo;
}

/** A `persons` row as a record (also read joined: credentials/repo.ts `findPresented`). */
export function toPerson(r: Selectable<PersonsTable>): PersonRecord {
  return {
    id: r.id,
    netid: r.netid,
    netidAttempt: r.netid_attempt,
    personIndex: r.person_index,
    personIndexKeyId: r.person_index_key_id,
    wrappedDek: r.wrapped_dek,
    kekId: r.kek_id,
    profile: r.profile,
    status: r.status as PersonStatus,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

function assertStatus(s: unknown): asserts s is PersonStatus {
  if (!(PERSON_STATUSES as readonly unknown[]).includes(s)) throw new TypeError(`person status must be one of ${PERSON_STATUSES.join(', ')}`);
}

function digestList(digests: readonly Uint8Array[]): Buffer[] {
  if (!Array.isArray(digests) || digests.length > MAX_DIGESTS) throw new TypeError(`digests must be an array of at most ${MAX_DIGESTS}`);
  return digests.map((d) => toDbBytes(assertBytes(d, 'digest')));
}

/** The row matched by the earliest digest of `order` (current key first). */
function firstByDigestOrder<R>(rows: R[], order: Buffer[], digestOf: (r: R) => Uint8Array): R | undefined {
  for (const d of order) {
    const hit = rows.find((r) => Buffer.compare(digestOf(r), d) === 0);
    if (hit !== undefined) return hit;
  }
  return undefined;
}

function indexRows(personId: string, entries: readonly BlindIndexEntry[], at: number) {
  if (!Array.isArray(entries)) throw new TypeError('entries must be an array');
  return entries.map((e) => ({
    kind: assertCode(e.kind, 'blind index kind'),
    digest: toDbBytes(assertBytes(e.digest, 'digest')),
    key_id: assertCode(e.keyId, 'keyId'),
    person_id: personId,
    created_at: at,
  }));
}
