/**
 * The two crypto suites (see types.ts):
 * - `gm`: SM2 (native addon, or sm-crypto-v2 with WZ_SM2_BACKEND=js), SM3 and HMAC-SM3 from
 *   node:crypto, SM4-GCM (RFC 8998) from sm-crypto-v2.
 * - `intl`: ES256 / EdDSA, SHA-256, HMAC-SHA-256 and AES-256-GCM, all node:crypto.
 */
import { createCipheriv, createDecipheriv, createHash, createHmac } from 'node:crypto';
import { WzError } from '../errors.ts';
import { randomBytes } from './random.ts';
import { generateKey } from './keys.ts';
import { getSm2Backend } from './sm2.ts';
import { GCM_IV_LENGTH, GCM_TAG_LENGTH, sm4GcmDecrypt, sm4GcmEncrypt } from './sm4gcm.ts';
import type { CryptoSuite, PrivateKey, SigAlg, SuiteName } from './types.ts';

const EMPTY = new Uint8Array(0);

/** Cryptographically secure random bytes (OpenSSL's DRBG, through a pool: random.ts). */
export { randomBytes };

function decryptionFailed(detail: string, cause?: unknown): WzError {
  return new WzError('decryption_failed', 'Decryption failed.', { detail, cause });
}

function unsupported(suite: SuiteName, alg: unknown): WzError {
  return new WzError('unsupported_algorithm', 'This signature algorithm is not supported by the suite.', { detail: `${String(alg)} in ${suite}` });
}

function split(sealed: Uint8Array): { iv: Uint8Array; ct: Uint8Array; tag: Uint8Array } {
  if (!(sealed instanceof Uint8Array) || sealed.length < GCM_IV_LENGTH + GCM_TAG_LENGTH) throw decryptionFailed('sealed data too short');
  return {
    iv: sealed.subarray(0, GCM_IV_LENGTH),
    ct: sealed.subarray(GCM_IV_LENGTH, sealed.length - GCM_TAG_LENGTH),
    tag: sealed.subarray(sealed.length - GCM_TAG_LENGTH),
  };
}

function join(iv: Uint8Array, ct: Uint8Array, tag: Uint8Array): Uint8Array {
  const out = new Uint8Array(iv.length + ct.length + tag.length);
  out.set(iv, 0);
  out.set(ct, iv.length);
  out.set(tag, iv.length + ct.length);
  return out;
}

const gm: CryptoSuite = {
  name: 'gm',
  sigAlg: 'SM2',
  hashName: 'sm3',
  aeadKeyLength: 16,
  hash: (data) => createHash('sm3').update(data).digest(),
  hmac: (key, data) => createHmac('sm3', key).update(data).digest(),
  seal(key, plaintext, aad = EMPTY) {
    const iv = randomBytes(GCM_IV_LENGTH);
    const { ciphertext, tag } = sm4GcmEncrypt(key, iv, plaintext, aad);
    return join(iv, ciphertext, tag);
  },
  open(key, sealed, aad = EMPTY) {
    const { iv, ct, tag } = split(sealed);
    return sm4GcmDecrypt(key, iv, ct, tag, aad);
  },
  generateKey(alg: SigAlg = 'SM2'): PrivateKey {
    if (alg !== 'SM2') throw unsupported('gm', alg);
    return generateKey(alg);
  },
};

const intl: CryptoSuite = {
  name: 'intl',
  sigAlg: 'ES256',
  hashName: 'sha256',
  aeadKeyLength: 32,
  hash: (data) => createHash('sha256').update(data).digest(),
  hmac: (key, data) => createHmac('sha256', key).update(data).digest(),
  seal(key, plaintext, aad = EMPTY) {
    if (!(key instanceof Uint8Array) || key.length !== 32) throw new TypeError('AES-256 key must be 32 bytes');
    const iv = randomBytes(GCM_IV_LENGTH);
    const c = createCipheriv('aes-256-gcm', key, iv, { authTagLength: GCM_TAG_LENGTH });
    c.setAAD(aad);
    const ct = Buffer.concat([c.update(plaintext), c.final()]);
    return join(iv, ct, c.getAuthTag());
  },
  open(key, sealed, aad = EMPTY) {
    if (!(key instanceof Uint8Array) || key.length !== 32) throw new TypeError('AES-256 key must be 32 bytes');
    const { iv, ct, tag } = split(sealed);
    try {
      const d = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: GCM_TAG_LENGTH });
      d.setAAD(aad);
      d.setAuthTag(tag);
      return Buffer.concat([d.update(ct), d.final()]);
    } catch (e) {
      throw decryptionFailed('AES-GCM tag mismatch', e);
    }
  },
  generateKey(alg: SigAlg = 'ES256'): PrivateKey {
    if (alg !== 'ES256' && alg !== 'EdDSA') throw unsupported('intl', alg);
    return generateKey(alg);
  },
};

/**
 * Returns a suite. `gm` requires the SM2 backend to be usable (native addon built, or
 * WZ_SM2_BACKEND=js): it throws WzError('internal_error') with build instructions otherwise.
 *
 * @example
 *   const suite = getSuite('gm');
 *   const key = suite.generateKey();           // SM2
 *   const sig = key.sign(data);                // raw r‖s, ID 1234567812345678
 *   key.publicKey.verify(data, sig);           // true
 */
export function getSuite(name: SuiteName): CryptoSuite {
  if (name === 'gm') {
    getSm2Backend();
    return gm;
  }
  if (name === 'intl') return intl;
  throw new WzError('unsupported_algorithm', 'Unknown crypto suite.', { detail: `suite ${String(name)}` });
}
