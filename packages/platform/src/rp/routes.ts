/**
 * Relying parties over HTTP (docs/relying-parties.md):
 *
 *   POST /v1/rp/applications                 public: apply → 201 { clientId, status: pending, clientSecret? }
 *   GET  /v1/rp/clients/:clientId            the RP itself (client authentication): its own record
 *   PUT  /v1/rp/clients/:clientId/jwks       the RP itself: register its private_key_jwt keys { jwks, tokenEndpointAuthMethod? }
 *   GET  /v1/rp/clients/:clientId/requests   the RP itself: its request log, newest first (?limit&after)
 *   GET  /v1/rp/clients/:clientId/delivery   the RP itself: its Shared Signals stream's delivery counters
 *   POST /v1/rp/sandbox                      development mode only: an approved sandbox RP (404 otherwise)
 *
 * The operator's side (approval queue, decisions) is admin/rp-routes.ts.
 *
 * Bodies are strict schemas (unknown fields refused) checked for types and sizes here; the
 * registration rules, with their own error codes, are the service's. Every answer is
 * `no-store` (a client secret appears in exactly one of them). Nothing from a body is logged.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { isWzError, WzError } from '@wangzheng/core/errors';
import { parseBody } from '@wangzheng/core/http-errors';
import { CLIENT_AUTH_METHODS, ID_TOKEN_ALGS, RP_CATEGORIES, RP_STATUSES, type RelyingParty } from '@wangzheng/core/rp/types';
import type { RelyingPartyRecord } from '../store/index.ts';
import { challengeOnFailure } from '../http/challenge.ts';
import { clientCredentialsFrom, type ClientAuthenticator } from './client-auth.ts';
import { REQUEST_CURSOR, type RpSelfService } from './self-service.ts';
import { publicRecord, type RelyingPartyService } from './service.ts';
import { noStore } from '../http/no-store.ts';

/** Free text shown to people or operators: NFC, trimmed, 1..max characters, no control characters. */
const text = (max: number) =>
  z
    .string()
    .max(max * 2)
    .transform((s) => s.normalize('NFC').trim())
    .pipe(z.string().min(1).max(max).regex(/^[^\u0000-\u001f\u007f]*$/, 'no control characters'));

const common = {
  name: text(200),
  redirectUris: z.array(z.unknown()).max(100),
  sectorIdentifier: z.string().max(300).optional(),
  tokenEndpointAuthMethod: z.enum(CLIENT_AUTH_METHODS),
  jwks: z.unknown().optional(),
  idTokenSigningAlg: z.enum(ID_TOKEN_ALGS).optional(),
};

export const rpSchemas = {
  application: z.strictObject({
    ...common,
    uscc: z.string().max(64),
    contactEmail: z.email().max(254),
    category: z.enum(RP_CATEGORIES),
    purpose: text(1000),
    scopes: z
      .record(z.string().max(64), z.unknown())
      .refine((o) => Object.keys(o).length <= 16, 'at most 16 entries')
      .optional(),
  }),
  sandbox: z.strictObject({ ...common, category: z.enum(RP_CATEGORIES).optional(), purpose: text(1000).optional() }),
  approve: z.strictObject({
    scopes: z.array(z.string().max(64)).max(16),
    legalBasis: z
      .record(z.string().max(64), z.string().max(400))
      .refine((o) => Object.keys(o).length <= 16, 'at most 16 entries')
      .optional(),
  }),
  reject: z.strictObject({ reason: text(500) }),
  suspend: z.strictObject({ reason: text(500).optional() }),
  reinstate: z.strictObject({}),
  list: z.strictObject({
    status: z.enum(RP_STATUSES).optional(),
    limit: z.coerce.number().int().min(1).max(100).optional(),
    after: z
      .string()
      .regex(/^\d{1,16}\.rp_[A-Za-z0-9_-]{22}$/)
      .optional(),
  }),
  clientIdParam: z.strictObject({ clientId: z.string().max(64) }),
  jwks: z.strictObject({ jwks: z.unknown(), tokenEndpointAuthMethod: z.enum(CLIENT_AUTH_METHODS).optional() }),
  requests: z.strictObject({
    limit: z.coerce.number().int().min(1).max(100).optional(),
    after: z.string().max(64).regex(REQUEST_CURSOR).optional(),
  }),
};

/** An RP as JSON: times as ISO 8601. */
export function rpView(rp: RelyingParty): Record<string, unknown> {
  return { ...rp, createdAt: new Date(rp.createdAt).toISOString(), updatedAt: new Date(rp.updatedAt).toISOString() };
}

/** The body, or `{}` for a POST without one (no content type). */
export function bodyOf(req: FastifyRequest): unknown {
  return req.body === undefined || req.body === null ? {} : req.body;
}

export function clientIdOf(req: FastifyRequest): string {
  return parseBody(rpSchemas.clientIdParam, req.params).clientId;
}

export interface RpRoutesDeps {
  readonly service: RelyingPartyService;
  readonly clientAuth: ClientAuthenticator;
  readonly selfService: RpSelfService;
}

export function registerRpRoutes(app: FastifyInstance, deps: RpRoutesDeps): void {
  const { service, clientAuth, selfService } = deps;
  const s = rpSchemas;

  noStore(app, (url) => url.startsWith('/v1/rp/'));

  // ---------------------------------------------------------------- the RP's side

  app.post('/v1/rp/applications', async (req, reply) => {
    const b = parseBody(s.application, bodyOf(req));
    const r = await service.apply(b);
    void reply.status(201);
    return r;
  });

  app.get('/v1/rp/clients/:clientId', async (req, reply) => {
    const clientId = clientIdOf(req);
    const { rp } = await challengeOnFailure(reply, req, () => clientAuth.authenticate(clientCredentialsFrom(req), { allowInactive: true }));
    if (rp.clientId !== clientId) throw new WzError('forbidden', 'A relying party may read only its own record.');
    return rpView(publicRecord(rp));
  });

  /**
   * The RP itself, on its own record only: `allowInactive` (a pending applicant registers keys
   * and reads its empty log too); a client assertion names the issuer as its audience.
   */
  const self = async (req: FastifyRequest, reply: FastifyReply): Promise<RelyingPartyRecord> => {
    const clientId = clientIdOf(req);
    const { rp } = await challengeOnFailure(reply, req, () => clientAuth.authenticate(clientCredentialsFrom(req), { allowInactive: true }));
    if (rp.clientId !== clientId) throw new WzError('forbidden', 'A relying party may act only on its own record.');
    return rp;
  };

  app.put('/v1/rp/clients/:clientId/jwks', async (req, reply) => {
    const rp = await self(req, reply);
    const b = parseBody(s.jwks, bodyOf(req));
    return rpView(await selfService.registerJwks(rp, b));
  });

  app.get('/v1/rp/clients/:clientId/requests', async (req, reply) => {
    const rp = await self(req, reply);
    const q = parseBody(s.requests, req.query ?? {});
    return selfService.requestLog(rp.clientId, { limit: q.limit ?? 20, after: q.after });
  });

  app.get('/v1/rp/clients/:clientId/delivery', async (req, reply) => {
    const rp = await self(req, reply);
    return selfService.delivery(rp.clientId);
  });

  if (service.developmentMode) {
    app.post('/v1/rp/sandbox', async (req, reply) => {
      const r = await service.createSandbox(parseBody(s.sandbox, bodyOf(req)));
      void reply.status(201);
      return r;
    });
  }
}
