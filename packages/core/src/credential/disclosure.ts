/**
 * SD-JWT disclosures and digests (RFC 9901 §4.2): a disclosure is
 * base64url(UTF-8(JSON([salt, name, value]))) with a 16-byte random salt, and its digest is
 * base64url(H(ASCII(disclosure))) with H named by `_sd_alg` — SM3 for the gm suite
 * (SM2-signed credentials), SHA-256 for intl.
 *
 * Trust: `decodeDisclosure` input is untrusted; what it returns is well-formed, NOT yet known
 * to belong to any credential — only finding its digest in a signature-verified `_sd` array
 * does that (verify.ts). Errors never quote claim values.
 */
import { b64u, fromB64u } from '../crypto/encoding.ts';
import { getSuite, randomBytes } from '../crypto/suites.ts';
import type { SigAlg } from '../crypto/types.ts';
import { WzError } from '../errors.ts';
import type { SdAlg } from './types.ts';

/** Salt entropy: 128 bits (RFC 9901 §9.3). */
export const SALT_BYTES = 16;

/** Both SM3 and SHA-256 digests are 32 bytes → 43 base64url characters. */
const DIGEST_LENGTH = 43;
const DIGEST_RE = /^[A-Za-z0-9_-]{43}$/;

const utf8 = new TextDecoder('utf-8', { fatal: true });

export interface Disclosure {
  salt: string;
  name: string;
  value: unknown;
  /** The base64url string exactly as it travels. */
  encoded: string;
}

function invalid(detail: string): WzError {
  return new WzError('invalid_credential', 'The credential is malformed.', { detail });
}

/** The `_sd_alg` that goes with an issuer signature algorithm: `sm3` for SM2, `sha-256` otherwise. */
export function sdAlgFor(alg: SigAlg): SdAlg {
  return alg === 'SM2' ? 'sm3' : 'sha-256';
}

export function isSdAlg(v: unknown): v is SdAlg {
  return v === 'sm3' || v === 'sha-256';
}

/** The hash function named by `_sd_alg`. Unknown names → WzError('invalid_credential'). */
export function hashFor(sdAlg: unknown): (data: Uint8Array) => Uint8Array {
  if (sdAlg === 'sm3') return getSuite('gm').hash;
  if (sdAlg === 'sha-256') return getSuite('intl').hash;
  throw invalid('unknown _sd_alg');
}

/** base64url(H(ASCII(s))): the digest of a disclosure, and `sd_hash` of a presentation. */
export function sdDigest(s: string, sdAlg: SdAlg): string {
  return b64u(hashFor(sdAlg)(Buffer.from(s, 'ascii')));
}

export function isDigest(v: unknown): v is string {
  return typeof v === 'string' && v.length === DIGEST_LENGTH && DIGEST_RE.test(v);
}

/** Creates a disclosure for the object property `name` with a fresh random salt. */
export function createDisclosure(name: string, value: unknown, sdAlg: SdAlg): Disclosure & { digest: string } {
  if (typeof name !== 'string' || name.length === 0) throw new TypeError('disclosure name must be a non-empty string');
  if (value === undefined) throw new TypeError('disclosure value must be defined');
  const salt = b64u(randomBytes(SALT_BYTES));
  const encoded = b64u(JSON.stringify([salt, name, value]));
  return { salt, name, value, encoded, digest: sdDigest(encoded, sdAlg) };
}

/**
 * Decoy digests (RFC 9901 §4.2.5): digests of random data, indistinguishable from real ones,
 * so the length of `_sd` does not tell how many claims a credential holds.
 */
export function decoyDigests(count: number, sdAlg: SdAlg): string[] {
  const h = hashFor(sdAlg);
  return Array.from({ length: count }, () => b64u(h(Buffer.from(b64u(randomBytes(SALT_BYTES)), 'ascii'))));
}

/**
 * Decodes an object-property disclosure `[salt, name, value]`. Array-element disclosures
 * (two elements) have no place in a 网证 and are refused. Throws WzError('invalid_credential').
 */
export function decodeDisclosure(encoded: string): Disclosure {
  const bytes = typeof encoded === 'string' && encoded.length > 0 ? fromB64u(encoded) : undefined;
  if (!bytes) throw invalid('disclosure is not base64url');
  let arr: unknown;
  try {
    arr = JSON.parse(utf8.decode(bytes));
  } catch {
    throw invalid('disclosure is not UTF-8 JSON');
  }
  if (!Array.isArray(arr) || arr.length !== 3) throw invalid('disclosure is not a 3-element array');
  const [salt, name, value] = arr as [unknown, unknown, unknown];
  if (typeof salt !== 'string' || salt.length === 0) throw invalid('disclosure salt is not a string');
  if (typeof name !== 'string' || name.length === 0) throw invalid('disclosure name is not a string');
  return { salt, name, value, encoded };
}
