/** The adapter contract over HTTP (authenticated by the server's preHandler). */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { faceMatchRequestSchema, guardianCheckRequestSchema } from '@wangzheng/core/registry/schemas';
import { parseBody } from '@wangzheng/core/http-errors';

export { parseBody };
import type { RegistryService } from '../service.ts';

const verifyEnvelope = z.strictObject({ chip: z.record(z.string(), z.unknown()) });

export function registerContractRoutes(app: FastifyInstance, service: RegistryService): void {
  app.post('/v1/documents/verify', async (req) => {
    // An object that is not well-formed chip data is a document problem (invalid_document,
    // raised by passive authentication), not a request problem.
    const body = parseBody(verifyEnvelope, req.body);
    return service.verifyDocument(body.chip);
  });

  app.post('/v1/face/challenge', async () => service.faceChallenge());

  app.post('/v1/face/match', async (req) => {
    const body = parseBody(faceMatchRequestSchema, req.body);
    return service.faceMatch(body);
  });

  app.post('/v1/guardianship/check', async (req) => {
    const body = parseBody(guardianCheckRequestSchema, req.body);
    return { guardian: service.isGuardian(body) };
  });

  app.get('/v1/issuer-keys', async () => service.issuerKeys());
}
