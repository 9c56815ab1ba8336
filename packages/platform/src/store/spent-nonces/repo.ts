/** Spent nonces (single use until expiry): see types.ts. */
import { toDbBytes } from '../dialect.ts';
import type { SpentNonceWriter } from './types.ts';
import { assertBytes, assertEpochMs, type RepoContext } from '../context.ts';

const MAX_SWEEP = 10_000;
const MAX_DIGEST = 64;

export function spentNonceRepo({ db }: RepoContext): SpentNonceWriter {
  return {
    async spend(digest, expiresAt) {
      const d = assertBytes(digest, 'nonce digest');
      if (d.byteLength > MAX_DIGEST) throw new TypeError(`nonce digest must be at most ${MAX_DIGEST} bytes`);
      const r = await db
        .insertInto('spent_nonces')
        .values({ digest: toDbBytes(d), expires_at: assertEpochMs(expiresAt, 'expiresAt') })
        .onConflict((oc) => oc.column('digest').doNothing())
        .executeTakeFirst();
      return Number(r.numInsertedOrUpdatedRows ?? 0n) === 1;
    },

    async deleteExpired(at, limit) {
      assertEpochMs(at, 'now');
      if (!Number.isInteger(limit) || limit < 1 || limit > MAX_SWEEP) throw new TypeError(`limit must be 1..${MAX_SWEEP}`);
      // DELETE … LIMIT is not portable: pick the keys in a subquery.
      const r = await db
        .deleteFrom('spent_nonces')
        .where('digest', 'in', db.selectFrom('spent_nonces').select('digest').where('expires_at', '<=', at).orderBy('expires_at').limit(limit))
        .executeTakeFirst();
      return Number(r.numDeletedRows);
    },
  };
}
