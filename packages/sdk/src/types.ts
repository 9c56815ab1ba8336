/**
 * What the platform's relying-party API takes and answers (docs/receipts.md), as types.
 * Names and values are the wire's.
 */
import type { DisclosureScope, IdTokenAlg, RpCategory, RpStatus } from '@wangzheng/core/rp/types';
import type { Mode } from '@wangzheng/core/verification/modes';

export type { DisclosureScope, Mode };

/** `pending` until the person answers; `consumed` once the receipt was fetched; `expired` unanswered past `expiresAt`. */
export type RequestStatus = 'pending' | 'approved' | 'failed' | 'declined' | 'expired' | 'consumed';

export interface CreateReceiptRequest {
  /** Your own reference for this verification (an order or session id): 1–64 printable ASCII characters, never reused. */
  bizSeq: string;
  /** `wz` 网证 · `wz_pass` 网证+口令 · `wz_face` 网证+人脸 · `wz_pass_face` 网证+口令+人脸. */
  mode: Mode;
  /** Fields beyond the result, each within your approved scopes (else `scope_not_approved`). Default: result only. */
  scopes?: DisclosureScope[];
}

export interface ReceiptRequest {
  /** Your handle for status and receipt. Keep it on your back end. */
  requestId: string;
  /** The reference the person's wallet opens: show it as a QR code or pass it in `link`. */
  ref: string;
  /** `wangzheng://verify?ref=…&iss=…`: the same-device app link into the wallet. */
  link: string;
  /** The same request in the platform's web wallet (`<issuer>/wallet/#/verify?ref=…&iss=…`): render it as the QR code a phone's camera opens. */
  walletUrl: string;
  mode: Mode;
  /** The OpenID Connect `acr` value of the mode (`urn:wangzheng:acr:wz+face`, …). */
  acr: string;
  expiresAt: string;
}

export interface RequestState {
  requestId: string;
  status: RequestStatus;
  expiresAt: string;
}

export interface RequestReverification {
  /** The application identifier the platform gave you for the person (a receipt's `sub`). */
  sub: string;
  /** Shown to the person in the wallet (1–64 characters): say why, never personal data. */
  bindingMessage: string;
  /** Your own reference, as for a receipt request. */
  bizSeq: string;
}

export interface Reverification {
  requestId: string;
  /** Always face: `wz_face`. */
  mode: Mode;
  acr: string;
  expiresAt: string;
}

/** Your own registration, as `GET /v1/rp/clients/{clientId}` answers it. */
export interface Registration {
  clientId: string;
  name: string;
  category: RpCategory;
  purpose: string;
  status: RpStatus;
  statusReason?: string | null;
  idTokenSigningAlg: IdTokenAlg;
  approvedScopes: { scope: DisclosureScope; legalBasisRef: string | null }[];
  sandbox?: boolean;
  [field: string]: unknown;
}
