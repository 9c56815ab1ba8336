/**
 * SM4-CTR + HMAC-SM3, encrypt-then-MAC: the national suite's AEAD for data at rest, entirely in
 * the OpenSSL inside Node (GB/T 32907 SM4 in counter mode, GB/T 32905 SM3 in HMAC). SM4-GCM
 * (sm4gcm.ts) runs in JavaScript because OpenSSL 3.0 has no SM4-GCM. Below ~100 bytes both
 * cost about the same (~12–17 µs, mostly per call); from ~300 bytes this is 1.5–2.6× cheaper
 * (docs/crypto.md has the measurements).
 *
 * Construction (the generic encrypt-then-MAC composition, as RFC 7518 §5.2 builds AES-CBC +
 * HMAC, here with a counter mode):
 *
 *   keys   = HMAC-SM3(K, "wangzheng:sm4-ctr-hmac-sm3:keys")           (32 bytes)
 *   encKey = keys[0..16], macKey = keys[16..32]
 *   iv     = 16 random bytes (the first counter block)
 *   ct     = SM4-CTR(encKey, iv, plaintext)
 *   tag    = HMAC-SM3(macKey, u64be(len(aad)) ‖ aad ‖ iv ‖ ct)[0..16]
 *   output = iv ‖ ct ‖ tag
 *
 * K is a 16-byte SM4 key; the two halves of the derived keys keep encryption and
 * authentication apart (one HMAC call derives both). The tag is checked in constant time
 * before anything is decrypted. A random 128-bit counter
 * block makes overlapping keystreams under one key negligible for far more messages than one
 * key ever seals here (each person's data key seals only that person's records).
 */
import { createCipheriv, createDecipheriv, createHmac, timingSafeEqual } from 'node:crypto';
import { randomBytes } from './random.ts';
import { WzError } from '../errors.ts';

export const ETM_KEY_LENGTH = 16;
export const ETM_IV_LENGTH = 16;
export const ETM_TAG_LENGTH = 16;

const KEYS_LABEL = Buffer.from('wangzheng:sm4-ctr-hmac-sm3:keys', 'ascii');

/** One HMAC-SM3 output split in two: the encryption key and the (128-bit) MAC key. */
function keys(key: Uint8Array): { enc: Buffer; mac: Buffer } {
  if (!(key instanceof Uint8Array) || key.length !== ETM_KEY_LENGTH) throw new TypeError('SM4 key must be 16 bytes');
  const k = createHmac('sm3', key).update(KEYS_LABEL).digest();
  return { enc: k.subarray(0, ETM_KEY_LENGTH), mac: k.subarray(ETM_KEY_LENGTH) };
}

/**
 * An SM4-ETM key with its two derived keys computed once: for a key that seals or opens many
 * times in a process (a KEK, on every request that unwraps a data key). It seals and opens
 * exactly as the raw key does, and holds the same secret: keep it as the raw key is kept.
 */
export class Sm4EtmKey {
  readonly enc: Buffer;
  readonly mac: Buffer;
  constructor(key: Uint8Array) {
    const k = keys(key);
    this.enc = k.enc;
    this.mac = k.mac;
  }
}

function tagOf(macKey: Buffer, aad: Uint8Array, iv: Uint8Array, ct: Uint8Array): Buffer {
  const len = Buffer.alloc(8);
  len.writeBigUInt64BE(BigInt(aad.length));
  return createHmac('sm3', macKey).update(len).update(aad).update(iv).update(ct).digest().subarray(0, ETM_TAG_LENGTH);
}

/** Seals `plaintext` under the 16-byte key `key` (or its `Sm4EtmKey`): iv(16) ‖ ciphertext ‖ tag(16). */
export function sm4EtmSeal(key: Uint8Array | Sm4EtmKey, plaintext: Uint8Array, aad: Uint8Array = new Uint8Array(0), iv: Uint8Array = randomBytes(ETM_IV_LENGTH)): Uint8Array {
  const k = key instanceof Sm4EtmKey ? key : keys(key);
  if (iv.length !== ETM_IV_LENGTH) throw new TypeError('SM4-CTR IV must be 16 bytes');
  const c = createCipheriv('sm4-ctr', k.enc, iv);
  const ct = Buffer.concat([c.update(plaintext), c.final()]);
  const tag = tagOf(k.mac, aad, iv, ct);
  const out = new Uint8Array(ETM_IV_LENGTH + ct.length + ETM_TAG_LENGTH);
  out.set(iv, 0);
  out.set(ct, ETM_IV_LENGTH);
  out.set(tag, ETM_IV_LENGTH + ct.length);
  return out;
}

/** Opens what `sm4EtmSeal` sealed with the same key and associated data; anything else is `decryption_failed`. */
export function sm4EtmOpen(key: Uint8Array | Sm4EtmKey, sealed: Uint8Array, aad: Uint8Array = new Uint8Array(0)): Uint8Array {
  const k = key instanceof Sm4EtmKey ? key : keys(key);
  if (!(sealed instanceof Uint8Array) || sealed.length < ETM_IV_LENGTH + ETM_TAG_LENGTH) {
    throw new WzError('decryption_failed', 'Decryption failed.', { detail: 'sealed data too short' });
  }
  const iv = sealed.subarray(0, ETM_IV_LENGTH);
  const ct = sealed.subarray(ETM_IV_LENGTH, sealed.length - ETM_TAG_LENGTH);
  const tag = sealed.subarray(sealed.length - ETM_TAG_LENGTH);
  if (!timingSafeEqual(tagOf(k.mac, aad, iv, ct), tag)) {
    throw new WzError('decryption_failed', 'Decryption failed.', { detail: 'SM4-CTR/HMAC-SM3 tag mismatch' });
  }
  const d = createDecipheriv('sm4-ctr', k.enc, iv);
  return Buffer.concat([d.update(ct), d.final()]);
}
