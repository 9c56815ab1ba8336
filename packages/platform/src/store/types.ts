/**
 * The storage contract. Domain code depends on these structural interfaces only — never on
 * Kysely, better-sqlite3 or pg. Both engines implement the same contract.
 *
 * Privilege lives in the types: each repository has a reader (holder side, lookups, reports)
 * and a writer (enrollment, issuance, lifecycle, admin). `Store.reader` hands out reader
 * objects that do not even carry the write methods at run time.
 *
 * Bytes are `Uint8Array` (Node returns `Buffer`, a subclass). Times are integer epoch
 * milliseconds. Ids are random UUIDs. Errors are `WzError`: a unique-constraint or
 * foreign-key violation is `conflict` on both engines; an unreachable database is
 * `store_unavailable`.
 */
import type { ApprovedScope, RelyingParty, RpStatus } from '@wangzheng/core/rp/types';

// ---------------------------------------------------------------- persons

export const PERSON_STATUSES = ['active', 'locked', 'cancelled'] as const;
export type PersonStatus = (typeof PERSON_STATUSES)[number];

/** A person as stored. Nothing here is readable without the keys in `protect/`. */
export interface PersonRecord {
  readonly id: string;
  readonly netid: string;
  /** The collision-resolution counter the netid was derived with. */
  readonly netidAttempt: number;
  /** Blind index (keyed digest) of the registry's personRef, and the id of the key that made it. */
  readonly personIndex: Uint8Array;
  readonly personIndexKeyId: string;
  /** The person's data key, sealed under the key-encryption key `kekId`. */
  readonly wrappedDek: Uint8Array;
  readonly kekId: string;
  /** The person's data (name, birth date, document, phone…) sealed with their data key. */
  readonly profile: Uint8Array;
  readonly status: PersonStatus;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export interface NewPerson {
  /** Chosen by the caller (see `newId()`): the data key's AAD binds it before the row exists. */
  readonly id: string;
  readonly netid: string;
  readonly netidAttempt: number;
  readonly personIndex: Uint8Array;
  readonly personIndexKeyId: string;
  readonly wrappedDek: Uint8Array;
  readonly kekId: string;
  readonly profile: Uint8Array;
  readonly status?: PersonStatus;
  readonly createdAt?: number;
}

/** One keyed digest of an identifying value (a document, a phone number). */
export interface BlindIndexEntry {
  /** e.g. `document:resident_id`, `phone` — see protect/blind-index.ts. */
  readonly kind: string;
  readonly digest: Uint8Array;
  readonly keyId: string;
}

export interface StoredBlindIndex extends BlindIndexEntry {
  readonly personId: string;
  readonly createdAt: number;
}

/** What KEK rotation reads: a person's wrapped data key and the KEK it is wrapped under. */
export interface WrappedKeyRow {
  readonly id: string;
  readonly wrappedDek: Uint8Array;
  readonly kekId: string;
}

export interface PersonReader {
  findById(id: string): Promise<PersonRecord | undefined>;
  findByNetid(netid: string): Promise<PersonRecord | undefined>;
  /** Lookup by personRef digests, one per blind-index key (`BlindIndexer.candidates`). */
  findByPersonIndex(digests: readonly Uint8Array[]): Promise<PersonRecord | undefined>;
  /**
   * Lookup through `blind_indexes`. If the digests point at more than one person (a stale
   * digest under an old key), the person matched by the earliest digest in the list wins —
   * `candidates()` lists the current key first.
   */
  findByBlindIndex(kind: string, digests: readonly Uint8Array[]): Promise<PersonRecord | undefined>;
  isNetidTaken(netid: string): Promise<boolean>;
  listBlindIndexes(personId: string): Promise<StoredBlindIndex[]>;
  count(): Promise<number>;
}

export interface PersonWriter extends PersonReader {
  insert(person: NewPerson): Promise<PersonRecord>;
  /** Adds digests for a person; an existing (kind, digest) → `conflict`. */
  addBlindIndexes(personId: string, entries: readonly BlindIndexEntry[]): Promise<void>;
  /** Replaces all of a person's digests of one kind (phone change, re-indexing under a new key). */
  replaceBlindIndexes(personId: string, kind: string, entries: readonly BlindIndexEntry[]): Promise<void>;
  /** Re-indexing under a new blind-index key. Returns false if there is no such person. */
  setPersonIndex(id: string, personIndex: Uint8Array, keyId: string): Promise<boolean>;
  updateStatus(id: string, status: PersonStatus): Promise<boolean>;
  updateProfile(id: string, profile: Uint8Array): Promise<boolean>;
  /** Up to `limit` rows whose data key is wrapped under a KEK other than `currentKekId`. */
  listWrappedKeysNotUnder(currentKekId: string, limit: number): Promise<WrappedKeyRow[]>;
  /**
   * Replaces a wrapped data key, only if it is still wrapped under `expectedKekId`
   * (compare-and-set: two rotating processes cannot overwrite each other). Returns whether it did.
   */
  setWrappedKey(id: string, expectedKekId: string, wrappedDek: Uint8Array, kekId: string): Promise<boolean>;
  /**
   * Cancellation: deletes the person's row — wrapped data key, sealed profile, netid, person
   * index — and with it every blind index, device, consent, event and passphrase of theirs; their
   * credentials are revoked (reason `cancelled`) and detached, so their status-list entries
   * stay revoked while pointing at no one. Nothing left links to the person. Returns false if
   * there was no such person.
   */
  shred(id: string): Promise<boolean>;
}

// ---------------------------------------------------------------- credentials

export const CREDENTIAL_STATUSES = ['valid', 'revoked', 'suspended'] as const;
export type CredentialStatus = (typeof CREDENTIAL_STATUSES)[number];

export interface CredentialRecord {
  readonly id: string;
  /** NULL once the person has been shredded. */
  readonly personId: string | null;
  readonly deviceId: string | null;
  readonly status: CredentialStatus;
  /** Token Status List reference: which list, which index in it. */
  readonly statusList: string | null;
  readonly statusIndex: number | null;
  readonly issuedAt: number;
  readonly expiresAt: number;
  readonly revokedAt: number | null;
  /** A reason code (`cancelled`, `fraud_ban`, `device_lost`…), never free text about the person. */
  readonly reason: string | null;
}

export interface NewCredential {
  readonly id?: string;
  readonly personId: string;
  readonly deviceId?: string | null;
  readonly statusList?: string | null;
  readonly statusIndex?: number | null;
  readonly issuedAt?: number;
  readonly expiresAt: number;
}

export interface StatusEntry {
  readonly statusIndex: number;
  readonly status: CredentialStatus;
}

export interface CredentialReader {
  findById(id: string): Promise<CredentialRecord | undefined>;
  listByPerson(personId: string): Promise<CredentialRecord[]>;
  /** Every allocated entry of one status list, by index: what a Token Status List is built from. */
  listStatusEntries(statusList: string): Promise<StatusEntry[]>;
}

export interface CredentialWriter extends CredentialReader {
  insert(credential: NewCredential): Promise<CredentialRecord>;
  /** `revoked` is final: a revoked credential's status never changes again (returns false). */
  setStatus(id: string, status: CredentialStatus, opts?: { reason?: string; at?: number }): Promise<boolean>;
  /** Revokes every valid or suspended credential of a person; returns how many. */
  revokeAllOfPerson(personId: string, reason: string, at?: number): Promise<number>;
}

// ---------------------------------------------------------------- devices

export interface DeviceRecord {
  readonly id: string;
  readonly personId: string;
  /** The device's public key as a JWK (JSON text): public, not personal on its own. */
  readonly publicJwk: string;
  /** RFC 7638 thumbprint of that key: how a key-binding proof finds its device. */
  readonly thumbprint: string;
  /** A label the person chose, sealed with their data key (it may contain a name). */
  readonly label: Uint8Array | null;
  readonly createdAt: number;
  readonly revokedAt: number | null;
}

export interface NewDevice {
  readonly id?: string;
  readonly personId: string;
  readonly publicJwk: string;
  readonly thumbprint: string;
  readonly label?: Uint8Array | null;
  readonly createdAt?: number;
}

export interface DeviceReader {
  findById(id: string): Promise<DeviceRecord | undefined>;
  findByThumbprint(thumbprint: string): Promise<DeviceRecord | undefined>;
  listByPerson(personId: string): Promise<DeviceRecord[]>;
}

export interface DeviceWriter extends DeviceReader {
  insert(device: NewDevice): Promise<DeviceRecord>;
  /** Marks the device revoked (lost phone). Returns false if unknown or already revoked. */
  revoke(id: string, at?: number): Promise<boolean>;
}

// ---------------------------------------------------------------- consents

export interface ConsentRecord {
  readonly id: string;
  readonly personId: string;
  /** What was consented to: a notice version, a relying party id. Never personal data. */
  readonly subject: string;
  /** The scope of the consent, e.g. the field names a relying party may receive. */
  readonly scope: string;
  readonly grantedAt: number;
  readonly withdrawnAt: number | null;
}

export interface NewConsent {
  readonly id?: string;
  readonly personId: string;
  readonly subject: string;
  readonly scope: string;
  readonly grantedAt?: number;
}

export interface ConsentReader {
  findById(id: string): Promise<ConsentRecord | undefined>;
  listByPerson(personId: string): Promise<ConsentRecord[]>;
  /** The newest consent to `subject` that has not been withdrawn. */
  findActive(personId: string, subject: string): Promise<ConsentRecord | undefined>;
}

export interface ConsentWriter extends ConsentReader {
  insert(consent: NewConsent): Promise<ConsentRecord>;
  /** Returns false if unknown or already withdrawn. */
  withdraw(id: string, at?: number): Promise<boolean>;
}

// ---------------------------------------------------------------- events (the person's history)

export interface EventRecord {
  readonly id: string;
  readonly personId: string | null;
  /** A stable event type (`enrolled`, `verified`, `consent_withdrawn`…). */
  readonly type: string;
  readonly createdAt: number;
  /** Event details sealed with the person's data key (or NULL). */
  readonly data: Uint8Array | null;
}

export interface NewEvent {
  readonly id?: string;
  readonly personId: string | null;
  readonly type: string;
  readonly data?: Uint8Array | null;
  readonly createdAt?: number;
}

export interface EventReader {
  /** Newest first. */
  listByPerson(personId: string, opts?: { limit?: number; before?: number }): Promise<EventRecord[]>;
}

export interface EventWriter extends EventReader {
  append(event: NewEvent): Promise<EventRecord>;
}

// ---------------------------------------------------------------- counters

/** Named counters (abandoned enrollments…): numbers only, never anything personal. */
export interface CounterReader {
  get(name: string): Promise<number>;
}

export interface CounterWriter extends CounterReader {
  /** Atomically adds `by` (default 1) and returns the new value. */
  increment(name: string, by?: number): Promise<number>;
}

// ---------------------------------------------------------------- enrollments (申领 in progress)

/**
 * An enrollment in progress. It holds no plaintext personal data: everything about the person
 * is in `sealed`, encrypted by the caller under the enrollment's own data key, which is stored
 * only wrapped under a KEK. The bearer token, the current nonce and a guardian-approval code
 * are stored only as digests. A failed or abandoned enrollment is deleted; only a counter remains.
 */
export interface EnrollmentRecord {
  /** Chosen by the caller (`newId()`): the data key's AAD binds it before the row exists. */
  readonly id: string;
  /** Keyed digest of the bearer token that authorises the steps. */
  readonly tokenHash: Uint8Array;
  /** The step the enrollment is at (`document_type`, `chip`, `face`, `phone_code`…): a code. */
  readonly state: string;
  /** Digest of the server nonce the next step must answer. */
  readonly nonceHash: Uint8Array;
  readonly nonceExpiresAt: number;
  /** When the whole enrollment expires; `deleteExpired` removes it from then on. */
  readonly expiresAt: number;
  /** The enrollment's data key, sealed under the key-encryption key `kekId`. */
  readonly kekId: string;
  readonly wrappedDek: Uint8Array;
  /** The enrollment's state as JSON, sealed with its data key. */
  readonly sealed: Uint8Array;
  /**
   * Keyed digest of a guardian-approval code (applicants aged 14–17), or null. Unique while
   * not null. The code is short: a plain hash of it could be brute-forced, so use a keyed one.
   */
  readonly approvalCodeHash: Uint8Array | null;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export interface NewEnrollment {
  readonly id: string;
  readonly tokenHash: Uint8Array;
  readonly state: string;
  readonly nonceHash: Uint8Array;
  readonly nonceExpiresAt: number;
  readonly expiresAt: number;
  readonly kekId: string;
  readonly wrappedDek: Uint8Array;
  readonly sealed: Uint8Array;
  /** Default null. */
  readonly approvalCodeHash?: Uint8Array | null;
  /** Default now; `updatedAt` starts equal to it. */
  readonly createdAt?: number;
}

/** What one step writes. A new nonce (or state) is what lets exactly one concurrent request win. */
export interface EnrollmentPatch {
  readonly state: string;
  readonly nonceHash: Uint8Array;
  readonly nonceExpiresAt: number;
  readonly sealed: Uint8Array;
  /** Omitted: unchanged; null: cleared. */
  readonly approvalCodeHash?: Uint8Array | null;
  /** Omitted: unchanged. */
  readonly expiresAt?: number;
}

export interface EnrollmentReader {
  /**
   * Expired rows are still returned until `deleteExpired` removes them: check `expiresAt` and
   * `nonceExpiresAt` (and the token digest) yourself.
   */
  findById(id: string): Promise<EnrollmentRecord | undefined>;
  /** The enrollment waiting for this guardian-approval code. Same caveat on expiry. */
  findByApprovalCode(hash: Uint8Array): Promise<EnrollmentRecord | undefined>;
  count(): Promise<number>;
}

export interface EnrollmentWriter extends EnrollmentReader {
  /** A taken id or approval code → `conflict`. */
  insert(enrollment: NewEnrollment): Promise<EnrollmentRecord>;
  /**
   * Compare-and-set: applies `patch` only if the row's state AND nonce digest still equal
   * `expected`; returns whether it did. One statement, so of two concurrent requests answering
   * the same nonce with a patch that changes the state or the nonce, exactly one wins, on either
   * engine. A patch that keeps both (recording something without making the holder's nonce
   * stale) is exclusive only when `expected.sealed` is given too: then the row must also still
   * hold exactly the sealed state the caller read, so no concurrent update is lost. An
   * approval code taken by another enrollment → `conflict`.
   */
  advance(
    id: string,
    expected: { readonly state: string; readonly nonceHash: Uint8Array; readonly sealed?: Uint8Array },
    patch: EnrollmentPatch,
  ): Promise<boolean>;
  /** Completed, failed or abandoned: the row goes. Returns false if there was none. */
  delete(id: string): Promise<boolean>;
  /** Deletes up to `limit` enrollments with `expiresAt <= now` (oldest first); returns how many. */
  deleteExpired(now: number, limit: number): Promise<number>;
}

// ---------------------------------------------------------------- passphrases (口令)

/** A person's credential passphrase: its Argon2id hash and the failure counter behind lockout. */
export interface PassphraseRecord {
  readonly personId: string;
  /** PHC string, `$argon2id$v=19$m=…,t=…,p=…$salt$hash`: never the passphrase. */
  readonly hash: string;
  /** Failed attempts since the last success or `set`. */
  readonly failures: number;
  /** Epoch ms until which attempts are refused, or null. Left in place after it passes. */
  readonly lockedUntil: number | null;
  readonly updatedAt: number;
}

export interface PassphraseReader {
  find(personId: string): Promise<PassphraseRecord | undefined>;
}

export interface PassphraseWriter extends PassphraseReader {
  /**
   * Inserts or replaces; resets failures and lock. `hash` must be an Argon2id PHC string (a
   * TypeError otherwise, so a raw passphrase cannot be stored by mistake). Unknown person →
   * `conflict`.
   */
  set(personId: string, hash: string, at?: number): Promise<void>;
  /**
   * Atomically adds one failure (one statement: concurrent failures are all counted). When the
   * new count is `lockAfter` or more, `lockedUntil = at + lockMs` — so every failure past the
   * threshold (after a lock ran out) locks again. Returns the new state; unknown person →
   * undefined.
   */
  recordFailure(
    personId: string,
    opts: { readonly lockAfter: number; readonly lockMs: number; readonly at?: number },
  ): Promise<{ failures: number; lockedUntil: number | null } | undefined>;
  /** After a success: failures 0, no lock. Writes nothing if there is nothing to reset. */
  resetFailures(personId: string): Promise<void>;
}

// ---------------------------------------------------------------- relying parties

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
export interface RelyingPartyTransition {
  readonly status: RpStatus;
  readonly approvedScopes?: readonly ApprovedScope[];
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

export interface NewRpEvent {
  readonly clientId: string;
  readonly type: string;
  readonly actor: string;
  readonly data?: Readonly<Record<string, unknown>> | null;
  readonly createdAt?: number;
}

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
}

/** Used client-assertion ids (RFC 7523 §3): single use until expiry. */
export interface AssertionJtiWriter {
  /**
   * Records (clientId, jti) until `expiresAt`; returns true the first time, false when the pair
   * is already recorded (a replay). One statement (INSERT … ON CONFLICT DO NOTHING): of two
   * concurrent uses exactly one gets true, on either engine.
   */
  use(clientId: string, jti: string, expiresAt: number): Promise<boolean>;
  /** Deletes up to `limit` pairs with `expiresAt <= now`; returns how many. */
  deleteExpired(now: number, limit: number): Promise<number>;
}

// ---------------------------------------------------------------- OpenID Connect (0006)

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

export interface NewOidcPar {
  readonly uriHash: Uint8Array;
  readonly clientId: string;
  readonly params: Readonly<Record<string, string>>;
  readonly expiresAt: number;
  readonly createdAt?: number;
}

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

export interface NewOidcAuthorization {
  readonly id: string;
  readonly requestId: string;
  readonly refHash: Uint8Array;
  readonly browserHash: Uint8Array;
  readonly clientId: string;
  readonly redirectUri: string;
  readonly state: string | null;
  readonly nonce: string;
  readonly codeChallenge: string;
  readonly mode: string;
  readonly scopes: readonly string[];
  readonly expiresAt: number;
  readonly createdAt?: number;
}

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

export interface NewOidcAccessToken {
  readonly tokenHash: Uint8Array;
  readonly authorizationId: string;
  readonly clientId: string;
  readonly expiresAt: number;
  readonly createdAt?: number;
}

export interface OidcReader {
  findAuthorization(id: string): Promise<OidcAuthorizationRecord | undefined>;
  findAuthorizationByRef(refHash: Uint8Array): Promise<OidcAuthorizationRecord | undefined>;
  findAuthorizationByCode(codeHash: Uint8Array): Promise<OidcAuthorizationRecord | undefined>;
  /** Expired and revoked tokens are returned too: check `expiresAt` and `revokedAt`. */
  findAccessToken(tokenHash: Uint8Array): Promise<OidcAccessTokenRecord | undefined>;
}

export interface OidcWriter extends OidcReader {
  insertPar(p: NewOidcPar): Promise<OidcParRecord>;
  /**
   * Single use: marks the request used and returns it, if it exists, is unused and has not
   * expired at `at`; otherwise undefined. One compare-and-set statement decides, so of two
   * concurrent uses exactly one gets it, on either engine.
   */
  consumePar(uriHash: Uint8Array, at: number): Promise<OidcParRecord | undefined>;
  /** A taken request id or reference → `conflict`. */
  insertAuthorization(a: NewOidcAuthorization): Promise<OidcAuthorizationRecord>;
  /** Compare-and-set on the status: applies `patch` only if the authorization is still `from`. */
  transitionAuthorization(id: string, from: OidcAuthorizationStatus, patch: OidcAuthorizationPatch): Promise<boolean>;
  insertAccessToken(t: NewOidcAccessToken): Promise<OidcAccessTokenRecord>;
  /** Revokes every unrevoked access token issued from an authorization; returns how many. */
  revokeAccessTokens(authorizationId: string, at: number): Promise<number>;
  /** Deletes up to `limit` pushed requests and up to `limit` access tokens expired at `now`; returns how many. */
  deleteExpired(now: number, limit: number): Promise<number>;
}

// ---------------------------------------------------------------- the store

/** Read-only repositories: what the holder side and reports get. */
export interface StoreReader {
  readonly persons: PersonReader;
  readonly credentials: CredentialReader;
  readonly devices: DeviceReader;
  readonly consents: ConsentReader;
  readonly events: EventReader;
  readonly counters: CounterReader;
  readonly enrollments: EnrollmentReader;
  readonly passphrases: PassphraseReader;
  readonly relyingParties: RelyingPartyReader;
  readonly verifications: VerificationReader;
  readonly oidc: OidcReader;
}

/** The privileged repositories, bound to one connection or one transaction. */
export interface StoreTx {
  readonly persons: PersonWriter;
  readonly credentials: CredentialWriter;
  readonly devices: DeviceWriter;
  readonly consents: ConsentWriter;
  readonly events: EventWriter;
  readonly counters: CounterWriter;
  readonly enrollments: EnrollmentWriter;
  readonly passphrases: PassphraseWriter;
  readonly relyingParties: RelyingPartyWriter;
  readonly assertionJtis: AssertionJtiWriter;
  readonly verifications: VerificationWriter;
  readonly oidc: OidcWriter;
}

export interface Store extends StoreTx {
  readonly engine: 'sqlite' | 'postgres';
  /** Migrations applied when this store was opened (empty if the schema was current). */
  readonly migrationsApplied: readonly string[];
  readonly reader: StoreReader;
  /**
   * Runs `fn` in one transaction: all of it is committed, or (if `fn` throws) none of it.
   * After a `conflict` inside, the transaction is finished: let the error propagate and retry
   * the whole function if appropriate. No nesting.
   */
  transaction<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

// ---------------------------------------------------------------- verification requests

export const VERIFICATION_STATUSES = ['pending', 'approved', 'failed', 'declined', 'consumed'] as const;
export type VerificationStatus = (typeof VERIFICATION_STATUSES)[number];

export interface VerificationRequestRecord {
  readonly id: string;
  /** Digest of the reference the wallet scans (QR) or follows (app link). */
  readonly refHash: Uint8Array;
  readonly clientId: string;
  /** `receipt` (back-end pull), later `oidc`, `reverify`. */
  readonly kind: string;
  readonly bizSeq: string | null;
  readonly mode: string;
  readonly scopes: readonly string[];
  /** The challenge the wallet's key-binding JWT must carry (not secret). */
  readonly nonce: string;
  readonly faceChallenge: string | null;
  /** Re-verification: the RP's message shown to the person (not personal data). */
  readonly bindingMessage: string | null;
  readonly status: VerificationStatus;
  /** A failure code (`face_mismatch`, `passphrase_locked`…) when `failed`. */
  readonly failure: string | null;
  readonly personId: string | null;
  /** The outcome for the person, sealed under their data key. */
  readonly result: Uint8Array | null;
  readonly approvedAt: number | null;
  readonly expiresAt: number;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export interface NewVerificationRequest {
  readonly id: string;
  readonly refHash: Uint8Array;
  readonly clientId: string;
  readonly kind: string;
  readonly bizSeq: string | null;
  readonly mode: string;
  readonly scopes: readonly string[];
  readonly nonce: string;
  readonly expiresAt: number;
  readonly createdAt?: number;
  /** Re-verification: the person the request is for (only they can answer it). */
  readonly personId?: string | null;
  readonly bindingMessage?: string | null;
}

export interface VerificationPatch {
  readonly status?: VerificationStatus;
  readonly failure?: string | null;
  readonly personId?: string | null;
  readonly result?: Uint8Array | null;
  readonly approvedAt?: number | null;
  readonly faceChallenge?: string | null;
}

export interface VerificationReader {
  findById(id: string): Promise<VerificationRequestRecord | undefined>;
  findByRef(refHash: Uint8Array): Promise<VerificationRequestRecord | undefined>;
  /** A person's verifications, newest first: who verified them, when. */
  listByPerson(personId: string, limit?: number): Promise<VerificationRequestRecord[]>;
  /** Requests addressed to a person that are still pending (re-verification), newest first. */
  listPendingForPerson(personId: string, now: number): Promise<VerificationRequestRecord[]>;
}

export interface VerificationWriter extends VerificationReader {
  /** A taken reference, or a `bizSeq` the relying party used before → `conflict`. */
  insert(r: NewVerificationRequest): Promise<VerificationRequestRecord>;
  /** Compare-and-set on the status: applies `patch` only if the request is still `from`. */
  transition(id: string, from: VerificationStatus, patch: VerificationPatch): Promise<boolean>;
}
