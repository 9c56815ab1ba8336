/**
 * Nonces already spent: the single-use check of the person-authenticated API (`/v1/me/…`,
 * person/nonce.ts). A row holds a digest of a platform nonce and the time it expires — no
 * person, no device, nothing sealed, no personal data. Writer only: nothing reads these rows
 * except the single-use check itself.
 */

export interface SpentNonceWriter {
  /**
   * Records `digest` as spent until `expiresAt`; returns true the first time and false when it
   * was spent before (a replay). One statement (INSERT … ON CONFLICT DO NOTHING): of two
   * concurrent uses exactly one gets true, on either engine, and neither raises an error
   * (which would end a surrounding PostgreSQL transaction).
   */
  spend(digest: Uint8Array, expiresAt: number): Promise<boolean>;
  /** Deletes up to `limit` digests with `expiresAt <= now`; returns how many. */
  deleteExpired(now: number, limit: number): Promise<number>;
}
