/**
 * Bans over HTTP, for operators (docs/lifecycle.md). Every route needs an operator bearer token;
 * bodies are strict schemas; answers are `no-store`.
 *
 *   GET  /v1/admin/bans?state=                      the bans, newest first
 *   POST /v1/admin/bans            { netid, reason, legalRef }   ban (or request one: four eyes)
 *   POST /v1/admin/bans/:id/approve                 a second operator approves a requested ban
 *   POST /v1/admin/bans/:id/reject                  refuses a requested ban or unban
 *   POST /v1/admin/unbans          { netid, legalRef }           unban (or request one)
 *   POST /v1/admin/bans/:id/approve-unban           a second operator approves the unban
 *   POST /v1/admin/cancellations   { netid, legalRef }          cancels a 网号 on a legal basis (e.g. a
 *                                                   banned person's request, which /v1/me refuses)
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { parseBody } from '@wangzheng/core/http-errors';
import { operatorOf, type OperatorAuth } from '../http/operator.ts';
import { BAN_STATES } from '../store/index.ts';
import { BAN_REASONS, type Bans } from './bans.ts';
import { noStore } from '../http/no-store.ts';

const legalRef = z
  .string()
  .max(800)
  .transform((s) => s.normalize('NFC').trim())
  .pipe(z.string().min(2).max(400).regex(/^[^\u0000-\u001f\u007f]*$/, 'no control characters'));

export const lifecycleSchemas = {
  ban: z.strictObject({ netid: z.string().max(32), reason: z.enum(BAN_REASONS), legalRef }),
  unban: z.strictObject({ netid: z.string().max(32), legalRef }),
  id: z.strictObject({ id: z.uuid() }),
  list: z.strictObject({ state: z.enum(BAN_STATES).optional(), limit: z.coerce.number().int().min(1).max(500).optional() }),
  empty: z.strictObject({}),
};

export interface LifecycleRouteDeps {
  readonly bans: Bans;
  readonly operators: OperatorAuth;
  /** Cancellation by an operator (lifecycle/cancel.ts). */
  readonly cancelByOperator?: (actor: string, req: { netid: string; legalRef: string }) => Promise<unknown>;
}

export function registerLifecycleRoutes(app: FastifyInstance, deps: LifecycleRouteDeps): void {
  const { bans, operators } = deps;
  const s = lifecycleSchemas;
  const body = (req: FastifyRequest): unknown => req.body ?? {};
  const idOf = (req: FastifyRequest): string => parseBody(s.id, req.params).id;

  noStore(app, (url) => url.startsWith('/v1/admin/bans') || url.startsWith('/v1/admin/unbans') || url.startsWith('/v1/admin/cancellations'));

  app.get('/v1/admin/bans', async (req, reply) => {
    operatorOf(operators, req, reply, 'operator');
    const q = parseBody(s.list, req.query);
    return { items: await bans.list({ ...(q.state ? { state: q.state } : {}), ...(q.limit ? { limit: q.limit } : {}) }) };
  });

  app.post('/v1/admin/bans', async (req, reply) => {
    const actor = operatorOf(operators, req, reply, 'operator');
    const b = parseBody(s.ban, body(req));
    const v = await bans.ban(actor, b);
    void reply.status(v.state === 'active' ? 201 : 202);
    return v;
  });

  app.post('/v1/admin/bans/:id/approve', async (req, reply) => {
    const actor = operatorOf(operators, req, reply, 'operator');
    parseBody(s.empty, body(req));
    return bans.approve(actor, idOf(req));
  });

  app.post('/v1/admin/bans/:id/reject', async (req, reply) => {
    const actor = operatorOf(operators, req, reply, 'operator');
    parseBody(s.empty, body(req));
    return bans.reject(actor, idOf(req));
  });

  app.post('/v1/admin/unbans', async (req, reply) => {
    const actor = operatorOf(operators, req, reply, 'operator');
    const v = await bans.unban(actor, parseBody(s.unban, body(req)));
    void reply.status(v.state === 'lifted' ? 200 : 202);
    return v;
  });

  app.post('/v1/admin/bans/:id/approve-unban', async (req, reply) => {
    const actor = operatorOf(operators, req, reply, 'operator');
    parseBody(s.empty, body(req));
    return bans.approveUnban(actor, idOf(req));
  });

  const cancel = deps.cancelByOperator;
  if (cancel) {
    app.post('/v1/admin/cancellations', async (req, reply) => {
      const actor = operatorOf(operators, req, reply, 'operator');
      return cancel(actor, parseBody(s.unban, req.body ?? {}));
    });
  }
}
