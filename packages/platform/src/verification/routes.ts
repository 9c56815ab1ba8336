/**
 * Verification over HTTP (docs/receipts.md).
 *
 * Relying party back end (client authentication: HTTP Basic with the client secret, or a
 * `Bearer` RFC 7523 client assertion):
 *   POST /v1/receipt-requests                  { bizSeq, mode, scopes? } → request id, reference, link
 *   GET  /v1/receipt-requests/:id              status
 *   POST /v1/receipt-requests/:id/receipt      the signed receipt, once (any request of the RP)
 *   POST /v1/reverifications                   { sub, bindingMessage, bizSeq } → a face-mode request for that person
 * Wallet (the reference is the capability; the person proves who they are in the body):
 *   GET  /v1/verifications/:ref                who asks, why, mode, fields and legal basis, nonce
 *   POST /v1/verifications/:ref/face-challenge the registry's liveness nonce (face modes)
 *   POST /v1/verifications/:ref/answer         { approve, presentation, passphrase?, probe?, consent? }
 *   GET  /v1/wallet/nonce, POST /v1/wallet/pending { nonce, presentation } → requests addressed to the person
 *
 * Rate limits (docs/limits.md): client authentication locks out after failed secrets
 * (rp/client-auth.ts); a wrong passphrase in an answer counts against the source address
 * (`holder_fail`) on top of the 网证's own lockout (passphrase/factor.ts).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { isWzError } from '@wangzheng/core/errors';
import { parseBody } from '@wangzheng/core/http-errors';
import type { RelyingParty } from '@wangzheng/core/rp/types';
import { clientCredentialsFrom, type ClientAuthenticator } from '../rp/client-auth.ts';
import { challengeOnFailure } from '../http/challenge.ts';
import type { RateLimits } from '../limits/index.ts';
import type { Reverification } from './reverify.ts';
import type { VerificationService } from './service.ts';

export const verificationSchemas = {
  create: z.strictObject({
    bizSeq: z.string().min(1).max(64).regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces'),
    mode: z.string().max(32),
    scopes: z.array(z.string().max(64)).max(8).optional(),
  }),
  answer: z.strictObject({
    approve: z.boolean(),
    presentation: z.string().max(16_384).optional(),
    passphrase: z.string().max(64).optional(),
    probe: z.unknown().optional(),
    consent: z.strictObject({ scopes: z.array(z.string().max(64)).max(8), sensitive: z.array(z.string().max(64)).max(8).optional() }).optional(),
  }),
  reverify: z.strictObject({
    sub: z.string().max(64),
    bindingMessage: z.string().min(1).max(64),
    bizSeq: z.string().min(1).max(64).regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces'),
  }),
  pending: z.strictObject({ nonce: z.string().max(128), presentation: z.string().max(16_384) }),
  id: z.strictObject({ id: z.string().max(64) }),
  ref: z.strictObject({ ref: z.string().max(64) }),
};

export function registerVerificationRoutes(
  app: FastifyInstance,
  service: VerificationService,
  reverification: Reverification,
  clientAuth: ClientAuthenticator,
  tokenAudience: string,
  limits?: RateLimits,
): void {
  const s = verificationSchemas;
  const rpOf = async (req: FastifyRequest): Promise<RelyingParty> => (await clientAuth.authenticate(clientCredentialsFrom(req), { audience: tokenAudience })).rp;

  app.post('/v1/receipt-requests', async (req, reply) =>
    challengeOnFailure(reply, req, async () => {
      const rp = await rpOf(req);
      const b = parseBody(s.create, req.body);
      void reply.status(201).header('cache-control', 'no-store');
      return service.createReceiptRequest(rp, { bizSeq: b.bizSeq, mode: b.mode, ...(b.scopes ? { scopes: b.scopes } : {}) });
    }),
  );
  app.get('/v1/receipt-requests/:id', async (req, reply) =>
    challengeOnFailure(reply, req, async () => service.status(await rpOf(req), parseBody(s.id, req.params).id)),
  );
  app.post('/v1/receipt-requests/:id/receipt', async (req, reply) =>
    challengeOnFailure(reply, req, async () => {
      const rp = await rpOf(req);
      void reply.header('cache-control', 'no-store');
      return service.fetchReceipt(rp, parseBody(s.id, req.params).id);
    }),
  );

  // Re-verification of a flagged account (telecom, bank, payment, internet service only).
  app.post('/v1/reverifications', async (req, reply) =>
    challengeOnFailure(reply, req, async () => {
      const rp = await rpOf(req);
      const b = parseBody(s.reverify, req.body);
      void reply.status(201).header('cache-control', 'no-store');
      return reverification.request(rp, b);
    }),
  );

  // The wallet's list of requests addressed to its person.
  app.get('/v1/wallet/nonce', async (_req, reply) => {
    void reply.header('cache-control', 'no-store');
    return reverification.walletNonce();
  });
  app.post('/v1/wallet/pending', async (req, reply) => {
    const b = parseBody(s.pending, req.body);
    void reply.header('cache-control', 'no-store');
    return reverification.pending(b.presentation, b.nonce);
  });

  app.get('/v1/verifications/:ref', async (req, reply) => {
    void reply.header('cache-control', 'no-store');
    return service.describe(parseBody(s.ref, req.params).ref);
  });
  app.post('/v1/verifications/:ref/face-challenge', async (req) => service.faceChallenge(parseBody(s.ref, req.params).ref));
  const answer = (ref: string, b: z.infer<typeof s.answer>) =>
    service.answer(ref, {
      approve: b.approve,
      ...(b.presentation !== undefined ? { presentation: b.presentation } : {}),
      ...(b.passphrase !== undefined ? { passphrase: b.passphrase } : {}),
      ...(b.probe !== undefined ? { probe: b.probe } : {}),
      ...(b.consent !== undefined ? { consent: { scopes: b.consent.scopes, ...(b.consent.sensitive ? { sensitive: b.consent.sensitive } : {}) } } : {}),
    });
  app.post('/v1/verifications/:ref/answer', async (req) => {
    const b = parseBody(s.answer, req.body);
    const ref = parseBody(s.ref, req.params).ref;
    if (b.passphrase === undefined || !limits) return answer(ref, b);
    return limits.failures([{ policy: 'holder_fail', key: limits.source(req.ip) }], () => answer(ref, b), (e) => isWzError(e, 'wrong_passphrase') || isWzError(e, 'passphrase_locked'));
  });
}
