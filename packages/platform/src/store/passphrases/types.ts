/**
 * Credential passphrases (口令). A row holds, per person, the passphrase's Argon2id PHC string
 * (salted and memory-hard, never the passphrase), the failure count and the lock time. Nothing
 * is sealed: the hash is verified by recomputing, never decrypted. No plaintext personal data
 * is stored.
 */

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
