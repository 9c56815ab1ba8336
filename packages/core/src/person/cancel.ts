/**
 * Cancelling a 网号 (注销), the wire shapes both sides share: `POST /v1/me/cancel` with the
 * person's passphrase and the confirmation word, and what the platform answers once the
 * person's data is gone (docs/person.md, "Cancellation").
 *
 * The confirmation word is part of the signed request body (request-binding.ts), so a
 * presentation made for another operation can never be turned into a cancellation, and a
 * wallet must send it on purpose: it is not a default any client fills in by accident.
 */

/** What `confirm` must be, exactly: 注销 ("cancel", as the real app names the operation). */
export const CANCEL_CONFIRMATION = '注销';

/** The operation's own fields in the body of `POST /v1/me/cancel` (besides `nonce` and `presentation`). */
export interface CancelFields {
  /** The credential passphrase (口令): a found phone alone cannot cancel. */
  passphrase: string;
  confirm: typeof CANCEL_CONFIRMATION;
}

/** The answer: the 网号 no longer exists; nothing in it names the person. */
export interface Cancelled {
  status: 'cancelled';
  cancelledAt: string;
  /** 网证 revoked by the cancellation (those not revoked before). */
  credentialsRevoked: number;
  /** Relying parties that knew the person and asked to hear of it: an `account-purged` event is queued for each. */
  relyingPartiesNotified: number;
}
