// Client authentication as the SDK builds it, checked by the platform's own rules
// (@wangzheng/core verifyClientAssertion, the code behind the token endpoint and the receipt
// API): RFC 7523 §3 assertions with SM2, ES256 and EdDSA keys given as PrivateKey, PEM or JWK;
// RFC 6749 §2.3.1 Basic with the form-urlencoding of id and secret.
import { createPrivateKey } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { fromB64u, generateKey, type PrivateKey } from '@wangzheng/core/crypto/index';
import { MAX_ASSERTION_LIFETIME_S, verifyClientAssertion } from '@wangzheng/core/rp/client-assertion';
import { parseClientJwks } from '@wangzheng/core/rp/client-jwks';
import { ASSERTION_LIFETIME_S, clientAssertion, clientAuthorizer, importSigningKey, type PrivateJwk } from '@wangzheng/sdk';

const ISSUER = 'https://wangzheng.example';
const CLIENT = 'rp_AAAAAAAAAAAAAAAAAAAAAA';

function payload(jwt: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(fromB64u(jwt.split('.')[1]!)!).toString('utf8')) as Record<string, unknown>;
}

function jwkOf(k: PrivateKey): PrivateJwk {
  const pub = k.publicKey.toJwk();
  if (k.alg === 'SM2') {
    // Node cannot export SM2 as JWK (nor as SEC1): d is the 32-byte scalar after
    // `version 1, OCTET STRING (32)` of the ECPrivateKey inside the PKCS#8 structure.
    const der = Buffer.from(k.toPem().replace(/-----[^-]+-----|\s/g, ''), 'base64');
    const at = der.indexOf(Buffer.from([0x02, 0x01, 0x01, 0x04, 0x20]));
    const d = der.subarray(at + 5, at + 37).toString('base64url');
    return { kty: 'EC', crv: 'SM2', x: pub.x, y: pub.y!, d };
  }
  const j = createPrivateKey(k.toPem()).export({ format: 'jwk' }) as { d: string };
  return { kty: pub.kty, crv: pub.crv, x: pub.x, ...(pub.y ? { y: pub.y } : {}), d: j.d };
}

describe('RFC 7523 §3: the client assertion the SDK signs passes the platform’s checks', () => {
  for (const alg of ['SM2', 'ES256', 'EdDSA'] as const) {
    it(`${alg}: iss = sub = client id, aud = issuer, random jti, exp ${ASSERTION_LIFETIME_S} s ahead (≤ ${MAX_ASSERTION_LIFETIME_S} s)`, () => {
      const key = generateKey(alg);
      const keys = parseClientJwks({ keys: [{ ...key.publicKey.toJwk(), kid: 'k1' }] });
      const authorize = clientAuthorizer(CLIENT, ISSUER, { privateKey: key, alg, kid: 'k1' });
      const a = authorize().replace(/^Bearer /, '');
      const b = authorize().replace(/^Bearer /, '');
      const v = verifyClientAssertion(a, { clientId: CLIENT, keys, audiences: [ISSUER], now: Date.now() });
      const p = payload(a);
      expect([p.iss, p.sub, p.aud]).toEqual([CLIENT, CLIENT, ISSUER]);
      expect((p.exp as number) - (p.iat as number)).toBe(ASSERTION_LIFETIME_S);
      expect(v.jti).toBe(p.jti);
      expect(payload(b).jti).not.toBe(p.jti);
      expect(JSON.parse(Buffer.from(fromB64u(a.split('.')[0]!)!).toString('utf8'))).toEqual({ alg, typ: 'JWT', kid: 'k1' });
    });
  }

  it('without a kid the header names the RFC 7638 thumbprint, which the platform also accepts', () => {
    const key = generateKey('SM2');
    const keys = parseClientJwks({ keys: [{ ...key.publicKey.toJwk(), kid: 'registered' }] });
    const a = clientAssertion(CLIENT, ISSUER, key);
    expect(JSON.parse(Buffer.from(fromB64u(a.split('.')[0]!)!).toString('utf8')).kid).toBe(key.publicKey.thumbprint);
    expect(() => verifyClientAssertion(a, { clientId: CLIENT, keys, audiences: [ISSUER], now: Date.now() })).not.toThrow();
  });

  it('the same key given as PrivateKey, PKCS#8 PEM and JWK signs assertions one registered key verifies', () => {
    for (const alg of ['SM2', 'ES256', 'EdDSA'] as const) {
      const key = generateKey(alg);
      const keys = parseClientJwks({ keys: [key.publicKey.toJwk()] });
      for (const form of [key, key.toPem(), jwkOf(key)]) {
        const imported = importSigningKey(form);
        expect(imported.publicKey.thumbprint).toBe(key.publicKey.thumbprint);
        expect(() => verifyClientAssertion(clientAssertion(CLIENT, ISSUER, imported), { clientId: CLIENT, keys, audiences: [ISSUER], now: Date.now() })).not.toThrow();
      }
    }
  });

  it('misuse is a TypeError at construction: a JWK whose x is not d’s, a public JWK, a public PEM, alg not the key’s, an empty secret', () => {
    const key = generateKey('ES256');
    const other = generateKey('ES256').publicKey.toJwk();
    expect(() => importSigningKey({ ...jwkOf(key), x: other.x })).toThrow(TypeError);
    expect(() => importSigningKey(key.publicKey.toJwk() as unknown as PrivateJwk)).toThrow(TypeError);
    expect(() => importSigningKey(key.publicKey.toPem())).toThrow(TypeError);
    expect(() => clientAuthorizer(CLIENT, ISSUER, { privateKey: key, alg: 'SM2' })).toThrow(/ES256 key/);
    expect(() => clientAuthorizer(CLIENT, ISSUER, { clientSecret: '' })).toThrow(TypeError);
  });
});

describe('RFC 6749 §2.3.1: client_secret_basic', () => {
  it('percent-encodes id and secret (as the platform decodes them) before base64', () => {
    const h = clientAuthorizer('rp_a:b', ISSUER, { clientSecret: 'p%s/+ é' })();
    expect(h).toBe(`Basic ${Buffer.from(`${encodeURIComponent('rp_a:b')}:${encodeURIComponent('p%s/+ é')}`).toString('base64')}`);
    expect(Buffer.from(h.slice(6), 'base64').toString()).toBe('rp_a%3Ab:p%25s%2F%2B%20%C3%A9');
  });
});
