/**
 * The 网证 (network identity credential) claim layout: names, types and constants only.
 * Format: an SD-JWT VC (draft-ietf-oauth-sd-jwt-vc over RFC 9901 SD-JWT), see docs/credential.md.
 *
 * Trust: nothing here verifies anything. A value typed `CredentialPayload` has been checked
 * by verify.ts only when it came out of `verifyCredential` / `verifyPresentation`.
 */
import type { PublicJwk, SigAlg } from '../crypto/types.ts';
import type { DocumentType } from '../documents/document-types.ts';

/** The default credential type (`vct`) of a 网证. */
export const NETID_VCT = 'https://wangzheng.example/credentials/netid/v1';

/** Header `typ` of the issuer-signed JWT (SD-JWT VC draft, §3.2.1). */
export const SD_JWT_VC_TYP = 'dc+sd-jwt';

/** Header `typ` of the Key Binding JWT (RFC 9901 §4.3). */
export const KB_JWT_TYP = 'kb+jwt';

/** Clock skew tolerated on `iat`, `nbf`, `exp` and the KB-JWT `iat`, in seconds. */
export const CLOCK_SKEW_SECONDS = 60;

/**
 * `_sd_alg` values: `sha-256` (IANA Named Information Hash registry) for the intl suite,
 * `sm3` (GB/T 32905; NOT registered, see docs/crypto.md) for the gm suite.
 */
export type SdAlg = 'sm3' | 'sha-256';

/** Issuer signature algorithms a 网证 may carry: SM2 (gm) or ES256 (intl). */
export type CredentialAlg = Extract<SigAlg, 'SM2' | 'ES256'>;

/**
 * Identity claims. In the issuer-signed JWT every one of them is ONLY a digest in the
 * top-level `_sd` array; the values travel in disclosures the holder chooses to attach.
 */
export interface IdentityClaims {
  /** Full name as on the document. */
  name: string;
  /** As on the document: `M` or `F`. */
  sex: 'M' | 'F';
  /** `YYYY-MM-DD`. */
  birth_date: string;
  /** ISO 3166-1 alpha-3, as in an MRZ (`CHN`). */
  nationality: string;
  /** One of the eight legal document types (documents/document-types.ts). */
  document_type: DocumentType;
  document_number: string;
  /** `YYYY-MM-DD`; `null` for a long-term (长期) document; absent when not recorded. */
  document_expires?: string | null;
  age_over_14: boolean;
  age_over_16: boolean;
  age_over_18: boolean;
  /** Absent when the issuer does not assert it. */
  age_over_60?: boolean;
}

export type IdentityClaimName = keyof IdentityClaims;

/** Every identity claim name, in the order disclosures are created. */
export const IDENTITY_CLAIM_NAMES: readonly IdentityClaimName[] = [
  'name',
  'sex',
  'birth_date',
  'nationality',
  'document_type',
  'document_number',
  'document_expires',
  'age_over_14',
  'age_over_16',
  'age_over_18',
  'age_over_60',
];

/** Token Status List reference (draft-ietf-oauth-status-list §6.1). */
export interface StatusReference {
  status_list: { idx: number; uri: string };
}

/** The plain (always visible) claims of the issuer-signed JWT. Nothing identity-related. */
export interface CredentialPayload {
  iss: string;
  vct: string;
  /** Credential id (for status, audit, re-issuance). */
  jti: string;
  /** The 网号, canonical form. Carries no identity data by construction (docs/identifiers.md). */
  netid: string;
  iat: number;
  nbf: number;
  exp: number;
  /** The device key the credential is bound to: public members only. */
  cnf: { jwk: PublicJwk };
  status: StatusReference;
}

/** The issuer-signed JWT payload as signed: plain claims plus the digests. */
export interface SignedCredentialPayload extends CredentialPayload {
  _sd: string[];
  _sd_alg: SdAlg;
}

export interface CredentialHeader {
  typ: typeof SD_JWT_VC_TYP;
  alg: CredentialAlg;
  kid: string;
}

/** Plain claim names (in the order they are written). */
export const PLAIN_CLAIM_NAMES = ['iss', 'vct', 'jti', 'netid', 'iat', 'nbf', 'exp', 'cnf', 'status'] as const;

/**
 * Names a disclosure may never set: SD-JWT's own (`_sd`, `...`, `_sd_alg`, `sd_hash`),
 * those SD-JWT VC forbids disclosing (§3.2.2.2: `iss`, `nbf`, `exp`, `cnf`, `vct`,
 * `vct#integrity`, `status`), JWT registered claims, and our plain claims.
 */
export const RESERVED_CLAIM_NAMES: ReadonlySet<string> = new Set([
  '_sd',
  '...',
  '_sd_alg',
  'sd_hash',
  'vct#integrity',
  'sub',
  'aud',
  ...PLAIN_CLAIM_NAMES,
]);
