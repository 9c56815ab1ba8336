/**
 * Client secrets for `client_secret_basic` (RFC 6749 §2.3.1). The platform generates the secret
 * — 32 random bytes, base64url (43 characters) — shows it to the RP once, in the answer to its
 * application, and keeps only a digest:
 *
 *   secretHash = SM3("wangzheng:rp-client-secret:v1" ‖ 0x00 ‖ clientId ‖ 0x00 ‖ secret)
 *
 * A plain (unkeyed) hash is enough here because the secret is high-entropy: 256 random bits
 * cannot be searched for offline, unlike a password or a short code, and no key has to be kept
 * and rotated for it. The client id in the input binds a digest to its row. Verification
 * recomputes the digest and compares in constant time; a lost secret is replaced, never
 * recovered.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export const CLIENT_SECRET_BYTES = 32;
const LABEL = 'wangzheng:rp-client-secret:v1';
/** Longer presented secrets are not ours; refusing them early bounds the hashing work. */
const MAX_PRESENTED = 512;

export function digestClientSecret(clientId: string, secret: string): Uint8Array {
  return createHash('sm3').update(`${LABEL}\0${clientId}\0${secret}`, 'utf8').digest();
}

/** A new secret and its digest. Show `secret` once; store only `hash`. */
export function generateClientSecret(clientId: string): { secret: string; hash: Uint8Array } {
  const secret = randomBytes(CLIENT_SECRET_BYTES).toString('base64url');
  return { secret, hash: digestClientSecret(clientId, secret) };
}

/** Whether `presented` is the secret whose digest is `stored`; constant time in the secret. */
export function clientSecretMatches(clientId: string, presented: string, stored: Uint8Array | null): boolean {
  if (typeof presented !== 'string' || presented.length === 0 || presented.length > MAX_PRESENTED) return false;
  const digest = digestClientSecret(clientId, presented);
  // Compare against something of the right length even when nothing is stored, so the answer
  // takes the same time either way.
  const against = stored !== null && stored.length === digest.length ? stored : new Uint8Array(digest.length);
  return timingSafeEqual(digest, against) && stored !== null;
}
