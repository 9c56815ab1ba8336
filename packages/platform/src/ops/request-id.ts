/**
 * Request ids: every request gets one, echoed in the `x-request-id` response header and written
 * on its access-log line and error lines, so that an operator can find one request's lines.
 *
 * A caller's own `x-request-id` (a gateway's or a relying party's correlation id) is kept when it
 * is 1–64 characters from `A–Z a–z 0–9 . _ : -`; anything else — longer, other characters,
 * the header sent twice — is replaced by a fresh random id. Trusted for nothing: it only labels
 * log lines. A caller must not put personal data into it (the platform cannot tell).
 */
import { randomBytes } from '@wangzheng/core/crypto/random';
import type { IncomingMessage } from 'node:http';

export const REQUEST_ID_HEADER = 'x-request-id';
export const REQUEST_ID_PATTERN = /^[A-Za-z0-9._:-]{1,64}$/;

/** A fresh id: 16 base64url characters (96 random bits, from the pooled DRBG: core/crypto/random.ts). */
export function newRequestId(): string {
  return randomBytes(12).toString('base64url');
}

/** The caller's id when it has the accepted shape, a fresh one otherwise (Fastify's `genReqId`). */
export function requestIdOf(raw: Pick<IncomingMessage, 'headers'>): string {
  const given = raw.headers[REQUEST_ID_HEADER];
  return typeof given === 'string' && REQUEST_ID_PATTERN.test(given) ? given : newRequestId();
}
