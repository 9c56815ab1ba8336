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
 * answers `cache-control: no-store`. A renewal or a move asked again after it committed (its answer
 * lost) gets the 网证 it made, signed again (reissue-again.ts). A cancellation asked again with a cancelled 网证 is answered
 * 409 `already_cancelled`, to its holder only (cancel-again.ts). `credential-status` is the one call that authenticates a
 * 网证 whatever its status (`auth.identify`): it tells its holder why it stopped working.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { parseBody } from '@wangzheng/core/http-errors';
import { WzError } from '@wangzheng/core/errors';
import type { AuthenticatedPerson, IdentifiedCredential, PersonAuthenticator } from '../person/auth.ts';
import type { PersonControls } from './controls.ts';
import { credentialStatusView } from '../person/credential-status.ts';
import { registerCancelAgainAnswer } from './cancel-again.ts';
import { AGAIN_CODES } from './reissue-again.ts';

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

  /**
   * One bound endpoint: schema, then authentication over this exact request, then the action.
   * With `again`, a request refused because an earlier one committed — its 网证 or device revoked
   * by it, seen at authentication or by the action's compare-and-set — is answered as that one
   * was, when `again` finds its result (reissue-again.ts).
   */
  function post<S extends z.ZodType>(
    path: string,
    schema: S,
    action: (me: AuthenticatedPerson, body: z.infer<S>) => unknown,
    again?: (id: IdentifiedCredential, body: z.infer<S>) => Promise<unknown>,
  ): void {
    const orAgain = async (e: unknown, id: () => Promise<IdentifiedCredential>, body: z.infer<S>): Promise<unknown> => {
      if (!again || !(e instanceof WzError) || !AGAIN_CODES.has(e.code)) throw e;
      const answer = await again(await id(), body);
      if (answer === undefined) throw e;
      return answer;
    };
    app.post(path, async (req, reply) => {
      void reply.header('cache-control', 'no-store');
      const body = parseBody(schema, req.body);
      const bound = { method: 'POST', path, body: req.body as Record<string, unknown> };
      let me: AuthenticatedPerson;
      try {
        me = await auth.authenticate(bound);
      } catch (e) {
        return orAgain(e, () => auth.identify(bound), body);
      }
      try {
        return await action(me, body);
      } catch (e) {
        // The holder was proven and the nonce spent: the rows as they are now, after the winner's commit.
        return orAgain(e, () => reread(c.reader, me), body);
      }
    });
  }

  post('/v1/me/passphrase', s.change, (me, b) => c.passphrase.change(me, b.old, b.new));
  post('/v1/me/face-challenge', s.plain, () => c.passphrase.faceChallenge());
  post('/v1/me/passphrase/reset', s.reset, (me, b) => c.passphrase.reset(me, { challenge: b.challenge, probe: b.probe, passphrase: b.new }));
  post('/v1/me/phone', s.phone, (me, b) => c.phone.start(me, b.phone));
  post('/v1/me/phone/confirm', s.confirm, (me, b) => c.phone.confirm(me, b.code));
  // Asked again after the commit (the answer was lost): the same new 网证 (reissue-again.ts).
  post('/v1/me/renew', s.plain, (me) => c.renewal.renew(me), (id) => c.again.renewal(id));
  const moving = (b: z.infer<typeof s.transfer>) => ({ nonce: b.nonce, passphrase: b.passphrase, publicJwk: b.publicJwk, proof: b.proof, label: b.label });
  post('/v1/me/devices/transfer', s.transfer, (me, b) => c.transfer.transfer(me, moving(b)), (id, b) => c.again.transfer(id, moving(b)));

  // A cancellation asked again by the holder of a cancelled 网证: 409 already_cancelled (cancel-again.ts).
  registerCancelAgainAnswer(app, auth, c.reader);

  app.post('/v1/me/credential-status', async (req, reply) => {
    void reply.header('cache-control', 'no-store');
    parseBody(s.plain, req.body);
    const id = await auth.identify({ method: 'POST', path: '/v1/me/credential-status', body: req.body as Record<string, unknown> });
    return credentialStatusView(id, c.now());
  });
}

/** An authenticated holder's 网证, device and person as stored now. */
async function reread(r: PersonControls['reader'], me: AuthenticatedPerson): Promise<IdentifiedCredential> {
  const [credential, device, person] = await Promise.all([r.credentials.findById(me.credential.id), r.devices.findById(me.device.id), r.persons.findById(me.person.id)]);
  return { credential: credential ?? me.credential, device, person };
}
