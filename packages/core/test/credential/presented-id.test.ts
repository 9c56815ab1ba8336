// `presentedCredentialId`: the unverified `jti` a presentation names — what the platform reads
// its row by before verifying. It must agree with what verification finds, and never throw.
import { describe, expect, it } from 'vitest';
import { createPresentation, presentedCredentialId, verifyPresentation } from '@wangzheng/core/credential/index';
import { b64u } from '@wangzheng/core/crypto/index';
import { ISSUER, NOW, issue, keys } from './fixtures.ts';

describe('presentedCredentialId', () => {
  const cred = issue(keys.issuerSm2, keys.deviceSm2);
  const vp = createPresentation(cred.sdJwt, { disclose: [], holderKey: keys.deviceSm2, audience: ISSUER, nonce: 'n-1', issuedAt: NOW });

  it('is the jti that verification finds', () => {
    const id = presentedCredentialId(vp);
    expect(id).toBeTypeOf('string');
    const v = verifyPresentation(vp, { keys: [keys.issuerSm2.publicKey], algorithms: ['SM2'], holderAlgorithms: ['SM2'], issuer: ISSUER, audience: ISSUER, nonce: 'n-1', now: NOW });
    expect(v.payload.jti).toBe(id);
    expect(presentedCredentialId(cred.sdJwt)).toBe(id);
  });

  it('none for anything malformed, without throwing', () => {
    const [, payload, sig] = cred.sdJwt.split('~')[0]!.split('.');
    const header = b64u(JSON.stringify({ alg: 'SM2' }));
    for (const bad of [
      undefined,
      42,
      '',
      'no-separator',
      '~',
      `a.b.c~`,
      `${header}.${b64u(JSON.stringify({ jti: 7 }))}.${sig}~`,
      `${header}.${b64u(JSON.stringify(['jti']))}.${sig}~`,
      `${header}.${b64u('\u00ff{')}.${sig}~`,
      `${header}.${payload}.${sig}~${'x'.repeat(70_000)}~`,
    ]) {
      expect(presentedCredentialId(bad)).toBeUndefined();
    }
  });
});
