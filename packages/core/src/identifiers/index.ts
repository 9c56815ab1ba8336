/**
 * Identifiers: the 网号 (NetID number), its keyed collision-free derivation, the per-RP
 * application identifier, and the secret rings their keys live in. See docs/identifiers.md.
 */

export { ALPHABET, RADIX } from './alphabet.ts';
export { CHECK_WEIGHTS, checkValue } from './check.ts';
export {
  NETID_LENGTH,
  NETID_DATA_LENGTH,
  NETID_SPACE,
  parseNetid,
  isValidNetid,
  formatNetid,
  netidFromValue,
  netidValue,
  type Netid,
} from './netid.ts';
export { MIN_KEY_BYTES, NETID_LABEL, APP_ID_LABEL } from './derive.ts';
export {
  allocateUnique,
  DEFAULT_MAX_ATTEMPTS,
  type Allocation,
  type AllocateUniqueOptions,
  type IsTaken,
} from './allocate.ts';
export {
  allocateNetid,
  deriveNetidCandidate,
  netidCandidateValue,
  type AllocateNetidOptions,
  type NetidAllocation,
} from './netid-derivation.ts';
export {
  APP_ID_PREFIX,
  APP_ID_LENGTH,
  deriveAppId,
  isAppId,
  matchAppId,
  type AppId,
  type DeriveAppIdOptions,
  type MatchAppIdOptions,
} from './app-id.ts';
export {
  MIN_SECRET_BYTES,
  secretRing,
  parseSecretRing,
  currentSecret,
  generateSecretEntry,
  type Secret,
  type SecretRing,
  type SecretRingOptions,
} from './secret-ring.ts';
