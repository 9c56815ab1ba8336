/**
 * Relying parties and the operator's audit trail of decisions on them. A row holds the
 * organisation's registration (name, unified social credit code, the organisation's contact
 * email, purpose, sector, redirect URIs, public keys, scopes, status): business data, not
 * personal information, so it is in clear. A client secret is stored only as a digest. Audit
 * events name an operator by admin token id, never a person. No plaintext personal data is
 * stored.
 */
import type { RelyingParty, RpStatus } from '@wangzheng/core/rp/types';
import type { Optional } from '../row-types.ts';

/**
 * A relying party as stored: the domain record (`@wangzheng/core/rp/types`) plus the digest of
 * its client secret (`client_secret_basic`), which never leaves the platform.
 */
export interface RelyingPartyRecord extends RelyingParty {
  /** SM3 digest of the client secret (see rp/client-secret.ts), or null for `private_key_jwt`. */
  readonly secretHash: Uint8Array | null;
}

export interface NewRelyingParty extends Omit<RelyingPartyRecord, 'createdAt' | 'updatedAt' | 'sandbox'> {
  readonly sandbox?: boolean;
  /** Default now; `updatedAt` starts equal to it. */
  readonly createdAt?: number;
}

/** What a status change writes (besides `status`). Omitted: unchanged. */
export interface RelyingPartyTransition extends Pick<RelyingPartyRecord, 'status'>, Partial<Pick<RelyingPartyRecord, 'approvedScopes'>> {
  /** null clears it. */
  readonly statusReason?: string | null;
  readonly at?: number;
}

/** One operator decision (or the application itself) in an RP's audit trail. No personal data. */
export interface RpEventRecord {
  readonly id: string;
  readonly clientId: string;
  /** `rp.applied`, `rp.sandbox_created`, `rp.approved`, `rp.rejected`, `rp.suspended`, `rp.reinstated`. */
  readonly type: string;
  /** Who: `admin:<token id>`, `applicant`, `developer`. */
  readonly actor: string;
  readonly createdAt: number;
  /** Approved scopes and legal-basis references, a reason… as a JSON object, or null. */
  readonly data: Readonly<Record<string, unknown>> | null;
}

/** The id is always the store's; omitted: no data, created now. */
export type NewRpEvent = Optional<Omit<RpEventRecord, 'id'>, 'data' | 'createdAt'>;

export interface RelyingPartyListOptions {
  readonly status?: RpStatus;
  /** 1..500, default 100. */
  readonly limit?: number;
  /** Keyset cursor: the last row of the previous page. Order is (createdAt, clientId) ascending. */
  readonly after?: { readonly createdAt: number; readonly clientId: string };
}

export interface RelyingPartyReader {
  /** A string that is not a client id finds nothing. */
  findByClientId(clientId: string): Promise<RelyingPartyRecord | undefined>;
  /** Oldest first (the operator's queue order). */
  list(opts?: RelyingPartyListOptions): Promise<RelyingPartyRecord[]>;
  /** Client ids of every RP registered with this sector identifier. */
  listClientIdsBySector(sector: string): Promise<string[]>;
  /** The RP's audit trail, oldest first. */
  listEvents(clientId: string, opts?: { limit?: number }): Promise<RpEventRecord[]>;
}

export interface RelyingPartyWriter extends RelyingPartyReader {
  /** A taken client id → `conflict`. */
  insert(rp: NewRelyingParty): Promise<RelyingPartyRecord>;
  /**
   * Compare-and-set on the status: applies only if the RP is still `expected` (of two operators
   * deciding at once, one wins). Returns whether it did.
   */
  transition(clientId: string, expected: RpStatus, patch: RelyingPartyTransition): Promise<boolean>;
  /** An unknown client id → `conflict` (foreign key). */
  appendEvent(event: NewRpEvent): Promise<RpEventRecord>;
  /**
   * Replaces the redirect URIs and the secret digest of a `client_secret_basic` client — the
   * platform's own console client when its public URL or secrets changed (console/client.ts).
   * Returns whether a row changed (false: no such client, or not `client_secret_basic`).
   */
  setClientRedirect(clientId: string, patch: { readonly redirectUris: readonly string[]; readonly secretHash: Uint8Array; readonly at?: number }): Promise<boolean>;
  /**
   * Registers a public key set for `private_key_jwt` (already parsed by the caller): the method
   * becomes `private_key_jwt` and any secret digest is cleared, so a client secret stops working
   * at once. Compare-and-set on the method the caller read (`expectedMethod`). Returns whether a
   * row changed (false: no such client, or its method changed meanwhile).
   */
  setJwks(clientId: string, patch: { readonly jwks: NonNullable<RelyingPartyRecord['jwks']>; readonly expectedMethod: RelyingPartyRecord['tokenEndpointAuthMethod']; readonly at?: number }): Promise<boolean>;
}
