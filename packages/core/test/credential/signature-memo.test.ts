// The issuer-signature memo: a 网证 presented again skips only its issuer signature check;
// everything else (expiry, key binding, disclosures, the key still being trusted) is checked
// every time, and a token that differs in any character is verified from scratch.
import { describe, expect, it } from 'vitest';
import { LruMap, SignatureMemo, importPublicKey, type PublicKey } from '@wangzheng/core/crypto/index';
import { createPresentation, verifyCredential, verifyPresentation } from '@wangzheng/core/credential/index';
import { DAY, ISSUER, NOW, issue, keys } from './fixtures.ts';

const cred = issue(keys.issuerSm2, keys.deviceSm2);

/** The issuer's public key, wrapped so that the test sees every signature computation. */
function countingKey(): { key: PublicKey; calls: () => number } {
  const real = keys.issuerSm2.publicKey;
  let n = 0;
  const key: PublicKey = Object.create(real, {
    verify: { value: (...a: Parameters<PublicKey['verify']>) => ((n += 1), real.verify(...a)) },
    alg: { value: real.alg },
    thumbprint: { value: real.thumbprint },
  }) as PublicKey;
  return { key, calls: () => n };
}

const present = (nonce: string): string => createPresentation(cred.sdJwt, { disclose: ['age_over_18'], holderKey: keys.deviceSm2, audience: ISSUER, nonce, issuedAt: NOW + 5 });

describe('SignatureMemo with verifyPresentation', () => {
  it('verifies the issuer signature once for the same 网证, and the key binding every time', () => {
    const { key, calls } = countingKey();
    const memo = new SignatureMemo<PublicKey>();
    const opts = (nonce: string) => ({ keys: [key], algorithms: ['SM2'] as const, holderAlgorithms: ['SM2'] as const, issuer: ISSUER, audience: ISSUER, nonce, now: NOW + 10, memo });
    for (const nonce of ['n-1', 'n-2', 'n-3']) {
      expect(verifyPresentation(present(nonce), opts(nonce)).disclosed).toEqual({ age_over_18: true });
    }
    expect(calls()).toBe(1);
    expect(memo.stats()).toMatchObject({ hits: 2, misses: 1, size: 1 });
    // The key binding is still checked: a wrong nonce fails although the credential is remembered.
    expect(() => verifyPresentation(present('n-4'), opts('n-other'))).toThrow(expect.objectContaining({ code: 'invalid_presentation' }));
  });

  it('still refuses a remembered 网证 once it has expired', () => {
    const memo = new SignatureMemo<PublicKey>();
    const base = { keys: [keys.issuerSm2.publicKey], algorithms: ['SM2'] as const, issuer: ISSUER, memo };
    expect(verifyCredential(cred.sdJwt, { ...base, now: NOW + 10 }).payload.jti).toBe('cred-0001');
    expect(() => verifyCredential(cred.sdJwt, { ...base, now: NOW + 366 * DAY })).toThrow(expect.objectContaining({ code: 'credential_expired' }));
  });

  it('does not vouch for a token under a key the caller no longer trusts', () => {
    const memo = new SignatureMemo<PublicKey>();
    const trusted = { keys: [keys.issuerSm2.publicKey], algorithms: ['SM2'] as const, issuer: ISSUER, now: NOW + 10, memo };
    verifyCredential(cred.sdJwt, trusted);
    // Same token, another (unrelated) key: the memo's key is not among them, so the signature is computed and fails.
    const other = keys.deviceSm2.publicKey;
    expect(() => verifyCredential(cred.sdJwt, { ...trusted, keys: [other] })).toThrow(expect.objectContaining({ code: 'signature_mismatch' }));
  });

  it('verifies from scratch a token that differs in one character, and never remembers a failure', () => {
    const { key, calls } = countingKey();
    const memo = new SignatureMemo<PublicKey>();
    const opts = { keys: [key], algorithms: ['SM2'] as const, issuer: ISSUER, now: NOW + 10, memo };
    verifyCredential(cred.sdJwt, opts);
    const [h, p, s] = cred.issuerJwt.split('.') as [string, string, string];
    const flipped = `${s.slice(0, 10)}${s[10] === 'A' ? 'B' : 'A'}${s.slice(11)}`;
    const forged = cred.sdJwt.replace(cred.issuerJwt, `${h}.${p}.${flipped}`);
    expect(forged).not.toBe(cred.sdJwt);
    for (let i = 0; i < 2; i++) expect(() => verifyCredential(forged, opts)).toThrow(expect.objectContaining({ code: 'signature_mismatch' }));
    expect(calls()).toBe(3);
    expect(memo.stats().size).toBe(1);
  });
});

describe('LruMap', () => {
  it('keeps at most max entries and drops the least recently used', () => {
    const m = new LruMap<string, number>(2);
    m.set('a', 1);
    m.set('b', 2);
    expect(m.get('a')).toBe(1); // a is now the most recent
    m.set('c', 3);
    expect(m.get('b')).toBeUndefined();
    expect(m.get('a')).toBe(1);
    expect(m.get('c')).toBe(3);
    expect(m.size).toBe(2);
  });
});

describe('importPublicKey of a JWK', () => {
  it('returns the validated key for the same material, and still checks alg and private parts', () => {
    const jwk = keys.deviceSm2.publicKey.toJwk();
    expect(importPublicKey({ ...jwk })).toBe(importPublicKey({ ...jwk }));
    expect(() => importPublicKey({ ...jwk, alg: 'ES256' } as typeof jwk)).toThrow(expect.objectContaining({ code: 'invalid_key' }));
    expect(() => importPublicKey({ ...jwk, d: 'AAAA' } as typeof jwk)).toThrow(expect.objectContaining({ code: 'invalid_key' }));
    const bad = { ...jwk, y: jwk.y!.slice(0, -2) + (jwk.y!.endsWith('AA') ? 'AB' : 'AA') };
    expect(() => importPublicKey(bad)).toThrow(expect.objectContaining({ code: 'invalid_key' }));
  });
});
