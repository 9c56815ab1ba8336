/**
 * The request binding of request-binding.ts computed with Node's SM3: what the platform checks
 * a /v1/me request against (the CLI wallet signs over the same value).
 */
import { createHash } from 'node:crypto';
import { joinBoundNonce, requestBindingText, type BoundRequest } from './request-binding.ts';

export type { BoundRequest };

/** base64url SM3 of the request's binding text. */
export function requestDigest(r: BoundRequest): string {
  return createHash('sm3').update(requestBindingText(r), 'utf8').digest('base64url');
}

/**
 * The key-binding JWT's `nonce` for this request.
 *
 * @example
 *   const body = { nonce, deviceId };
 *   const kbNonce = boundNonce(nonce, { method: 'POST', path: '/v1/me/devices/revoke', body });
 *   const presentation = createPresentation(sdJwt, { disclose: [], holderKey, audience: iss, nonce: kbNonce });
 *   await post('/v1/me/devices/revoke', { ...body, presentation });
 */
export function boundNonce(platformNonce: string, r: BoundRequest): string {
  return joinBoundNonce(platformNonce, requestDigest(r));
}
