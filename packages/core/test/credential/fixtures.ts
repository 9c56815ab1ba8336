// Shared fixtures for the 网证 tests: an obviously synthetic person, keys, and helpers that
// build credentials and hand-crafted (but validly signed) variants for the negative tests.
import { b64u, generateKey, signJws, type PrivateKey } from '@wangzheng/core/crypto/index';
import { issueCredential, type IdentityClaims, type IssueCredentialOptions, type IssuedCredential } from '@wangzheng/core/credential/index';

export const ISSUER = 'https://wangzheng.example';
export const STATUS_URI = 'https://wangzheng.example/status/1';
export const NETID = 'WANGZHENGE';
/** A fixed "now" so boundary tests are exact (2026-01-01T00:00:00Z). */
export const NOW = 1_767_225_600;
export const DAY = 86_400;

/** 张三 is the Chinese "John Doe"; the document number is visibly fake (XXXX). */
export const PERSON: IdentityClaims = {
  name: '张三',
  sex: 'M',
  birth_date: '1990-03-07',
  nationality: 'CHN',
  document_type: 'resident_id_card',
  document_number: '11010119900307XXXX',
  document_expires: '2036-03-07',
  age_over_14: true,
  age_over_16: true,
  age_over_18: true,
  age_over_60: false,
};

export const keys = {
  issuerSm2: generateKey('SM2'),
  issuerEs256: generateKey('ES256'),
  deviceSm2: generateKey('SM2'),
  deviceEs256: generateKey('ES256'),
  otherEs256: generateKey('ES256'),
};

export function issue(signer: PrivateKey, device: PrivateKey, over: Partial<IssueCredentialOptions> = {}): IssuedCredential {
  return issueCredential({
    signer,
    issuer: ISSUER,
    credentialId: 'cred-0001',
    netid: NETID,
    issuedAt: NOW,
    expiresAt: NOW + 365 * DAY,
    status: { idx: 7, uri: STATUS_URI },
    cnf: device.publicKey.toJwk(),
    claims: PERSON,
    ...over,
  });
}

export const decodeSegment = (seg: string): Record<string, unknown> => JSON.parse(Buffer.from(seg, 'base64url').toString('utf8')) as Record<string, unknown>;

/** Re-signs `payload` with `key` as an issuer JWT (valid signature, whatever the content). */
export function resign(payload: Record<string, unknown>, key: PrivateKey, header: Record<string, unknown> = { typ: 'dc+sd-jwt' }): string {
  return signJws(payload, key, header);
}

/** A disclosure for an arbitrary `[salt, name, value]`, encoded as RFC 9901 §4.2.1 says. */
export const rawDisclosure = (name: string, value: unknown, salt = 'c2FsdHNhbHRzYWx0c2FsdA'): string => b64u(JSON.stringify([salt, name, value]));
