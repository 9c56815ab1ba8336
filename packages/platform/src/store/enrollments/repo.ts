/**
 * Enrollments in progress. The store sees digests, a wrapped key and sealed bytes only; what is
 * inside is the caller's (see types.ts). Each step is a compare-and-set on (state, nonce digest)
 * in a single UPDATE: on PostgreSQL a second UPDATE waiting on the row lock re-checks its WHERE
 * against the committed row, on SQLite writers are serialised — either way, when the patch
 * changes the state or the nonce, one request wins.
 */
import type { Selectable } from 'kysely';
import { toDbBytes } from '../dialect.ts';
import type { EnrollmentsTable } from '../schema.ts';
import type { EnrollmentPatch, EnrollmentReader, EnrollmentRecord, EnrollmentWriter, NewEnrollment } from './types.ts';
import { assertBytes, assertCode, assertEpochMs, lookupId, writeId, type RepoContext } from '../context.ts';

const MAX_SWEEP = 10_000;

/** The read-only methods: all that `store.reader.enrollments` carries. */
export const ENROLLMENT_READ = ['findById', 'findByApprovalCode', 'count'] as const satisfies readonly (keyof EnrollmentReader)[];

export function enrollmentRepo({ db, now }: RepoContext): EnrollmentWriter {
  return {
    async findById(id) {
      const key = lookupId(id);
      if (key === undefined) return undefined;
      const row = await db.selectFrom('enrollments').selectAll().where('id', '=', key).executeTakeFirst();
      return row && toEnrollment(row);
    },

    async findByApprovalCode(hash) {
      const digest = toDbBytes(assertBytes(hash, 'approval code hash'));
      const row = await db.selectFrom('enrollments').selectAll().where('approval_code_hash', '=', digest).executeTakeFirst();
      return row && toEnrollment(row);
    },

    async count() {
      const row = await db.selectFrom('enrollments').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      return Number(row.n);
    },

    async insert(e: NewEnrollment) {
      const at = e.createdAt === undefined ? now() : assertEpochMs(e.createdAt, 'createdAt');
      const row = {
        id: writeId(e.id, 'enrollment id'),
        token_hash: toDbBytes(assertBytes(e.tokenHash, 'tokenHash')),
        state: assertCode(e.state, 'enrollment state'),
        nonce_hash: toDbBytes(assertBytes(e.nonceHash, 'nonceHash')),
        nonce_expires_at: assertEpochMs(e.nonceExpiresAt, 'nonceExpiresAt'),
        expires_at: assertEpochMs(e.expiresAt, 'expiresAt'),
        kek_id: assertCode(e.kekId, 'kekId'),
        wrapped_dek: toDbBytes(assertBytes(e.wrappedDek, 'wrappedDek')),
        sealed: toDbBytes(assertBytes(e.sealed, 'sealed')),
        approval_code_hash: e.approvalCodeHash == null ? null : toDbBytes(assertBytes(e.approvalCodeHash, 'approvalCodeHash')),
        created_at: at,
        updated_at: at,
      };
      await db.insertInto('enrollments').values(row).execute();
      return toEnrollment(row);
    },

    async advance(id, expected, patch) {
      const expectedState = assertCode(expected?.state, 'expected state');
      const expectedNonce = toDbBytes(assertBytes(expected?.nonceHash, 'expected nonceHash'));
      const set = patchRow(patch, now());
      const expectedSealed = expected.sealed === undefined ? undefined : toDbBytes(assertBytes(expected.sealed, 'expected sealed'));
      const key = lookupId(id);
      if (key === undefined) return false;
      let q = db.updateTable('enrollments').set(set).where('id', '=', key).where('state', '=', expectedState).where('nonce_hash', '=', expectedNonce);
      if (expectedSealed !== undefined) q = q.where('sealed', '=', expectedSealed);
      const r = await q.executeTakeFirst();
      return r.numUpdatedRows > 0n;
    },

    async delete(id) {
      const key = lookupId(id);
      if (key === undefined) return false;
      const r = await db.deleteFrom('enrollments').where('id', '=', key).executeTakeFirst();
      return r.numDeletedRows > 0n;
    },

    async deleteExpired(at, limit) {
      assertEpochMs(at, 'now');
      if (!Number.isInteger(limit) || limit < 1 || limit > MAX_SWEEP) throw new TypeError(`limit must be 1..${MAX_SWEEP}`);
      // DELETE … LIMIT is not portable (PostgreSQL has none): pick the ids in a subquery.
      const r = await db
        .deleteFrom('enrollments')
        .where('id', 'in', (eb) =>
          eb.selectFrom('enrollments').select('id').where('expires_at', '<=', at).orderBy('expires_at').orderBy('id').limit(limit),
        )
        .executeTakeFirst();
      return Number(r.numDeletedRows);
    },
  };
}

function patchRow(p: EnrollmentPatch, at: number) {
  if (typeof p !== 'object' || p === null) throw new TypeError('patch must be an object');
  return {
    state: assertCode(p.state, 'enrollment state'),
    nonce_hash: toDbBytes(assertBytes(p.nonceHash, 'nonceHash')),
    nonce_expires_at: assertEpochMs(p.nonceExpiresAt, 'nonceExpiresAt'),
    sealed: toDbBytes(assertBytes(p.sealed, 'sealed')),
    ...(p.approvalCodeHash === undefined
      ? {}
      : { approval_code_hash: p.approvalCodeHash === null ? null : toDbBytes(assertBytes(p.approvalCodeHash, 'approvalCodeHash')) }),
    ...(p.expiresAt === undefined ? {} : { expires_at: assertEpochMs(p.expiresAt, 'expiresAt') }),
    updated_at: at,
  };
}

function toEnrollment(r: Selectable<EnrollmentsTable>): EnrollmentRecord {
  return {
    id: r.id,
    tokenHash: r.token_hash,
    state: r.state,
    nonceHash: r.nonce_hash,
    nonceExpiresAt: r.nonce_expires_at,
    expiresAt: r.expires_at,
    kekId: r.kek_id,
    wrappedDek: r.wrapped_dek,
    sealed: r.sealed,
    approvalCodeHash: r.approval_code_hash,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}
