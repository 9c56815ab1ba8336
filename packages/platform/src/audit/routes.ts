/**
 * The audit trail over HTTP, for operators (docs/audit.md):
 *
 *   GET /v1/admin/audit?action=&actor=&subject=&from=&to=&after=&limit=
 *       entries in increasing seq, as stored; `next` is the `after` of the next page
 *   GET /v1/admin/audit/verify
 *       verifyAuditTrail over the whole stored trail and every checkpoint, with the platform's
 *       public keys: { ok, checked, checkpoints, head, queued, findings }
 *   GET /v1/admin/audit/checkpoints?after=&limit=
 *       the stored checkpoints { seq, token, createdAt }, for keeping outside the database
 *
 * All three need an operator bearer token (RFC 6750): none → 401 `unauthenticated` with a Bearer
 * challenge; one that is not an operator's → 401 `invalid_token` with `error="invalid_token"`.
 * Every answer is `no-store`. Entries and findings carry no personal data, so they may be shown
 * as they are; the token is never echoed or logged.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { AUDIT_ACTIONS } from '@wangzheng/core/audit/index';
import { parseBody } from '@wangzheng/core/http-errors';
import { operatorOf, type OperatorAuth } from '../http/operator.ts';
import type { AuditTrail } from './service.ts';
import { noStore } from '../http/no-store.ts';

export interface AuditRoutesDeps {
  readonly trail: AuditTrail;
  readonly operators: OperatorAuth;
}

/** ISO 8601 with an offset, or epoch milliseconds. */
const instant = z.union([
  z
    .string()
    .regex(/^\d{1,15}$/)
    .transform(Number),
  z.iso.datetime({ offset: true }).transform((s) => Date.parse(s)),
]);

export const auditSchemas = {
  search: z.strictObject({
    action: z.enum(AUDIT_ACTIONS).optional(),
    actor: z.string().min(1).max(100).optional(),
    subject: z.string().min(1).max(128).optional(),
    from: instant.optional(),
    to: instant.optional(),
    after: z
      .string()
      .regex(/^\d{1,15}$/)
      .transform(Number)
      .optional(),
    limit: z.coerce.number().int().min(1).max(1000).optional(),
  }),
  verify: z.strictObject({}),
  checkpoints: z.strictObject({
    after: z
      .string()
      .regex(/^\d{1,15}$/)
      .transform(Number)
      .optional(),
    limit: z.coerce.number().int().min(1).max(1000).optional(),
  }),
};

export function registerAuditRoutes(app: FastifyInstance, deps: AuditRoutesDeps): void {
  const { trail, operators } = deps;

  noStore(app, (url) => url === '/v1/admin/audit' || url.startsWith('/v1/admin/audit?') || url.startsWith('/v1/admin/audit/'));

  const operator = (req: FastifyRequest, reply: FastifyReply): string => operatorOf(operators, req, reply, 'auditor');

  app.get('/v1/admin/audit', async (req, reply) => {
    operator(req, reply);
    const q = parseBody(auditSchemas.search, req.query);
    const limit = q.limit ?? 100;
    const items = await trail.search({ ...q, limit });
    const last = items.at(-1);
    return { items, ...(items.length === limit && last ? { next: String(last.seq) } : {}) };
  });

  app.get('/v1/admin/audit/verify', async (req, reply) => {
    operator(req, reply);
    parseBody(auditSchemas.verify, req.query);
    return trail.verify();
  });

  app.get('/v1/admin/audit/checkpoints', async (req, reply) => {
    operator(req, reply);
    const q = parseBody(auditSchemas.checkpoints, req.query);
    const limit = q.limit ?? 100;
    const items = await trail.checkpoints({ ...q, limit });
    const last = items.at(-1);
    return { items, ...(items.length === limit && last ? { next: String(last.seq) } : {}) };
  });
}
