// Issue 3, done-when: a 网证 issued by a real enrollment on the intl suite is decoded and
// verified by an independent SD-JWT implementation (@sd-jwt/sd-jwt-vc), with the platform's
// public key taken from its JWKS endpoint and the status from its Token Status List endpoint
// (both fetched over HTTP): signature, `cnf` binding, status, and no identity value outside
// the disclosures. Then revocation by re-enrollment shows up in the status list.
import { createPublicKey, verify as nodeVerify, type JsonWebKey } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { SDJwtVcInstance } from '@sd-jwt/sd-jwt-vc';
import { digest } from '@sd-jwt/crypto-nodejs';
import type { Issued } from '@wangzheng/wallet/enroll/enroll';
import { describeEachEngine } from '../support/engines.ts';
import { ADULT, deviceKey, startPlatform, startRegistry, VALID_DOC, type Harness, type SharedRegistry } from './harness.ts';

let reg: SharedRegistry;
beforeAll(async () => {
  reg = await startRegistry();
});
afterAll(async () => reg?.close());

function es256(jwk: unknown, data: string, sig: string): boolean {
  return nodeVerify('sha256', Buffer.from(data), { key: createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' }), dsaEncoding: 'ieee-p1363' }, Buffer.from(sig, 'base64url'));
}

describeEachEngine('the 网证 read by @sd-jwt/sd-jwt-vc (intl suite)', (engine) => {
  let h: Harness;
  let issued: Issued;
  const key = deviceKey('intl');
  let person: { name: string; birthDate: string; documentNumber: string; documentType: string };
  let verifier: SDJwtVcInstance;

  beforeAll(async () => {
    h = await startPlatform(engine, reg, { suite: 'intl' });
    person = reg.people(`d.type = 'resident_id_card' AND ${VALID_DOC} AND ${ADULT}`, [], 1)[0]!;
    issued = (await h.enroll(person, { deviceKey: key })) as Issued;
    const jwks = (await (await fetch(`${h.url}/.well-known/jwks.json`)).json()) as { keys: { alg: string; kid: string }[] };
    const platformKey = jwks.keys.find((k) => k.alg === 'ES256');
    verifier = new SDJwtVcInstance({
      hasher: digest,
      verifier: (data, sig) => es256(platformKey, data, sig),
      kbVerifier: (data, sig, payload) => es256((payload['cnf'] as { jwk: unknown }).jwk, data, sig),
      // The library follows the credential's status reference; we point it at our server.
      statusListFetcher: async (uri) => {
        expect(uri.startsWith(h.platform.deps.issuer)).toBe(true);
        const r = await fetch(`${h.url}${new URL(uri).pathname}`);
        expect(r.headers.get('content-type')).toContain('application/statuslist+jwt');
        return r.text();
      },
    });
  });
  afterAll(async () => h?.close());

  it('verifies the platform signature, the status (valid) and reconstructs exactly the identity claims', async () => {
    const r = await verifier.verify(issued.credential);
    expect(r.header?.['alg']).toBe('ES256');
    expect(r.payload['netid']).toBe(issued.netid);
    expect(r.payload['name']).toBe(person.name);
    expect(r.payload['birth_date']).toBe(person.birthDate);
    expect(r.payload['document_number']).toBe(person.documentNumber);
    expect(r.payload['age_over_18']).toBe(true);
  });

  it('cnf binds the credential to the enrolling device key', async () => {
    const r = await verifier.verify(issued.credential);
    const { kty, crv, x, y } = key.publicKey.toJwk();
    expect(r.payload['cnf']).toEqual({ jwk: { kty, crv, x, y } });
  });

  it('no identity value appears in the issuer-signed part, only in the disclosures', async () => {
    const signed = issued.credential.split('~')[0]!;
    const text = signed.split('.').slice(0, 2).map((s) => Buffer.from(s, 'base64url').toString('utf8')).join('');
    for (const v of [person.name, person.birthDate, person.documentNumber, person.documentType]) expect(text).not.toContain(v);
    const claims = (await verifier.verify(issued.credential)).payload;
    expect(Object.keys(JSON.parse(Buffer.from(signed.split('.')[1]!, 'base64url').toString('utf8'))).sort()).toEqual(
      ['_sd', '_sd_alg', 'cnf', 'exp', 'iat', 'iss', 'jti', 'nbf', 'netid', 'status', 'vct'].sort(),
    );
    expect(claims['_sd_alg']).toBeUndefined();
  });

  it('after re-enrollment the old 网证 is revoked in the status list, and the library refuses it', async () => {
    const again = (await h.enroll(person, { deviceKey: deviceKey('intl') })) as Issued;
    expect(again.netid).toBe(issued.netid);
    await expect(verifier.verify(issued.credential)).rejects.toThrow(/status/i);
    await expect(verifier.verify(again.credential)).resolves.toBeDefined();
  });
});
