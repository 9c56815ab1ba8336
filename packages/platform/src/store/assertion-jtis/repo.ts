/**
 * Client-assertion ids already used (RFC 7523 §3): one INSERT … ON CONFLICT DO NOTHING per
 * use, so of two requests with the same (client id, jti) exactly one inserts — on SQLite writers
 * are serialised, on PostgreSQL the primary key decides — and neither raises an error (which
 * would end a surrounding PostgreSQL transaction).
 */
import { isClientId } from '@wangzheng/core/rp/client-id';
import type { AssertionJtiWriter } from './types.ts';
import { assertEpochMs, type RepoContext } from '../context.ts';

const MAX_SWEEP = 10_000;
const MAX_JTI = 256;

export function assertionJtiRepo({ db }: RepoContext): AssertionJtiWriter {
  return {
    async use(clientId, jti, expiresAt) {
      if (!isClientId(clientId)) throw new TypeError('client id must match rp_ + 22 base64url characters');
      if (typeof jti !== 'string' || jti.length === 0 || jti.length > MAX_JTI) throw new TypeError(`jti must be 1..${MAX_JTI} characters`);
      const r = await db
        .insertInto('rp_assertion_jtis')
        .values({ client_id: clientId, jti, expires_at: assertEpochMs(expiresAt, 'expiresAt') })
        .onConflict((oc) => oc.columns(['client_id', 'jti']).doNothing())
        .executeTakeFirst();
      return Number(r.numInsertedOrUpdatedRows ?? 0n) === 1;
    },

    async deleteExpired(at, limit) {
      assertEpochMs(at, 'now');
      if (!Number.isInteger(limit) || limit < 1 || limit > MAX_SWEEP) throw new TypeError(`limit must be 1..${MAX_SWEEP}`);
      // DELETE … LIMIT is not portable: pick the keys in a subquery (a row value IN works on both engines).
      const r = await db
        .deleteFrom('rp_assertion_jtis')
        .where((eb) =>
          eb(
            eb.refTuple('client_id', 'jti'),
            'in',
            eb.selectFrom('rp_assertion_jtis').select(['client_id', 'jti']).where('expires_at', '<=', at).orderBy('expires_at').limit(limit).$asTuple('client_id', 'jti'),
          ),
        )
        .executeTakeFirst();
      return Number(r.numDeletedRows);
    },
  };
}
