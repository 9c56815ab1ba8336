// SM4-CTR + HMAC-SM3 encrypt-then-MAC (core/crypto/sm4-etm.ts), rebuilt independently with the
// OpenSSL command line (`openssl mac … HMAC` with SM3, `openssl enc -sm4-ctr`): the same key
// derivation, keystream and tag, byte for byte; then every way an opening must fail.
import { execFileSync } from 'node:child_process';
import { createCipheriv, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ETM_IV_LENGTH, ETM_TAG_LENGTH, Sm4EtmKey, sm4EtmOpen, sm4EtmSeal } from '@wangzheng/core/crypto/sm4-etm';
import { isWzError } from '@wangzheng/core/errors';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

function opensslHmacSm3(keyHex: string, data: Buffer): string {
  return execFileSync('openssl', ['mac', '-digest', 'SM3', '-macopt', `hexkey:${keyHex}`, 'HMAC'], { input: data, encoding: 'utf8' }).trim().toLowerCase();
}
function opensslSm4Ctr(keyHex: string, ivHex: string, data: Buffer): Buffer {
  return execFileSync('openssl', ['enc', '-sm4-ctr', '-K', keyHex, '-iv', ivHex, '-nosalt'], { input: data });
}
function code(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    return isWzError(e) ? e.code : `not a WzError: ${String(e)}`;
  }
  return 'no error';
}

// GB/T 32907's example key, a counter block that carries across a 32-bit boundary, and a
// plaintext of several blocks plus a partial one.
const KEY = '0123456789abcdeffedcba9876543210';
const IV = '000102030405060708090a0bfffffffe';
const PLAIN = Buffer.from('网号网证 encrypt-then-MAC test: several SM4 blocks and a tail.', 'utf8');
const AAD = Buffer.from('wangzheng:data:v1\0gm\0profile\0person-1', 'utf8');

describe('SM4-CTR + HMAC-SM3 against the OpenSSL command line', () => {
  const sealed = sm4EtmSeal(Buffer.from(KEY, 'hex'), PLAIN, AAD, Buffer.from(IV, 'hex'));

  it('derives its keys, encrypts and tags exactly as the construction says', () => {
    const derived = opensslHmacSm3(KEY, Buffer.from('wangzheng:sm4-ctr-hmac-sm3:keys'));
    const enc = derived.slice(0, 32);
    const mac = derived.slice(32);
    const ct = opensslSm4Ctr(enc, IV, PLAIN);
    const len = Buffer.alloc(8);
    len.writeBigUInt64BE(BigInt(AAD.length));
    const tag = opensslHmacSm3(mac, Buffer.concat([len, AAD, Buffer.from(IV, 'hex'), ct])).slice(0, 32);
    expect(hex(sealed)).toBe(IV + ct.toString('hex') + tag);
  });

  it('its counter mode is SM4 (GB/T 32907) on successive counter blocks, carrying past 32 bits', () => {
    const enc = Buffer.from(opensslHmacSm3(KEY, Buffer.from('wangzheng:sm4-ctr-hmac-sm3:keys')).slice(0, 32), 'hex');
    const counters = ['000102030405060708090a0bfffffffe', '000102030405060708090a0bffffffff', '000102030405060708090a0c00000000', '000102030405060708090a0c00000001', '000102030405060708090a0c00000002'];
    const ecb = createCipheriv('sm4-ecb', enc, null).setAutoPadding(false);
    const stream = Buffer.concat([ecb.update(Buffer.from(counters.join(''), 'hex')), ecb.final()]);
    const ct = sealed.subarray(ETM_IV_LENGTH, sealed.length - ETM_TAG_LENGTH);
    expect(ct.length).toBeGreaterThan(64);
    expect(ct.length).toBeLessThanOrEqual(80);
    const xored = Buffer.from(ct.map((b, i) => b ^ stream[i]!));
    expect(xored.toString('utf8')).toBe(PLAIN.toString('utf8'));
  });

  it('opens to the plaintext', () => {
    expect(Buffer.from(sm4EtmOpen(Buffer.from(KEY, 'hex'), sealed, AAD)).equals(PLAIN)).toBe(true);
  });

  it('a key with its derived keys made once (Sm4EtmKey) seals the same bytes and opens the same', () => {
    const prepared = new Sm4EtmKey(Buffer.from(KEY, 'hex'));
    expect(hex(sm4EtmSeal(prepared, PLAIN, AAD, Buffer.from(IV, 'hex')))).toBe(hex(sealed));
    expect(Buffer.from(sm4EtmOpen(prepared, sealed, AAD)).equals(PLAIN)).toBe(true);
    const other = new Sm4EtmKey(Buffer.from(KEY.replace('0123', '4567'), 'hex'));
    expect(code(() => sm4EtmOpen(other, sealed, AAD))).toBe('decryption_failed');
    expect(() => new Sm4EtmKey(new Uint8Array(15))).toThrow(TypeError);
  });
});

describe('SM4-CTR + HMAC-SM3 refuses what it did not seal', () => {
  const key = randomBytes(16);
  const aad = Buffer.from('purpose');
  const sealed = sm4EtmSeal(key, Buffer.from('secret text'), aad);

  it('a random IV each time: the same plaintext seals differently, and the layout is iv ‖ ct ‖ tag', () => {
    const again = sm4EtmSeal(key, Buffer.from('secret text'), aad);
    expect(hex(again)).not.toBe(hex(sealed));
    expect(sealed).toHaveLength(ETM_IV_LENGTH + 11 + ETM_TAG_LENGTH);
  });

  it('any flipped bit, other associated data, another key or a cut message → decryption_failed', () => {
    for (let i = 0; i < sealed.length; i++) {
      const t = Uint8Array.from(sealed);
      t[i]! ^= 1;
      expect(code(() => sm4EtmOpen(key, t, aad))).toBe('decryption_failed');
    }
    expect(code(() => sm4EtmOpen(key, sealed, Buffer.from('purposE')))).toBe('decryption_failed');
    expect(code(() => sm4EtmOpen(key, sealed))).toBe('decryption_failed');
    expect(code(() => sm4EtmOpen(randomBytes(16), sealed, aad))).toBe('decryption_failed');
    expect(code(() => sm4EtmOpen(key, sealed.subarray(0, ETM_IV_LENGTH + ETM_TAG_LENGTH - 1), aad))).toBe('decryption_failed');
    expect(code(() => sm4EtmOpen(key, sealed.subarray(0, sealed.length - 1), aad))).toBe('decryption_failed');
  });

  it('associated data is length-framed: moving bytes between it and the message does not verify', () => {
    const a = sm4EtmSeal(key, new Uint8Array(0), Buffer.from('ab'));
    expect(code(() => sm4EtmOpen(key, a, Buffer.from('a')))).toBe('decryption_failed');
  });

  it('an empty plaintext round-trips; a key of the wrong length is a TypeError', () => {
    expect(sm4EtmOpen(key, sm4EtmSeal(key, new Uint8Array(0)))).toHaveLength(0);
    expect(() => sm4EtmSeal(randomBytes(32), new Uint8Array(1))).toThrow(TypeError);
  });
});
