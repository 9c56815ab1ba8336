// Security Event Tokens (RFC 8417) as profiled by SSF 1.0 §4.1: explicit typing, iss_sub
// subject in sub_id (RFC 9493), no sub / exp, one event; SM2 checked by the openssl CLI and
// ES256 by jose; the verifier's algorithm list, never the header, decides.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { afterAll, describe, expect, it } from 'vitest';
import { b64u, fromB64u, generateKey, KeyRing, rawToDer, signJws } from '@wangzheng/core/crypto/index';
import { deriveAppId, deriveNetidCandidate } from '@wangzheng/core/identifiers/index';
import { buildSet, EVENT_TYPE_URIS, issSubSubject, SET_TYP, signSet, verifySet, type SecurityEvent } from '@wangzheng/core/signals/index';
import { errorCode } from '../../../../test/support/errors.ts';

const ISS = 'https://id.wangzheng.test';
const RP = 'rp_shop';
const KEY = new Uint8Array(32).fill(7);
const NETID = deriveNetidCandidate(KEY, 'person-0001', 0);
const APP_ID = deriveAppId({ key: KEY, netid: NETID, sector: 'shop.example.cn' });
const SUBJECT = issSubSubject(ISS, APP_ID);
const BAN: SecurityEvent = { code: 'account_disabled', reason: 'nationwide-ban', eventTimestamp: 1_780_000_000 };

const sm2 = generateKey('SM2');
const es = generateKey('ES256');
const rings = { gm: new KeyRing(sm2), intl: new KeyRing(es) };
const set = (event: SecurityEvent = BAN, extra: { jti?: string; txn?: string } = {}) => buildSet({ issuer: ISS, audience: RP, event, subject: SUBJECT, iat: 1_780_000_100, ...extra });
const part = (t: string, i: number) => JSON.parse(Buffer.from(t.split('.')[i]!, 'base64url').toString('utf8')) as Record<string, unknown>;

describe('RFC 8417 / SSF 1.0 §4.1: the SET claims', () => {
  it('carries iss, jti, iat, aud, sub_id and exactly one event; no sub, no exp', () => {
    const c = set(BAN, { txn: 'ban-42' });
    expect(Object.keys(c)).toEqual(['iss', 'jti', 'iat', 'aud', 'txn', 'sub_id', 'events']);
    expect(c.events).toEqual({ [EVENT_TYPE_URIS.account_disabled]: { reason: 'nationwide-ban', event_timestamp: 1_780_000_000 } });
    expect('sub' in c).toBe(false);
    expect('exp' in c).toBe(false);
  });

  it('jti: 128 random bits unless the caller passes one (idempotent re-send)', () => {
    const a = set().jti;
    expect(a).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(set().jti).not.toBe(a);
    expect(set(BAN, { jti: 'evt-123' }).jti).toBe('evt-123');
    expect(() => set(BAN, { jti: 'has space' })).toThrow(TypeError);
  });

  it('iat in milliseconds is a programming error (boundary 9 999 999 999 s)', () => {
    const base = { issuer: ISS, audience: RP, event: BAN, subject: SUBJECT };
    expect(buildSet({ ...base, iat: 9_999_999_999 }).iat).toBe(9_999_999_999);
    expect(() => buildSet({ ...base, iat: 10_000_000_000 })).toThrow(TypeError);
    expect(() => buildSet({ ...base, iat: 1.5 })).toThrow(TypeError);
  });
});

describe('RFC 9493 iss_sub subject: the RP’s application identifier, never a 网号', () => {
  it('sub_id is { format: iss_sub, iss: platform, sub: application identifier }', () => {
    expect(set().sub_id).toEqual({ format: 'iss_sub', iss: ISS, sub: APP_ID });
  });

  it('the signed token does not contain the 网号 anywhere', () => {
    const t = signSet(set(), rings, 'ES256');
    expect(t).not.toContain(NETID);
    expect(JSON.stringify(part(t, 0)) + JSON.stringify(part(t, 1))).not.toContain(NETID);
  });

  it('a 网号 (or anything not an application identifier) as sub is refused before signing', () => {
    expect(() => issSubSubject(ISS, NETID)).toThrow(TypeError);
    const forged = { format: 'iss_sub' as const, iss: ISS, sub: NETID as unknown as typeof APP_ID };
    expect(() => buildSet({ issuer: ISS, audience: RP, event: BAN, subject: forged, iat: 1 })).toThrow(TypeError);
    expect(() => buildSet({ issuer: ISS, audience: RP, event: BAN, subject: issSubSubject('https://other.test', APP_ID), iat: 1 })).toThrow(TypeError);
  });
});

describe('signing with the RP’s registered algorithm', () => {
  it('header is { alg, kid, typ: secevent+jwt } with the signer’s thumbprint', () => {
    const h = part(signSet(set(), rings, 'SM2'), 0);
    expect(h).toEqual({ alg: 'SM2', typ: SET_TYP, kid: sm2.publicKey.thumbprint });
    expect(part(signSet(set(), rings, 'ES256'), 0)).toMatchObject({ alg: 'ES256', kid: es.publicKey.thumbprint });
  });

  it('a single ring whose signer is not of the registered algorithm is a programming error', () => {
    expect(() => signSet(set(), rings.gm, 'ES256')).toThrow(TypeError);
    expect(signSet(set(), rings.gm, 'SM2').split('.')).toHaveLength(3);
    expect(() => signSet(set(), rings, 'EdDSA' as 'SM2')).toThrow(TypeError);
  });

  it('claims with sub or exp added by hand are refused', () => {
    expect(() => signSet({ ...set(), exp: 2 } as never, rings, 'ES256')).toThrow(TypeError);
    expect(() => signSet({ ...set(), sub: APP_ID } as never, rings, 'ES256')).toThrow(TypeError);
  });
});

describe('interoperability', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'wz-set-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('an ES256 SET verifies with jose (jwtVerify, typ secevent+jwt, algorithms [ES256])', async () => {
    const t = signSet(set(), rings, 'ES256');
    const jwks = createLocalJWKSet({ keys: rings.intl.jwks().keys as never });
    const { payload, protectedHeader } = await jwtVerify(t, jwks, { typ: 'secevent+jwt', algorithms: ['ES256'], issuer: ISS, audience: RP });
    expect(protectedHeader.typ).toBe('secevent+jwt');
    expect(payload['sub_id']).toEqual({ format: 'iss_sub', iss: ISS, sub: APP_ID });
    await expect(jwtVerify(t, jwks, { typ: 'JWT', algorithms: ['ES256'] })).rejects.toMatchObject({ code: 'ERR_JWT_CLAIM_VALIDATION_FAILED' });
  });

  it('an SM2 SET verifies with the openssl CLI (SM3, distid 1234567812345678); a changed payload does not', () => {
    const t = signSet(set(), rings, 'SM2');
    const [h, p, s] = t.split('.') as [string, string, string];
    writeFileSync(path.join(dir, 'in'), `${h}.${p}`);
    writeFileSync(path.join(dir, 'bad'), `${h}.${b64u(JSON.stringify({ ...part(t, 1), aud: 'rp_other' }))}`);
    writeFileSync(path.join(dir, 'sig'), rawToDer(fromB64u(s)!));
    writeFileSync(path.join(dir, 'pub.pem'), sm2.publicKey.toPem());
    // True when OpenSSL prints "Verified OK" and exits 0, as in crypto/openssl-interop.test.ts.
    const verifies = (file: string) => {
      const r = spawnSync('openssl', ['dgst', '-sm3', '-verify', path.join(dir, 'pub.pem'), '-sigopt', 'distid:1234567812345678', '-signature', path.join(dir, 'sig'), path.join(dir, file)], { encoding: 'utf8' });
      return r.status === 0 && /Verified OK/.test(r.stdout);
    };
    expect(verifies('in')).toBe(true);
    expect(verifies('bad')).toBe(false);
  });
});

describe('verifySet: allowed algorithms are explicit; issuer, audience, typ and shape are checked', () => {
  const o = { issuer: ISS, audience: RP, algorithms: ['SM2', 'ES256'] as const };

  it('returns the subject and our typed event', () => {
    const v = verifySet(signSet(set(), rings, 'SM2'), rings.gm, o);
    expect(v.subject.sub).toBe(APP_ID);
    expect(v.event).toEqual(BAN);
    const c = verifySet(signSet(set({ code: 'credential_revoked', cause: 'device_lost' }), rings, 'ES256'), [es.publicKey], o);
    expect(c.event).toEqual({ code: 'credential_revoked', cause: 'device_lost' });
  });

  it('a token whose alg is not in the allowed list is refused: unsupported_algorithm', () => {
    const t = signSet(set(), rings, 'ES256');
    expect(errorCode(() => verifySet(t, rings.intl, { ...o, algorithms: ['SM2'] }))).toBe('unsupported_algorithm');
    const none = `${b64u(JSON.stringify({ alg: 'none', typ: SET_TYP }))}.${t.split('.')[1]}.`;
    expect(errorCode(() => verifySet(none, rings.intl, o))).toBe('unsupported_algorithm');
    // ES256 header over an SM2 key: the key's algorithm decides, not the header.
    expect(errorCode(() => verifySet(t, rings.gm, o))).toBe('unsupported_algorithm');
    expect(errorCode(() => verifySet(t, rings.intl, { ...o, algorithms: [] }))).toMatch(/^raw:TypeError/);
  });

  it('wrong audience, wrong issuer, wrong typ, a forged signature', () => {
    const t = signSet(set(), rings, 'ES256');
    expect(errorCode(() => verifySet(t, rings.intl, { ...o, audience: 'rp_other' }))).toBe('invalid_jws');
    expect(errorCode(() => verifySet(t, rings.intl, { ...o, issuer: 'https://evil.test' }))).toBe('invalid_jws');
    const asJwt = signJws(set(), es, { typ: 'JWT' });
    expect(errorCode(() => verifySet(asJwt, rings.intl, o))).toBe('invalid_jws');
    expect(errorCode(() => verifySet(t, [generateKey('ES256').publicKey], o))).toBe('signature_mismatch');
  });

  it('a correctly signed SET with sub, exp, two events, a 网号 subject or an unknown type is refused', () => {
    const c = set() as unknown as Record<string, unknown>;
    const signed = (claims: object) => signJws(claims, es, { typ: SET_TYP });
    expect(errorCode(() => verifySet(signed(c), rings.intl, o))).toBeUndefined();
    expect(errorCode(() => verifySet(signed({ ...c, sub: APP_ID }), rings.intl, o))).toBe('invalid_jws');
    expect(errorCode(() => verifySet(signed({ ...c, exp: 2_000_000_000 }), rings.intl, o))).toBe('invalid_jws');
    const two = { ...(c['events'] as object), [EVENT_TYPE_URIS.account_enabled]: {} };
    expect(errorCode(() => verifySet(signed({ ...c, events: two }), rings.intl, o))).toBe('invalid_jws');
    expect(errorCode(() => verifySet(signed({ ...c, sub_id: { format: 'iss_sub', iss: ISS, sub: NETID } }), rings.intl, o))).toBe('invalid_jws');
    expect(errorCode(() => verifySet(signed({ ...c, events: { 'urn:example:other': {} } }), rings.intl, o))).toBe('invalid_jws');
    const badReason = { [EVENT_TYPE_URIS.account_disabled]: { reason: 'because' } };
    expect(errorCode(() => verifySet(signed({ ...c, events: badReason }), rings.intl, o))).toBe('invalid_jws');
  });
});
