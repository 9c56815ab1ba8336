/**
 * The 网证 credential format: an SD-JWT VC signed by the platform, bound to a device key,
 * holding identity attributes only as selectively-disclosable digests. Pure code, no I/O.
 * Import from `@wangzheng/core/credential/index`; the format is in docs/credential.md.
 */
export {
  CLOCK_SKEW_SECONDS,
  IDENTITY_CLAIM_NAMES,
  KB_JWT_TYP,
  NETID_VCT,
  PLAIN_CLAIM_NAMES,
  RESERVED_CLAIM_NAMES,
  SD_JWT_VC_TYP,
  type CredentialAlg,
  type CredentialHeader,
  type CredentialPayload,
  type IdentityClaimName,
  type IdentityClaims,
  type SdAlg,
  type SignedCredentialPayload,
  type StatusReference,
} from './types.ts';
export { SALT_BYTES, createDisclosure, decodeDisclosure, decoyDigests, hashFor, sdAlgFor, sdDigest, type Disclosure } from './disclosure.ts';
export { issueCredential, type IssueCredentialOptions, type IssuedCredential } from './issue.ts';
export { MAX_COMPACT_LENGTH, splitCompact, type CompactParts } from './compact.ts';
export { verifyCredential, type VerifiedCredential, type VerifyCredentialOptions } from './verify.ts';
export {
  DEFAULT_MAX_AGE_SECONDS,
  createPresentation,
  presentedCredentialId,
  verifyPresentation,
  type CreatePresentationOptions,
  type KeyBindingClaims,
  type VerifiedPresentation,
  type VerifyPresentationOptions,
} from './present.ts';
