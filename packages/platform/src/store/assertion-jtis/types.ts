/**
 * Client-assertion ids already used (RFC 7523 §3 replay protection). A row holds a relying
 * party's client id, the assertion's `jti` and its expiry, until swept. Nothing is sealed and no
 * personal data is stored. Writer only: nothing reads these rows except the single-use check.
 */

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
