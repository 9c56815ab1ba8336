/**
 * Persons and their blind indexes. A person's row holds ids, the pseudonymous netid, keyed
 * digests for lookup, the person's data key wrapped under a KEK, and the person's data sealed
 * with that key (`profile`). No plaintext personal data is stored: name, birth date, document
 * and phone are only inside `profile`, and are looked up only through keyed digests
 * (`personIndex`, `blind_indexes`), never by value.
 */
import type { Optional } from '../row-types.ts';

export const PERSON_STATUSES = ['active', 'locked', 'banned', 'cancelled'] as const;
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

/** `status` defaults to `active`, `createdAt` to now; `updatedAt` starts equal to it. */
export interface NewPerson extends Optional<Omit<PersonRecord, 'updatedAt'>, 'status' | 'createdAt'> {
  /** Chosen by the caller (see `newId()`): the data key's AAD binds it before the row exists. */
  readonly id: string;
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
export type WrappedKeyRow = Pick<PersonRecord, 'id' | 'wrappedDek' | 'kekId'>;

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
