/**
 * Relying parties and their audit trail. Registration rules (USCC check, redirect URIs, scopes,
 * status transitions) are the caller's (`@wangzheng/core/rp`, `rp/service.ts`); the store checks
 * shapes, keeps lists as JSON text, and makes a status change a compare-and-set in one UPDATE.
 */
import type { Selectable } from 'kysely';
import { isClientId } from '@wangzheng/core/rp/client-id';
import { CLIENT_AUTH_METHODS, DISCLOSURE_SCOPES, ID_TOKEN_ALGS, RP_CATEGORIES, RP_STATUSES, type ApprovedScope, type RequestedScope, type RpStatus } from '@wangzheng/core/rp/types';
import { WzError } from '@wangzheng/core/errors';
import { toDbBytes } from '../dialect.ts';
import type { RelyingPartiesTable, RpEventsTable } from '../schema.ts';
import type { NewRelyingParty, RelyingPartyReader, RelyingPartyRecord, RelyingPartyTransition, RelyingPartyWriter, RpEventRecord } from './types.ts';
import { assertBytes, assertCode, assertEpochMs, assertText, newId, type RepoContext } from '../context.ts';

const MAX_PAGE = 500;
const MAX_EVENTS = 1000;
const ACTOR = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}$/;
const MAX_EVENT_DATA = 16_384;

function oneOf<T extends string>(v: unknown, set: readonly T[], what: string): T {
  if (typeof v !== 'string' || !(set as readonly string[]).includes(v)) throw new TypeError(`${what} must be one of ${set.join(', ')}`);
  return v as T;
}

function writeClientId(v: unknown): string {
  if (!isClientId(v)) throw new TypeError('client id must match rp_ + 22 base64url characters');
  return v;
}

function nullableText(v: unknown, what: string, max: number): string | null {
  return v === null || v === undefined ? null : assertText(v, what, max);
}

function requestedScopesJson(list: readonly RequestedScope[]): string {
  if (!Array.isArray(list) || list.length === 0) throw new TypeError('requestedScopes must be a non-empty array');
  return JSON.stringify(list.map((s) => ({ scope: oneOf(s?.scope, DISCLOSURE_SCOPES, 'scope'), legalBasis: nullableText(s.legalBasis, 'legalBasis', 1000) })));
}

function approvedScopesJson(list: readonly ApprovedScope[]): string {
  if (!Array.isArray(list) || list.length === 0) throw new TypeError('approvedScopes must be a non-empty array');
  return JSON.stringify(list.map((s) => ({ scope: oneOf(s?.scope, DISCLOSURE_SCOPES, 'scope'), legalBasisRef: nullableText(s.legalBasisRef, 'legalBasisRef', 200) })));
}

/** The read-only methods: all that `store.reader.relyingParties` carries. */
export const RELYING_PARTY_READ = [
  'findByClientId',
  'list',
  'listClientIdsBySector',
  'listEvents',
] as const satisfies readonly (keyof RelyingPartyReader)[];

export function relyingPartyRepo({ db, now }: RepoContext): RelyingPartyWriter {
  return {
    async findByClientId(clientId) {
      if (!isClientId(clientId)) return undefined;
      const row = await db.selectFrom('relying_parties').selectAll().where('client_id', '=', clientId).executeTakeFirst();
      return row && toRecord(row);
    },

    async list(opts = {}) {
      const limit = opts.limit ?? 100;
      if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) throw new TypeError(`limit must be 1..${MAX_PAGE}`);
      let q = db.selectFrom('relying_parties').selectAll();
      if (opts.status !== undefined) q = q.where('status', '=', oneOf(opts.status, RP_STATUSES, 'status'));
      if (opts.after !== undefined) {
        const at = assertEpochMs(opts.after.createdAt, 'after.createdAt');
        const id = writeClientId(opts.after.clientId);
        q = q.where((eb) => eb.or([eb('created_at', '>', at), eb.and([eb('created_at', '=', at), eb('client_id', '>', id)])]));
      }
      const rows = await q.orderBy('created_at').orderBy('client_id').limit(limit).execute();
      return rows.map(toRecord);
    },

    async listClientIdsBySector(sector) {
      const rows = await db.selectFrom('relying_parties').select('client_id').where('sector_identifier', '=', assertText(sector, 'sector', 300)).orderBy('client_id').execute();
      return rows.map((r) => r.client_id);
    },

    async listEvents(clientId, opts = {}) {
      if (!isClientId(clientId)) return [];
      const limit = opts.limit ?? 100;
      if (!Number.isInteger(limit) || limit < 1 || limit > MAX_EVENTS) throw new TypeError(`limit must be 1..${MAX_EVENTS}`);
      const rows = await db.selectFrom('rp_events').selectAll().where('client_id', '=', clientId).orderBy('created_at').orderBy('id').limit(limit).execute();
      return rows.map(toEvent);
    },

    async insert(rp: NewRelyingParty) {
      const at = rp.createdAt === undefined ? now() : assertEpochMs(rp.createdAt, 'createdAt');
      if (rp.redirectUris.length === 0 || rp.redirectUris.some((u) => typeof u !== 'string')) throw new TypeError('redirectUris must be a non-empty array of strings');
      const method = oneOf(rp.tokenEndpointAuthMethod, CLIENT_AUTH_METHODS, 'tokenEndpointAuthMethod');
      // The two client authentication methods carry exactly one credential each.
      if (method === 'private_key_jwt' && (rp.jwks === null || rp.secretHash !== null)) throw new TypeError('private_key_jwt needs jwks and no secret');
      if (method === 'client_secret_basic' && (rp.jwks !== null || rp.secretHash === null)) throw new TypeError('client_secret_basic needs a secret digest and no jwks');
      const row = {
        client_id: writeClientId(rp.clientId),
        name: assertText(rp.name, 'name', 200),
        uscc: nullableText(rp.uscc, 'uscc', 18),
        contact_email: nullableText(rp.contactEmail, 'contactEmail', 254),
        category: oneOf(rp.category, RP_CATEGORIES, 'category'),
        purpose: assertText(rp.purpose, 'purpose', 1000),
        sector_identifier: assertText(rp.sectorIdentifier, 'sectorIdentifier', 300),
        redirect_uris: JSON.stringify(rp.redirectUris),
        token_endpoint_auth_method: method,
        jwks: rp.jwks === null ? null : JSON.stringify(rp.jwks),
        secret_hash: rp.secretHash === null ? null : toDbBytes(assertBytes(rp.secretHash, 'secretHash')),
        id_token_alg: oneOf(rp.idTokenSigningAlg, ID_TOKEN_ALGS, 'idTokenSigningAlg'),
        requested_scopes: requestedScopesJson(rp.requestedScopes),
        approved_scopes: approvedScopesJson(rp.approvedScopes),
        status: oneOf(rp.status, RP_STATUSES, 'status'),
        status_reason: nullableText(rp.statusReason, 'statusReason', 500),
        sandbox: rp.sandbox ? 1 : 0,
        created_at: at,
        updated_at: at,
      };
      await db.insertInto('relying_parties').values(row).execute();
      return toRecord(row);
    },

    async transition(clientId, expected: RpStatus, patch: RelyingPartyTransition) {
      const from = oneOf(expected, RP_STATUSES, 'expected status');
      const set = {
        status: oneOf(patch?.status, RP_STATUSES, 'status'),
        ...(patch.approvedScopes === undefined ? {} : { approved_scopes: approvedScopesJson(patch.approvedScopes) }),
        ...(patch.statusReason === undefined ? {} : { status_reason: nullableText(patch.statusReason, 'statusReason', 500) }),
        updated_at: patch.at === undefined ? now() : assertEpochMs(patch.at, 'at'),
      };
      if (!isClientId(clientId)) return false;
      const r = await db.updateTable('relying_parties').set(set).where('client_id', '=', clientId).where('status', '=', from).executeTakeFirst();
      return r.numUpdatedRows > 0n;
    },

    async setClientRedirect(clientId, patch) {
      if (!Array.isArray(patch.redirectUris) || patch.redirectUris.length === 0 || patch.redirectUris.some((u) => typeof u !== 'string')) {
        throw new TypeError('redirectUris must be a non-empty array of strings');
      }
      const set = {
        redirect_uris: JSON.stringify(patch.redirectUris),
        secret_hash: toDbBytes(assertBytes(patch.secretHash, 'secretHash')),
        updated_at: patch.at === undefined ? now() : assertEpochMs(patch.at, 'at'),
      };
      if (!isClientId(clientId)) return false;
      const r = await db.updateTable('relying_parties').set(set).where('client_id', '=', clientId).where('token_endpoint_auth_method', '=', 'client_secret_basic').executeTakeFirst();
      return r.numUpdatedRows > 0n;
    },

    async setJwks(clientId, patch) {
      const keys = (patch.jwks as { keys?: unknown } | null)?.keys;
      if (!Array.isArray(keys) || keys.length === 0) throw new TypeError('jwks must be a JWK Set with at least one key');
      const set = {
        jwks: JSON.stringify(patch.jwks),
        token_endpoint_auth_method: 'private_key_jwt',
        secret_hash: null,
        updated_at: patch.at === undefined ? now() : assertEpochMs(patch.at, 'at'),
      };
      const expected = oneOf(patch.expectedMethod, CLIENT_AUTH_METHODS, 'expectedMethod');
      if (!isClientId(clientId)) return false;
      const r = await db.updateTable('relying_parties').set(set).where('client_id', '=', clientId).where('token_endpoint_auth_method', '=', expected).executeTakeFirst();
      return r.numUpdatedRows > 0n;
    },

    async appendEvent(e) {
      const data = e.data == null ? null : JSON.stringify(e.data);
      if (data !== null && data.length > MAX_EVENT_DATA) throw new TypeError(`event data must be at most ${MAX_EVENT_DATA} characters of JSON`);
      if (typeof e.actor !== 'string' || !ACTOR.test(e.actor)) throw new TypeError(`actor must match ${ACTOR.source}`);
      const row = {
        id: newId(),
        client_id: writeClientId(e.clientId),
        type: assertCode(e.type, 'event type'),
        actor: e.actor,
        created_at: e.createdAt === undefined ? now() : assertEpochMs(e.createdAt, 'createdAt'),
        data,
      };
      await db.insertInto('rp_events').values(row).execute();
      return toEvent(row);
    },
  };
}

/** JSON columns were written by `insert` above; anything else means the row was tampered with. */
function parseJson<T>(text: string, what: string): T {
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new WzError('internal_error', 'storage failure', { detail: `relying_parties.${what} is not JSON` });
  }
}

function toRecord(r: Selectable<RelyingPartiesTable>): RelyingPartyRecord {
  return {
    clientId: r.client_id,
    name: r.name,
    uscc: r.uscc,
    contactEmail: r.contact_email,
    category: r.category as RelyingPartyRecord['category'],
    purpose: r.purpose,
    sectorIdentifier: r.sector_identifier,
    redirectUris: parseJson<string[]>(r.redirect_uris, 'redirect_uris'),
    tokenEndpointAuthMethod: r.token_endpoint_auth_method as RelyingPartyRecord['tokenEndpointAuthMethod'],
    jwks: r.jwks === null ? null : parseJson<NonNullable<RelyingPartyRecord['jwks']>>(r.jwks, 'jwks'),
    secretHash: r.secret_hash,
    idTokenSigningAlg: r.id_token_alg as RelyingPartyRecord['idTokenSigningAlg'],
    requestedScopes: parseJson<RequestedScope[]>(r.requested_scopes, 'requested_scopes'),
    approvedScopes: parseJson<ApprovedScope[]>(r.approved_scopes, 'approved_scopes'),
    status: r.status as RpStatus,
    statusReason: r.status_reason,
    sandbox: r.sandbox === 1,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

function toEvent(r: Selectable<RpEventsTable>): RpEventRecord {
  return {
    id: r.id,
    clientId: r.client_id,
    type: r.type,
    actor: r.actor,
    createdAt: r.created_at,
    data: r.data === null ? null : (JSON.parse(r.data) as Record<string, unknown>),
  };
}
