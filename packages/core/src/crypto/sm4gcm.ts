/**
 * SM4-GCM (RFC 8998 §2.1: SM4 in the GCM mode of NIST SP 800-38D), 12-byte IV, 16-byte tag.
 *
 * OpenSSL 3.0 inside Node 20 has no SM4-GCM, so the AEAD comes from sm-crypto-v2 (SM4 in JS,
 * GHASH from @noble/ciphers), checked against RFC 8998 Appendix A.1 in the tests.
 *
 * Caution on the library: its decrypt only authenticates when a tag is passed, so we always
 * pass one, and check lengths before calling it.
 */
import { sm4 } from 'sm-crypto-v2';
import { WzError } from '../errors.ts';

export const SM4_KEY_LENGTH = 16;
export const GCM_IV_LENGTH = 12;
export const GCM_TAG_LENGTH = 16;

function checkKey(key: Uint8Array): void {
  if (!(key instanceof Uint8Array) || key.length !== SM4_KEY_LENGTH) throw new TypeError('SM4 key must be 16 bytes');
}

/** Encrypts; returns ciphertext and tag separately (RFC 8998 layout). */
export function sm4GcmEncrypt(key: Uint8Array, iv: Uint8Array, plaintext: Uint8Array, aad: Uint8Array = new Uint8Array(0)): { ciphertext: Uint8Array; tag: Uint8Array } {
  checkKey(key);
  if (iv.length !== GCM_IV_LENGTH) throw new TypeError('GCM IV must be 12 bytes');
  const r = sm4.encrypt(plaintext, key, { mode: 'gcm', iv, associatedData: aad, output: 'array', outputTag: true, padding: 'none' });
  if (!r.tag) throw new WzError('internal_error', 'SM4-GCM failed.', { detail: 'no tag from sm-crypto-v2' });
  return { ciphertext: r.output, tag: r.tag };
}

/** Decrypts and authenticates; throws WzError('decryption_failed') on any mismatch. */
export function sm4GcmDecrypt(key: Uint8Array, iv: Uint8Array, ciphertext: Uint8Array, tag: Uint8Array, aad: Uint8Array = new Uint8Array(0)): Uint8Array {
  checkKey(key);
  if (iv.length !== GCM_IV_LENGTH || tag.length !== GCM_TAG_LENGTH) {
    throw new WzError('decryption_failed', 'Decryption failed.', { detail: 'bad IV or tag length' });
  }
  try {
    return sm4.decrypt(ciphertext, key, { mode: 'gcm', iv, associatedData: aad, tag, output: 'array', padding: 'none' });
  } catch (e) {
    throw new WzError('decryption_failed', 'Decryption failed.', { detail: 'SM4-GCM tag mismatch', cause: e });
  }
}
