/**
 * HTTP authentication challenges, in one place for every route that authenticates a caller
 * (RFC 7235 `WWW-Authenticate`):
 * - a relying party (RFC 6749 §5.2): a 401 `invalid_client` names the scheme the client tried —
 *   `Bearer` when it sent an RFC 7523 client assertion, `Basic` otherwise;
 * - a bearer access token (RFC 6750 §3);
 * - an operator's bearer token.
 *
 * Nothing about the caller's credentials is echoed: only the realm, and for `invalid_token` the
 * server's own safe description.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { isWzError } from '@wangzheng/core/errors';

/** The realm relying parties authenticate to. */
export const CLIENT_REALM = 'wangzheng';

/** The scheme a relying party tried: `Bearer` (client assertion) or `Basic` (also when it sent none). */
export function clientScheme(req: FastifyRequest): 'Basic' | 'Bearer' {
  return /^Bearer /i.test(req.headers.authorization ?? '') ? 'Bearer' : 'Basic';
}

/** Sets the RFC 6749 §5.2 challenge for a failed client authentication. */
export function challengeClient(req: FastifyRequest, reply: FastifyReply): void {
  void reply.header('www-authenticate', `${clientScheme(req)} realm="${CLIENT_REALM}"`);
}

/** RFC 6750 §3: a bearer challenge, with an error code and description when there is one. */
export function challengeBearer(reply: FastifyReply, realm: string, error?: { code: string; description: string }): void {
  const tail = error ? `, error="${error.code}", error_description="${error.description.replace(/["\\]/g, '')}"` : '';
  void reply.header('www-authenticate', `Bearer realm="${realm}"${tail}`);
}

/** Runs `fn`; if it fails with `invalid_client`, the reply carries the client challenge. */
export async function challengeOnFailure<T>(reply: FastifyReply, req: FastifyRequest, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (isWzError(e, 'invalid_client')) challengeClient(req, reply);
    throw e;
  }
}
