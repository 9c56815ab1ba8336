/**
 * The venue pass (场所码): show a QR code at a venue instead of the ID card; the venue checks it,
 * also offline (docs/venue.md). Portable — no `node:` module, no `Buffer` — so a browser checker
 * page bundles it; Node adapters for the ports are in `@wangzheng/core/venue/node`.
 *
 * - issue.ts    the platform issues a signed 156-byte pass with salted digests of two claims
 * - present.ts  the wallet makes the QR text every 30 s: pass + chosen claims + time + nonce, device-signed
 * - verify.ts   the checker verifies it offline against cached keys and status lists; refuses replays
 * - status.ts   the checker's cache of Token Status Lists (the ttl rule)
 */
export {
  b64uDecode,
  b64uEncode,
  base45Decode,
  base45Encode,
  BASE45_ALPHABET,
} from '../encoding/bytes.ts';
export {
  CLAIM_DIGEST_BYTES,
  CLAIM_SALT_BYTES,
  decodePass,
  decodePresentation,
  MAX_MASKED_NAME_BYTES,
  MAX_PRESENTATION_BYTES,
  MIN_PRESENTATION_BYTES,
  NONCE_BYTES,
  PASS_BYTES,
  suiteAlgs,
  VENUE_CLAIMS,
  VENUE_PASS_VERSION,
  VENUE_PRESENTATION_VERSION,
  VENUE_QR_PREFIX,
  type DecodedPass,
  type DecodedPresentation,
  type RevealedClaim,
  type RevealedClaims,
  type VenueClaimName,
  type VenueClaimValues,
  type VenueHashAlg,
  type VenueSigAlg,
  type VenueSuite,
} from './format.ts';
export { compressJwk, jwkFromCompressed, type VenueDeviceAlg } from './keys.ts';
export {
  claimDigest,
  fitMaskedName,
  issueVenuePass,
  VENUE_PASS_TTL_SECONDS,
  venuePassGrant,
  type IssuedVenuePass,
  type IssueVenuePassOptions,
  type VenuePassGrant,
} from './issue.ts';
export { createVenuePresentation, createVenuePresentationBytes, venueQrText, type CreateVenuePresentationOptions, type VenueDeviceSigner } from './present.ts';
export type { VenueCrypto, VenueReplayCache, VenueSigner, VenueStatus, VenueStatusAnswer, VenueStatusLookup } from './ports.ts';
export { MemoryReplayCache } from './replay.ts';
export { DEFAULT_STATUS_MAX_AGE_SECONDS, statusAt, StatusListCache, verifyStatusListToken, type StatusListError, type VerifiedStatusList } from './status.ts';
export { thumbprintDigest } from './thumbprint.ts';
export {
  MAX_VENUE_QR_CHARS,
  replayKey,
  VENUE_CHECK_CODES,
  VENUE_CHECK_MESSAGES,
  VENUE_CHECK_MESSAGES_ZH,
  VENUE_CLOCK_SKEW_SECONDS,
  VENUE_MAX_AGE_SECONDS,
  VENUE_REFRESH_SECONDS,
  verifyVenuePresentation,
  type VenueCheckCode,
  type VenueCheckResult,
  type VenueRevealed,
  type VerifyVenueOptions,
} from './verify.ts';
