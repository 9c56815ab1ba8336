// verifySecurityEvent (docs/signals.md, "What a SET looks like"): SETs as the platform signs
// them (core buildSet / signSet) verified offline, SM2 and ES256; RFC 8725 §3.1: the registered
// algorithm pinned, the header never chooses; SSF 1.0 §4.1: iss, aud, typ, no sub / exp;
// RFC 8417 §2.2 iat: not in the future, not older than the receiver's replay window (boundary
// pairs); a rotated platform key picked up through the JwksCache, which is asked again only for
// an unknown key id.
import { describe, expect, it } from 'vitest';
import { b64u, generateKey, KeyRing, type PublicJwk } from '@wangzheng/core/crypto/index';
import { deriveAppId, deriveNetidCandidate } from '@wangzheng/core/identifiers/index';
import { buildSet, issSubSubject, SET_TYP, signSet, type SecurityEvent } from '@wangzheng/core/signals/index';
import { JwksCache, SECURITY_EVENT_TYPES, verifySecurityEvent, WangzhengError, type VerifySecurityEventOptions } from '@wangzheng/sdk';

const ISS = 'https://wangzheng.test';
const RP = 'rp_ticketing';
const KEY = new Uint8Array(32).fill(9);
const SUB = deriveAppId({ key: KEY, netid: deriveNetidCandidate(KEY, 'person-0001', 0), sector: 'tickets.example.cn' });
const NOW = 1_790_000_000;
const BAN: SecurityEvent = { code: 'account_disabled', reason: 'nationwide-ban', eventTimestamp: NOW - 1 };

const rings = { gm: new KeyRing(generateKey('SM2')), intl: new KeyRing(generateKey('ES256')) };
const jwks = { keys: [...rings.gm.jwks().keys, ...rings.intl.jwks().keys] };

function setToken(alg: 'SM2' | 'ES256', o: { event?: SecurityEvent; iat?: number; aud?: string; iss?: string; txn?: string } = {}): string {
  const issuer = o.iss ?? ISS;
  const claims = buildSet({ issuer, audience: o.aud ?? RP, event: o.event ?? BAN, subject: issSubSubject(issuer, SUB), iat: o.iat ?? NOW, ...(o.txn ? { txn: o.txn } : {}) });
  return signSet(claims, rings, alg);
}

function opts(alg: 'SM2' | 'ES256', more: Partial<VerifySecurityEventOptions> = {}): VerifySecurityEventOptions {
  return { issuer: ISS, audience: RP, alg, jwks, now: () => NOW * 1000, ...more };
}

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    return e instanceof WangzhengError ? e.code : `not a WangzhengError: ${String(e)}`;
  }
  return 'no error';
}

describe('verifySecurityEvent: SETs as the platform signs them', () => {
  it('an SM2 SET (GB/T 32918.2 with SM3) verifies: jti, iat, txn, your sub, the event', async () => {
    const t = setToken('SM2', { txn: 'ban-1' });
    const v = await verifySecurityEvent(t, opts('SM2'));
    expect(v).toEqual({ jti: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/), iat: NOW, txn: 'ban-1', sub: SUB, event: BAN });
  });

  it('an ES256 SET verifies; every event the platform sends reads back as itself', async () => {
    const events: SecurityEvent[] = [
      BAN,
      { code: 'account_enabled' },
      { code: 'account_purged', eventTimestamp: NOW },
      { code: 'credential_revoked', cause: 'device_lost', eventTimestamp: NOW },
      { code: 'consent_withdrawn' },
    ];
    for (const event of events) expect((await verifySecurityEvent(setToken('ES256', { event }), opts('ES256'))).event).toEqual(event);
  });

  it('SECURITY_EVENT_TYPES names the URIs a stream requests', () => {
    expect(SECURITY_EVENT_TYPES.account_disabled).toBe('https://schemas.openid.net/secevent/risc/event-type/account-disabled');
    expect(Object.keys(SECURITY_EVENT_TYPES)).toEqual(['account_disabled', 'account_enabled', 'account_purged', 'credential_revoked', 'consent_withdrawn']);
  });
});

describe('RFC 8725 §3.1: the registered algorithm decides, never the header', () => {
  it('an ES256 SET for an SM2-registered RP, and the reverse: unsupported_algorithm', async () => {
    expect(await codeOf(verifySecurityEvent(setToken('ES256'), opts('SM2')))).toBe('unsupported_algorithm');
    expect(await codeOf(verifySecurityEvent(setToken('SM2'), opts('ES256')))).toBe('unsupported_algorithm');
  });

  it('alg none and a tampered payload are refused', async () => {
    const [h, p, s] = setToken('ES256').split('.') as [string, string, string];
    const none = `${b64u(JSON.stringify({ alg: 'none', typ: SET_TYP }))}.${p}.`;
    expect(await codeOf(verifySecurityEvent(none, opts('ES256')))).toBe('unsupported_algorithm');
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as Record<string, unknown>;
    const other = `${h}.${b64u(JSON.stringify({ ...claims, sub_id: { format: 'iss_sub', iss: ISS, sub: SUB.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A')) } }))}.${s}`;
    expect(await codeOf(verifySecurityEvent(other, opts('ES256')))).toBe('signature_mismatch');
  });

  it('a key that is not the platform’s: signature_mismatch', async () => {
    const stranger = { gm: new KeyRing(generateKey('SM2')), intl: new KeyRing(generateKey('ES256')) };
    const t = signSet(buildSet({ issuer: ISS, audience: RP, event: BAN, subject: issSubSubject(ISS, SUB), iat: NOW }), stranger, 'ES256');
    expect(await codeOf(verifySecurityEvent(t, opts('ES256')))).toBe('signature_mismatch');
  });

  it('alg must be SM2 or ES256: a TypeError, not a verification result', async () => {
    await expect(verifySecurityEvent(setToken('ES256'), { ...opts('ES256'), alg: 'HS256' as 'ES256' })).rejects.toThrow(TypeError);
  });
});

describe('SSF 1.0 §4.1: for this RP, from this issuer', () => {
  it('another RP’s SET (aud) and another issuer’s (iss): invalid_jws', async () => {
    expect(await codeOf(verifySecurityEvent(setToken('ES256', { aud: 'rp_other' }), opts('ES256')))).toBe('invalid_jws');
    expect(await codeOf(verifySecurityEvent(setToken('ES256', { iss: 'https://evil.test' }), opts('ES256')))).toBe('invalid_jws');
  });

  it('an id_token-shaped token (typ JWT, sub, exp) signed by the platform is not a SET: invalid_jws', async () => {
    const t = rings.intl.signJws({ iss: ISS, aud: RP, sub: SUB, iat: NOW, exp: NOW + 600 }, { typ: 'JWT', kid: rings.intl.kid });
    expect(await codeOf(verifySecurityEvent(t, opts('ES256')))).toBe('invalid_jws');
  });
});

describe('RFC 8417 §2.2 iat: the replay window', () => {
  it('in the future: 60 s of clock skew accepted, 61 s refused', async () => {
    expect((await verifySecurityEvent(setToken('ES256', { iat: NOW + 60 }), opts('ES256'))).iat).toBe(NOW + 60);
    expect(await codeOf(verifySecurityEvent(setToken('ES256', { iat: NOW + 61 }), opts('ES256')))).toBe('invalid_jws');
  });

  it('maxAgeSeconds: exactly that old accepted, one second older refused; without it, no limit', async () => {
    const day = 86_400;
    expect((await verifySecurityEvent(setToken('ES256', { iat: NOW - day }), opts('ES256', { maxAgeSeconds: day }))).iat).toBe(NOW - day);
    expect(await codeOf(verifySecurityEvent(setToken('ES256', { iat: NOW - day - 1 }), opts('ES256', { maxAgeSeconds: day })))).toBe('invalid_jws');
    expect((await verifySecurityEvent(setToken('ES256', { iat: NOW - 30 * day }), opts('ES256'))).iat).toBe(NOW - 30 * day);
  });
});

describe('the JWKS: fetched once, refreshed for a rotated key', () => {
  it('a SET signed by a new platform key is verified after one refetch; known key ids do not refetch', async () => {
    let served: { keys: PublicJwk[] } = { keys: rings.intl.jwks().keys };
    let fetches = 0;
    const fakeFetch: typeof fetch = async () => {
      fetches++;
      return new Response(JSON.stringify(served), { headers: { 'content-type': 'application/json' } });
    };
    const cache = new JwksCache(`${ISS}/.well-known/jwks.json`, fakeFetch, { minRefreshMs: 0 });
    const o = opts('ES256', { jwks: cache });
    await verifySecurityEvent(setToken('ES256'), o);
    await verifySecurityEvent(setToken('ES256'), o);
    expect(fetches).toBe(1);

    const rotated = rings.intl.rotate(generateKey('ES256'));
    served = rotated.jwks();
    const t = signSet(buildSet({ issuer: ISS, audience: RP, event: BAN, subject: issSubSubject(ISS, SUB), iat: NOW }), { gm: rings.gm, intl: rotated }, 'ES256');
    expect((await verifySecurityEvent(t, o)).sub).toBe(SUB);
    expect(fetches).toBe(2);
  });
});
