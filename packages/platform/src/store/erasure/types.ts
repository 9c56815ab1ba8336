/**
 * Erasure: the rows that name a person but do not go with them when their `persons` row is
 * deleted (`persons.shred` cascades to blind indexes, devices, consents, events and passphrases,
 * and detaches credentials). Cancellation (lifecycle/cancel.ts) calls this first, in the same
 * transaction:
 *
 * - `verification_requests` whose `person_id` is the person (the foreign key would only set it
 *   to NULL, leaving the RP, the time, the mode and the sealed outcome behind), and the OpenID
 *   Connect authorizations and access tokens issued from them (their foreign keys point at the
 *   request, not at the person);
 * - bans of the person that are no longer in force (`lifted`, `withdrawn`): their keyed digest
 *   would still match the person and serves no purpose. A ban that is requested or in force
 *   keeps its digest on purpose (its `person_id` becomes NULL with the person): a banned person
 *   cannot enroll again by cancelling first (docs/lifecycle.md).
 *
 * Writer only: nothing reads through it. What it keeps is nobody's: counters, audit entries,
 * queued Security Event Tokens (sealed under a job key, gone when delivered).
 */

/** How many rows of each kind went. */
export interface ErasedRows {
  readonly verificationRequests: number;
  readonly oidcAuthorizations: number;
  readonly oidcAccessTokens: number;
  readonly closedBans: number;
}

export interface ErasureWriter {
  /**
   * Deletes the person's verification requests with their OIDC authorizations and access
   * tokens, and their bans no longer in force. Call it inside the transaction that then shreds
   * the person. An id that is not a UUID erases nothing.
   */
  eraseLinkedRows(personId: string): Promise<ErasedRows>;
}
