/**
 * A cancellation asked again (`POST /v1/me/cancel` with a 网证 whose 网号 is already cancelled):
 * most often the wallet's retry after the first request committed and its answer was lost — a
 * dropped connection, a killed server process (docs/faults.md). The person authenticator refuses
 * such a 网证 (`invalid_credential`: it belongs to no one any more), which tells the wallet
 * nothing it can act on. This answers 409 `already_cancelled` instead — to the holder only.
 *
 *   1. peek       the body has the cancel schema, and the 网证 it names (its `jti`, read WITHOUT
 *                 verification) is a stored credential revoked with reason `cancelled` and linked
 *                 to no person; otherwise this step does nothing and the route answers as always
 *   2. identify   the person authenticator's `identify` (person/auth.ts): platform nonce, request
 *                 binding, issuer signature and the key binding under the 网证's own `cnf` key —
 *                 the presenter holds that device key — and the nonce is spent
 *   3. answer     409 `already_cancelled`
 *
 * What the peek reads is untrusted and only chooses whether to verify; the answer rests on step 2.
 * Anyone who is not the holder fails step 2 with exactly the code `authenticate` would have given
 * them (the same steps 1–3 run first there), so nothing is told to them: not whether the 网证
 * exists, nor that its 网号 was cancelled.
 *
 * Mounted as a `preHandler` hook next to the person controls (controls-routes.ts), since the
 * cancel route itself authenticates first.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { WzError } from '@wangzheng/core/errors';
import type { PersonAuthenticator } from '../person/auth.ts';
import { personSchemas } from '../person/routes.ts';
import type { StoreReader } from '../store/index.ts';

export const CANCEL_PATH = '/v1/me/cancel';
/** The credential reason a cancellation leaves (store persons.shred). */
const CANCELLED = 'cancelled';

export function registerCancelAgainAnswer(app: FastifyInstance, auth: Pick<PersonAuthenticator, 'identify'>, reader: Pick<StoreReader, 'credentials'>): void {
  const answerAgain = async (req: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const body = personSchemas.cancel.safeParse(req.body);
    if (!body.success) return;
    const id = unverifiedCredentialId(body.data.presentation);
    if (id === undefined) return;
    const row = await reader.credentials.findById(id);
    if (!row || row.personId !== null || row.reason !== CANCELLED) return;
    const who = await auth.identify({ method: 'POST', path: CANCEL_PATH, body: req.body as Record<string, unknown> });
    void reply.header('cache-control', 'no-store');
    if (who.person === undefined && who.credential.reason === CANCELLED) {
      throw new WzError('already_cancelled', 'This 网号 has already been cancelled: everything about it was deleted.');
    }
    throw new WzError('invalid_credential', 'This 网证 is not known to the platform.');
  };
  // Callback style: every request but a cancellation passes without a promise.
  app.addHook('preHandler', (req, reply, done) => {
    if (req.method !== 'POST' || req.routeOptions.url !== CANCEL_PATH) return done();
    answerAgain(req, reply).then(() => done(), done);
  });
}

/** The `jti` of the presentation's issuer-signed JWT, read without verification; undefined if unreadable. */
function unverifiedCredentialId(presentation: string): string | undefined {
  try {
    const payload = presentation.split('~')[0]?.split('.')[1] ?? '';
    const jti = (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { jti?: unknown } | null)?.jti;
    return typeof jti === 'string' && jti.length > 0 && jti.length <= 64 ? jti : undefined;
  } catch {
    return undefined;
  }
}
