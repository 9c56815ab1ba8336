import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSharedKey, parseSharedKey, signRequest, type SharedKey } from '@wangzheng/core/registry/http-auth';
import { createRegistryServer, type RegistryServer } from '../src/http/server.ts';

let server: RegistryServer;
let url: string;
let key: SharedKey;
let sample: { documentType: string; documentNumber: string };

beforeAll(async () => {
  const k = generateSharedKey('test');
  key = parseSharedKey(k);
  server = await createRegistryServer({ dbPath: ':memory:', sharedKeys: [generateSharedKey('old'), k], population: { count: 1500, seed: 'http-test' } });
  url = await server.listen({ port: 0 });
  const s = server.service.samples()[0]!;
  sample = { documentType: s.documentType, documentNumber: s.documentNumber };
});

afterAll(async () => {
  await server.close();
});

interface Res {
  status: number;
  body: Record<string, unknown>;
}

async function send(method: string, path: string, opts: { body?: string; auth?: string | null; type?: string; now?: Date } = {}): Promise<Res> {
  const headers: Record<string, string> = {};
  if (opts.body !== undefined) headers['content-type'] = opts.type ?? 'application/json';
  const auth = opts.auth === undefined ? signRequest(key, { method, path, body: opts.body }, { now: opts.now }) : opts.auth;
  if (auth !== null) headers['authorization'] = auth;
  const r = await fetch(url + path, { method, headers, body: opts.body });
  return { status: r.status, body: (await r.json()) as Record<string, unknown> };
}

function expectError(r: Res, status: number, code: string): void {
  expect(r.status).toBe(status);
  expect(r.body.error).toBe(code);
  expect(Object.keys(r.body).sort()).toEqual(['error', 'message']);
  expect(String(r.body.message)).not.toMatch(/ at |\.ts:|Error:/);
}

describe('Registry HTTP authentication: HMAC-SM3 request signatures', () => {
  it('a correctly signed call succeeds; so does one signed with the second key of the ring', async () => {
    expect((await send('GET', '/v1/issuer-keys')).status).toBe(200);
  });

  it('no Authorization header → 401 unauthenticated', async () => {
    expectError(await send('GET', '/v1/issuer-keys', { auth: null }), 401, 'unauthenticated');
    expectError(await send('POST', '/v1/face/challenge', { auth: null, body: '{}' }), 401, 'unauthenticated');
  });

  it('a bare bearer token → 401', async () => {
    expectError(await send('GET', '/v1/issuer-keys', { auth: `Bearer ${Buffer.from(key.key).toString('base64url')}` }), 401, 'unauthenticated');
  });

  it('bad signature: wrong key, unknown key id, or a body changed after signing → 401', async () => {
    const wrong = parseSharedKey(generateSharedKey('test'));
    expectError(await send('GET', '/v1/issuer-keys', { auth: signRequest(wrong, { method: 'GET', path: '/v1/issuer-keys' }) }), 401, 'unauthenticated');
    const unknown = parseSharedKey(generateSharedKey('nobody'));
    expectError(await send('GET', '/v1/issuer-keys', { auth: signRequest(unknown, { method: 'GET', path: '/v1/issuer-keys' }) }), 401, 'unauthenticated');
    const auth = signRequest(key, { method: 'POST', path: '/v1/guardianship/check', body: '{"guardianRef":"pr_aaaaaaaa","childRef":"pr_bbbbbbbb"}' });
    expectError(await send('POST', '/v1/guardianship/check', { auth, body: '{"guardianRef":"pr_aaaaaaaa","childRef":"pr_cccccccc"}' }), 401, 'unauthenticated');
  });

  it('a signature for another path or method → 401', async () => {
    const auth = signRequest(key, { method: 'POST', path: '/v1/face/challenge', body: '{}' });
    expectError(await send('GET', '/v1/issuer-keys', { auth }), 401, 'unauthenticated');
  });

  // The header's timestamp has one-second resolution (floored) and the receiver compares it with
  // its own clock to the millisecond, a few milliseconds later: so the pair sits one second
  // inside and one second outside the 300 s window on each side (299/301 s flaked whenever the
  // clock was near the end of a second).
  it('timestamp window ±5 min: 298 s old or ahead passes, 302 s old or ahead → 401', async () => {
    const t = Date.now();
    expect((await send('GET', '/v1/issuer-keys', { now: new Date(t - 298_000) })).status).toBe(200);
    expect((await send('GET', '/v1/issuer-keys', { now: new Date(t + 298_000) })).status).toBe(200);
    expectError(await send('GET', '/v1/issuer-keys', { now: new Date(t - 302_000) }), 401, 'unauthenticated');
    expectError(await send('GET', '/v1/issuer-keys', { now: new Date(t + 302_000) }), 401, 'unauthenticated');
  });

  it('a replayed request (same signature and nonce) → 401', async () => {
    const auth = signRequest(key, { method: 'POST', path: '/v1/face/challenge', body: '{}' });
    expect((await send('POST', '/v1/face/challenge', { auth, body: '{}' })).status).toBe(200);
    expectError(await send('POST', '/v1/face/challenge', { auth, body: '{}' }), 401, 'unauthenticated');
  });

  it('/health and the device-simulation endpoints need no signature', async () => {
    expect((await send('GET', '/health', { auth: null })).body).toEqual({ status: 'ok' });
    expect((await send('GET', '/sim/samples', { auth: null })).status).toBe(200);
  });
});

describe('Registry HTTP input handling: stable 4xx codes, never a 500 or a stack trace', () => {
  it('schema errors → 400 invalid_request naming the field', async () => {
    const r = await send('POST', '/v1/guardianship/check', { body: JSON.stringify({ guardianRef: 'x', childRef: 'pr_bbbbbbbb' }) });
    expectError(r, 400, 'invalid_request');
    expect(r.body.message).toContain('guardianRef');
    expectError(await send('POST', '/v1/guardianship/check', { body: JSON.stringify({ guardianRef: 'pr_aaaaaaaa', childRef: 'pr_bbbbbbbb', extra: 1 }) }), 400, 'invalid_request');
    expectError(await send('POST', '/v1/documents/verify', { body: JSON.stringify({ chip: 'x' }) }), 400, 'invalid_request');
    expectError(await send('POST', '/v1/face/match', { body: JSON.stringify({ personRef: 'pr_aaaaaaaa', probe: [] }) }), 400, 'invalid_request');
  });

  it('a chip object of the wrong shape → 400 invalid_document', async () => {
    expectError(await send('POST', '/v1/documents/verify', { body: JSON.stringify({ chip: { v: 1 } }) }), 400, 'invalid_document');
  });

  it('a probe of 127 numbers → 400 invalid_face_template', async () => {
    const body = JSON.stringify({ personRef: 'pr_aaaaaaaa', nonce: 'AAAAAAAAAAAAAAAAAAAAAAAA', probe: new Array(127).fill(0.1) });
    expectError(await send('POST', '/v1/face/match', { body }), 400, 'invalid_face_template');
  });

  it('malformed JSON → 400 invalid_json; text/plain → 415; over 64 KiB → 413 payload_too_large', async () => {
    expectError(await send('POST', '/v1/face/match', { body: '{"personRef":' }), 400, 'invalid_json');
    expectError(await send('POST', '/v1/face/challenge', { body: '{}', type: 'text/plain' }), 415, 'invalid_request');
    const big = JSON.stringify({ chip: { v: 1, dg1: 'A'.repeat(70_000) } });
    expectError(await send('POST', '/v1/documents/verify', { body: big }), 413, 'payload_too_large');
  });

  it('unknown route → 404 JSON not_found; wrong method → 404 JSON', async () => {
    expectError(await send('GET', '/v1/people', {}), 404, 'not_found');
    expectError(await send('GET', '/', { auth: null }), 404, 'not_found');
    expectError(await send('DELETE', '/v1/issuer-keys', {}), 404, 'not_found');
  });

  it('device simulation: unknown document type → unknown_document_type, bad number → invalid_id_number, unknown document → 404 unknown_person', async () => {
    expectError(await send('POST', '/sim/nfc/read', { auth: null, body: JSON.stringify({ documentType: 'visa', documentNumber: '1' }) }), 400, 'unknown_document_type');
    expectError(await send('POST', '/sim/nfc/read', { auth: null, body: JSON.stringify({ documentType: 'resident_id_card', documentNumber: '110105194912310029' }) }), 400, 'invalid_id_number');
    expectError(await send('POST', '/sim/nfc/read', { auth: null, body: JSON.stringify({ documentType: 'resident_id_card', documentNumber: '11010519491231002X' }) }), 404, 'unknown_person');
    expect((await send('POST', '/sim/nfc/read', { auth: null, body: JSON.stringify(sample) })).status).toBe(200);
    expectError(await send('POST', '/sim/camera', { auth: null, body: JSON.stringify({ ...sample, subject: 'twin', nonce: 'AAAAAAAAAAAAAAAAAAAAAAAA' }) }), 400, 'invalid_request');
    expectError(await send('POST', '/sim/camera', { auth: null, body: JSON.stringify({ ...sample, subject: 'self', nonce: 'AAAAAAAAAAAAAAAAAAAAAAAA' }) }), 400, 'challenge_expired');
  });

  it('answers are not cacheable', async () => {
    const r = await fetch(`${url}/sim/samples`);
    expect(r.headers.get('cache-control')).toBe('no-store');
  });
});

describe('Registry server: simulation endpoints can be switched off', () => {
  it('simEndpoints: false → /sim/* is 404', async () => {
    const s = await createRegistryServer({ dbPath: ':memory:', sharedKeys: [generateSharedKey()], population: false, simEndpoints: false });
    try {
      const r = await s.app.inject({ method: 'GET', url: '/sim/samples' });
      expect(r.statusCode).toBe(404);
      expect(r.json()).toMatchObject({ error: 'not_found' });
    } finally {
      await s.close();
    }
  });

  it('no shared key → invalid_configuration at start-up', async () => {
    await expect(createRegistryServer({ dbPath: ':memory:', sharedKeys: [], population: false })).rejects.toMatchObject({ code: 'invalid_configuration' });
    await expect(createRegistryServer({ dbPath: ':memory:', sharedKeys: ['k1:short'], population: false })).rejects.toMatchObject({ code: 'invalid_configuration' });
  });
});
