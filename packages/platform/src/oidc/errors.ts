/**
 * OAuth 2.0 / OpenID Connect errors. The platform's own errors answer `{ error, message }`; the
 * endpoints under /oauth answer as RFC 6749 §5.2 says clients expect: `{ error,
 * error_description }` with the protocol's codes. One class, as node-oidc-provider has it:
 *
 * - `code`: the RFC 6749 / 6750 / 9126 / OIDC Core code — a closed set a client can `switch` on;
 * - `status`: the HTTP status (401 for `invalid_client` and `invalid_token`);
 * - `description`: client-safe text (never a token, code, secret or anything about a person);
 * - `detail`: private, for the log line only;
 * - `redirectable`: may this error be sent to the redirect URI? Only once the client and its
 *   redirect URI have been checked (RFC 6749 §4.1.2.1) — before that it is an error page.
 */
import { isWzError, type WzError } from '@wangzheng/core/errors';
import { toErrorResponse } from '@wangzheng/core/http-errors';

export const OAUTH_ERROR_STATUS = {
  invalid_request: 400,
  invalid_client: 401,
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
} as const;

export type OAuthErrorCode = keyof typeof OAUTH_ERROR_STATUS;

export class OAuthError extends Error {
  readonly code: OAuthErrorCode;
  readonly status: number;
  readonly description: string;
  readonly detail: string | undefined;
  readonly redirectable: boolean;

  constructor(code: OAuthErrorCode, description: string, opts: { redirectable?: boolean; detail?: string; status?: number; cause?: unknown } = {}) {
    super(description, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'OAuthError';
    this.code = code;
    this.status = opts.status ?? OAUTH_ERROR_STATUS[code];
    this.description = description;
    this.detail = opts.detail;
    this.redirectable = opts.redirectable ?? false;
  }

  toJSON(): { error: OAuthErrorCode; error_description: string } {
    return { error: this.code, error_description: this.description };
  }
}

/** Platform error codes that have a protocol meaning; anything else 4xx is `invalid_request`. */
const FROM_PLATFORM: Partial<Record<WzError['code'], OAuthErrorCode>> = {
  invalid_client: 'invalid_client',
  invalid_request: 'invalid_request',
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
};

/**
 * Any thrown value as an OAuthError. A `WzError`'s message is client-safe and kept; anything
 * else (a driver error, a bug) becomes `server_error` with a fixed text.
 */
export function toOAuthError(e: unknown, opts: { redirectable?: boolean } = {}): OAuthError {
  if (e instanceof OAuthError) return e;
  if (isWzError(e)) {
    const code = FROM_PLATFORM[e.code] ?? (e.status >= 500 ? 'server_error' : 'invalid_request');
    return new OAuthError(code, e.message, { ...opts, detail: `${e.code}${e.detail ? `: ${e.detail}` : ''}`, ...(code === 'invalid_request' && e.status === 413 ? { status: 413 } : {}) });
  }
  const r = toErrorResponse(e);
  if (r.status >= 500) return new OAuthError('server_error', 'internal error; the incident was logged', { ...opts, ...(r.detail ? { detail: r.detail } : {}) });
  return new OAuthError('invalid_request', r.body.message, { ...opts, status: r.status, ...(r.detail ? { detail: r.detail } : {}) });
}
