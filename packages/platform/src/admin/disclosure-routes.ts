/**
 * Identity disclosures over HTTP, for the law-enforcement liaison role only (docs/admin.md):
 *
 *   POST /v1/admin/disclosures            { netid | clientId+appId, caseRef }  → 202 requested
 *   GET  /v1/admin/disclosures?state=     the requests, newest first
 *   POST /v1/admin/disclosures/:id/approve  a second liaison approves (not the requester)
 *   POST /v1/admin/disclosures/:id/reject
 *   GET  /v1/admin/disclosures/:id/identity  the requester reads the identity and authentication log
 *
 * Every answer is `no-store`; nothing from a body is logged.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { parseBody } from '@wangzheng/core/http-errors';
import { operatorOf, type OperatorAuth } from '../http/operator.ts';
import { DISCLOSURE_STATES } from '../store/index.ts';
import type { Disclosures } from './disclosures.ts';
import { noStore } from '../http/no-store.ts';

const caseRef = z
  .string()
  .max(400)
  .transform((s) => s.normalize('NFC').trim())
  .pipe(z.string().min(2).max(200).regex(/^[^\u0000-\u001f\u007f]*$/, 'no control characters'));

export const disclosureSchemas = {
  request: z.union([
    z.strictObject({ netid: z.string().max(32), caseRef }),
    z.strictObject({ clientId: z.string().max(64), appId: z.string().max(64), caseRef }),
  ]),
  list: z.strictObject({ state: z.enum(DISCLOSURE_STATES).optional(), limit: z.coerce.number().int().min(1).max(500).optional() }),
  id: z.strictObject({ id: z.uuid() }),
  empty: z.strictObject({}),
};

export function registerDisclosureRoutes(app: FastifyInstance, deps: { disclosures: Disclosures; operators: OperatorAuth }): void {
  const { disclosures, operators } = deps;
  const s = disclosureSchemas;
  const idOf = (req: FastifyRequest): string => parseBody(s.id, req.params).id;
  const liaison = (req: FastifyRequest, reply: Parameters<typeof operatorOf>[2]) => operatorOf(operators, req, reply, 'liaison');

  noStore(app, (url) => url.startsWith('/v1/admin/disclosures'));

  app.post('/v1/admin/disclosures', async (req, reply) => {
    const actor = liaison(req, reply);
    const b = parseBody(s.request, req.body ?? {});
    const subject = 'netid' in b ? { netid: b.netid } : { clientId: b.clientId, appId: b.appId };
    void reply.status(202);
    return disclosures.request(actor, subject, b.caseRef);
  });

  app.get('/v1/admin/disclosures', async (req, reply) => {
    liaison(req, reply);
    const q = parseBody(s.list, req.query);
    return { items: await disclosures.list({ ...(q.state ? { state: q.state } : {}), ...(q.limit ? { limit: q.limit } : {}) }) };
  });

  app.post('/v1/admin/disclosures/:id/approve', async (req, reply) => {
    const actor = liaison(req, reply);
    parseBody(s.empty, req.body ?? {});
    return disclosures.approve(actor, idOf(req));
  });

  app.post('/v1/admin/disclosures/:id/reject', async (req, reply) => {
    const actor = liaison(req, reply);
    parseBody(s.empty, req.body ?? {});
    return disclosures.reject(actor, idOf(req));
  });

  app.get('/v1/admin/disclosures/:id/identity', async (req, reply) => {
    const actor = liaison(req, reply);
    return disclosures.read(actor, idOf(req));
  });
}
