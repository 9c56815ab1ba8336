/** Erasure of the rows that name a person but do not cascade from `persons`: see types.ts. */
import type { ErasedRows, ErasureWriter } from './types.ts';
import { lookupId, type RepoContext } from '../context.ts';

/** Ban states whose digest no longer does anything (see bans/types.ts). */
const CLOSED_BAN_STATES = ['lifted', 'withdrawn'];

const NOTHING: ErasedRows = { verificationRequests: 0, oidcAuthorizations: 0, oidcAccessTokens: 0, closedBans: 0 };

export function erasureRepo({ db }: RepoContext): ErasureWriter {
  return {
    async eraseLinkedRows(personId) {
      const key = lookupId(personId);
      if (key === undefined) return NOTHING;
      // Children before parents: the foreign keys have no ON DELETE action.
      const requests = db.selectFrom('verification_requests').select('id').where('person_id', '=', key);
      const authorizations = db.selectFrom('oidc_authorizations').select('id').where('request_id', 'in', requests);
      const tokens = await db.deleteFrom('oidc_access_tokens').where('authorization_id', 'in', authorizations).executeTakeFirst();
      const auths = await db.deleteFrom('oidc_authorizations').where('request_id', 'in', requests).executeTakeFirst();
      const reqs = await db.deleteFrom('verification_requests').where('person_id', '=', key).executeTakeFirst();
      const bans = await db.deleteFrom('bans').where('person_id', '=', key).where('state', 'in', CLOSED_BAN_STATES).executeTakeFirst();
      return {
        verificationRequests: Number(reqs.numDeletedRows),
        oidcAuthorizations: Number(auths.numDeletedRows),
        oidcAccessTokens: Number(tokens.numDeletedRows),
        closedBans: Number(bans.numDeletedRows),
      };
    },
  };
}
