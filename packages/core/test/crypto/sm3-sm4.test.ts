// GB/T 32905 (SM3), HMAC-SM3, GB/T 32907 (SM4) and RFC 8998 (SM4-GCM) through the gm suite.
import { execFileSync } from 'node:child_process';
import { createCipheriv, createHmac } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sm3 as smJsSm3 } from 'sm-crypto-v2';
import { getSuite, toHex } from '@wangzheng/core/crypto/index';
import { sm4GcmDecrypt, sm4GcmEncrypt } from '@wangzheng/core/crypto/sm4gcm';
import { gm as vectors, hex, utf8 } from './vectors.ts';
import { errorCode as code } from '../../../../test/support/errors.ts';

const gm = getSuite('gm');
const dir = mkdtempSync(path.join(tmpdir(), 'wz-sm3-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));


describe('GB/T 32905-2016 SM3 examples', () => {
  for (const v of vectors.sm3) {
    it(`SM3("${v.message_utf8.slice(0, 8)}…", ${v.message_utf8.length} bytes) = ${v.digest.slice(0, 8)}…`, () => {
      expect(toHex(gm.hash(utf8(v.message_utf8)))).toBe(v.digest);
    });
  }
  it('the gm suite names its hash sm3', () => expect(gm.hashName).toBe('sm3'));
});

describe('HMAC-SM3 (RFC 2104 with SM3)', () => {
  const key = utf8('wangzheng-test-key');
  const data = utf8('The quick brown fox jumps over the lazy dog');

  it('matches `openssl dgst -sm3 -hmac`', () => {
    const f = path.join(dir, 'hmac.txt');
    writeFileSync(f, data);
    const out = execFileSync('openssl', ['dgst', '-sm3', '-hmac', key.toString('utf8'), f], { encoding: 'utf8' });
    expect(out.trim().split('= ').pop()).toBe(toHex(gm.hmac(key, data)));
  });

  it('matches the independent sm-crypto-v2 HMAC, incl. a key longer than the 64-byte block', () => {
    const longKey = new Uint8Array(100).fill(0xab);
    expect(toHex(gm.hmac(key, data))).toBe(smJsSm3(data, { key, mode: 'hmac' }));
    expect(toHex(gm.hmac(longKey, data))).toBe(smJsSm3(data, { key: longKey, mode: 'hmac' }));
    expect(toHex(gm.hmac(longKey, data))).toBe(createHmac('sm3', longKey).update(data).digest('hex'));
  });
});

describe('GB/T 32907-2016 SM4 block cipher examples', () => {
  const v = vectors.sm4_block;
  const ecb = () => {
    const c = createCipheriv('sm4-ecb', hex(v.key), null);
    c.setAutoPadding(false);
    return c;
  };

  it('Example 1: one encryption', () => {
    expect(ecb().update(hex(v.plaintext)).toString('hex')).toBe(v.ciphertext);
  });

  it('Example 2: 1,000,000 encryptions with the same key', () => {
    const c = ecb(); // ECB without padding: each 16-byte update is one block encryption
    let b = hex(v.plaintext);
    for (let i = 0; i < 1_000_000; i++) b = c.update(b);
    expect(b.toString('hex')).toBe(v.ciphertext_after_1000000_encryptions);
  });
});

describe('RFC 8998 Appendix A.1: SM4-GCM', () => {
  const v = vectors.sm4_gcm_rfc8998;
  const [key, iv, aad, pt] = [hex(v.key), hex(v.iv), hex(v.aad), hex(v.plaintext)];
  const sealed = () => Buffer.concat([iv, hex(v.ciphertext), hex(v.tag)]);

  it('encrypts to the published ciphertext and tag', () => {
    const { ciphertext, tag } = sm4GcmEncrypt(key, iv, pt, aad);
    expect(toHex(ciphertext)).toBe(v.ciphertext);
    expect(toHex(tag)).toBe(v.tag);
  });

  it('its keystream equals native sm4-ctr from counter IV‖00000002 (independent check)', () => {
    const ctr = createCipheriv('sm4-ctr', key, Buffer.concat([iv, hex('00000002')]));
    expect(ctr.update(pt).toString('hex')).toBe(v.ciphertext);
  });

  it('the suite opens the published iv‖ciphertext‖tag', () => {
    expect(toHex(gm.open(key, sealed(), aad))).toBe(v.plaintext);
    expect(toHex(sm4GcmDecrypt(key, iv, hex(v.ciphertext), hex(v.tag), aad))).toBe(v.plaintext);
  });

  it('tampering with ciphertext, tag or IV → decryption_failed', () => {
    for (const at of [0, 11, 12, 40, sealed().length - 1]) {
      const s = sealed();
      s[at]! ^= 0x01;
      expect(code(() => gm.open(key, s, aad))).toBe('decryption_failed');
    }
  });

  it('wrong key, wrong AAD, missing AAD, truncated input → decryption_failed', () => {
    const wrongKey = Buffer.from(key);
    wrongKey[15]! ^= 0x80;
    expect(code(() => gm.open(wrongKey, sealed(), aad))).toBe('decryption_failed');
    expect(code(() => gm.open(key, sealed(), utf8('other aad')))).toBe('decryption_failed');
    expect(code(() => gm.open(key, sealed()))).toBe('decryption_failed');
    expect(code(() => gm.open(key, sealed().subarray(0, 27), aad))).toBe('decryption_failed');
    expect(code(() => gm.open(key, sealed().subarray(0, 28 + 5), aad))).toBe('decryption_failed');
  });

  it('seal → open round trip with a fresh random IV each time (empty and 1 KiB plaintexts)', () => {
    for (const p of [new Uint8Array(0), new Uint8Array(1024).fill(7)]) {
      const a = gm.seal(key, p, aad);
      const b = gm.seal(key, p, aad);
      expect(a.length).toBe(12 + p.length + 16);
      expect(toHex(a.subarray(0, 12))).not.toBe(toHex(b.subarray(0, 12)));
      expect(toHex(gm.open(key, a, aad))).toBe(toHex(p));
    }
  });
});

describe('intl suite: AES-256-GCM and SHA-256', () => {
  const intl = getSuite('intl');
  const key = new Uint8Array(32).fill(1);

  it('SHA-256("abc") (FIPS 180-4 example)', () => {
    expect(toHex(intl.hash(utf8('abc')))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('seal → open; tamper, wrong key or AAD → decryption_failed', () => {
    const s = intl.seal(key, utf8('hello'), utf8('aad'));
    expect(Buffer.from(intl.open(key, s, utf8('aad'))).toString()).toBe('hello');
    const t = Buffer.from(s);
    t[13]! ^= 1;
    expect(code(() => intl.open(key, t, utf8('aad')))).toBe('decryption_failed');
    expect(code(() => intl.open(new Uint8Array(32), s, utf8('aad')))).toBe('decryption_failed');
    expect(code(() => intl.open(key, s))).toBe('decryption_failed');
    expect(code(() => intl.open(key, s.subarray(0, 10)))).toBe('decryption_failed');
  });
});
