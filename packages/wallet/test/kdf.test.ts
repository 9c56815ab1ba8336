import { describe, expect, it } from 'vitest';
import { argon2idRaw, checkKdfCost, deriveKek, passphraseBytes } from '../src/kdf.ts';

// phc-winner-argon2, src/test.c: Argon2id, version 0x13, password "password", salt "somesalt",
// 32-byte tag (no secret, no associated data — the form the keystore uses).
const REFERENCE: Array<{ t: number; m: number; p: number; password: string; salt: string; tag: string }> = [
  { t: 2, m: 256, p: 1, password: 'password', salt: 'somesalt', tag: '9dfeb910e80bad0311fee20f9c0e2b12c17987b4cac90c2ef54d5b3021c68bfe' },
  { t: 2, m: 256, p: 2, password: 'password', salt: 'somesalt', tag: '6d093c501fd5999645e0ea3bf620d7b8be7fd2db59c20d9fff9539da2bf57037' },
  { t: 2, m: 65536, p: 1, password: 'password', salt: 'somesalt', tag: '09316115d5cf24ed5a15a31a3ba326e5cf32edc24702987c02b6566f61913cf7' },
  { t: 1, m: 65536, p: 1, password: 'password', salt: 'somesalt', tag: 'f6a5adc1ba723dddef9b5ac1d464e180fcd9dffc9d1cbf76cca2fed795d9ca98' },
  { t: 2, m: 65536, p: 1, password: 'differentpassword', salt: 'somesalt', tag: '0b84d652cf6b0c4beaef0dfe278ba6a80df6696281d7e0d2891b817d8c458fde' },
  { t: 2, m: 65536, p: 1, password: 'password', salt: 'diffsalt', tag: 'bdf32b05ccc42eb15d58fd19b1f856b113da1e9a5874fdcc544308565aa8141c' },
];

describe('Argon2id (RFC 9106) reference vectors of phc-winner-argon2 src/test.c, version 0x13', () => {
  for (const v of REFERENCE) {
    it(`m=${v.m} t=${v.t} p=${v.p} password "${v.password}" salt "${v.salt}"`, async () => {
      const tag = await argon2idRaw(Buffer.from(v.password), Buffer.from(v.salt), { memoryKiB: v.m, iterations: v.t, parallelism: v.p }, 32);
      expect(tag.toString('hex')).toBe(v.tag);
    });
  }

  it('a 16-byte output (the SM4 key length) is a different Argon2 computation, not a prefix of the 32-byte one', async () => {
    const cost = { memoryKiB: 256, iterations: 2, parallelism: 1 };
    const k16 = await argon2idRaw(Buffer.from('password'), Buffer.from('somesalt'), cost, 16);
    expect(k16).toHaveLength(16);
    expect(k16.toString('hex')).not.toBe(REFERENCE[0]!.tag.slice(0, 32)); // the output length is an Argon2 input (H0)
  });
});

describe('passphrase encoding: NFC, then UTF-8', () => {
  it('composed and decomposed forms give one key', async () => {
    const salt = Buffer.alloc(16, 7);
    const cost = { memoryKiB: 1024, iterations: 1, parallelism: 1 };
    const a = await deriveKek('caf\u00e9', salt, cost, 16);
    const b = await deriveKek('cafe\u0301', salt, cost, 16);
    expect(a.equals(b)).toBe(true);
    expect(passphraseBytes('58203914').toString('hex')).toBe(Buffer.from('58203914').toString('hex'));
  });
});

describe('KDF cost bounds (what a keystore header may ask for)', () => {
  it('boundary pairs: memory 1023/1024 and 1048576/1048577 KiB, iterations 0/1 and 16/17, parallelism 0/1 and 8/9', () => {
    const base = { memoryKiB: 1024, iterations: 1, parallelism: 1 };
    expect(checkKdfCost(base)).toBeUndefined();
    expect(checkKdfCost({ ...base, memoryKiB: 1023 })).toBe('memoryKiB');
    expect(checkKdfCost({ ...base, memoryKiB: 1_048_576 })).toBeUndefined();
    expect(checkKdfCost({ ...base, memoryKiB: 1_048_577 })).toBe('memoryKiB');
    expect(checkKdfCost({ ...base, iterations: 0 })).toBe('iterations');
    expect(checkKdfCost({ ...base, iterations: 16 })).toBeUndefined();
    expect(checkKdfCost({ ...base, iterations: 17 })).toBe('iterations');
    expect(checkKdfCost({ ...base, parallelism: 0 })).toBe('parallelism');
    expect(checkKdfCost({ ...base, parallelism: 8 })).toBeUndefined();
    expect(checkKdfCost({ ...base, parallelism: 9 })).toBe('parallelism');
    expect(checkKdfCost({ ...base, memoryKiB: '65536' as unknown as number })).toBe('memoryKiB');
  });
});
