/**
 * Pending phone-number changes (`POST /v1/me/phone`, person/phone.ts): one row per person who
 * asked to bind a new number. The row holds the new number and a keyed digest of the one-time
 * code SEALED with the person's data key (`data`), the code's expiry, and the counters behind
 * the limits (codes sent and wrong codes within a 24-hour window). No plaintext personal data:
 * the number is never in clear, the code never stored at all. Deleted with the person (cascade).
 *
 * Writer only: nothing but the phone change itself reads these rows.
 */

export interface PhoneChangeRecord {
  readonly personId: string;
  /** The new number and the code's digest, sealed with the person's data key; null when no code is live. */
  readonly data: Uint8Array | null;
  /** When the live code expires (epoch ms); 0 when none is live. */
  readonly codeExpiresAt: number;
  /** Codes sent in the current window. */
  readonly sends: number;
  /** Wrong codes entered in the current window. */
  readonly wrongTries: number;
  readonly windowStartedAt: number;
  readonly updatedAt: number;
}

export interface PhoneChangeLimits {
  /** Length of the window the counters count in (ms); an older window starts afresh. */
  readonly windowMs: number;
  readonly maxSends: number;
  readonly maxWrong: number;
}

export interface PhoneChangeWriter {
  find(personId: string): Promise<PhoneChangeRecord | undefined>;
  /**
   * Stores a new code (replacing any live one) and counts it — only if the window's limits
   * allow: fewer than `maxSends` codes sent and fewer than `maxWrong` wrong codes. A window
   * older than `windowMs` starts afresh first. Each step is one statement, so two concurrent
   * requests can never both take the last send. Returns the record after, or undefined when a
   * limit refused it (nothing stored). Unknown person → `conflict`.
   */
  putCode(personId: string, code: { readonly data: Uint8Array; readonly codeExpiresAt: number; readonly at: number }, limits: PhoneChangeLimits): Promise<PhoneChangeRecord | undefined>;
  /**
   * Counts a wrong code, atomically; at `maxWrong` the live code is voided. Returns the new
   * count (undefined: no row).
   */
  recordWrong(personId: string, opts: { readonly maxWrong: number; readonly at: number }): Promise<number | undefined>;
  /** Voids the live code (after it was used). Returns whether a live code was voided: of two concurrent uses, one. */
  voidCode(personId: string, at: number): Promise<boolean>;
}
