/**
 * What the platform shows a wallet about a verification request — the shapes both sides of
 * the wallet API share (platform routes, wallet library, CLI).
 */

/** A request as the wallet shows it before the person decides (`GET /v1/verifications/:ref`). */
export interface VerificationView {
  /** `receipt`, `oidc` or `reverify`. */
  kind: string;
  /** Re-verification: the RP's message to the person. */
  bindingMessage: string | null;
  rp: { name: string; category: string; purpose: string };
  mode: string;
  modeName: { zh: string; en: string };
  requires: { passphrase: boolean; face: boolean };
  scopes: { scope: string; legalBasisRef: string | null; sensitive: boolean }[];
  /** The key-binding JWT's `nonce`. */
  nonce: string;
  /** The key-binding JWT's `aud`: the platform issuer. */
  audience: string;
  expiresAt: string;
}

/** A request addressed to the person, in their wallet's pending list (`POST /v1/wallet/pending`). */
export interface PendingRequest {
  ref: string;
  kind: string;
  rp: { name: string; category: string; purpose: string };
  bindingMessage: string | null;
  mode: string;
  expiresAt: string;
  /** A child's first use at this RP waiting for this guardian: the child's masked name. */
  ward?: { name: string };
}
