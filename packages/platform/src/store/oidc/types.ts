/**
 * The OpenID Connect provider's rows: pushed authorization requests, authorizations in progress
 * and access tokens. What is in clear is the relying party's own request (redirect URI, `state`,
 * `nonce`, PKCE challenge, mode, scopes), statuses and times. Every bearer value — the PAR
 * `request_uri`, the wallet reference, the browser-binding cookie, the authorization code, the
 * access token — is stored only as a digest. Nothing is sealed here and no plaintext personal
 * data is stored: what the RP learns about the person stays sealed in the verification
 * request's `result`.
 */
import type { Optional } from '../row-types.ts';
import type { VerificationRequestRecord } from '../verifications/types.ts';
import type { WrappedKeyRow } from '../persons/types.ts';

/** A pushed authorization request (RFC 9126): the parameters an RP sent, until used once. */
export interface OidcParRecord {
  /** Digest of the random part of `request_uri`. */
  readonly uriHash: Uint8Array;
  readonly clientId: string;
  /** The authorization request's parameters, as the RP pushed them. Not personal data. */
  readonly params: Readonly<Record<string, string>>;
  readonly expiresAt: number;
  readonly usedAt: number | null;
  readonly createdAt: number;
}

/** Omitted: created now. */
export type NewOidcPar = Optional<Omit<OidcParRecord, 'usedAt'>, 'createdAt'>;

/**
 * `pending` (the person has not answered) → `code_issued` (approved; the code's digest is set)
 * → `redeemed` (exchanged at the token endpoint); or `pending` → `finished` (declined, failed,
 * expired: the RP got an error).
 */
export const OIDC_AUTHORIZATION_STATUSES = ['pending', 'code_issued', 'redeemed', 'finished'] as const;
export type OidcAuthorizationStatus = (typeof OIDC_AUTHORIZATION_STATUSES)[number];

/** An authorization in progress: the RP's request, bound to one verification request. */
export interface OidcAuthorizationRecord {
  readonly id: string;
  /** The verification request (kind `oidc`) the person answers in the wallet. */
  readonly requestId: string;
  /** Digest of the wallet reference, as the authorize page's status endpoint presents it. */
  readonly refHash: Uint8Array;
  /** Digest of the browser-binding cookie set by the authorize page. */
  readonly browserHash: Uint8Array;
  readonly clientId: string;
  readonly redirectUri: string;
  readonly state: string | null;
  readonly nonce: string;
  /** PKCE S256 challenge (RFC 7636). */
  readonly codeChallenge: string;
  readonly mode: string;
  readonly scopes: readonly string[];
  readonly status: OidcAuthorizationStatus;
  readonly codeHash: Uint8Array | null;
  readonly codeExpiresAt: number | null;
  /** When the person approved (epoch ms): the id_token's `auth_time`. */
  readonly authTime: number | null;
  readonly redeemedAt: number | null;
  readonly expiresAt: number;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** A new authorization is `pending`, with no code yet; omitted: created now (`updatedAt` equal to it). */
export type NewOidcAuthorization = Optional<
  Omit<OidcAuthorizationRecord, 'status' | 'codeHash' | 'codeExpiresAt' | 'authTime' | 'redeemedAt' | 'updatedAt'>,
  'createdAt'
>;

/**
 * What a status change writes. Omitted: unchanged. Unlike the record's columns, none of these
 * can be cleared: a patch sets a code digest or a time, never null.
 */
export interface OidcAuthorizationPatch {
  readonly status: OidcAuthorizationStatus;
  readonly codeHash?: Uint8Array;
  readonly codeExpiresAt?: number;
  readonly authTime?: number;
  readonly redeemedAt?: number;
}

export interface OidcAccessTokenRecord {
  readonly tokenHash: Uint8Array;
  readonly authorizationId: string;
  readonly clientId: string;
  readonly expiresAt: number;
  readonly revokedAt: number | null;
  readonly createdAt: number;
}

/** Omitted: created now. */
export type NewOidcAccessToken = Optional<Omit<OidcAccessTokenRecord, 'revokedAt'>, 'createdAt'>;

export interface OidcReader {
  findAuthorization(id: string): Promise<OidcAuthorizationRecord | undefined>;
  findAuthorizationByRef(refHash: Uint8Array): Promise<OidcAuthorizationRecord | undefined>;
  findAuthorizationByCode(codeHash: Uint8Array): Promise<OidcAuthorizationRecord | undefined>;
  /** Expired and revoked tokens are returned too: check `expiresAt` and `revokedAt`. */
  findAccessToken(tokenHash: Uint8Array): Promise<OidcAccessTokenRecord | undefined>;
  /** The authorization of a verification request (one per request of kind `oidc`), for the person's own controls. */
  findAuthorizationByRequest(requestId: string): Promise<OidcAuthorizationRecord | undefined>;
  /**
   * The authorization by its reference's (`ref_hash`: the status poll) or its code's digest
   * (`code_hash`: the token endpoint) with its verification request and that request's person's
   * wrapped data key, in one statement. `request` is undefined only if the request is gone or — on
   * PostgreSQL — created outside the recent window (a week back): ask for it by id.
   */
  findAuthorizationWithRequest(
    by: 'ref_hash' | 'code_hash',
    hash: Uint8Array,
  ): Promise<{ authorization: OidcAuthorizationRecord; request: VerificationRequestRecord | undefined; dataKey: WrappedKeyRow | undefined } | undefined>;
  /** Every access token issued from an authorization, expired and revoked ones too, oldest first. */
  listAccessTokens(authorizationId: string): Promise<OidcAccessTokenRecord[]>;
}

export interface OidcWriter extends OidcReader {
  insertPar(p: NewOidcPar): Promise<OidcParRecord>;
  /**
   * Single use: marks the request used and returns it, if it exists, was pushed by `clientId`,
   * is unused and has not expired at `at`; otherwise undefined and nothing changes. One
   * compare-and-set statement decides (the client is in its WHERE clause), so of two concurrent
   * uses exactly one gets it, on either engine, and another client's attempt never spoils it
   * for its owner (RFC 9126 §4). A `clientId` that is no client id at all matches nothing.
   */
  consumePar(uriHash: Uint8Array, clientId: string, at: number): Promise<OidcParRecord | undefined>;
  /** A taken request id or reference → `conflict`. */
  insertAuthorization(a: NewOidcAuthorization): Promise<OidcAuthorizationRecord>;
  /** Compare-and-set on the status: applies `patch` only if the authorization is still `from`. */
  transitionAuthorization(id: string, from: OidcAuthorizationStatus, patch: OidcAuthorizationPatch): Promise<boolean>;
  insertAccessToken(t: NewOidcAccessToken): Promise<OidcAccessTokenRecord>;
  /**
   * The token endpoint's redemption: the authorization `code_issued` → `redeemed` at
   * `redeemedAt` and, only when that took effect, its access token `t`. Atomic on its own: on
   * PostgreSQL one statement (store/moved.ts), on SQLite a transaction (the caller's, or one the
   * store opens). False, and nothing written, when the code was not `code_issued`.
   */
  redeemAuthorization(id: string, redeemedAt: number, t: NewOidcAccessToken): Promise<boolean>;
  /** Revokes every unrevoked access token issued from an authorization; returns how many. */
  revokeAccessTokens(authorizationId: string, at: number): Promise<number>;
  /** Deletes up to `limit` pushed requests and up to `limit` access tokens expired at `now`; returns how many. */
  deleteExpired(now: number, limit: number): Promise<number>;
}
