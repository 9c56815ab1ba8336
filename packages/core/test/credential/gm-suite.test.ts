// The gm suite 网证: issuer `alg: SM2` (GB/T 32918.2, SM3, ID 1234567812345678) and
// `_sd_alg: sm3` (GB/T 32905). SM3 digests and the SM2 signature are checked with the OpenSSL
// command line, and the digest rules with @sd-jwt's generic decoder (node's sm3 as its hasher).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SDJwtVcInstance } from '@sd-jwt/sd-jwt-vc';
import { digest } from '@sd-jwt/crypto-nodejs';
import { KeyRing, generateKey, rawToDer } from '@wangzheng/core/crypto/index';
import { IDENTITY_CLAIM_NAMES, createPresentation, verifyCredential, verifyPresentation } from '@wangzheng/core/credential/index';
import { ISSUER, NOW, PERSON, decodeSegment, issue, keys } from './fixtures.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'wz-cred-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** `openssl dgst -sm3 -binary` over `data`, base64url. */
const opensslSm3 = (data: string): string => execFileSync('openssl', ['dgst', '-sm3', '-binary'], { input: Buffer.from(data, 'ascii') }).toString('base64url');

const cred = issue(keys.issuerSm2, keys.deviceSm2);
const T = NOW + 10;
const opts = { keys: [keys.issuerSm2.publicKey], algorithms: ['SM2'] as const, issuer: ISSUER, now: T };

describe('gm suite: SM2-signed 网证 with _sd_alg sm3', () => {
  it('header alg SM2, kid = thumbprint; payload _sd_alg "sm3"; cnf.jwk crv SM2', () => {
    const [h, p] = cred.issuerJwt.split('.') as [string, string];
    expect(decodeSegment(h)).toEqual({ alg: 'SM2', typ: 'dc+sd-jwt', kid: keys.issuerSm2.publicKey.thumbprint });
    expect(decodeSegment(p)).toMatchObject({ _sd_alg: 'sm3', cnf: { jwk: { kty: 'EC', crv: 'SM2' } } });
  });

  it('GB/T 32905: the SM3 digest of a disclosure equals `openssl dgst -sm3` of its ASCII form', () => {
    const enc = cred.disclosures[IDENTITY_CLAIM_NAMES.indexOf('document_number')]!;
    expect(opensslSm3(enc)).toBe(cred.digests.document_number);
    expect(cred.payload._sd).toContain(opensslSm3(enc));
  });

  it('GB/T 32918.2: `openssl dgst -sm3 -verify -sigopt distid:1234567812345678` accepts the issuer signature', () => {
    const [h, p, s] = cred.issuerJwt.split('.') as [string, string, string];
    writeFileSync(path.join(dir, 'pub.pem'), keys.issuerSm2.publicKey.toPem());
    writeFileSync(path.join(dir, 'input'), `${h}.${p}`);
    writeFileSync(path.join(dir, 'sig.der'), rawToDer(Buffer.from(s, 'base64url')));
    const r = spawnSync('openssl', ['dgst', '-sm3', '-verify', path.join(dir, 'pub.pem'), '-sigopt', 'distid:1234567812345678', '-signature', path.join(dir, 'sig.der'), path.join(dir, 'input')], { encoding: 'utf8' });
    expect(r.stdout).toMatch(/Verified OK/);
  });

  it('RFC 9901 §7.1 with sm3: a generic SD-JWT decoder (node sm3 as hasher) reconstructs the same claims', async () => {
    const lib = new SDJwtVcInstance({ hasher: digest });
    const claims = (await lib.getClaims(cred.sdJwt)) as Record<string, unknown>;
    for (const [k, v] of Object.entries(PERSON)) expect(claims[k]).toEqual(v);
  });

  it('issue → verify: all identity claims disclosed, cnf is the SM2 device key', () => {
    const v = verifyCredential(cred.sdJwt, opts);
    expect(v.sdAlg).toBe('sm3');
    expect(v.disclosed).toEqual(PERSON);
    expect(v.cnf.jwk).toEqual(cred.payload.cnf.jwk);
    expect(v.payload).not.toHaveProperty('_sd');
  });

  it('KeyRing: after rotation the old platform key still verifies credentials it issued', () => {
    const ring = new KeyRing(keys.issuerSm2).rotate(generateKey('SM2'));
    expect(ring.kid).not.toBe(keys.issuerSm2.publicKey.thumbprint);
    expect(verifyCredential(cred.sdJwt, { ...opts, keys: ring }).disclosed).toEqual(PERSON);
  });

  it('issue → present → verify: only the chosen claims; sd_hash is SM3 (checked with openssl)', () => {
    const vp = createPresentation(cred.sdJwt, { disclose: ['age_over_18', 'name'], holderKey: keys.deviceSm2, audience: 'https://rp.example', nonce: 'gm-nonce-1', issuedAt: T });
    const v = verifyPresentation(vp, { ...opts, holderAlgorithms: ['SM2'], audience: 'https://rp.example', nonce: 'gm-nonce-1' });
    expect(v.disclosed).toEqual({ name: PERSON.name, age_over_18: true });
    expect(v.holderJwk).toEqual(cred.payload.cnf.jwk);
    const kbJwt = vp.slice(vp.lastIndexOf('~') + 1);
    const [kh, kp] = kbJwt.split('.') as [string, string];
    expect(decodeSegment(kh)).toMatchObject({ typ: 'kb+jwt', alg: 'SM2' });
    expect(decodeSegment(kp)['sd_hash']).toBe(opensslSm3(vp.slice(0, vp.lastIndexOf('~') + 1)));
  });

  it('an empty disclosure list still proves possession of the bound key (网号 only)', () => {
    const vp = createPresentation(cred.sdJwt, { disclose: [], holderKey: keys.deviceSm2, audience: 'rp', nonce: 'n', issuedAt: T });
    expect(vp.split('~')).toHaveLength(2);
    const v = verifyPresentation(vp, { ...opts, holderAlgorithms: ['SM2'], audience: 'rp', nonce: 'n' });
    expect(v.disclosed).toEqual({});
    expect(v.payload.netid).toBe('WANGZHENGE');
  });

  it('an SM2 issuer with an ES256 device key: _sd_alg follows the issuer, the KB-JWT the device', () => {
    const c = issue(keys.issuerSm2, keys.deviceEs256);
    const vp = createPresentation(c.sdJwt, { disclose: ['age_over_16'], holderKey: keys.deviceEs256, audience: 'rp', nonce: 'n', issuedAt: T });
    const v = verifyPresentation(vp, { ...opts, holderAlgorithms: ['ES256'], audience: 'rp', nonce: 'n' });
    expect(v.sdAlg).toBe('sm3');
    expect(v.disclosed).toEqual({ age_over_16: true });
  });
});
