import { describe, expect, it } from 'vitest';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { b64u, generateKey, signJws, type PrivateKey } from '../../src/crypto/index.ts';
import { parseClientJwks } from '../../src/rp/client-jwks.ts';
import { unverifiedAssertionIssuer, verifyClientAssertion } from '../../src/rp/client-assertion.ts';
import { thrown } from '../identifiers/support/errors.ts';

const CLIENT = 'rp_AAAAAAAAAAAAAAAAAAAAAA';
const ISSUER = 'https://wangzheng.test';
const TOKEN_ENDPOINT = 'https://wangzheng.test/oidc/token';
const NOW = 1_770_000_000_000;
const s = (ms: number): number => Math.floor(ms / 1000);

function claims(over: Record<string, unknown> = {}): Record<string, unknown> {
  return { iss: CLIENT, sub: CLIENT, aud: ISSUER, exp: s(NOW) + 120, iat: s(NOW), jti: 'j-1', ...over };
}

function setup(algs: ('SM2' | 'ES256' | 'EdDSA')[] = ['ES256']): { keys: PrivateKey[]; jwks: ReturnType<typeof parseClientJwks> } {
  const keys = algs.map((a) => generateKey(a));
  return { keys, jwks: parseClientJwks({ keys: keys.map((k, i) => ({ ...k.publicKey.toJwk(), kid: `k${i}` })) }) };
}

function verify(token: string, jwks: ReturnType<typeof parseClientJwks>, over: Partial<Parameters<typeof verifyClientAssertion>[1]> = {}) {
  return verifyClientAssertion(token, { clientId: CLIENT, keys: jwks, audiences: [ISSUER, TOKEN_ENDPOINT], now: NOW, ...over });
}

describe('client JWK Set: public members only (allow-list)', () => {
  it('keeps kty/crv/x/y and the RP kid; drops unknown members; kid defaults to the RFC 7638 thumbprint', () => {
    const k = generateKey('SM2');
    const j = parseClientJwks({ keys: [{ ...k.publicKey.toJwk(), kid: undefined, x5u: 'https://evil.example/x', ext: true, key_ops: ['sign'] }] });
    expect(j.jwks.keys).toEqual([{ ...k.publicKey.toJwk(), kid: k.publicKey.thumbprint }]);
    expect(j.algorithms).toEqual(['SM2']);
  });

  it('SM2, ES256 and EdDSA keys are accepted; algorithms lists each once', () => {
    expect(setup(['SM2', 'ES256', 'EdDSA', 'ES256']).jwks.algorithms).toEqual(['SM2', 'ES256', 'EdDSA']);
  });

  it('refused: private members, use other than sig, duplicate kid or key, >5 keys, empty, RSA', async () => {
    const k = generateKey('ES256');
    const pub = k.publicKey.toJwk();
    const { privateKey } = await generateKeyPair('ES256', { extractable: true });
    const priv = await exportJWK(privateKey);
    expect(thrown(() => parseClientJwks({ keys: [priv] })).message).toMatch(/private key material/);
    expect(thrown(() => parseClientJwks({ keys: [{ ...pub, d: 'AAAA' }] })).code).toBe('invalid_client_metadata');
    expect(thrown(() => parseClientJwks({ keys: [{ ...pub, use: 'enc' }] })).code).toBe('invalid_client_metadata');
    expect(thrown(() => parseClientJwks({ keys: [{ ...pub, kid: 'a' }, { ...generateKey('ES256').publicKey.toJwk(), kid: 'a' }] })).code).toBe('invalid_client_metadata');
    expect(thrown(() => parseClientJwks({ keys: [{ ...pub, kid: 'a' }, { ...pub, kid: 'b' }] })).code).toBe('invalid_client_metadata');
    expect(thrown(() => parseClientJwks({ keys: Array.from({ length: 6 }, () => generateKey('ES256').publicKey.toJwk()) })).code).toBe('invalid_client_metadata');
    expect(thrown(() => parseClientJwks({ keys: [] })).code).toBe('invalid_client_metadata');
    expect(thrown(() => parseClientJwks([pub])).code).toBe('invalid_client_metadata');
    expect(thrown(() => parseClientJwks({ keys: [{ kty: 'RSA', n: 'AQAB', e: 'AQAB' }] })).code).toBe('invalid_key');
    expect(thrown(() => parseClientJwks({ keys: [{ ...pub, x: b64u(new Uint8Array(32)) }] })).code).toBe('invalid_key');
  });
});

describe('RFC 7523 §3: client assertion (private_key_jwt)', () => {
  it('a valid assertion signed by a registered key verifies (SM2, ES256, EdDSA); the jti is remembered past exp', () => {
    const { keys, jwks } = setup(['SM2', 'ES256', 'EdDSA']);
    keys.forEach((k, i) => {
      const v = verify(signJws(claims({ jti: `j${i}` }), k, { kid: `k${i}`, typ: 'JWT' }), jwks);
      expect(v.jti).toBe(`j${i}`);
      expect(v.expiresAt).toBeGreaterThanOrEqual((s(NOW) + 120) * 1000);
    });
  });

  it('an assertion made by jose (an independent implementation) verifies, aud = the token endpoint', async () => {
    const { publicKey, privateKey } = await generateKeyPair('ES256');
    const jwks = parseClientJwks({ keys: [{ ...(await exportJWK(publicKey)), kid: 'jose-1' }] });
    const token = await new SignJWT({ jti: 'jose-jti' })
      .setProtectedHeader({ alg: 'ES256', kid: 'jose-1', typ: 'client-authentication+jwt' })
      .setIssuer(CLIENT)
      .setSubject(CLIENT)
      .setAudience(TOKEN_ENDPOINT)
      .setIssuedAt(s(NOW))
      .setExpirationTime(s(NOW) + 60)
      .sign(privateKey);
    expect(verify(token, jwks).jti).toBe('jose-jti');
  });

  it('iss and sub must both be the client id', () => {
    const { keys, jwks } = setup();
    for (const over of [{ iss: 'rp_BBBBBBBBBBBBBBBBBBBBBB' }, { sub: 'someone' }, { iss: undefined }]) {
      const t = thrown(() => verify(signJws(claims(over), keys[0]!, { kid: 'k0' }), jwks));
      expect(t.code).toBe('invalid_client');
      expect(t.message).toMatch(/iss and sub/);
    }
  });

  it('wrong audience → invalid_client; an array of several audiences is refused too', () => {
    const { keys, jwks } = setup();
    for (const aud of ['https://other.example', [ISSUER, 'https://other.example'], [], undefined, `${ISSUER}/`]) {
      const t = thrown(() => verify(signJws(claims({ aud }), keys[0]!, { kid: 'k0' }), jwks));
      expect(t.code, JSON.stringify(aud)).toBe('invalid_client');
      expect(t.message).toMatch(/aud/);
    }
    expect(verify(signJws(claims({ aud: [TOKEN_ENDPOINT] }), keys[0]!, { kid: 'k0' }), jwks).jti).toBe('j-1');
  });

  it('exp: required; expired refused (30 s leeway); at most 5 minutes ahead', () => {
    const { keys, jwks } = setup();
    const sign = (over: Record<string, unknown>) => signJws(claims(over), keys[0]!, { kid: 'k0' });
    expect(thrown(() => verify(sign({ exp: undefined }), jwks)).message).toMatch(/exp/);
    expect(thrown(() => verify(sign({ exp: s(NOW) - 31 }), jwks)).message).toMatch(/expired/);
    expect(verify(sign({ exp: s(NOW) - 29 }), jwks).jti).toBe('j-1');
    expect(verify(sign({ exp: s(NOW) + 300 }), jwks).jti).toBe('j-1');
    expect(thrown(() => verify(sign({ exp: s(NOW) + 331 }), jwks)).message).toMatch(/too long/);
    expect(thrown(() => verify(sign({ exp: String(s(NOW) + 60) }), jwks)).code).toBe('invalid_client');
  });

  it('nbf and iat in the future are refused', () => {
    const { keys, jwks } = setup();
    expect(thrown(() => verify(signJws(claims({ nbf: s(NOW) + 60 }), keys[0]!, { kid: 'k0' }), jwks)).message).toMatch(/nbf/);
    expect(thrown(() => verify(signJws(claims({ iat: s(NOW) + 60 }), keys[0]!, { kid: 'k0' }), jwks)).message).toMatch(/iat/);
  });

  it('jti is required (1–256 characters)', () => {
    const { keys, jwks } = setup();
    for (const jti of [undefined, '', 'x'.repeat(257), 7]) {
      expect(thrown(() => verify(signJws(claims({ jti }), keys[0]!, { kid: 'k0' }), jwks)).message).toMatch(/jti/);
    }
  });

  it('algorithms are pinned to the registered keys: an SM2 assertion for an ES256-only client is refused', () => {
    const { jwks } = setup(['ES256']);
    const t = thrown(() => verify(signJws(claims(), generateKey('SM2'), { kid: 'k0' }), jwks));
    expect(t.code).toBe('invalid_client');
    expect(t.message).toMatch(/algorithm registered/);
  });

  it('alg none and HS256 (with the public key as the secret) are refused', () => {
    const { keys, jwks } = setup(['ES256']);
    const body = b64u(JSON.stringify(claims()));
    const none = `${b64u(JSON.stringify({ alg: 'none', kid: 'k0' }))}.${body}.`;
    expect(thrown(() => verify(none, jwks)).code).toBe('invalid_client');
    const hs = `${b64u(JSON.stringify({ alg: 'HS256', kid: 'k0' }))}.${body}.${b64u(new Uint8Array(32))}`;
    expect(thrown(() => verify(hs, jwks)).code).toBe('invalid_client');
    expect(keys).toHaveLength(1);
  });

  it('a key not registered for this client, or an unknown kid, does not verify', () => {
    const { keys, jwks } = setup(['ES256']);
    expect(thrown(() => verify(signJws(claims(), generateKey('ES256'), { kid: 'k0' }), jwks)).message).toMatch(/not signed by a key registered/);
    expect(thrown(() => verify(signJws(claims(), keys[0]!, { kid: 'other' }), jwks)).code).toBe('invalid_client');
    // The key's RFC 7638 thumbprint names it too; without a kid every registered key is tried.
    expect(verify(signJws(claims(), keys[0]!), jwks).jti).toBe('j-1');
    const input = `${b64u(JSON.stringify({ alg: 'ES256' }))}.${b64u(JSON.stringify(claims()))}`;
    const noKid = `${input}.${b64u(keys[0]!.sign(new TextEncoder().encode(input)))}`;
    expect(verify(noKid, jwks).jti).toBe('j-1');
  });

  it('typ other than JWT / client-authentication+jwt is refused (no other kind of JWT doubles as one)', () => {
    const { keys, jwks } = setup();
    expect(thrown(() => verify(signJws(claims(), keys[0]!, { kid: 'k0', typ: 'dpop+jwt' }), jwks)).message).toMatch(/typ/);
  });

  it('malformed tokens are invalid_client; the unverified issuer is only read, never trusted', () => {
    const { jwks } = setup();
    for (const t of ['', 'a.b', 'a.b.c', '...']) expect(thrown(() => verify(t, jwks)).code).toBe('invalid_client');
    const forged = `${b64u(JSON.stringify({ alg: 'ES256' }))}.${b64u(JSON.stringify({ iss: CLIENT }))}.${b64u(new Uint8Array(64))}`;
    expect(unverifiedAssertionIssuer(forged)).toBe(CLIENT);
    expect(thrown(() => verify(forged, jwks)).code).toBe('invalid_client');
    expect(unverifiedAssertionIssuer('nonsense')).toBeUndefined();
  });
});
