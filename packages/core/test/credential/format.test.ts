// The 网证 layout as issued: SD-JWT (RFC 9901) disclosures and digests, SD-JWT VC header and
// plain claims (draft-ietf-oauth-sd-jwt-vc), cnf (RFC 7800) and the Token Status List reference.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { IDENTITY_CLAIM_NAMES, NETID_VCT, decodeDisclosure, verifyCredential } from '@wangzheng/core/credential/index';
import { DAY, ISSUER, NETID, NOW, PERSON, STATUS_URI, decodeSegment, issue, keys } from './fixtures.ts';

const cred = issue(keys.issuerEs256, keys.deviceEs256);
const [h64, p64] = cred.issuerJwt.split('.') as [string, string];
const header = decodeSegment(h64);
const payload = decodeSegment(p64);

describe('SD-JWT VC header and plain claims', () => {
  it('draft-ietf-oauth-sd-jwt-vc §3.2.1: header is { alg, typ: "dc+sd-jwt", kid = signer thumbprint }', () => {
    expect(header).toEqual({ alg: 'ES256', typ: 'dc+sd-jwt', kid: keys.issuerEs256.publicKey.thumbprint });
  });

  it('plain claims are exactly iss, vct, jti, netid, iat, nbf, exp, cnf, status, _sd, _sd_alg', () => {
    expect(Object.keys(payload).sort()).toEqual(['_sd', '_sd_alg', 'cnf', 'exp', 'iat', 'iss', 'jti', 'nbf', 'netid', 'status', 'vct'].sort());
    expect(payload).toMatchObject({ iss: ISSUER, vct: NETID_VCT, jti: 'cred-0001', netid: NETID, iat: NOW, nbf: NOW, exp: NOW + 365 * DAY, _sd_alg: 'sha-256' });
  });

  it('vct can be overridden', () => {
    const c = issue(keys.issuerEs256, keys.deviceEs256, { vct: 'https://wangzheng.example/credentials/netid/v2' });
    expect(c.payload.vct).toBe('https://wangzheng.example/credentials/netid/v2');
  });

  it('RFC 7800 §3.2: cnf.jwk is the device key, public members only (kty, crv, x, y)', () => {
    const d = keys.deviceEs256.publicKey.toJwk();
    expect(payload['cnf']).toEqual({ jwk: { kty: d.kty, crv: d.crv, x: d.x, y: d.y } });
  });

  it('Token Status List §6.1: status = { status_list: { idx, uri } }', () => {
    expect(payload['status']).toEqual({ status_list: { idx: 7, uri: STATUS_URI } });
  });

  it('a private JWK given as cnf is refused (invalid_key)', () => {
    const leaky = { ...keys.deviceEs256.publicKey.toJwk(), d: 'AAAA' };
    expect(() => issue(keys.issuerEs256, keys.deviceEs256, { cnf: leaky })).toThrow(expect.objectContaining({ code: 'invalid_key' }));
  });
});

describe('RFC 9901 §4.2: disclosures and digests', () => {
  it('§4.2.1: every identity claim is a digest in the top-level _sd — none in plain text', () => {
    const text = Buffer.from(p64, 'base64url').toString('utf8');
    for (const name of IDENTITY_CLAIM_NAMES) expect(text).not.toContain(`"${name}"`);
    for (const v of [PERSON.name, PERSON.document_number, PERSON.birth_date, PERSON.nationality, PERSON.document_type, PERSON.document_expires as string]) {
      expect(text).not.toContain(v);
    }
    const digests = Object.values(cred.digests);
    expect(digests).toHaveLength(IDENTITY_CLAIM_NAMES.length);
    for (const d of digests) expect(payload['_sd']).toContain(d);
  });

  it('§4.2.1: a disclosure is base64url(JSON([salt, name, value])) with a 16-byte salt', () => {
    expect(cred.disclosures).toHaveLength(IDENTITY_CLAIM_NAMES.length);
    cred.disclosures.forEach((enc, i) => {
      const arr = JSON.parse(Buffer.from(enc, 'base64url').toString('utf8')) as unknown[];
      expect(arr).toHaveLength(3);
      expect(Buffer.from(arr[0] as string, 'base64url')).toHaveLength(16);
      expect(arr[1]).toBe(IDENTITY_CLAIM_NAMES[i]);
      expect(arr[2]).toEqual(PERSON[IDENTITY_CLAIM_NAMES[i]!]);
    });
  });

  it('§4.2.3: digest = base64url(SHA-256(ASCII(disclosure))) for _sd_alg sha-256', () => {
    const enc = cred.disclosures[0]!;
    expect(cred.digests.name).toBe(createHash('sha256').update(enc, 'ascii').digest('base64url'));
    expect(decodeDisclosure(enc).name).toBe('name');
  });

  it('§4.2.5: decoys pad _sd to 12–15 entries whatever the claim count; _sd is sorted', () => {
    const sd = payload['_sd'] as string[];
    expect(sd.length).toBe(IDENTITY_CLAIM_NAMES.length + cred.decoys);
    expect(sd.length).toBeGreaterThanOrEqual(12);
    expect(sd.length).toBeLessThanOrEqual(15);
    expect([...sd].sort()).toEqual(sd);
    const { age_over_60: _a, document_expires: _e, ...fewer } = PERSON;
    const lengths = new Set<number>();
    for (let i = 0; i < 16; i++) {
      const c = issue(keys.issuerEs256, keys.deviceEs256, { claims: fewer });
      expect(c.disclosures).toHaveLength(9);
      lengths.add(c.payload._sd.length);
      expect(c.payload._sd.length).toBeGreaterThanOrEqual(12);
      expect(c.payload._sd.length).toBeLessThanOrEqual(15);
    }
    expect(lengths.size).toBeGreaterThan(1); // random, not a fixed pad
  });

  it('document_expires: null (long-term document) is disclosed as null; absent claims get no disclosure', () => {
    const c = issue(keys.issuerEs256, keys.deviceEs256, { claims: { ...PERSON, document_expires: null, age_over_60: undefined } });
    const v = verifyCredential(c.sdJwt, { keys: [keys.issuerEs256.publicKey], algorithms: ['ES256'], issuer: ISSUER, now: NOW });
    expect(v.disclosed['document_expires']).toBeNull();
    expect('age_over_60' in v.disclosed).toBe(false);
  });

  it('malformed claims are a programming error (TypeError) whose message names the claim, not its value', () => {
    const bad = { ...PERSON, birth_date: '1990-02-30' };
    expect(() => issue(keys.issuerEs256, keys.deviceEs256, { claims: bad })).toThrow(/claim birth_date is missing or malformed/);
    expect(() => issue(keys.issuerEs256, keys.deviceEs256, { claims: { ...PERSON, sex: 'X' as 'M' } })).toThrow(TypeError);
    expect(() => issue(keys.issuerEs256, keys.deviceEs256, { netid: 'WANGZHENGA' })).toThrow(TypeError);
    expect(() => issue(keys.issuerEs256, keys.deviceEs256, { claims: { ...PERSON, extra: 1 } as never })).toThrow(/unknown claim/);
  });

  it('the SD-JWT is issuerJwt~disclosure~…~ (RFC 9901 §4, no KB-JWT)', () => {
    expect(cred.sdJwt).toBe(`${cred.issuerJwt}~${cred.disclosures.join('~')}~`);
  });
});
