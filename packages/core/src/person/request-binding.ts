/**
 * Binding a person-authenticated request (`POST /v1/me/…`) to a single-use platform nonce AND
 * to the request itself, shared by the wallet (which signs) and the platform (which checks).
 *
 * The wallet proves who it is with a 网证 presentation whose key-binding JWT (signed by the
 * device key) carries, as its `nonce`, not the platform's nonce alone but
 *
 *   `<platform nonce>~<base64url SM3("wangzheng-me-request/v1" ‖ 0 ‖ METHOD ‖ 0 ‖ path ‖ 0 ‖ JCS(body without `presentation`))>`
 *
 * where JCS is RFC 8785 canonical JSON. The body includes the platform nonce, so the digest
 * covers it too. A captured request therefore cannot be sent again (the platform nonce is spent
 * on first use), nor to another endpoint (method and path are signed), nor with another body (a
 * changed `deviceId`, `clientId` or `passphrase` changes the digest the device key signed).
 *
 * The key-binding JWT of RFC 9901 signs `{iat, aud, nonce, sd_hash}` only; putting the request
 * digest into `nonce` binds the request without a claim that a standard SD-JWT library would
 * not produce (DPoP's `htm`/`htu`, RFC 9449, do the same job with claims of their own).
 *
 * Trust: nothing. These functions only compute the value both sides must agree on.
 *
 * Portable (no Node built-ins), so the web wallet binds its requests with the same code: the
 * caller hashes `requestBindingText` with SM3 (Node: `request-digest.ts`; a browser: SM3 in
 * JavaScript) and joins the digest to the platform nonce with `joinBoundNonce`.
 */
import { canonicalJson } from '../audit/canonical.ts';

export const REQUEST_BINDING_CONTEXT = 'wangzheng-me-request/v1';
/** Separates the platform nonce from the request digest inside the key-binding `nonce`. */
export const BINDING_SEPARATOR = '~';
/** The largest body (without the presentation) a binding is computed over. */
export const MAX_BOUND_BODY_BYTES = 16_384;

/** A request as both sides see it: method, path (no query), and the JSON body. */
export interface BoundRequest {
  readonly method: string;
  readonly path: string;
  readonly body: Readonly<Record<string, unknown>>;
}

/**
 * The text the request digest is SM3 over: context, method, path and the canonical body
 * without `presentation`, joined by NUL. Throws TypeError for a body that has no canonical
 * form (see audit/canonical.ts) or a path that is not absolute or carries a query.
 */
export function requestBindingText(r: BoundRequest): string {
  if (typeof r.method !== 'string' || typeof r.path !== 'string' || !r.path.startsWith('/') || r.path.includes('?')) {
    throw new TypeError('requestDigest: method and an absolute path without a query are required');
  }
  const { presentation: _presentation, ...signed } = r.body;
  return [REQUEST_BINDING_CONTEXT, r.method.toUpperCase(), r.path, canonicalJson(signed, MAX_BOUND_BODY_BYTES)].join('\u0000');
}

/** The key-binding JWT's `nonce`: the platform nonce, `~`, and the base64url request digest. */
export function joinBoundNonce(platformNonce: string, requestDigestB64u: string): string {
  if (typeof platformNonce !== 'string' || platformNonce.length === 0 || platformNonce.includes(BINDING_SEPARATOR)) {
    throw new TypeError('boundNonce: a platform nonce without "~" is required');
  }
  return `${platformNonce}${BINDING_SEPARATOR}${requestDigestB64u}`;
}
