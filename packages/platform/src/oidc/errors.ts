/**
 * OAuth 2.0 / OpenID Connect errors are platform errors (`WzError`, core/errors.ts) rendered
 * the way RFC 6749 §5.2 clients expect: `{ error, error_description }` with the protocol code
 * `oauthCodeOf(code)` (`WzError.toOAuthJSON()`); `invalid_client` and `invalid_token` are 401s
 * with a `WWW-Authenticate` challenge. This file only decides, for a thrown value, which
 * `WzError` it is and whether it may travel to the redirect URI.
 */
import { WzError } from '@wangzheng/core/errors';
import { toWzError } from '@wangzheng/core/http-errors';

/**
 * Any thrown value as a `WzError`; with `redirectable` set, as one that may (or may not) be
 * sent to the redirect URI. A driver error or a bug stays a 500 with a fixed text.
 */
export function toOAuthError(e: unknown, opts: { redirectable?: boolean } = {}): WzError {
  const w = toWzError(e);
  if (opts.redirectable === undefined || opts.redirectable === w.redirectable) return w;
  return new WzError(w.code, w.message, { status: w.status, redirectable: opts.redirectable, cause: w, ...(w.detail ? { detail: w.detail } : {}), ...(w.retryAfterS !== undefined ? { retryAfterS: w.retryAfterS } : {}) });
}
