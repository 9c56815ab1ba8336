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
   * index — and with it every blind index, device, consent and event of theirs; their
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

// ---------------------------------------------------------------- the store

/** Read-only repositories: what the holder side and reports get. */
export interface StoreReader {
  readonly persons: PersonReader;
  readonly credentials: CredentialReader;
  readonly devices: DeviceReader;
  readonly consents: ConsentReader;
  readonly events: EventReader;
  readonly counters: CounterReader;
}

/** The privileged repositories, bound to one connection or one transaction. */
export interface StoreTx {
  readonly persons: PersonWriter;
  readonly credentials: CredentialWriter;
  readonly devices: DeviceWriter;
  readonly consents: ConsentWriter;
  readonly events: EventWriter;
  readonly counters: CounterWriter;
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
