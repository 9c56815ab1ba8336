/**
 * Enrollment over HTTP (docs/enrollment.md). Every body is validated against a strict schema
 * (unknown fields refused) before the service sees it; the enrollment token travels in
 * `Authorization: Bearer …`, never in a URL. Responses are `no-store`.
 *
 * Rate limits (docs/limits.md): the phone step counts text messages per source address and per
 * number (enrollment/service.ts); a wrong one-time code counts against the source (`holder_fail`),
 * past which code checks from it are refused (429) for a while.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { isWzError } from '@wangzheng/core/errors';
import { parseBody } from '@wangzheng/core/http-errors';
import type { RateLimits } from '../limits/index.ts';
import { noticeDigest } from './notice.ts';
import type { EnrollmentService } from './service.ts';
import { noStore } from '../http/no-store.ts';

const nonce = z.string().min(16).max(64);
const id = z.string().max(64);

export const enrollmentSchemas = {
  start: z.strictObject({ documentType: z.string().max(64), guardianLed: z.boolean().optional() }),
  guardian: z.strictObject({ nonce, presentation: z.string().max(16_384) }),
  chip: z.strictObject({ nonce, chip: z.unknown() }),
  face: z.strictObject({ nonce, probe: z.unknown() }),
  phone: z.strictObject({ nonce, phone: z.string().max(32) }),
  phoneCode: z.strictObject({ nonce, code: z.string().max(16) }),
  consent: z.strictObject({ nonce, noticeVersion: z.string().max(64), processing: z.boolean(), sensitive: z.boolean() }),
  passphrase: z.strictObject({ nonce, passphrase: z.string().max(64) }),
  device: z.strictObject({
    nonce,
    publicJwk: z.record(z.string(), z.unknown()),
    proof: z.string().max(4096),
    label: z.string().max(64).optional(),
    environment: z.record(z.string().max(32), z.string().max(128)).refine((o) => Object.keys(o).length <= 16, 'at most 16 entries').optional(),
  }),
  collect: z.strictObject({ nonce }),
  approvalChallenge: z.strictObject({ approvalCode: z.string().max(16) }),
  approve: z.strictObject({ approvalCode: z.string().max(16), nonce, presentation: z.string().max(16_384), approve: z.boolean() }),
};

function bearer(req: FastifyRequest): string | undefined {
  const h = req.headers.authorization;
  if (typeof h !== 'string') return undefined;
  const m = /^Bearer ([A-Za-z0-9_-]{16,128})$/.exec(h);
  return m ? m[1] : undefined;
}

function param(req: FastifyRequest): string {
  return parseBody(z.strictObject({ id }), req.params).id;
}

export function registerEnrollmentRoutes(app: FastifyInstance, service: EnrollmentService, limits?: RateLimits): void {
  const s = enrollmentSchemas;
  noStore(app, (url) => url.startsWith('/v1/enrollment'));

  app.get('/v1/enrollment-notice', async () => ({ ...service.notice, digest: noticeDigest(service.notice) }));

  app.post('/v1/enrollments', async (req, reply) => {
    const body = parseBody(s.start, req.body);
    const r = await service.start({ documentType: body.documentType, ...(body.guardianLed !== undefined ? { guardianLed: body.guardianLed } : {}) });
    void reply.status(201);
    return r;
  });
  app.get('/v1/enrollments/:id', async (req) => service.status(param(req), bearer(req)));
  app.post('/v1/enrollments/:id/guardian', async (req) => service.guardian(param(req), bearer(req), parseBody(s.guardian, req.body)));
  app.post('/v1/enrollments/:id/chip', async (req) => service.chip(param(req), bearer(req), parseBody(s.chip, req.body)));
  app.post('/v1/enrollments/:id/face', async (req) => service.face(param(req), bearer(req), parseBody(s.face, req.body)));
  app.post('/v1/enrollments/:id/phone', async (req) => service.phone(param(req), bearer(req), parseBody(s.phone, req.body), req.ip));
  app.post('/v1/enrollments/:id/phone/verify', async (req) => {
    const verify = () => service.phoneCode(param(req), bearer(req), parseBody(s.phoneCode, req.body));
    if (!limits) return verify();
    return limits.failures([{ policy: 'holder_fail', key: limits.source(req.ip) }], verify, (e) => isWzError(e, 'otp_invalid') || isWzError(e, 'too_many_attempts'));
  });
  app.post('/v1/enrollments/:id/consent', async (req) => service.consent(param(req), bearer(req), parseBody(s.consent, req.body)));
  app.post('/v1/enrollments/:id/passphrase', async (req) => service.passphrase(param(req), bearer(req), parseBody(s.passphrase, req.body)));
  app.post('/v1/enrollments/:id/device', async (req) => {
    const b = parseBody(s.device, req.body);
    return service.device(param(req), bearer(req), {
      nonce: b.nonce,
      publicJwk: b.publicJwk,
      proof: b.proof,
      ...(b.label !== undefined ? { label: b.label } : {}),
      ...(b.environment !== undefined ? { environment: b.environment } : {}),
    });
  });
  app.post('/v1/enrollments/:id/credential', async (req) => service.collect(param(req), bearer(req), parseBody(s.collect, req.body)));
  app.post('/v1/enrollment-approvals/challenge', async (req) => service.approvalChallenge(parseBody(s.approvalChallenge, req.body).approvalCode));
  app.post('/v1/enrollment-approvals', async (req) => {
    const b = parseBody(s.approve, req.body);
    return service.approve(b.approvalCode, { nonce: b.nonce, presentation: b.presentation, approve: b.approve });
  });
}
