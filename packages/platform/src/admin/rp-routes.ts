/**
 * Relying parties, the operator's side (docs/relying-parties.md), for the `rp_reviewer` role:
 *
 *   GET  /v1/admin/rps?status=&limit=&after= the queue / the list
 *   GET  /v1/admin/rps/:clientId             one RP, RPs sharing its sector, its audit trail
 *   POST /v1/admin/rps/:clientId/approve     { scopes, legalBasis }
 *   POST /v1/admin/rps/:clientId/reject      { reason }
 *   POST /v1/admin/rps/:clientId/suspend     { reason? }
 *   POST /v1/admin/rps/:clientId/reinstate   {}
 *
 * Bodies are strict schemas (rp/routes.ts `rpSchemas`); every answer is `no-store`.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { parseBody } from '@wangzheng/core/http-errors';
import { operatorOf, type OperatorAuth } from '../http/operator.ts';
import { bodyOf, clientIdOf, rpSchemas, rpView, type RelyingPartyService } from '../rp/index.ts';
import { noStore } from '../http/no-store.ts';

export function registerRpAdminRoutes(app: FastifyInstance, deps: { service: RelyingPartyService; operators: OperatorAuth }): void {
  const { service, operators } = deps;
  const s = rpSchemas;

  noStore(app, (url) => url.startsWith('/v1/admin/rps'));

  const operator = (req: FastifyRequest, reply: FastifyReply): string => operatorOf(operators, req, reply, 'rp_reviewer');

  app.get('/v1/admin/rps', async (req, reply) => {
    operator(req, reply);
    const q = parseBody(s.list, req.query);
    const limit = q.limit ?? 50;
    const after = q.after === undefined ? undefined : { createdAt: Number(q.after.slice(0, q.after.indexOf('.'))), clientId: q.after.slice(q.after.indexOf('.') + 1) };
    const items = await service.list({ ...(q.status ? { status: q.status } : {}), limit, ...(after ? { after } : {}) });
    const last = items.at(-1);
    return { items: items.map(rpView), ...(items.length === limit && last ? { next: `${last.createdAt}.${last.clientId}` } : {}) };
  });

  app.get('/v1/admin/rps/:clientId', async (req, reply) => {
    operator(req, reply);
    const v = await service.adminView(clientIdOf(req));
    return {
      ...rpView(v.rp),
      sectorSharedWith: v.sectorSharedWith,
      events: v.events.map((e) => ({ type: e.type, actor: e.actor, at: new Date(e.createdAt).toISOString(), data: e.data })),
    };
  });

  app.post('/v1/admin/rps/:clientId/approve', async (req, reply) => {
    const actor = operator(req, reply);
    const b = parseBody(s.approve, bodyOf(req));
    return rpView(await service.approve(clientIdOf(req), actor, { scopes: b.scopes, ...(b.legalBasis ? { legalBasis: b.legalBasis } : {}) }));
  });

  app.post('/v1/admin/rps/:clientId/reject', async (req, reply) => {
    const actor = operator(req, reply);
    return rpView(await service.reject(clientIdOf(req), actor, parseBody(s.reject, bodyOf(req))));
  });

  app.post('/v1/admin/rps/:clientId/suspend', async (req, reply) => {
    const actor = operator(req, reply);
    return rpView(await service.suspend(clientIdOf(req), actor, parseBody(s.suspend, bodyOf(req))));
  });

  app.post('/v1/admin/rps/:clientId/reinstate', async (req, reply) => {
    const actor = operator(req, reply);
    parseBody(s.reinstate, bodyOf(req));
    return rpView(await service.reinstate(clientIdOf(req), actor));
  });
}
