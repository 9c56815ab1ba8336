// RFC 7515 JWS compact serialization with SM2, ES256 (RFC 7518 §3.4) and EdDSA (RFC 8037),
// cross-checked with the independent `jose` library, and the algorithm-confusion attacks
// that a verifier must refuse (the header never chooses the algorithm).
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CompactSign, compactVerify, importPKCS8, importSPKI } from 'jose';
import { KeyRing, b64u, generateKey, signJws, verifyJws, type PrivateKey, type SigAlg } from '@wangzheng/core/crypto/index';
import { errorCode as code } from '../../../../test/support/errors.ts';

const keys: Record<SigAlg, PrivateKey> = { SM2: generateKey('SM2'), ES256: generateKey('ES256'), EdDSA: generateKey('EdDSA') };
const ALL: SigAlg[] = ['SM2', 'ES256', 'EdDSA'];

const enc = (o: unknown) => b64u(JSON.stringify(o));

describe('RFC 7515 compact JWS round trip', () => {
  for (const alg of ALL) {
    it(`${alg}: sign → verify; header carries alg and the RFC 7638 thumbprint as kid`, () => {
      const key = keys[alg];
      const token = signJws({ sub: 'wz-123', n: 1 }, key, { typ: 'wz+jwt' });
      const v = verifyJws(token, key.publicKey, { algorithms: [alg], typ: 'wz+jwt' });
      expect(v.header.alg).toBe(alg);
      expect(v.header.kid).toBe(key.publicKey.thumbprint);
      expect(v.json()).toEqual({ sub: 'wz-123', n: 1 });
      expect(Buffer.from(token.split('.')[2]!, 'base64url').length).toBe(64); // raw r‖s / RFC 8032
    });
  }

  it('bytes payloads are carried verbatim; json() on non-JSON → invalid_jws', () => {
    const token = signJws(new Uint8Array([0, 1, 2, 255]), keys.SM2);
    const v = verifyJws(token, keys.SM2.publicKey, { algorithms: ['SM2'] });
    expect([...v.payload]).toEqual([0, 1, 2, 255]);
    expect(code(() => v.json())).toBe('invalid_jws');
  });

  it('a header alg that contradicts the signing key is a programming error', () => {
    expect(() => signJws({}, keys.SM2, { alg: 'ES256' })).toThrow(TypeError);
  });
});

describe('interoperability with jose (independent implementation)', () => {
  for (const alg of ['ES256', 'EdDSA'] as const) {
    it(`${alg}: jose verifies our JWS`, async () => {
      const key = keys[alg];
      const token = signJws({ hello: 'jose' }, key);
      const pub = await importSPKI(key.publicKey.toPem(), alg);
      const { payload, protectedHeader } = await compactVerify(token, pub, { algorithms: [alg] });
      expect(protectedHeader.alg).toBe(alg);
      expect(JSON.parse(new TextDecoder().decode(payload))).toEqual({ hello: 'jose' });
    });

    it(`${alg}: we verify jose's JWS, and refuse it when tampered`, async () => {
      const key = keys[alg];
      const priv = await importPKCS8(key.toPem(), alg);
      const token = await new CompactSign(new TextEncoder().encode('{"from":"jose"}')).setProtectedHeader({ alg }).sign(priv);
      expect(verifyJws(token, key.publicKey, { algorithms: [alg] }).json()).toEqual({ from: 'jose' });
      const [h, , s] = token.split('.');
      expect(code(() => verifyJws(`${h}.${b64u('{"from":"eve"}')}.${s}`, key.publicKey, { algorithms: [alg] }))).toBe('signature_mismatch');
    });
  }
});

describe('RFC 8725 §2.1/§3.1: algorithm confusion is refused', () => {
  const sm2 = keys.SM2;

  it('alg "none" (any case) with an empty signature → unsupported_algorithm', () => {
    for (const none of ['none', 'None', 'NONE']) {
      const token = `${enc({ alg: none })}.${enc({ sub: 'x' })}.`;
      expect(code(() => verifyJws(token, sm2.publicKey, { algorithms: ['SM2'] }))).toBe('unsupported_algorithm');
    }
  });

  it('HS256 with the public key bytes (PEM and JWK JSON) as the HMAC secret → unsupported_algorithm', () => {
    for (const secret of [sm2.publicKey.toPem(), JSON.stringify(sm2.publicKey.toJwk())]) {
      const input = `${enc({ alg: 'HS256', kid: sm2.publicKey.thumbprint })}.${enc({ sub: 'x' })}`;
      const token = `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
      expect(code(() => verifyJws(token, sm2.publicKey, { algorithms: ['SM2'] }))).toBe('unsupported_algorithm');
      expect(code(() => verifyJws(token, [sm2.publicKey], { algorithms: ALL }))).toBe('unsupported_algorithm');
    }
  });

  it('header alg ES256 presented to an SM2 key, even when ES256 is allowed → unsupported_algorithm', () => {
    const token = signJws({ sub: 'x' }, keys.ES256, { kid: sm2.publicKey.thumbprint });
    expect(code(() => verifyJws(token, sm2.publicKey, { algorithms: ['SM2', 'ES256'] }))).toBe('unsupported_algorithm');
  });

  it('a genuine token whose alg is not in the allow-list → unsupported_algorithm', () => {
    const token = signJws({ sub: 'x' }, keys.ES256);
    expect(code(() => verifyJws(token, keys.ES256.publicKey, { algorithms: ['SM2'] }))).toBe('unsupported_algorithm');
  });

  it('an SM2 signature relabelled as ES256 → unsupported_algorithm / signature_mismatch, never accepted', () => {
    const [, p, s] = signJws({ sub: 'x' }, sm2).split('.');
    const token = `${enc({ alg: 'ES256' })}.${p}.${s}`;
    expect(code(() => verifyJws(token, sm2.publicKey, { algorithms: ['SM2', 'ES256'] }))).toBe('unsupported_algorithm');
    expect(code(() => verifyJws(token, [sm2.publicKey, keys.ES256.publicKey], { algorithms: ['SM2', 'ES256'] }))).toBe('signature_mismatch');
  });

  it('the algorithms list is mandatory (TypeError, not a silent default)', () => {
    const token = signJws({}, sm2);
    expect(() => verifyJws(token, sm2.publicKey, {} as never)).toThrow(TypeError);
    expect(() => verifyJws(token, sm2.publicKey, { algorithms: [] })).toThrow(TypeError);
    expect(() => verifyJws(token, sm2.publicKey, { algorithms: ['HS256' as SigAlg] })).toThrow(TypeError);
  });
});

describe('RFC 7515 validation of structure and header', () => {
  const sm2 = keys.SM2;
  const good = signJws({ sub: 'x' }, sm2, { typ: 'wz+jwt' });
  const [h, p, s] = good.split('.') as [string, string, string];
  const verify = (t: string, typ?: string) => code(() => verifyJws(t, sm2.publicKey, typ === undefined ? { algorithms: ['SM2'] } : { algorithms: ['SM2'], typ }));

  it('the good token verifies (the cases below differ from it in one way each)', () => {
    expect(verify(good, 'wz+jwt')).toBeUndefined();
    expect(verify(good, 'application/wz+jwt')).toBeUndefined();
  });

  it('wrong segment count, non-base64url, padding, empty header → invalid_jws', () => {
    for (const t of [`${h}.${p}`, `${h}.${p}.${s}.x`, `${h}.${p}.${s}=`, `${h}.${p}+.${s}`, `${h}.${p}.${s.slice(0, -1)}*`, `.${p}.${s}`, '', '...']) {
      expect(verify(t)).toBe('invalid_jws');
    }
  });

  it('header that is not a JSON object, or lacks alg → invalid_jws', () => {
    for (const hdr of [b64u('not json'), enc([1]), enc('SM2'), enc({ kid: 'x' }), enc(null)]) {
      expect(verify(`${hdr}.${p}.${s}`)).toBe('invalid_jws');
    }
  });

  it('unknown crit extension → invalid_jws (RFC 7515 §4.1.11)', () => {
    const token = `${enc({ alg: 'SM2', crit: ['exp'], exp: 1 })}.${p}.${s}`;
    expect(verify(token)).toBe('invalid_jws');
  });

  it('typ mismatch when the verifier pins typ → invalid_jws', () => {
    expect(verify(good, 'JWT')).toBe('invalid_jws');
    expect(verify(signJws({}, sm2), 'wz+jwt')).toBe('invalid_jws');
  });

  it('truncated signature → invalid_jws; flipped signature bit or changed payload → signature_mismatch', () => {
    const sig = Buffer.from(s, 'base64url');
    expect(verify(`${h}.${p}.${b64u(sig.subarray(0, 63))}`)).toBe('invalid_jws');
    sig[10]! ^= 1;
    expect(verify(`${h}.${p}.${b64u(sig)}`)).toBe('signature_mismatch');
    expect(verify(`${h}.${enc({ sub: 'y' })}.${s}`)).toBe('signature_mismatch');
  });

  it('a key that did not sign it → signature_mismatch; no key from the resolver → signature_mismatch', () => {
    expect(code(() => verifyJws(good, generateKey('SM2').publicKey, { algorithms: ['SM2'] }))).toBe('signature_mismatch');
    expect(code(() => verifyJws(good, () => undefined, { algorithms: ['SM2'] }))).toBe('signature_mismatch');
  });
});

describe('KeyRing rotation: first key signs, all keys verify', () => {
  it('old tokens verify after rotate, fail after retire; jwks lists public members only', () => {
    const a = generateKey('SM2');
    const b = generateKey('SM2');
    const ring1 = new KeyRing(a);
    const old = ring1.signJws({ v: 1 });
    const ring2 = ring1.rotate(b);
    expect(ring2.kid).toBe(b.publicKey.thumbprint);
    const fresh = ring2.signJws({ v: 2 });
    expect(ring2.verifyJws(old, { algorithms: ['SM2'] }).json()).toEqual({ v: 1 });
    expect(ring2.verifyJws(fresh, { algorithms: ['SM2'] }).header.kid).toBe(b.publicKey.thumbprint);
    expect(code(() => ring1.verifyJws(fresh, { algorithms: ['SM2'] }))).toBe('signature_mismatch');
    const jwks = ring2.jwks();
    expect(jwks.keys.map((k) => k.kid)).toEqual([b.publicKey.thumbprint, a.publicKey.thumbprint]);
    for (const k of jwks.keys) expect(Object.keys(k).sort()).toEqual(['alg', 'crv', 'kid', 'kty', 'use', 'x', 'y']);
    const ring3 = ring2.retire(a.publicKey.thumbprint);
    expect(code(() => ring3.verifyJws(old, { algorithms: ['SM2'] }))).toBe('signature_mismatch');
    expect(code(() => ring3.retire(b.publicKey.thumbprint))).toBe('conflict');
  });

  it('a mixed ring (SM2 signer, ES256 verify-only) still pins the algorithm per token', () => {
    const es = generateKey('ES256');
    const ring = new KeyRing(keys.SM2, [es.publicKey]);
    expect(ring.verifyJws(signJws({ x: 1 }, es), { algorithms: ['SM2', 'ES256'] }).json()).toEqual({ x: 1 });
    expect(code(() => ring.verifyJws(signJws({ x: 1 }, es), { algorithms: ['SM2'] }))).toBe('unsupported_algorithm');
  });
});
