/**
 * Errors are data. One error base for the whole platform, as node-oidc-provider has it: every
 * failure that can reach a caller is a `WzError` carrying
 * - `code`: a stable machine code from the closed set below (switch on it, never on text);
 * - `status`: the HTTP status it maps to (always 4xx for bad input, 5xx only for our faults);
 * - `message`: a client-safe description — never a secret, token, name, ID number or phone;
 * - `detail`: a private note for logs only (still free of personal data), never sent;
 * - `redirectable`: may this error be sent to an OAuth redirect URI? Only once the client and
 *   its redirect URI have been checked (RFC 6749 §4.1.2.1); before that it is an error page.
 *
 * How an error is written on the wire is a rendering, not another error model: the platform's
 * JSON API answers `{ error, message }` (`toJSON`); the OAuth endpoints answer RFC 6749 §5.2's
 * `{ error, error_description }` with the protocol code `oauthCodeOf(code)` (`toOAuthJSON`).
 * The holder's wallet has codes of its own that never come from the server (wallet/errors.ts);
 * they share the base class `CodedError`.
 *
 * Misuse by a programmer (wrong argument types inside our own code) throws `TypeError`.
 */
export const ERROR_CODES = {
  // generic input
  invalid_request: 400,
  invalid_json: 400,
  payload_too_large: 413,
  uri_too_long: 414,
  header_too_large: 431,
  request_timeout: 408,
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
  // the person locked their own 网证 (/v1/me/lock): nothing verifies until they unlock it
  credential_locked: 423,
  reverification_not_allowed: 403,
  unknown_subject: 404,
  // passphrase factor (口令): at verification, and the wallet's own keystore
  wrong_passphrase: 401,
  // OAuth 2.0 / OpenID Connect protocol codes (RFC 6749, 6750, 9126; OIDC Core)
  invalid_grant: 400,
  unauthorized_client: 400,
  unsupported_grant_type: 400,
  unsupported_response_type: 400,
  invalid_scope: 400,
  access_denied: 403,
  login_required: 400,
  invalid_request_uri: 400,
  request_not_supported: 400,
  registration_not_supported: 400,
  invalid_token: 401,
  server_error: 500,
  temporarily_unavailable: 503,
  // the person's own controls (/v1/me: nonce single use, request binding, devices, consents)
  nonce_expired: 400,
  nonce_replayed: 409,
  request_binding_mismatch: 400,
  device_revoked: 403,
  device_not_found: 404,
  device_in_use: 409,
  person_status_conflict: 409,
  consent_not_found: 404,
  // Shared Signals streams (SSF 1.0 §8)
  stream_not_found: 404,
  stream_exists: 409,
  stream_state_conflict: 409,
  endpoint_not_allowed: 400,
  // nationwide bans (lifecycle)
  unknown_netid: 404,
  ban_not_found: 404,
  ban_exists: 409,
  not_banned: 409,
  ban_state_conflict: 409,
  four_eyes_required: 403,
  netid_banned: 403,
  // identity disclosure to the law-enforcement liaison (admin)
  disclosure_not_found: 404,
  disclosure_not_approved: 409,
  disclosure_expired: 410,
  disclosure_state_conflict: 409,
  role_required: 403,
  // the person's own controls: passphrase, phone, renewal, moving to a new phone (/v1/me)
  passphrase_unchanged: 400,
  phone_in_use: 409,
  phone_unchanged: 409,
  phone_change_not_found: 404,
  renewal_not_due: 409,
  renewal_not_extended: 409,
  // cancellation (注销) of a 网号: the typed confirmation; a second cancellation racing the first
  confirmation_required: 400,
  already_cancelled: 409,
  // venue passes (/v1/me/venue-pass): the presentation must disclose exactly age_over_18 and name
  venue_disclosure_required: 400,
  // our own faults
  registry_unavailable: 502,
  sms_unavailable: 503,
  invalid_configuration: 500,
  store_unavailable: 503,
  internal_error: 500,
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

/** The codes an OAuth 2.0 / OpenID Connect client can receive (a closed set it can `switch` on). */
export const OAUTH_ERROR_CODES = [
  'invalid_request',
  'invalid_client',
  'invalid_grant',
  'unauthorized_client',
  'unsupported_grant_type',
  'unsupported_response_type',
  'invalid_scope',
  'access_denied',
  'login_required',
  'invalid_request_uri',
  'request_not_supported',
  'registration_not_supported',
  'invalid_token',
  'server_error',
  'temporarily_unavailable',
] as const satisfies readonly ErrorCode[];
export type OAuthErrorCode = (typeof OAUTH_ERROR_CODES)[number];

/** Platform codes with a protocol meaning; any other 4xx is `invalid_request`, any 5xx `server_error`. */
const OAUTH_RENDERING: Partial<Record<ErrorCode, OAuthErrorCode>> = {
  invalid_json: 'invalid_request',
  payload_too_large: 'invalid_request',
  unknown_scope: 'invalid_scope',
  scope_not_approved: 'invalid_scope',
  scope_not_allowed_for_category: 'invalid_scope',
  rp_not_found: 'unauthorized_client',
  rp_not_approved: 'unauthorized_client',
  rp_suspended: 'unauthorized_client',
  verification_not_found: 'invalid_grant',
  store_unavailable: 'temporarily_unavailable',
  registry_unavailable: 'temporarily_unavailable',
  // RFC 6749 has no rate-limit code; the 429 status and `Retry-After` carry the meaning.
  rate_limited: 'temporarily_unavailable',
};

/** The OAuth code a platform error is rendered as. */
export function oauthCodeOf(code: ErrorCode, status: number = ERROR_CODES[code]): OAuthErrorCode {
  if ((OAUTH_ERROR_CODES as readonly string[]).includes(code)) return code as OAuthErrorCode;
  return OAUTH_RENDERING[code] ?? (status >= 500 ? 'server_error' : 'invalid_request');
}

export interface ErrorOptions {
  detail?: string;
  status?: number;
  cause?: unknown;
  redirectable?: boolean;
  /** Seconds the client should wait before retrying: sent as `Retry-After` (a 429 or 503). */
  retryAfterS?: number;
}

/** The base of every coded error: the platform's (`WzError`) and the wallet's own. */
export class CodedError<C extends string = string> extends Error {
  readonly code: C;
  readonly status: number;
  readonly detail: string | undefined;
  readonly redirectable: boolean;
  readonly retryAfterS: number | undefined;

  constructor(code: C, status: number, message: string, opts: ErrorOptions = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'CodedError';
    this.code = code;
    this.status = opts.status ?? status;
    this.detail = opts.detail;
    this.redirectable = opts.redirectable ?? false;
    this.retryAfterS = opts.retryAfterS;
  }

  /** The body sent to a client of the JSON API: code and safe message only. */
  toJSON(): { error: C; message: string } {
    return { error: this.code, message: this.message };
  }
}

export class WzError extends CodedError<ErrorCode> {
  constructor(code: ErrorCode, message: string, opts: ErrorOptions = {}) {
    super(code, ERROR_CODES[code], message, opts);
    this.name = 'WzError';
  }

  /** RFC 6749 §5.2: the body an OAuth client gets. */
  toOAuthJSON(): { error: OAuthErrorCode; error_description: string } {
    return { error: oauthCodeOf(this.code, this.status), error_description: this.message };
  }
}

export function isWzError(e: unknown, code?: ErrorCode): e is WzError {
  return e instanceof WzError && (code === undefined || e.code === code);
}
