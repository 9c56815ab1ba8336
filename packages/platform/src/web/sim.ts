/**
 * The development simulation proxy — DEVELOPMENT ONLY, never registered in production mode.
 *
 * The web wallet's page may talk to its own origin only (CSP connect-src 'self'), yet in
 * development the phone's hardware is simulated elsewhere: the NFC reader and the camera by
 * the registry simulator's `/sim/*` endpoints, the SMS inbox by the platform's outbox file.
 * These routes bring them to the platform's origin, and nothing more:
 *
 *   POST /sim/nfc/read  { documentType, documentNumber }                 → the registry simulator's answer
 *   POST /sim/camera    { documentType, documentNumber, subject, nonce } → the registry simulator's answer
 *   GET  /sim/samples                                                    → the registry simulator's sample documents
 *   GET  /sim/sms?phone=…   → { message: { code, to (masked), purpose, sentAt } | null }: the newest code
 *                            the development outbox holds for that number (only with WZ_SMS_SENDER=outbox)
 *
 * Bodies are checked against the registry simulator's own strict schemas before they are
 * forwarded; answers are `no-store`. A real wallet app reads the chip, the camera and the SMS
 * inbox itself; in production these routes do not exist (404), like any unknown route.
 */
import { readFile } from 'node:fs/promises';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { parseMobile, maskMobile } from '@wangzheng/core/contact/phone';
import { latestOutboxMessage } from '@wangzheng/core/contact/sms-outbox';
import { WzError } from '@wangzheng/core/errors';
import { parseBody } from '@wangzheng/core/http-errors';
import { smsOutboxPath, type Config } from '../config.ts';

const doc = { documentType: z.string().max(64), documentNumber: z.string().max(64) };
const schemas = {
  nfc: z.strictObject(doc),
  camera: z.strictObject({ ...doc, subject: z.enum(['self', 'other']), nonce: z.string().min(1).max(256) }),
};

/** Is the simulation proxy on for this configuration? Development mode only. */
export function simulationEnabled(config: Config): boolean {
  return config.mode === 'development';
}

async function forward(reply: FastifyReply, registryUrl: string, method: 'GET' | 'POST', path: string, body?: unknown): Promise<FastifyReply> {
  let res: Response;
  try {
    res = await fetch(`${registryUrl.replace(/\/+$/, '')}${path}`, {
      method,
      headers: { accept: 'application/json', ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      signal: AbortSignal.timeout(10_000),
    });
  } catch (e) {
    throw new WzError('registry_unavailable', 'The registry simulator (the simulated NFC reader and camera) does not answer; start it with `npm start`.', { cause: e });
  }
  const json = (await res.json().catch(() => undefined)) as unknown;
  if (json === undefined) throw new WzError('registry_unavailable', 'The registry simulator answered something that is not JSON.');
  return reply.status(res.status).header('cache-control', 'no-store').send(json);
}

export function registerSimulationProxy(app: FastifyInstance, config: Config): void {
  if (!simulationEnabled(config)) return;
  const registryUrl = config.registry.url;

  app.post('/sim/nfc/read', async (req, reply) => forward(reply, registryUrl, 'POST', '/sim/nfc/read', parseBody(schemas.nfc, req.body)));
  app.post('/sim/camera', async (req, reply) => forward(reply, registryUrl, 'POST', '/sim/camera', parseBody(schemas.camera, req.body)));
  app.get('/sim/samples', async (_req, reply) => forward(reply, registryUrl, 'GET', '/sim/samples'));

  app.get('/sim/sms', async (req, reply) => {
    void reply.header('cache-control', 'no-store');
    if (config.sms.sender !== 'outbox') throw new WzError('not_found', 'No development SMS outbox is configured (WZ_SMS_SENDER is not outbox).');
    const phone = parseMobile((req.query as { phone?: unknown }).phone);
    let text = '';
    try {
      text = await readFile(smsOutboxPath(config), 'utf8');
    } catch (e) {
      if ((e as { code?: string }).code !== 'ENOENT') throw e;
    }
    const m = latestOutboxMessage(text, phone);
    return { message: m ? { code: m.code, to: maskMobile(m.to), purpose: m.purpose, sentAt: m.sentAt } : null };
  });
}
