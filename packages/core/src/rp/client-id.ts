/**
 * Client identifiers: `rp_` + 22 base64url characters (16 random bytes, 128 bits). Public and
 * URL-safe; random, so a client id says nothing about the organisation or when it registered.
 */
import { randomBytes } from 'node:crypto';

export const CLIENT_ID_PATTERN = /^rp_[A-Za-z0-9_-]{22}$/;

export function generateClientId(): string {
  return `rp_${randomBytes(16).toString('base64url')}`;
}

/** True iff `s` has the form of a client id (it may still name no client). */
export function isClientId(s: unknown): s is string {
  return typeof s === 'string' && CLIENT_ID_PATTERN.test(s);
}
