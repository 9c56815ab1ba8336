/**
 * Credential passphrases: an Argon2id PHC string per person and the failure counter behind
 * lockout. Hashing and verifying are the caller's (core/passphrase); the store only refuses
 * anything that is not a PHC string, so a raw passphrase cannot land in the database.
 * Every write is one statement: concurrent failures are each counted, on both engines.
 */
import { sql, type Selectable } from 'kysely';
import type { PassphrasesTable } from '../schema.ts';
import type { PassphraseReader, PassphraseRecord, PassphraseWriter } from './types.ts';
import { assertEpochMs, lookupId, writeId, type RepoContext } from '../context.ts';

/** `$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>` (B64 without padding, as PHC specifies). */
const ARGON2ID_PHC = /^\$argon2id\$v=\d{1,3}\$m=\d{1,10},t=\d{1,10},p=\d{1,3}(?:,[a-z]{1,32}=[A-Za-z0-9+/.-]{1,64})*\$[A-Za-z0-9+/]{11,}\$[A-Za-z0-9+/]{16,}$/;
const MAX_HASH = 512;

/** The read-only methods: all that `store.reader.passphrases` carries. */
export const PASSPHRASE_READ = ['find'] as const satisfies readonly (keyof PassphraseReader)[];

export function passphraseRepo({ db, now }: RepoContext): PassphraseWriter {
  return {
    async find(personId) {
      const key = lookupId(personId);
      if (key === undefined) return undefined;
      const row = await db.selectFrom('passphrases').selectAll().where('person_id', '=', key).executeTakeFirst();
      return row && toPassphrase(row);
    },

    async set(personId, hash, at) {
      const row = {
        person_id: writeId(personId, 'person id'),
        hash: assertPhc(hash),
        failures: 0,
        locked_until: null,
        updated_at: at === undefined ? now() : assertEpochMs(at, 'at'),
      };
      await db
        .insertInto('passphrases')
        .values(row)
        .onConflict((oc) =>
          oc.column('person_id').doUpdateSet({ hash: row.hash, failures: 0, locked_until: null, updated_at: row.updated_at }),
        )
        .execute();
    },

    async recordFailure(personId, opts) {
      if (typeof opts !== 'object' || opts === null) throw new TypeError('recordFailure needs { lockAfter, lockMs }');
      const { lockAfter, lockMs } = opts;
      if (!Number.isInteger(lockAfter) || lockAfter < 1 || lockAfter > 0x7fffffff) throw new TypeError('lockAfter must be a positive integer');
      if (!Number.isSafeInteger(lockMs) || lockMs < 1) throw new TypeError('lockMs must be a positive integer');
      const at = opts.at === undefined ? now() : assertEpochMs(opts.at, 'at');
      const lockUntil = assertEpochMs(at + lockMs, 'at + lockMs');
      const key = lookupId(personId);
      if (key === undefined) return undefined;
      // In an UPDATE's SET, column names are the row's old values on both engines.
      const row = await db
        .updateTable('passphrases')
        .set({
          failures: sql<number>`failures + 1`,
          locked_until: sql<number | null>`case when failures + 1 >= ${lockAfter} then ${lockUntil} else locked_until end`,
          updated_at: at,
        })
        .where('person_id', '=', key)
        .returning(['failures', 'locked_until'])
        .executeTakeFirst();
      return row && { failures: Number(row.failures), lockedUntil: row.locked_until === null ? null : Number(row.locked_until) };
    },

    async resetFailures(personId) {
      const key = lookupId(personId);
      if (key === undefined) return;
      // Called after every successful verification: write only if there is something to reset.
      await db
        .updateTable('passphrases')
        .set({ failures: 0, locked_until: null, updated_at: now() })
        .where('person_id', '=', key)
        .where((eb) => eb.or([eb('failures', '<>', 0), eb('locked_until', 'is not', null)]))
        .execute();
    },
  };
}

function assertPhc(hash: unknown): string {
  if (typeof hash !== 'string' || hash.length > MAX_HASH || !ARGON2ID_PHC.test(hash)) {
    // Never echo the value: it might be the passphrase itself.
    throw new TypeError('passphrase hash must be an Argon2id PHC string ($argon2id$v=…$m=…,t=…,p=…$salt$hash)');
  }
  return hash;
}

function toPassphrase(r: Selectable<PassphrasesTable>): PassphraseRecord {
  return { personId: r.person_id, hash: r.hash, failures: r.failures, lockedUntil: r.locked_until, updatedAt: r.updated_at };
}
