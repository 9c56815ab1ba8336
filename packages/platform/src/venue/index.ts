/**
 * Venue passes (场所码): the platform side — `POST /v1/me/venue-pass` issues the wallet a signed
 * pass that venues check offline (docs/venue.md; the format and the checker are in
 * @wangzheng/core/venue).
 */
export { registerVenueRoutes, venueSchemas } from './routes.ts';
export { VENUE_PASS_DISCLOSURES, VENUE_PASS_EVENT, VENUE_PASS_PATH, VenuePasses, type VenuePassDeps, type VenuePassEventDetails } from './service.ts';
