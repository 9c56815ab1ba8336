/** Pending phone-number changes: sealed new number and code digest, counters. See types.ts. */
import { sql, type Selectable } from 'kysely';
import { toDbBytes } from '../dialect.ts';
import type { PhoneChangesTable } from '../schema.ts';
import type { PhoneChangeRecord, PhoneChangeWriter } from './types.ts';
import { assertBytes, assertEpochMs, assertInt32, lookupId, writeId, type RepoContext } from '../context.ts';

export function phoneChangeRepo({ db }: RepoContext): PhoneChangeWriter {
  return {
    async find(personId) {
      const key = lookupId(personId);
      if (key === undefined) return undefined;
      const row = await db.selectFrom('phone_changes').selectAll().where('person_id', '=', key).executeTakeFirst();
      return row && toRecord(row);
    },

    async putCode(personId, code, limits) {
      const key = writeId(personId, 'person id');
      const at = assertEpochMs(code.at, 'at');
      const data = toDbBytes(assertBytes(code.data, 'sealed phone change'));
      const codeExpiresAt = assertEpochMs(code.codeExpiresAt, 'codeExpiresAt');
      const maxSends = assertInt32(limits.maxSends, 'maxSends');
      const maxWrong = assertInt32(limits.maxWrong, 'maxWrong');
      const windowStart = at - assertEpochMs(limits.windowMs, 'windowMs');
      await db
        .insertInto('phone_changes')
        .values({ person_id: key, data: null, code_expires_at: 0, sends: 0, wrong_tries: 0, window_started_at: at, updated_at: at })
        .onConflict((oc) => oc.column('person_id').doNothing())
        .execute();
      // A window that has passed starts afresh (counters and any stale code).
      await db
        .updateTable('phone_changes')
        .set({ sends: 0, wrong_tries: 0, window_started_at: at, data: null, code_expires_at: 0, updated_at: at })
        .where('person_id', '=', key)
        .where('window_started_at', '<=', windowStart)
        .execute();
      // In an UPDATE's WHERE and SET, columns are the row's current values on both engines;
      // PostgreSQL re-checks the WHERE after waiting for a concurrent writer's row lock.
      const row = await db
        .updateTable('phone_changes')
        .set({ sends: sql<number>`sends + 1`, data, code_expires_at: codeExpiresAt, updated_at: at })
        .where('person_id', '=', key)
        .where('sends', '<', maxSends)
        .where('wrong_tries', '<', maxWrong)
        .returningAll()
        .executeTakeFirst();
      return row && toRecord(row);
    },

    async recordWrong(personId, opts) {
      const key = lookupId(personId);
      if (key === undefined) return undefined;
      const maxWrong = assertInt32(opts.maxWrong, 'maxWrong');
      const at = assertEpochMs(opts.at, 'at');
      const row = await db
        .updateTable('phone_changes')
        .set({
          wrong_tries: sql<number>`wrong_tries + 1`,
          // The last allowed wrong code voids the live one.
          code_expires_at: sql<number>`case when wrong_tries + 1 >= ${maxWrong} then 0 else code_expires_at end`,
          data: sql<Uint8Array | null>`case when wrong_tries + 1 >= ${maxWrong} then null else data end`,
          updated_at: at,
        })
        .where('person_id', '=', key)
        .returning('wrong_tries')
        .executeTakeFirst();
      return row && Number(row.wrong_tries);
    },

    async voidCode(personId, at) {
      const key = lookupId(personId);
      if (key === undefined) return false;
      const r = await db
        .updateTable('phone_changes')
        .set({ data: null, code_expires_at: 0, updated_at: assertEpochMs(at, 'at') })
        .where('person_id', '=', key)
        .where('data', 'is not', null)
        .executeTakeFirst();
      return r.numUpdatedRows > 0n;
    },
  };
}

function toRecord(r: Selectable<PhoneChangesTable>): PhoneChangeRecord {
  return {
    personId: r.person_id,
    data: r.data,
    codeExpiresAt: Number(r.code_expires_at),
    sends: Number(r.sends),
    wrongTries: Number(r.wrong_tries),
    windowStartedAt: Number(r.window_started_at),
    updatedAt: Number(r.updated_at),
  };
}
