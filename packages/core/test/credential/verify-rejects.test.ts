// What a verifier must refuse (RFC 9901 §7.1, §7.3; draft-ietf-oauth-sd-jwt-vc §3.2; RFC 7515
// / RFC 8725 algorithm rules), each with its exact WzError code — and no error ever quotes a
// claim value. Issuer-side cases run for both suites.
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { b64u, signJws, type PrivateKey, type SigAlg } from '@wangzheng/core/crypto/index';
import { isWzError } from '@wangzheng/core/errors';
import {
  createPresentation,
  sdDigest,
  verifyCredential,
  verifyPresentation,
  type IssuedCredential,
  type SdAlg,
  type VerifyPresentationOptions,
} from '@wangzheng/core/credential/index';
import { DAY, ISSUER, NOW, PERSON, decodeSegment, issue, keys, rawDisclosure, resign } from './fixtures.ts';

const SECRETS = [PERSON.name, PERSON.document_number, PERSON.birth_date, '李四'];

/** The WzError code `f` throws; fails the test if the error text or detail quotes personal data. */
function code(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    if (!isWzError(e)) return `raw:${String(e)}`;
    for (const s of SECRETS) {
      expect(e.message).not.toContain(s);
      expect(e.detail ?? '').not.toContain(s);
      expect(JSON.stringify(e.toJSON())).not.toContain(s);
    }
    return e.code;
  }
  return undefined;
}

const T = NOW + 10;
const withDisclosures = (jwt: string, ds: readonly string[]): string => `${jwt}~${ds.map((d) => `${d}~`).join('')}`;

const suites: { name: string; signer: PrivateKey; device: PrivateKey; alg: SigAlg; sdAlg: SdAlg }[] = [
  { name: 'gm (SM2, sm3)', signer: keys.issuerSm2, device: keys.deviceSm2, alg: 'SM2', sdAlg: 'sm3' },
  { name: 'intl (ES256, sha-256)', signer: keys.issuerEs256, device: keys.deviceEs256, alg: 'ES256', sdAlg: 'sha-256' },
];

for (const s of suites) {
  const cred = issue(s.signer, s.device);
  const opts = { keys: [s.signer.publicKey], algorithms: [s.alg], issuer: ISSUER, now: T };
  const verify = (sdJwt: string, over: Partial<typeof opts> = {}) => () => verifyCredential(sdJwt, { ...opts, ...over });
  const payload = () => structuredClone(cred.payload) as unknown as Record<string, unknown>;
  /** A validly signed credential whose _sd also holds the digests of `extra` disclosures. */
  const withExtraDigests = (extra: string[], p = payload()): string => {
    p['_sd'] = [...(p['_sd'] as string[]), ...extra.map((d) => sdDigest(d, s.sdAlg))].sort();
    return resign(p, s.signer);
  };

  describe(`issuer-signed part — ${s.name}`, () => {
    it('baseline: the untouched credential verifies', () => {
      expect(verifyCredential(cred.sdJwt, opts).disclosed).toEqual(PERSON);
    });

    it('RFC 7515 §5.2: a tampered payload → signature_mismatch', () => {
      const [h, , sig] = cred.issuerJwt.split('.');
      const p = payload();
      p['netid'] = 'WANGZHENGX';
      expect(code(verify(withDisclosures(`${h}.${b64u(JSON.stringify(p))}.${sig}`, cred.disclosures)))).toBe('signature_mismatch');
    });

    it('RFC 7515: a key that did not sign it → signature_mismatch', () => {
      const other = issue(s.alg === 'SM2' ? keys.deviceSm2 : keys.otherEs256, s.device);
      expect(code(verify(other.sdJwt))).toBe('signature_mismatch');
    });

    it('RFC 9901 §7.1 step 3: a disclosure swapped in from another credential → invalid_credential', () => {
      const other = issue(s.signer, s.device);
      const ds = [...cred.disclosures];
      ds[0] = other.disclosures[0]!; // same claim, same value, other salt → other digest
      expect(code(verify(withDisclosures(cred.issuerJwt, ds)))).toBe('invalid_credential');
    });

    it('RFC 9901 §7.1: a disclosure whose digest is not in _sd → invalid_credential', () => {
      expect(code(verify(withDisclosures(cred.issuerJwt, [...cred.disclosures, rawDisclosure('name', '李四')])))).toBe('invalid_credential');
    });

    it('RFC 9901 §7.1 step 4: the same disclosure twice → invalid_credential', () => {
      expect(code(verify(withDisclosures(cred.issuerJwt, [...cred.disclosures, cred.disclosures[2]!])))).toBe('invalid_credential');
    });

    it('RFC 9901 §7.1 step 4: a digest twice in _sd → invalid_credential', () => {
      const p = payload();
      const sd = p['_sd'] as string[];
      p['_sd'] = [...sd, sd[0]!];
      expect(code(verify(withDisclosures(resign(p, s.signer), cred.disclosures)))).toBe('invalid_credential');
    });

    it('RFC 9901 §7.1 / SD-JWT VC §3.2.2.2: a disclosure that sets a reserved or plain claim name → invalid_credential', () => {
      for (const name of ['_sd', '...', '_sd_alg', 'iss', 'cnf', 'exp', 'vct', 'status', 'netid']) {
        const d = rawDisclosure(name, 'x');
        expect(code(verify(withDisclosures(withExtraDigests([d]), [d]))), name).toBe('invalid_credential');
      }
    });

    it('RFC 9901 §7.1: two disclosures for one claim name → invalid_credential', () => {
      const d = rawDisclosure('name', '李四');
      expect(code(verify(withDisclosures(withExtraDigests([d]), [...cred.disclosures, d])))).toBe('invalid_credential');
    });

    it('array-element and nested (object-valued) disclosures are not part of a 网证 → invalid_credential', () => {
      const arrayElem = b64u(JSON.stringify(['c2FsdHNhbHRzYWx0c2FsdA', 'x']));
      const nested = rawDisclosure('address', { _sd: [] });
      for (const d of [arrayElem, nested]) expect(code(verify(withDisclosures(withExtraDigests([d]), [d])))).toBe('invalid_credential');
    });

    it('RFC 9901 §4.1.1: an unknown _sd_alg, or one that does not match the suite → invalid_credential', () => {
      for (const alg of ['md5', 'sha-512', s.sdAlg === 'sm3' ? 'sha-256' : 'sm3', undefined]) {
        const p = payload();
        p['_sd_alg'] = alg;
        expect(code(verify(withDisclosures(resign(p, s.signer), []))), String(alg)).toBe('invalid_credential');
      }
    });

    it('RFC 8725 §3.1: alg none → unsupported_algorithm', () => {
      const [, p] = cred.issuerJwt.split('.');
      for (const alg of ['none', 'None']) {
        expect(code(verify(`${b64u(JSON.stringify({ alg, typ: 'dc+sd-jwt' }))}.${p}.~`))).toBe('unsupported_algorithm');
      }
    });

    it('RFC 8725 §2.1: HS256 with the public key as HMAC secret → unsupported_algorithm', () => {
      const [, p] = cred.issuerJwt.split('.');
      const input = `${b64u(JSON.stringify({ alg: 'HS256', typ: 'dc+sd-jwt' }))}.${p}`;
      const mac = createHmac('sha256', s.signer.publicKey.toPem()).update(input).digest('base64url');
      expect(code(verify(`${input}.${mac}~`))).toBe('unsupported_algorithm');
    });

    it('the verifier decides: a valid credential whose alg is not in the accepted list → unsupported_algorithm', () => {
      const other: SigAlg = s.alg === 'SM2' ? 'ES256' : 'SM2';
      expect(code(verify(cred.sdJwt, { algorithms: [other], keys: [keys.issuerSm2.publicKey, keys.issuerEs256.publicKey] }))).toBe('unsupported_algorithm');
    });

    it('SD-JWT VC §3.2.1: typ other than dc+sd-jwt → invalid_credential', () => {
      for (const typ of ['vc+sd-jwt', 'JWT', 'kb+jwt', undefined]) {
        expect(code(verify(withDisclosures(resign(payload(), s.signer, { typ }), cred.disclosures))), String(typ)).toBe('invalid_credential');
      }
    });

    it('RFC 7519 §4.1.4: exp + 59 s still valid (skew 60 s); exp + 60 s → credential_expired', () => {
      const exp = cred.payload.exp;
      expect(code(verify(cred.sdJwt, { now: exp + 59 }))).toBeUndefined();
      expect(code(verify(cred.sdJwt, { now: exp + 60 }))).toBe('credential_expired');
    });

    it('RFC 7519 §4.1.5: nbf − 60 s valid; nbf − 61 s (not yet valid) → invalid_credential', () => {
      expect(code(verify(cred.sdJwt, { now: NOW - 60 }))).toBeUndefined();
      expect(code(verify(cred.sdJwt, { now: NOW - 61 }))).toBe('invalid_credential');
    });

    it('wrong iss or vct → invalid_credential', () => {
      expect(code(verify(cred.sdJwt, { issuer: 'https://evil.example' }))).toBe('invalid_credential');
      expect(code(() => verifyCredential(cred.sdJwt, { ...opts, vct: 'https://other.example/vct' }))).toBe('invalid_credential');
    });

    it('a presentation (trailing KB-JWT) given to verifyCredential is refused, not stripped → invalid_credential', () => {
      const vp = createPresentation(cred.sdJwt, { disclose: ['name'], holderKey: s.device, audience: 'rp', nonce: 'n', issuedAt: T });
      expect(code(verify(vp))).toBe('invalid_credential');
    });
  });
}

describe('malformed input → invalid_credential', () => {
  const opts = { keys: [keys.issuerEs256.publicKey], algorithms: ['ES256'] as SigAlg[], issuer: ISSUER, now: T };
  it.each([
    ['empty', ''],
    ['no ~', 'a.b.c'],
    ['not a JWS', 'a.b~'],
    ['empty disclosure', `${issue(keys.issuerEs256, keys.deviceEs256).issuerJwt}~~`],
    ['not base64url disclosure', `${issue(keys.issuerEs256, keys.deviceEs256).issuerJwt}~!!~`],
    ['too long', `${'a'.repeat(70_000)}~`],
  ])('%s', (_label, input) => {
    expect(code(() => verifyCredential(input, opts))).toBe('invalid_credential');
  });
});

describe('RFC 9901 §7.3: key binding', () => {
  const cred = issue(keys.issuerEs256, keys.deviceEs256);
  const AUD = 'https://rp.example';
  const NONCE = 'nonce-7f3a';
  const vopts: VerifyPresentationOptions = { keys: [keys.issuerEs256.publicKey], algorithms: ['ES256'], holderAlgorithms: ['ES256', 'SM2'], issuer: ISSUER, audience: AUD, nonce: NONCE, now: T };
  const present = (c: IssuedCredential = cred, over: { issuedAt?: number; holderKey?: PrivateKey } = {}) =>
    createPresentation(c.sdJwt, { disclose: ['name', 'age_over_18'], holderKey: keys.deviceEs256, audience: AUD, nonce: NONCE, issuedAt: T, ...over });
  const check = (vp: string, over: Partial<VerifyPresentationOptions> = {}) => () => verifyPresentation(vp, { ...vopts, ...over });
  const prefix = (vp: string) => vp.slice(0, vp.lastIndexOf('~') + 1);
  /** A hand-made KB-JWT over `withoutKb`. */
  const kbJwt = (withoutKb: string, key: PrivateKey, claims: Record<string, unknown> = {}, header: Record<string, unknown> = { typ: 'kb+jwt' }) =>
    signJws({ iat: T, aud: AUD, nonce: NONCE, sd_hash: sdDigest(withoutKb, 'sha-256'), ...claims }, key, header);

  it('baseline: our presentation verifies and returns the holder JWK', () => {
    const v = verifyPresentation(present(), vopts);
    expect(v.disclosed).toEqual({ name: PERSON.name, age_over_18: true });
    expect(v.holderJwk).toEqual(cred.payload.cnf.jwk);
  });

  it('no KB-JWT (an SD-JWT without key binding) → invalid_presentation', () => {
    expect(code(check(cred.sdJwt))).toBe('invalid_presentation');
  });

  it('wrong aud → invalid_presentation', () => {
    expect(code(check(present(), { audience: 'https://other-rp.example' }))).toBe('invalid_presentation');
  });

  it('wrong nonce → invalid_presentation', () => {
    expect(code(check(present(), { nonce: 'nonce-replayed' }))).toBe('invalid_presentation');
  });

  it('iat 300 s old is accepted, 301 s is stale → invalid_presentation; maxAgeSeconds is honoured', () => {
    expect(code(check(present(cred, { issuedAt: T - 300 })))).toBeUndefined();
    expect(code(check(present(cred, { issuedAt: T - 301 })))).toBe('invalid_presentation');
    expect(code(check(present(cred, { issuedAt: T - 301 }), { maxAgeSeconds: 600 }))).toBeUndefined();
  });

  it('iat more than 60 s in the future → invalid_presentation', () => {
    expect(code(check(present(cred, { issuedAt: T + 60 })))).toBeUndefined();
    expect(code(check(present(cred, { issuedAt: T + 61 })))).toBe('invalid_presentation');
  });

  it('KB-JWT signed by a key other than cnf.jwk (same or other alg) → invalid_presentation', () => {
    for (const key of [keys.otherEs256, keys.deviceSm2]) {
      const w = prefix(present());
      expect(code(check(w + kbJwt(w, key))), key.alg).toBe('invalid_presentation');
    }
  });

  it('sd_hash mismatch: a disclosure removed (or added) after the KB-JWT was signed → invalid_presentation', () => {
    const vp = present();
    const parts = vp.split('~');
    const removed = [parts[0], ...parts.slice(2)].join('~');
    expect(code(check(removed))).toBe('invalid_presentation');
    const added = `${prefix(vp)}${cred.disclosures[3]}~${parts[parts.length - 1]}`;
    expect(code(check(added))).toBe('invalid_presentation');
  });

  it('KB-JWT typ other than kb+jwt, alg not in holderAlgorithms, or alg none → invalid_presentation', () => {
    const w = prefix(present());
    expect(code(check(w + kbJwt(w, keys.deviceEs256, {}, { typ: 'JWT' })))).toBe('invalid_presentation');
    expect(code(check(present(), { holderAlgorithms: ['SM2'] }))).toBe('invalid_presentation');
    const [, kp] = kbJwt(w, keys.deviceEs256).split('.');
    expect(code(check(`${w}${b64u(JSON.stringify({ alg: 'none', typ: 'kb+jwt' }))}.${kp}.`))).toBe('invalid_presentation');
  });

  it('KB-JWT without iat or with a non-string aud → invalid_presentation', () => {
    const w = prefix(present());
    expect(code(check(w + kbJwt(w, keys.deviceEs256, { iat: undefined })))).toBe('invalid_presentation');
    expect(code(check(w + kbJwt(w, keys.deviceEs256, { aud: [AUD] })))).toBe('invalid_presentation');
  });

  it('issuer-side failures inside a presentation keep their own codes', () => {
    expect(code(check(present(), { now: NOW + 400 * DAY }))).toBe('credential_expired');
    expect(code(check(present(), { algorithms: ['SM2'] }))).toBe('unsupported_algorithm');
    const forged = issue(keys.otherEs256, keys.deviceEs256);
    expect(code(check(present(forged)))).toBe('signature_mismatch');
  });

  it('a presentation built by a holder with a stolen credential and their own key → invalid_presentation', () => {
    expect(code(check(present(cred, { holderKey: keys.otherEs256 })))).toBe('invalid_presentation');
  });

  it('holder side: a claim the credential lacks → invalid_request', () => {
    const noSixty = issue(keys.issuerEs256, keys.deviceEs256, { claims: { ...PERSON, age_over_60: undefined } });
    expect(code(() => createPresentation(noSixty.sdJwt, { disclose: ['age_over_60'], holderKey: keys.deviceEs256, audience: AUD, nonce: NONCE }))).toBe('invalid_request');
  });

  it('the KB-JWT payload is exactly { iat, aud, nonce, sd_hash }', () => {
    const vp = present();
    const [kh, kp] = vp.slice(vp.lastIndexOf('~') + 1).split('.') as [string, string];
    expect(decodeSegment(kh)).toMatchObject({ typ: 'kb+jwt', alg: 'ES256' });
    expect(Object.keys(decodeSegment(kp)).sort()).toEqual(['aud', 'iat', 'nonce', 'sd_hash']);
  });
});
