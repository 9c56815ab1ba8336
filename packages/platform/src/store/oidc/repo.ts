/**
 * The OpenID Connect provider's rows: pushed authorization requests, authorizations, access
 * tokens. Single use is one compare-and-set statement each time (a PAR's `used_at`, an
 * authorization's `status`), so of two concurrent uses exactly one wins, on both engines.
 * Every lookup is by a digest the caller computed: no bearer value reaches this file.
 */
import { isClientId } from '@wangzheng/core/rp/client-id';
import type { Selectable } from 'kysely';
import { toDbBytes } from '../dialect.ts';
import { updateThenInsert } from '../moved.ts';
import { isPostgres } from '../partitions.ts';
import type { OidcAccessTokensTable, OidcAuthorizationsTable, OidcParRequestsTable, VerificationRequestsTable } from '../schema.ts';
import { RECENT_AFTER_MS, RECENT_BEFORE_MS, REQUEST_COLUMNS, toRecord as toRequest } from '../verifications/repo.ts';
import {
  OIDC_AUTHORIZATION_STATUSES,
  type OidcAccessTokenRecord,
  type OidcAuthorizationRecord,
  type OidcAuthorizationPatch,
  type OidcAuthorizationStatus,
  type NewOidcAccessToken,
  type OidcParRecord,
  type OidcReader,
  type OidcWriter,
} from './types.ts';
import { assertBytes, assertCode, assertEpochMs, assertText, lookupId, writeId, type RepoContext } from '../context.ts';

const MAX_SWEEP = 10_000;
const MAX_PARAMS = 32;

function status(v: unknown): OidcAuthorizationStatus {
  if (!(OIDC_AUTHORIZATION_STATUSES as readonly unknown[]).includes(v)) throw new TypeError('unknown authorization status');
  return v as OidcAuthorizationStatus;
}

function clientId(v: unknown): string {
  if (!isClientId(v)) throw new TypeError('client id must match rp_ + 22 base64url characters');
  return v;
}

function params(p: unknown): string {
  if (typeof p !== 'object' || p === null || Array.isArray(p)) throw new TypeError('params must be an object');
  const entries = Object.entries(p);
  if (entries.length > MAX_PARAMS) throw new TypeError(`at most ${MAX_PARAMS} parameters`);
  for (const [k, v] of entries) {
    assertText(k, 'parameter name', 64);
    if (typeof v !== 'string' || v.length > 4096) throw new TypeError('parameter values must be strings of at most 4096 characters');
  }
  return JSON.stringify(Object.fromEntries(entries));
}

/** The read-only methods: all that `store.reader.oidc` carries. */
export const OIDC_READ = [
  'findAuthorization',
  'findAuthorizationByRef',
  'findAuthorizationByCode',
  'findAccessToken',
  'findAuthorizationByRequest',
  'findAuthorizationWithRequest',
  'listAccessTokens',
] as const satisfies readonly (keyof OidcReader)[];

export function oidcRepo({ db, now }: RepoContext): OidcWriter {
  const authorizationBy = async (column: 'id' | 'ref_hash' | 'code_hash' | 'request_id', value: string | Buffer) => {
    const row = await db.selectFrom('oidc_authorizations').selectAll().where(column, '=', value).executeTakeFirst();
    return row && toAuthorization(row);
  };

  return {
    async findAuthorization(id) {
      const key = lookupId(id);
      return key === undefined ? undefined : authorizationBy('id', key);
    },

    async findAuthorizationByRef(refHash) {
      return authorizationBy('ref_hash', toDbBytes(assertBytes(refHash, 'ref hash')));
    },

    async findAuthorizationByCode(codeHash) {
      return authorizationBy('code_hash', toDbBytes(assertBytes(codeHash, 'code hash')));
    },

    async findAccessToken(tokenHash) {
      const row = await db.selectFrom('oidc_access_tokens').selectAll().where('token_hash', '=', toDbBytes(assertBytes(tokenHash, 'token hash'))).executeTakeFirst();
      return row && toAccessToken(row);
    },

    async findAuthorizationWithRequest(by, hash) {
      if (by !== 'ref_hash' && by !== 'code_hash') throw new TypeError('by must be ref_hash or code_hash');
      // PostgreSQL: the request's recent window in the join, so that only its month's
      // partitions are probed (verifications/repo.ts).
      const t = now();
      const row = (await db
        .selectFrom('oidc_authorizations as a')
        .leftJoin('verification_requests as v', (j) => {
          const on = j.onRef('v.id', '=', 'a.request_id');
          return isPostgres(db) ? on.on('v.created_at', '>=', t - RECENT_BEFORE_MS).on('v.created_at', '<', t + RECENT_AFTER_MS) : on;
        })
        .leftJoin('persons as p', 'p.id', 'v.person_id')
        .selectAll('a')
        .select(REQUEST_COLUMNS.map((c) => `v.${c} as v_${c}` as const))
        .select(['p.wrapped_dek as p_wrapped_dek', 'p.kek_id as p_kek_id'])
        .where(`a.${by}`, '=', toDbBytes(assertBytes(hash, by)))
        .executeTakeFirst()) as (Selectable<OidcAuthorizationsTable> & Record<`v_${(typeof REQUEST_COLUMNS)[number]}` | 'p_wrapped_dek' | 'p_kek_id', unknown>) | undefined;
      if (row === undefined) return undefined;
      const request = row.v_id === null ? undefined : toRequest(Object.fromEntries(REQUEST_COLUMNS.map((c) => [c, row[`v_${c}`]])) as Selectable<VerificationRequestsTable>);
      const dataKey = request?.personId == null || row.p_wrapped_dek === null || row.p_kek_id === null ? undefined : { id: request.personId, wrappedDek: row.p_wrapped_dek as Uint8Array, kekId: row.p_kek_id as string };
      return { authorization: toAuthorization(row), request, dataKey };
    },

    async findAuthorizationByRequest(requestId) {
      const key = lookupId(requestId);
      return key === undefined ? undefined : authorizationBy('request_id', key);
    },

    async listAccessTokens(authorizationId) {
      const key = lookupId(authorizationId);
      if (key === undefined) return [];
      const rows = await db.selectFrom('oidc_access_tokens').selectAll().where('authorization_id', '=', key).orderBy('created_at').execute();
      return rows.map(toAccessToken);
    },

    async insertPar(p) {
      const row = {
        uri_hash: toDbBytes(assertBytes(p.uriHash, 'request_uri hash')),
        client_id: clientId(p.clientId),
        params: params(p.params),
        expires_at: assertEpochMs(p.expiresAt, 'expiresAt'),
        used_at: null,
        created_at: p.createdAt === undefined ? now() : assertEpochMs(p.createdAt, 'createdAt'),
      };
      await db.insertInto('oidc_par_requests').values(row).execute();
      return toPar(row as unknown as Selectable<OidcParRequestsTable>);
    },

    async consumePar(uriHash, byClient, at) {
      const hash = toDbBytes(assertBytes(uriHash, 'request_uri hash'));
      const t = assertEpochMs(at, 'now');
      // Untrusted: the client_id of the browser's query. Not a client id → matches nothing.
      if (!isClientId(byClient)) return undefined;
      // The update decides who uses it (only its own client can); the select after it only reads what was won.
      const r = await db
        .updateTable('oidc_par_requests')
        .set({ used_at: t })
        .where('uri_hash', '=', hash)
        .where('client_id', '=', byClient)
        .where('used_at', 'is', null)
        .where('expires_at', '>', t)
        .executeTakeFirst();
      if (r.numUpdatedRows === 0n) return undefined;
      const row = await db.selectFrom('oidc_par_requests').selectAll().where('uri_hash', '=', hash).executeTakeFirst();
      return row && toPar(row);
    },

    async insertAuthorization(a) {
      const at = a.createdAt === undefined ? now() : assertEpochMs(a.createdAt, 'createdAt');
      const row = {
        id: writeId(a.id, 'authorization id'),
        request_id: writeId(a.requestId, 'request id'),
        ref_hash: toDbBytes(assertBytes(a.refHash, 'ref hash')),
        browser_hash: toDbBytes(assertBytes(a.browserHash, 'browser hash')),
        client_id: clientId(a.clientId),
        redirect_uri: assertText(a.redirectUri, 'redirect_uri', 2000),
        state: a.state === null ? null : assertText(a.state, 'state', 512),
        nonce: assertText(a.nonce, 'nonce', 512),
        code_challenge: assertText(a.codeChallenge, 'code_challenge', 128),
        mode: assertCode(a.mode, 'mode'),
        scopes: JSON.stringify(a.scopes.map((s) => assertCode(s, 'scope'))),
        status: 'pending',
        code_hash: null,
        code_expires_at: null,
        auth_time: null,
        redeemed_at: null,
        expires_at: assertEpochMs(a.expiresAt, 'expiresAt'),
        created_at: at,
        updated_at: at,
      };
      await db.insertInto('oidc_authorizations').values(row).execute();
      return toAuthorization(row as unknown as Selectable<OidcAuthorizationsTable>);
    },

    async transitionAuthorization(id, from, patch) {
      const key = lookupId(id);
      if (key === undefined) return false;
      const r = await authorizationUpdate(db, key, from, patch, now()).executeTakeFirst();
      return r.numUpdatedRows > 0n;
    },

    async insertAccessToken(t) {
      const row = accessTokenRow(t, now);
      await db.insertInto('oidc_access_tokens').values(row).execute();
      return toAccessToken(row as unknown as Selectable<OidcAccessTokensTable>);
    },

    async redeemAuthorization(id, redeemedAt, t) {
      const key = lookupId(id);
      const row = accessTokenRow(t, now);
      if (key === undefined) return false;
      const update = authorizationUpdate(db, key, 'code_issued', { status: 'redeemed', redeemedAt }, now());
      // PostgreSQL: one statement. SQLite: the caller's transaction (the store opens one around a call outside any).
      if (isPostgres(db)) return updateThenInsert(db, update, [{ table: 'oidc_access_tokens', row }]);
      if ((await update.executeTakeFirst()).numUpdatedRows === 0n) return false;
      await db.insertInto('oidc_access_tokens').values(row).execute();
      return true;
    },

    async revokeAccessTokens(authorizationId, at) {
      const key = lookupId(authorizationId);
      if (key === undefined) return 0;
      const r = await db
        .updateTable('oidc_access_tokens')
        .set({ revoked_at: assertEpochMs(at, 'at') })
        .where('authorization_id', '=', key)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      return Number(r.numUpdatedRows);
    },

    async deleteExpired(at, limit) {
      assertEpochMs(at, 'now');
      if (!Number.isInteger(limit) || limit < 1 || limit > MAX_SWEEP) throw new TypeError(`limit must be 1..${MAX_SWEEP}`);
      // DELETE … LIMIT is not portable: pick the keys in a subquery.
      const pars = await db
        .deleteFrom('oidc_par_requests')
        .where('uri_hash', 'in', (eb) => eb.selectFrom('oidc_par_requests').select('uri_hash').where('expires_at', '<=', at).orderBy('expires_at').limit(limit))
        .executeTakeFirst();
      const tokens = await db
        .deleteFrom('oidc_access_tokens')
        .where('token_hash', 'in', (eb) => eb.selectFrom('oidc_access_tokens').select('token_hash').where('expires_at', '<=', at).orderBy('expires_at').limit(limit))
        .executeTakeFirst();
      return Number(pars.numDeletedRows) + Number(tokens.numDeletedRows);
    },
  };
}

function toPar(r: Selectable<OidcParRequestsTable>): OidcParRecord {
  return {
    uriHash: r.uri_hash,
    clientId: r.client_id,
    params: JSON.parse(r.params) as Record<string, string>,
    expiresAt: Number(r.expires_at),
    usedAt: r.used_at === null ? null : Number(r.used_at),
    createdAt: Number(r.created_at),
  };
}

/** The compare-and-set of `transitionAuthorization` and `redeemAuthorization`. */
function authorizationUpdate(db: RepoContext['db'], key: string, from: OidcAuthorizationStatus, patch: OidcAuthorizationPatch, at: number) {
  const set: Record<string, unknown> = { status: status(patch.status), updated_at: at };
  if (patch.codeHash !== undefined) set.code_hash = toDbBytes(assertBytes(patch.codeHash, 'code hash'));
  if (patch.codeExpiresAt !== undefined) set.code_expires_at = assertEpochMs(patch.codeExpiresAt, 'codeExpiresAt');
  if (patch.authTime !== undefined) set.auth_time = assertEpochMs(patch.authTime, 'authTime');
  if (patch.redeemedAt !== undefined) set.redeemed_at = assertEpochMs(patch.redeemedAt, 'redeemedAt');
  return db.updateTable('oidc_authorizations').set(set).where('id', '=', key).where('status', '=', status(from));
}

/** An access token's row, checked. */
function accessTokenRow(t: NewOidcAccessToken, now: () => number) {
  return {
    token_hash: toDbBytes(assertBytes(t.tokenHash, 'token hash')),
    authorization_id: writeId(t.authorizationId, 'authorization id'),
    client_id: clientId(t.clientId),
    expires_at: assertEpochMs(t.expiresAt, 'expiresAt'),
    revoked_at: null,
    created_at: t.createdAt === undefined ? now() : assertEpochMs(t.createdAt, 'createdAt'),
  };
}

function toAuthorization(r: Selectable<OidcAuthorizationsTable>): OidcAuthorizationRecord {
  return {
    id: r.id,
    requestId: r.request_id,
    refHash: r.ref_hash,
    browserHash: r.browser_hash,
    clientId: r.client_id,
    redirectUri: r.redirect_uri,
    state: r.state,
    nonce: r.nonce,
    codeChallenge: r.code_challenge,
    mode: r.mode,
    scopes: JSON.parse(r.scopes) as string[],
    status: status(r.status),
    codeHash: r.code_hash,
    codeExpiresAt: r.code_expires_at === null ? null : Number(r.code_expires_at),
    authTime: r.auth_time === null ? null : Number(r.auth_time),
    redeemedAt: r.redeemed_at === null ? null : Number(r.redeemed_at),
    expiresAt: Number(r.expires_at),
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
  };
}

function toAccessToken(r: Selectable<OidcAccessTokensTable>): OidcAccessTokenRecord {
  return {
    tokenHash: r.token_hash,
    authorizationId: r.authorization_id,
    clientId: r.client_id,
    expiresAt: Number(r.expires_at),
    revokedAt: r.revoked_at === null ? null : Number(r.revoked_at),
    createdAt: Number(r.created_at),
  };
}
