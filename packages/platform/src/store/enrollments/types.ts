/**
 * Enrollments (申领) in progress. A row holds the step the enrollment is at, digests of its
 * bearer token, current nonce and any guardian-approval code, the enrollment's own data key
 * wrapped under a KEK, and everything about the applicant sealed with that key (`sealed`). No
 * plaintext personal data is stored; a failed or abandoned enrollment leaves only a counter.
 */

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

export interface NewEnrollment extends Omit<EnrollmentRecord, 'approvalCodeHash' | 'createdAt' | 'updatedAt'> {
  /** Default null. */
  readonly approvalCodeHash?: Uint8Array | null;
  /** Default now; `updatedAt` starts equal to it. */
  readonly createdAt?: number;
}

/** What one step writes. A new nonce (or state) is what lets exactly one concurrent request win. */
export interface EnrollmentPatch extends Pick<EnrollmentRecord, 'state' | 'nonceHash' | 'nonceExpiresAt' | 'sealed'> {
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
