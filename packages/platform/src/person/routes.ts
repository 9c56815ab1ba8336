/**
 * The person's own API over HTTP (docs/person.md). Every call but the nonce is a POST whose
 * JSON body carries `nonce` (from GET /v1/me/nonce, single use) and `presentation` (the 网证
 * with a key-binding JWT over the nonce bound to this method, path and body), plus the
 * operation's own fields:
 *
 *   GET  /v1/me/nonce                                         → { nonce, expiresAt }
 *   POST /v1/me/status                   {}                   → status of the 网证 and person
 *   POST /v1/me/lock                     {}                   → locked: nothing verifies
 *   POST /v1/me/unlock                   { passphrase }       → active again
 *   POST /v1/me/devices                  {}                   → devices, which one is this
 *   POST /v1/me/devices/revoke           { deviceId }         → that device and its 网证 revoked
 *   POST /v1/me/history                  { limit? }           → every verification attempt and event
 *   POST /v1/me/authorizations           {}                   → RPs holding a consent or token
 *   POST /v1/me/authorizations/withdraw  { clientId }         → consents withdrawn, tokens revoked, RP told
 *   POST /v1/me/export                   {}                   → everything held about the person
 *   POST /v1/me/cancel                   { passphrase, confirm: "注销" } → the 网号 cancelled, everything deleted (lifecycle/cancel.ts)
 *
 * Every answer is `cache-control: no-store`: it is about one person, for that person only.
 * The body is checked against a strict schema before anything else; the binding is computed
 * over the body exactly as received (auth.ts).
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { parseBody } from '@wangzheng/core/http-errors';
import type { AuthenticatedPerson, PersonAuthenticator } from './auth.ts';
import { MAX_HISTORY } from './history-view.ts';
import type { MeNonces } from './nonce.ts';
import type { PersonService } from './service.ts';

const bound = { nonce: z.string().max(128), presentation: z.string().max(16_384) };

export const personSchemas = {
  plain: z.strictObject(bound),
  unlock: z.strictObject({ ...bound, passphrase: z.string().min(1).max(64) }),
  revokeDevice: z.strictObject({ ...bound, deviceId: z.string().max(64) }),
  history: z.strictObject({ ...bound, limit: z.number().int().min(1).max(MAX_HISTORY).optional() }),
  withdraw: z.strictObject({ ...bound, clientId: z.string().max(64) }),
  cancel: z.strictObject({ ...bound, passphrase: z.string().min(1).max(64), confirm: z.string().max(16).optional() }),
};

export interface PersonRoutesDeps {
  readonly service: PersonService;
  readonly auth: PersonAuthenticator;
  readonly nonces: MeNonces;
  /** Cancellation of the 网号 (lifecycle/cancel.ts `Cancellation.byPerson`); without it `/v1/me/cancel` is not mounted. */
  readonly cancel?: (me: AuthenticatedPerson, req: { passphrase: string; confirm?: string | undefined }) => Promise<unknown>;
}

export function registerPersonRoutes(app: FastifyInstance, { service, auth, nonces, cancel }: PersonRoutesDeps): void {
  const s = personSchemas;

  /** One bound endpoint: schema, then authentication over this exact request, then the action. */
  function post<S extends z.ZodType>(path: string, schema: S, action: (me: AuthenticatedPerson, body: z.infer<S>) => unknown): void {
    app.post(path, async (req, reply) => {
      void reply.header('cache-control', 'no-store');
      const body = parseBody(schema, req.body);
      const me = await auth.authenticate({ method: 'POST', path, body: req.body as Record<string, unknown> });
      return action(me, body);
    });
  }

  app.get('/v1/me/nonce', async (_req, reply) => {
    void reply.header('cache-control', 'no-store');
    return nonces.issue();
  });
  post('/v1/me/status', s.plain, (me) => service.status(me));
  post('/v1/me/lock', s.plain, (me) => service.lock(me));
  post('/v1/me/unlock', s.unlock, (me, b) => service.unlock(me, b.passphrase));
  post('/v1/me/devices', s.plain, async (me) => ({ devices: await service.devices(me) }));
  post('/v1/me/devices/revoke', s.revokeDevice, (me, b) => service.revokeDevice(me, b.deviceId));
  post('/v1/me/history', s.history, async (me, b) => ({ history: await service.history(me, b.limit) }));
  post('/v1/me/authorizations', s.plain, async (me) => ({ authorizations: await service.authorizations(me) }));
  post('/v1/me/authorizations/withdraw', s.withdraw, (me, b) => service.withdraw(me, b.clientId));
  post('/v1/me/export', s.plain, (me) => service.export(me));
  if (cancel) post('/v1/me/cancel', s.cancel, (me, b) => cancel(me, b));
}
