/**
 * Device-simulation endpoints — TEST ONLY. They stand in for the phone's NFC reader and
 * camera, and list sample documents; a real registry has nothing like them. Open (no
 * authentication), because in reality the phone reads the chip itself. Disable with
 * `simEndpoints: false`.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { nonceSchema } from '@wangzheng/core/registry/schemas';
import type { RegistryService } from '../service.ts';
import { parseBody } from './routes-v1.ts';

export const nfcReadRequestSchema = z.strictObject({
  documentType: z.string().max(64),
  documentNumber: z.string().max(64),
});

export const cameraRequestSchema = z.strictObject({
  documentType: z.string().max(64),
  documentNumber: z.string().max(64),
  subject: z.enum(['self', 'other']),
  nonce: nonceSchema,
});

export function registerSimulationRoutes(app: FastifyInstance, service: RegistryService): void {
  app.post('/sim/nfc/read', async (req) => {
    const body = parseBody(nfcReadRequestSchema, req.body);
    return { chip: service.readChip(body.documentType, body.documentNumber) };
  });

  app.post('/sim/camera', async (req) => {
    const body = parseBody(cameraRequestSchema, req.body);
    return { probe: service.camera(body) };
  });

  app.get('/sim/samples', async () => ({ samples: service.samples() }));
}
