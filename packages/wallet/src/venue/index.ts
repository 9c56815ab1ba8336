/**
 * The venue pass, wallet side (docs/venue.md): fetch a pass from the platform, show it as a QR
 * code that changes every 30 s. Portable (holder ports only).
 */
export {
  checkVenuePass,
  presentVenuePass,
  requestVenuePass,
  VENUE_PASS_DISCLOSURES,
  VENUE_PASS_PATH,
  venuePassNeedsRefresh,
  type PresentVenuePassOptions,
  type VenueClaimName,
  type VenuePassGrant,
  type VenuePlatform,
} from './pass.ts';
