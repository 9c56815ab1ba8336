/**
 * Verification requests: a relying party asks, the person answers in the wallet, the relying
 * party gets the outcome. A row holds the RP's request (client id, kind, its own sequence
 * number, mode, scopes, the nonce, a re-verification message), the status and a failure code,
 * and the person's internal id once known. The reference the wallet follows is stored only as a
 * digest; the outcome for the person is sealed under the person's own data key (`result`). No
 * plaintext personal data is stored.
 */
import type { RetentionStep } from '../partitions.ts';
import type { Optional } from '../row-types.ts';
import type { WrappedKeyRow } from '../persons/types.ts';
import type { PresentedCredential } from '../credentials/types.ts';
import type { NewEvent } from '../events/types.ts';
import type { QueuedFields } from '@wangzheng/core/audit/index';

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

/** A new request is `pending`, with no outcome yet; omitted: created now (`updatedAt` equal to it), no binding message. */
export interface NewVerificationRequest
  extends Optional<
    Omit<VerificationRequestRecord, 'faceChallenge' | 'status' | 'failure' | 'personId' | 'result' | 'approvedAt' | 'updatedAt'>,
    'createdAt' | 'bindingMessage'
  > {
  /** Re-verification: the person the request is for (only they can answer it). */
  readonly personId?: string | null;
}

/** What a status change writes. Omitted: unchanged; null: cleared. */
export type VerificationPatch = Partial<Pick<VerificationRequestRecord, 'status' | 'failure' | 'personId' | 'result' | 'approvedAt' | 'faceChallenge'>>;

export interface VerificationReader {
  findById(id: string): Promise<VerificationRequestRecord | undefined>;
  /**
   * A request with the wrapped data key of its person (none: no person, or shredded), read
   * together: what opening its sealed outcome for the receipt needs, one statement instead of two.
   */
  findWithDataKey(id: string): Promise<{ request: VerificationRequestRecord; dataKey: WrappedKeyRow | undefined } | undefined>;
  findByRef(refHash: Uint8Array): Promise<VerificationRequestRecord | undefined>;
  /**
   * A request by its reference with the credential a presentation names, its device and its
   * person (`credentials.findPresented`), read together: what the wallet's answer needs, one
   * statement instead of two. `presented` is none when no such credential exists.
   */
  findByRefPresenting(refHash: Uint8Array, credentialId: string): Promise<{ request: VerificationRequestRecord; presented: PresentedCredential | undefined } | undefined>;
  /** A person's verifications, newest first: who verified them, when. */
  listByPerson(personId: string, limit?: number): Promise<VerificationRequestRecord[]>;
  /** Requests addressed to a person that are still pending (re-verification), newest first. */
  listPendingForPerson(personId: string, now: number): Promise<VerificationRequestRecord[]>;
  /**
   * A relying party's own requests, newest first — its request log (rp/requests.ts). Keyset
   * paging: `after` is the last row of the previous page. A string that is not a client id
   * finds nothing.
   */
  listByClient(clientId: string, opts?: VerificationListOptions): Promise<VerificationRequestRecord[]>;
}

export interface VerificationListOptions {
  /** 1..500, default 50. */
  readonly limit?: number;
  /** Order is (createdAt, id) descending: the next page starts below this row. */
  readonly after?: { readonly createdAt: number; readonly id: string };
}

/** What `transitionWith` writes beside the status change. */
export interface VerificationRows {
  readonly events?: readonly NewEvent[];
  readonly queued?: readonly QueuedFields[];
}

export interface VerificationWriter extends VerificationReader {
  /**
   * A `bizSeq` the relying party used before → `conflict` (on PostgreSQL through the
   * `verification_biz_seqs` guard of migration 0014). A taken id or reference → `conflict` on
   * SQLite; on PostgreSQL, where the table is partitioned by `created_at`, only when
   * `createdAt` is equal too — ids are random UUIDs (`newId()`) and references derive from them.
   */
  insert(r: NewVerificationRequest): Promise<VerificationRequestRecord>;
  /** Compare-and-set on the status: applies `patch` only if the request is still `from`. */
  transition(id: string, from: VerificationStatus, patch: VerificationPatch): Promise<boolean>;
  /**
   * `transition`, and only when it took effect, the rows that record it: the person's history
   * events and queued audit entries. Atomic on its own: on PostgreSQL one statement
   * (data-modifying CTEs: no BEGIN and COMMIT round trips, which were four of a verification's
   * twelve); on SQLite the statements of a transaction (the store opens one when the caller has
   * none). False, and nothing written, when the request was not `from`.
   */
  transitionWith(id: string, from: VerificationStatus, patch: VerificationPatch, rows: VerificationRows): Promise<boolean>;
  /**
   * A relying party's receipt fetch: its request `id` (another client's is none) with its
   * person's wrapped data key, as it was, and — when it was answered (approved, failed, declined)
   * or is pending past its expiry at `now` — moved to `consumed` by this call (`consumed`: true
   * for exactly one of any concurrent calls). On PostgreSQL one statement (the row locked, read
   * as of the lock, and updated); on SQLite a read and a compare-and-set.
   */
  consumeForReceipt(id: string, clientId: string, now: number): Promise<{ request: VerificationRequestRecord; dataKey: WrappedKeyRow | undefined; consumed: boolean } | undefined>;
  /** PostgreSQL: creates missing monthly partitions, the month of `at` to `monthsAhead` after it; returns how many. SQLite: 0. */
  ensurePartitions(at: number, monthsAhead: number): Promise<number>;
  /**
   * Retention, one bounded step: removes requests created before `cutoff` (epoch ms) with
   * their OIDC authorizations and those authorizations' access tokens (children first).
   * PostgreSQL: up to `limit` authorizations of the oldest month wholly before the cutoff, and
   * once it has none, that month's partition with its `bizSeq` guards; else up to `limit` old
   * requests of the DEFAULT partition. SQLite: up to `limit` requests, oldest first. Never a
   * row at or after the cutoff. Call again until `done`.
   */
  deleteBefore(cutoff: number, limit: number): Promise<RetentionStep>;
}
