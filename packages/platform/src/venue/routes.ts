/**
 * The venue pass over HTTP (docs/venue.md):
 *
 *   POST /v1/me/venue-pass   { nonce, presentation }   → { pass, issuedAt, expiresAt, claims: { age_over_18: { salt, value }, masked_name: { salt, value } } }
 *
 * A `/v1/me` bound request (person/auth.ts) whose presentation discloses exactly `age_over_18` and
 * `name`. Strict schema (an unknown field is `invalid_request`), checked before authentication;
 * the answer is `cache-control: no-store` (salts and values are for this wallet only).
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { parseBody } from '@wangzheng/core/http-errors';
import { VENUE_PASS_PATH, VenuePasses, type VenuePassDeps } from './service.ts';

export const venueSchemas = {
  pass: z.strictObject({ nonce: z.string().max(128), presentation: z.string().max(16_384) }),
};

export function registerVenueRoutes(app: FastifyInstance, deps: VenuePassDeps): VenuePasses {
  const passes = new VenuePasses(deps);
  app.post(VENUE_PASS_PATH, async (req, reply) => {
    void reply.header('cache-control', 'no-store');
    parseBody(venueSchemas.pass, req.body);
    return passes.request(req.body as Record<string, unknown>);
  });
  return passes;
}
