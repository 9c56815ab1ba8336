// Interoperability with an independent implementation: @sd-jwt/sd-jwt-vc (OpenWallet
// Foundation), with node:crypto doing its signature checks from our public JWKs — never our
// own verification code. Intl suite only (ES256 + sha-256): a generic library has no SM2.
import { createPrivateKey, createPublicKey, sign as nodeSign, verify as nodeVerify, type JsonWebKey } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { SDJwtVcInstance, type SdJwtVcPayload } from '@sd-jwt/sd-jwt-vc';
import { digest, generateSalt } from '@sd-jwt/crypto-nodejs';
import { b64u, signJws, type PrivateKey } from '@wangzheng/core/crypto/index';
import { createPresentation, verifyCredential, verifyPresentation } from '@wangzheng/core/credential/index';
import { DAY, ISSUER, NETID, NOW, PERSON, STATUS_URI, decodeSegment, issue, keys } from './fixtures.ts';

const AUD = 'https://rp.example';
const NONCE = 'n-0S6_WzA2Mj';
const T = NOW + 10; // verification time

/** ES256 verification with node:crypto from a JWK (IEEE P1363 r‖s, as JWS uses). */
function es256Verify(jwk: unknown, data: string, sig: string): boolean {
  const key = createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' });
  return nodeVerify('sha256', Buffer.from(data), { key, dsaEncoding: 'ieee-p1363' }, Buffer.from(sig, 'base64url'));
}
function es256Signer(key: PrivateKey): (data: string) => string {
  const k = createPrivateKey(key.toPem());
  return (data) => nodeSign('sha256', Buffer.from(data), { key: k, dsaEncoding: 'ieee-p1363' }).toString('base64url');
}

/** A Token Status List JWT (draft-ietf-oauth-status-list §5) with the given indexes revoked. */
function statusListJwt(revoked: number[]): string {
  const bytes = new Uint8Array(16);
  for (const i of revoked) bytes[i >> 3]! |= 1 << (i & 7);
  return signJws({ sub: STATUS_URI, iat: NOW, ttl: 300, status_list: { bits: 1, lst: b64u(deflateSync(bytes)) } }, keys.issuerEs256, { typ: 'statuslist+jwt' });
}

const issuerJwk = keys.issuerEs256.publicKey.toJwk();
function verifierLib(revoked: number[] = []): SDJwtVcInstance {
  return new SDJwtVcInstance({
    hasher: digest,
    verifier: (data, sig) => es256Verify(issuerJwk, data, sig),
    kbVerifier: (data, sig, payload) => es256Verify((payload['cnf'] as { jwk: unknown }).jwk, data, sig),
    statusListFetcher: async (uri) => {
      expect(uri).toBe(STATUS_URI);
      return statusListJwt(revoked);
    },
  });
}

const cred = issue(keys.issuerEs256, keys.deviceEs256);
const ours = { keys: [keys.issuerEs256.publicKey], algorithms: ['ES256'] as const, issuer: ISSUER, now: T };

describe('@sd-jwt/sd-jwt-vc verifies the 网证 we issue (intl: ES256, sha-256)', () => {
  it('signature verifies; the claims it reconstructs equal ours; cnf.jwk is the device key', async () => {
    const res = await verifierLib().verify(cred.sdJwt, { currentDate: T });
    const p = res.payload;
    const { kty, crv, x, y } = keys.deviceEs256.publicKey.toJwk();
    expect(p.cnf).toEqual({ jwk: { kty, crv, x, y } });
    expect(res.header?.['typ']).toBe('dc+sd-jwt');
    const { iss, vct, jti, netid, iat, nbf, exp, status, cnf: _c, ...identity } = p as SdJwtVcPayload & Record<string, unknown>;
    expect({ iss, jti, netid, iat, nbf, exp, status }).toEqual({ iss: ISSUER, jti: 'cred-0001', netid: NETID, iat: NOW, nbf: NOW, exp: NOW + 365 * DAY, status: { status_list: { idx: 7, uri: STATUS_URI } } });
    expect(vct).toBe(cred.payload.vct);
    expect(identity).toEqual(PERSON);
    // …and what our verifier discloses is the same set.
    expect(verifyCredential(cred.sdJwt, ours).disclosed).toEqual(identity);
  });

  it('SD-JWT §4.2.1: no identity value appears anywhere in the decoded issuer JWT (only in disclosures)', () => {
    const [h, p] = cred.issuerJwt.split('.') as [string, string];
    const text = Buffer.from(h, 'base64url').toString('utf8') + Buffer.from(p, 'base64url').toString('utf8');
    const leaves: unknown[] = [];
    const walk = (v: unknown): void => {
      if (v !== null && typeof v === 'object') Object.values(v).forEach(walk);
      else leaves.push(v);
    };
    walk(decodeSegment(p));
    for (const [name, value] of Object.entries(PERSON)) {
      expect(leaves, name).not.toContain(value); // covers sex 'M' and the booleans too
      if (typeof value === 'string') {
        expect(text, name).not.toContain(JSON.stringify(value));
        // Unquoted too, where a random base64url digest cannot contain it by chance.
        if (value.length >= 8 || /[^\x00-\x7f]/.test(value)) expect(text, name).not.toContain(value);
      }
      expect(text, name).not.toContain(`"${name}"`);
    }
    // The values are in the disclosures — that is where the library found them.
    const inDisclosures = cred.disclosures.map((d) => Buffer.from(d, 'base64url').toString('utf8')).join('');
    expect(inDisclosures).toContain(PERSON.name);
    expect(inDisclosures).toContain(PERSON.document_number);
  });

  it('Token Status List: the status reference is followed by the library (revoked index → rejected)', async () => {
    await expect(verifierLib([7]).verify(cred.sdJwt, { currentDate: T })).rejects.toThrow(/Status is not valid/);
    await expect(verifierLib([6, 8]).verify(cred.sdJwt, { currentDate: T })).resolves.toBeDefined();
  });

  it('RFC 9901 §4.3: our presentation + KB-JWT verifies in the library with key binding required', async () => {
    const vp = createPresentation(cred.sdJwt, { disclose: ['age_over_18', 'nationality'], holderKey: keys.deviceEs256, audience: AUD, nonce: NONCE, issuedAt: T });
    const res = await verifierLib().verify(vp, { currentDate: T, keyBindingNonce: NONCE });
    expect(res.kb?.payload).toMatchObject({ aud: AUD, nonce: NONCE, iat: T });
    expect(res.kb?.header).toMatchObject({ typ: 'kb+jwt', alg: 'ES256' });
    const p = res.payload as Record<string, unknown>;
    expect(p['age_over_18']).toBe(true);
    expect(p['nationality']).toBe('CHN');
    expect(p['name']).toBeUndefined();
    expect(p['document_number']).toBeUndefined();
    // The library's own sd_hash check: removing a disclosure after signing breaks it.
    const parts = vp.split('~');
    const cut = [parts[0], ...parts.slice(2)].join('~');
    await expect(verifierLib().verify(cut, { currentDate: T, keyBindingNonce: NONCE })).rejects.toThrow(/sd_hash/);
  });

  it('RFC 9901 §7.3: a presentation made by the library (our credential, its KB-JWT) passes verifyPresentation', async () => {
    const holder = new SDJwtVcInstance({ hasher: digest, kbSigner: es256Signer(keys.deviceEs256), kbSignAlg: 'ES256' });
    const vp = await holder.present(cred.sdJwt, { name: true, age_over_18: true }, { kb: { payload: { iat: T, aud: AUD, nonce: NONCE } } });
    const v = verifyPresentation(vp, { ...ours, holderAlgorithms: ['ES256'], audience: AUD, nonce: NONCE });
    expect(v.disclosed).toEqual({ name: PERSON.name, age_over_18: true });
    expect(v.holderJwk).toEqual(cred.payload.cnf.jwk);
    expect(v.kb).toMatchObject({ aud: AUD, nonce: NONCE, iat: T });
  });

  it('a credential issued by the library in the 网证 layout passes verifyCredential', async () => {
    const lib = new SDJwtVcInstance({ hasher: digest, hashAlg: 'sha-256', saltGenerator: generateSalt, signer: es256Signer(keys.issuerEs256), signAlg: 'ES256' });
    const { kty, crv, x, y } = keys.deviceEs256.publicKey.toJwk();
    const claims = { iss: ISSUER, vct: cred.payload.vct, jti: 'lib-1', netid: NETID, iat: NOW, nbf: NOW, exp: NOW + DAY, cnf: { jwk: { kty, crv, x, y } }, status: { status_list: { idx: 1, uri: STATUS_URI } }, ...PERSON };
    const sdJwt = await lib.issue(claims, { _sd: Object.keys(PERSON) as never }, { header: { kid: keys.issuerEs256.publicKey.thumbprint } });
    const v = verifyCredential(sdJwt, ours);
    expect(v.disclosed).toEqual(PERSON);
    expect(v.payload.jti).toBe('lib-1');
  });
});
