/**
 * The person's credential controls over HTTP (docs/person.md). Like every `/v1/me` call, each
 * is a POST whose JSON body carries `nonce` (GET /v1/me/nonce, single use) and `presentation`
 * (the 网证 with a key-binding JWT bound to this method, path and body: auth.ts), plus:
 *
 *   POST /v1/me/passphrase          { old, new }                         → changed (old verified, with lockout)
 *   POST /v1/me/face-challenge      {}                                   → the registry's liveness nonce
 *   POST /v1/me/passphrase/reset    { challenge, probe, new }            → changed (face matched; clears a lock)
 *   POST /v1/me/phone               { phone }                            → a code sent to the NEW number
 *   POST /v1/me/phone/confirm       { code }                             → the bound number replaced
 *   POST /v1/me/renew               {}                                   → a new 网证, same device; old one revoked
 *   POST /v1/me/devices/transfer    { passphrase, publicJwk, proof, label? } → a new device and 网证; old ones revoked
 *   POST /v1/me/credential-status   {}                                   → this 网证's status and why, even when revoked
 *
 * Strict schemas (an unknown field is `invalid_request`), checked before authentication;
 * answers `cache-control: no-store`. A cancellation asked again with a cancelled 网证 is answered
 * 409 `already_cancelled`, to its holder only (cancel-again.ts). `credential-status` is the one call that authenticates a
 * 网证 whatever its status (`auth.identify`): it tells its holder why it stopped working.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { parseBody } from '@wangzheng/core/http-errors';
import type { AuthenticatedPerson, PersonAuthenticator } from '../person/auth.ts';
import type { PersonControls } from './controls.ts';
import { credentialStatusView } from '../person/credential-status.ts';
import { registerCancelAgainAnswer } from './cancel-again.ts';

const bound = { nonce: z.string().max(128), presentation: z.string().max(16_384) };
const passphrase = z.string().min(1).max(64);

export const personControlSchemas = {
  plain: z.strictObject(bound),
  change: z.strictObject({ ...bound, old: passphrase, new: passphrase }),
  reset: z.strictObject({ ...bound, challenge: z.string().min(1).max(256), probe: z.array(z.number()).min(1).max(1024), new: passphrase }),
  phone: z.strictObject({ ...bound, phone: z.string().max(32) }),
  confirm: z.strictObject({ ...bound, code: z.string().max(16) }),
  transfer: z.strictObject({
    ...bound,
    passphrase,
    publicJwk: z.record(z.string(), z.unknown()),
    proof: z.string().max(4096),
    label: z.string().min(1).max(64).optional(),
  }),
};

export function registerPersonControlRoutes(app: FastifyInstance, auth: PersonAuthenticator, c: PersonControls): void {
  const s = personControlSchemas;

  /** One bound endpoint: schema, then authentication over this exact request, then the action. */
  function post<S extends z.ZodType>(path: string, schema: S, action: (me: AuthenticatedPerson, body: z.infer<S>) => unknown): void {
    app.post(path, async (req, reply) => {
      void reply.header('cache-control', 'no-store');
      const body = parseBody(schema, req.body);
      const me = await auth.authenticate({ method: 'POST', path, body: req.body as Record<string, unknown> });
      return action(me, body);
    });
  }

  post('/v1/me/passphrase', s.change, (me, b) => c.passphrase.change(me, b.old, b.new));
  post('/v1/me/face-challenge', s.plain, () => c.passphrase.faceChallenge());
  post('/v1/me/passphrase/reset', s.reset, (me, b) => c.passphrase.reset(me, { challenge: b.challenge, probe: b.probe, passphrase: b.new }));
  post('/v1/me/phone', s.phone, (me, b) => c.phone.start(me, b.phone));
  post('/v1/me/phone/confirm', s.confirm, (me, b) => c.phone.confirm(me, b.code));
  post('/v1/me/renew', s.plain, (me) => c.renewal.renew(me));
  post('/v1/me/devices/transfer', s.transfer, (me, b) =>
    c.transfer.transfer(me, { nonce: b.nonce, passphrase: b.passphrase, publicJwk: b.publicJwk, proof: b.proof, label: b.label }),
  );

  // A cancellation asked again by the holder of a cancelled 网证: 409 already_cancelled (cancel-again.ts).
  registerCancelAgainAnswer(app, auth, c.reader);

  app.post('/v1/me/credential-status', async (req, reply) => {
    void reply.header('cache-control', 'no-store');
    parseBody(s.plain, req.body);
    const id = await auth.identify({ method: 'POST', path: '/v1/me/credential-status', body: req.body as Record<string, unknown> });
    return credentialStatusView(id, c.now());
  });
}
