// GB/T 32918.2-2016 / GM/T 0003.5 Annex A: the SM2 signature example, on both backends.
import { describe, expect, it } from 'vitest';
import { sm2 as smJs } from 'sm-crypto-v2';
import { sm2PrivateKeyFromScalar, sm2PublicKeyFromPoint, sm2PublicPoint, sm2Z, toHex, rawToDer, derToRaw } from '@wangzheng/core/crypto/index';
import { sm2Backends } from '@wangzheng/core/crypto/sm2';
import { gm, hex, utf8 } from './vectors.ts';

const v = gm.sm2_sign;
const msg = utf8(v.message_utf8);
const rs = hex(v.r + v.s);
const point = hex(v.public_key_uncompressed);
const backends = sm2Backends();

describe('GB/T 32918.2 Annex A: SM2 signature example', () => {
  it('the native addon is built (npm ci runs scripts/build-native.mjs)', () => {
    expect(backends.native?.name).toBe('native');
  });

  it('Z value for ID 1234567812345678 matches the published Z_A', () => {
    expect(toHex(sm2Z(point, v.id))).toBe(v.z);
    expect(toHex(sm2Z(point))).toBe(v.z); // default ID
    expect(toHex(sm2Z(point, 'another id'))).not.toBe(v.z);
  });

  it('deriving the public key from the private key gives the published point', () => {
    const key = sm2PrivateKeyFromScalar(hex(v.private_key));
    expect(toHex(sm2PublicPoint(key.publicKey))).toBe(v.public_key_uncompressed);
  });

  it('the suite key verifies the published (r, s), raw and DER', () => {
    const pub = sm2PublicKeyFromPoint(point);
    expect(pub.verify(msg, rs)).toBe(true);
    expect(pub.verify(msg, rawToDer(rs), 'der')).toBe(true);
  });

  for (const name of ['native', 'js'] as const) {
    describe(`${name} backend`, () => {
      const b = () => {
        const be = backends[name];
        if (!be) throw new Error(`${name} backend unavailable`);
        return be;
      };

      it('verifies the published signature with the published public key', () => {
        expect(b().publicKey(point).verify(msg, rs, 'raw')).toBe(true);
        expect(b().publicKey(point).verify(msg, rawToDer(rs), 'der')).toBe(true);
      });

      it('rejects a flipped bit in r, in s, and another message', () => {
        const pub = b().publicKey(point);
        for (const bit of [0, 255, 256 + 7, 511]) {
          const bad = Buffer.from(rs);
          bad[bit >> 3]! ^= 1 << (bit & 7);
          expect(pub.verify(msg, bad, 'raw')).toBe(false);
        }
        expect(pub.verify(utf8('message digesT'), rs, 'raw')).toBe(false);
        expect(pub.verify(msg, rs, 'raw', 'other ID')).toBe(false);
      });

      it('rejects r = 0 and s = n (out of range, GB/T 32918.2 §7.1 B1/B2)', () => {
        const pub = b().publicKey(point);
        const n = 'fffffffeffffffffffffffffffffffff7203df6b21c6052b53bbf40939d54123';
        expect(pub.verify(msg, hex('00'.repeat(32) + v.s), 'raw')).toBe(false);
        expect(pub.verify(msg, hex(v.r + n), 'raw')).toBe(false);
      });

      it('alternating IDs on one key handle never mix (the addon caches a per-ID context)', () => {
        const pub = b().publicKey(point);
        const priv = b().privateKey(hex(v.private_key), point);
        const other = priv.sign(msg, 'raw', 'ID-B');
        for (let i = 0; i < 3; i++) {
          expect(pub.verify(msg, rs, 'raw')).toBe(true);
          expect(pub.verify(msg, rs, 'raw', 'ID-B')).toBe(false);
          expect(pub.verify(msg, other, 'raw', 'ID-B')).toBe(true);
          expect(pub.verify(msg, other, 'raw')).toBe(false);
          expect(pub.verify(msg, priv.sign(msg, 'raw', 'ID-B'), 'raw', 'ID-B')).toBe(true);
          expect(pub.verify(msg, priv.sign(msg, 'raw'), 'raw', v.id)).toBe(true);
        }
      });

      it('sign → verify round trip (raw and DER), default and custom ID', () => {
        const priv = b().privateKey(hex(v.private_key), point);
        const pub = b().publicKey(point);
        const raw = priv.sign(msg, 'raw');
        expect(raw.length).toBe(64);
        expect(pub.verify(msg, raw, 'raw')).toBe(true);
        const der = priv.sign(msg, 'der');
        expect(pub.verify(msg, der, 'der')).toBe(true);
        const custom = priv.sign(msg, 'raw', 'alice@example.cn');
        expect(pub.verify(msg, custom, 'raw', 'alice@example.cn')).toBe(true);
        expect(pub.verify(msg, custom, 'raw')).toBe(false);
      });
    });
  }

  it('native-signed verifies with sm-crypto-v2 directly, and sm-crypto-v2-signed verifies natively', () => {
    const native = backends.native!;
    const sig = native.privateKey(hex(v.private_key), point).sign(msg, 'der');
    expect(smJs.doVerifySignature(msg, toHex(sig), v.public_key_uncompressed, { hash: true, der: true, userId: v.id })).toBe(true);
    const theirs = smJs.doSignature(msg, v.private_key, { hash: true, der: false, userId: v.id });
    expect(native.publicKey(point).verify(msg, hex(theirs), 'raw')).toBe(true);
    expect(derToRaw(rawToDer(hex(theirs)))).toEqual(new Uint8Array(hex(theirs)));
  });
});
