/**
 * Errors are data. Every failure that can reach a caller is a `WzError` carrying:
 * - `code`: a stable machine code from the closed set below (switch on it, never on text);
 * - `status`: the HTTP status it maps to (always 4xx for bad input, 5xx only for our faults);
 * - `message`: a client-safe description — never a secret, token, name, ID number or phone;
 * - `detail`: a private note for logs only (still free of personal data), never sent.
 *
 * Misuse by a programmer (wrong argument types inside our own code) throws `TypeError`.
 */
export const ERROR_CODES = {
  // generic input
  invalid_request: 400,
  invalid_json: 400,
  payload_too_large: 413,
  not_found: 404,
  method_not_allowed: 405,
  unauthenticated: 401,
  forbidden: 403,
  conflict: 409,
  rate_limited: 429,
  // cryptography
  unsupported_algorithm: 400,
  invalid_key: 400,
  invalid_signature: 400,
  signature_mismatch: 400,
  invalid_jws: 400,
  decryption_failed: 400,
  // identifiers and documents
  invalid_netid: 400,
  invalid_check_character: 400,
  invalid_id_number: 400,
  unknown_document_type: 400,
  invalid_document: 400,
  document_expired: 400,
  document_lost: 400,
  forged_chip_data: 400,
  unknown_person: 404,
  face_mismatch: 400,
  invalid_face_template: 400,
  challenge_expired: 400,
  // enrollment (申领)
  enrollment_not_found: 404,
  enrollment_expired: 410,
  enrollment_forbidden: 403,
  step_out_of_order: 409,
  nonce_mismatch: 409,
  document_type_mismatch: 400,
  guardian_required: 403,
  guardian_not_allowed: 403,
  not_a_guardian: 403,
  guardian_approval_pending: 409,
  invalid_phone: 400,
  otp_invalid: 400,
  otp_expired: 400,
  too_many_attempts: 429,
  notice_version_mismatch: 409,
  consent_required: 400,
  weak_passphrase: 400,
  invalid_device_proof: 400,
  // credentials (网证) and presentations
  invalid_credential: 400,
  credential_revoked: 403,
  credential_expired: 403,
  invalid_presentation: 400,
  // relying parties (registration, approval, client authentication)
  invalid_uscc: 400,
  invalid_redirect_uri: 400,
  invalid_sector_identifier: 400,
  invalid_client_metadata: 400,
  unknown_scope: 400,
  legal_basis_required: 400,
  scope_not_requested: 400,
  scope_not_allowed_for_category: 403,
  scope_not_approved: 403,
  invalid_client: 401,
  rp_not_found: 404,
  rp_not_approved: 403,
  rp_suspended: 403,
  rp_state_conflict: 409,
  // verification requests and receipts
  verification_not_found: 404,
  verification_expired: 410,
  verification_answered: 409,
  verification_pending: 409,
  receipt_already_fetched: 409,
  biz_seq_reused: 409,
  passphrase_locked: 423,
  reverification_not_allowed: 403,
  unknown_subject: 404,
  // wallet (holder side)
  wrong_passphrase: 401,
  keystore_corrupt: 400,
  keystore_exists: 409,
  keystore_missing: 404,
  // our own faults
  registry_unavailable: 502,
  sms_unavailable: 503,
  invalid_configuration: 500,
  store_unavailable: 503,
  internal_error: 500,
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export class WzError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly detail: string | undefined;

  constructor(code: ErrorCode, message: string, opts: { detail?: string; status?: number; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'WzError';
    this.code = code;
    this.status = opts.status ?? ERROR_CODES[code];
    this.detail = opts.detail;
  }

  /** The body sent to a client: code and safe message only. */
  toJSON(): { error: ErrorCode; message: string } {
    return { error: this.code, message: this.message };
  }
}

export function isWzError(e: unknown, code?: ErrorCode): e is WzError {
  return e instanceof WzError && (code === undefined || e.code === code);
}
