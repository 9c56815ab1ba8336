// Key formats (RFC 5208/5958 PKCS#8, RFC 5915 SEC1, RFC 5280 SPKI, RFC 7517/7638 JWK) and the
// error codes for bad input: always a WzError with a stable code, never a raw exception.
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { calculateJwkThumbprint, type JWK } from 'jose';
import {
  generateKey,
  getSuite,
  importPrivateKeyPem,
  importPublicKey,
  jwkThumbprint,
  sm2PrivateKeyFromScalar,
  sm2PublicKeyFromPoint,
  type PublicJwk,
} from '@wangzheng/core/crypto/index';
import { gm, hex, utf8 } from './vectors.ts';
import { errorCode as code } from '../../../../test/support/errors.ts';


describe('PKCS#8 / SPKI / JWK round trips for SM2, ES256 and EdDSA', () => {
  for (const alg of ['SM2', 'ES256', 'EdDSA'] as const) {
    it(`${alg}: PEM and JWK re-import to the same key and thumbprint`, () => {
      const key = generateKey(alg);
      const again = importPrivateKeyPem(key.toPem());
      expect(again.alg).toBe(alg);
      expect(again.publicKey.thumbprint).toBe(key.publicKey.thumbprint);
      const fromPem = importPublicKey(key.publicKey.toPem());
      const fromJwk = importPublicKey(key.publicKey.toJwk());
      const fromJson = importPublicKey(JSON.stringify(key.publicKey.toJwk()));
      for (const p of [fromPem, fromJwk, fromJson]) expect(p.thumbprint).toBe(key.publicKey.thumbprint);
      const sig = key.sign(utf8('m'));
      expect(fromJwk.verify(utf8('m'), sig)).toBe(true);
    });
  }

  it('RFC 7638 thumbprints equal jose.calculateJwkThumbprint (EC incl. crv SM2, and OKP)', async () => {
    for (const alg of ['SM2', 'ES256', 'EdDSA'] as const) {
      const jwk = generateKey(alg).publicKey.toJwk();
      expect(jwk.kid).toBe(await calculateJwkThumbprint(jwk as JWK, 'sha256'));
      expect(jwkThumbprint(jwk)).toBe(jwk.kid);
    }
  });

  it('SM2 JWK is {kty: EC, crv: SM2, x, y} with 32-byte coordinates, alg SM2', () => {
    const pub = sm2PublicKeyFromPoint(hex(gm.sm2_sign.public_key_uncompressed)).toJwk();
    expect(pub.kty).toBe('EC');
    expect(pub.crv).toBe('SM2');
    expect(pub.alg).toBe('SM2');
    expect(Buffer.from(pub.x, 'base64url').toString('hex')).toBe(gm.sm2_sign.public_key_uncompressed.slice(2, 66));
    expect(Buffer.from(pub.y!, 'base64url').toString('hex')).toBe(gm.sm2_sign.public_key_uncompressed.slice(66));
  });

  it('the gm suite generates SM2 only; intl generates ES256 (default) and EdDSA', () => {
    expect(getSuite('gm').generateKey().alg).toBe('SM2');
    expect(getSuite('intl').generateKey().alg).toBe('ES256');
    expect(getSuite('intl').generateKey('EdDSA').alg).toBe('EdDSA');
    expect(code(() => getSuite('gm').generateKey('ES256'))).toBe('unsupported_algorithm');
    expect(code(() => getSuite('intl').generateKey('SM2'))).toBe('unsupported_algorithm');
    expect(code(() => getSuite('xx' as never))).toBe('unsupported_algorithm');
  });
});

describe('bad keys → invalid_key', () => {
  const good = generateKey('SM2').toPem();

  it('malformed PEM: no block, bad base64, truncated DER, garbage DER', () => {
    const body = good.split('\n').slice(1, -2).join('');
    for (const pem of [
      '',
      'hello',
      good.replace('PRIVATE KEY-----\n', 'PRIVATE KEY-----\n!!'),
      `-----BEGIN PRIVATE KEY-----\n${body.slice(0, 40)}\n-----END PRIVATE KEY-----`,
      `-----BEGIN PRIVATE KEY-----\n${Buffer.from('garbage that is not DER').toString('base64')}\n-----END PRIVATE KEY-----`,
      '-----BEGIN PRIVATE KEY-----\nMAA=\n-----END PRIVATE KEY-----',
    ]) {
      expect(code(() => importPrivateKeyPem(pem))).toBe('invalid_key');
    }
  });

  it('wrong-curve keys (P-384, secp256k1), RSA, X25519 and encrypted PKCS#8', () => {
    const pem = (k: import('node:crypto').KeyObject) => String(k.export({ type: 'pkcs8', format: 'pem' }));
    const spki = (k: import('node:crypto').KeyObject) => String(k.export({ type: 'spki', format: 'pem' }));
    const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' });
    const k1 = generateKeyPairSync('ec', { namedCurve: 'secp256k1' });
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const x = generateKeyPairSync('x25519');
    for (const kp of [p384, k1, rsa, x]) {
      expect(code(() => importPrivateKeyPem(pem(kp.privateKey)))).toBe('invalid_key');
      expect(code(() => importPublicKey(spki(kp.publicKey)))).toBe('invalid_key');
    }
    const enc = String(p384.privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'x' }));
    expect(code(() => importPrivateKeyPem(enc))).toBe('invalid_key');
  });

  it('SM2 scalar 0, n − 1 and n (GB/T 32918.1: d ∈ [1, n − 2]) and a mismatched public point', () => {
    const n = 'fffffffeffffffffffffffffffffffff7203df6b21c6052b53bbf40939d54123';
    const nMinus1 = 'fffffffeffffffffffffffffffffffff7203df6b21c6052b53bbf40939d54122';
    const nMinus2 = 'fffffffeffffffffffffffffffffffff7203df6b21c6052b53bbf40939d54121';
    expect(code(() => sm2PrivateKeyFromScalar(hex('00'.repeat(32))))).toBe('invalid_key');
    expect(code(() => sm2PrivateKeyFromScalar(hex(nMinus1)))).toBe('invalid_key');
    expect(code(() => sm2PrivateKeyFromScalar(hex(n)))).toBe('invalid_key');
    expect(sm2PrivateKeyFromScalar(hex(nMinus2)).alg).toBe('SM2');
    expect(code(() => sm2PrivateKeyFromScalar(hex('01'.repeat(31))))).toBe('invalid_key');
    // PKCS#8 whose embedded public point belongs to another key.
    const other = generateKey('SM2').toPem();
    const a = Buffer.from(good.replace(/-----[^-]+-----|\s/g, ''), 'base64');
    const b = Buffer.from(other.replace(/-----[^-]+-----|\s/g, ''), 'base64');
    const mixed = Buffer.concat([a.subarray(0, a.length - 65), b.subarray(b.length - 65)]);
    expect(code(() => importPrivateKeyPem(`-----BEGIN PRIVATE KEY-----\n${mixed.toString('base64')}\n-----END PRIVATE KEY-----`))).toBe('invalid_key');
  });

  it('SM2 public points off the curve, compressed, or of the wrong length', () => {
    const p = hex(gm.sm2_sign.public_key_uncompressed);
    const off = Buffer.from(p);
    off[64]! ^= 1;
    expect(code(() => sm2PublicKeyFromPoint(off))).toBe('invalid_key');
    expect(code(() => sm2PublicKeyFromPoint(p.subarray(0, 33)))).toBe('invalid_key');
    expect(code(() => sm2PublicKeyFromPoint(Buffer.concat([hex('04'), Buffer.alloc(64)])))).toBe('invalid_key');
    const jwk = sm2PublicKeyFromPoint(p).toJwk();
    const offJwk = { ...jwk, y: off.subarray(33).toString('base64url') };
    expect(code(() => importPublicKey(offJwk))).toBe('invalid_key');
  });

  it('malformed JWKs: unknown kty/crv, short x, non-base64url, private d, contradicting alg, bad JSON', () => {
    const jwk = generateKey('SM2').publicKey.toJwk();
    const bad: unknown[] = [
      { ...jwk, crv: 'P-521' },
      { ...jwk, kty: 'RSA' },
      { ...jwk, x: jwk.x.slice(2) },
      { ...jwk, x: `${jwk.x.slice(1)}+` },
      { ...jwk, d: jwk.x },
      { ...jwk, alg: 'ES256' },
      { kty: 'OKP', crv: 'Ed25519', x: 'AAAA' },
      null,
      [],
    ];
    for (const j of bad) expect(code(() => importPublicKey(j as PublicJwk))).toBe('invalid_key');
    expect(code(() => importPublicKey('{"kty":'))).toBe('invalid_key');
    expect(code(() => importPublicKey('-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----'))).toBe('invalid_key');
  });

  it('a private key PEM is not accepted where a public key is expected', () => {
    expect(code(() => importPublicKey(good))).toBe('invalid_key');
  });

  it('an OpenSSL P-256 SEC1 `EC PRIVATE KEY` imports as ES256', () => {
    const sec1 = execFileSync('openssl', ['ecparam', '-genkey', '-name', 'prime256v1', '-noout'], { encoding: 'utf8' });
    expect(importPrivateKeyPem(sec1).alg).toBe('ES256');
  });
});

describe('bad signatures → invalid_signature (malformed) or false (well-formed but wrong)', () => {
  const m = utf8('message');
  for (const alg of ['SM2', 'ES256', 'EdDSA'] as const) {
    it(`${alg}: truncated, empty and over-long signatures`, () => {
      const key = generateKey(alg);
      const raw = key.sign(m);
      expect(code(() => key.publicKey.verify(m, raw.subarray(0, 63)))).toBe('invalid_signature');
      expect(code(() => key.publicKey.verify(m, new Uint8Array(0)))).toBe('invalid_signature');
      expect(code(() => key.publicKey.verify(m, Buffer.concat([raw, Buffer.from([0])])))).toBe('invalid_signature');
      expect(key.publicKey.verify(m, new Uint8Array(64))).toBe(false);
    });
  }

  for (const alg of ['SM2', 'ES256'] as const) {
    it(`${alg}: DER that is truncated, has trailing bytes or non-minimal integers`, () => {
      const key = generateKey(alg);
      const der = Buffer.from(key.sign(m, 'der'));
      expect(key.publicKey.verify(m, der, 'der')).toBe(true);
      expect(code(() => key.publicKey.verify(m, der.subarray(0, der.length - 1), 'der'))).toBe('invalid_signature');
      expect(code(() => key.publicKey.verify(m, Buffer.concat([der, Buffer.from([0])]), 'der'))).toBe('invalid_signature');
      expect(key.publicKey.verify(m, hex('3006020100020100'), 'der')).toBe(false); // r = s = 0: well-formed, invalid
      expect(code(() => key.publicKey.verify(m, hex('300802020001020101'), 'der'))).toBe('invalid_signature');
      expect(code(() => key.publicKey.verify(m, hex('3006020180020101'), 'der'))).toBe('invalid_signature');
    });
  }

  it('sm2Id on a non-SM2 key is a programming error', () => {
    const key = generateKey('ES256');
    expect(() => key.sign(m, 'raw', { sm2Id: 'x' })).toThrow(TypeError);
  });
});
