// Serving the web wallet and the development simulation proxy, over HTTP (no browser):
// - /wallet/ with its Content-Security-Policy and the security headers, hashed assets immutable,
//   the shell, service worker and manifest revalidated (ETag → 304), only the build's own files
//   (anything else 404, no traversal), /wallet → /wallet/, and a 503 that says how to build when
//   there is no build — as a page for a browser, as JSON for anything else;
// - /sim/* on the platform's own origin in development (forwarded to the registry simulator,
//   bodies checked first; the SMS outbox's newest code), and absent — 404, like any unknown
//   route — in production.
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outboxLine } from '@wangzheng/core/contact/sms-outbox';
import { smsOutboxPath } from '../../src/config.ts';
import { createHttpApp } from '../../src/server/http.ts';
import { WALLET_CSP } from '../../src/web/index.ts';
import { registerWalletStatic } from '../../src/web/static.ts';
import { ADULT, VALID_DOC, startRegistry, startWebPlatform, type SharedRegistry, type WebSystem } from './harness.ts';

let reg: SharedRegistry;
beforeAll(async () => {
  reg = await startRegistry(100, 'web-serving');
});
afterAll(async () => reg?.close());

async function get(sys: WebSystem, url: string, headers: Record<string, string> = {}) {
  return sys.platform.app.inject({ method: 'GET', url, headers });
}

describe('the web wallet under /wallet/ (development)', () => {
  let sys: WebSystem;
  beforeAll(async () => {
    sys = await startWebPlatform(reg);
  });
  afterAll(async () => sys?.close());

  it('serves the shell with the wallet’s CSP and security headers, revalidated on every load', async () => {
    const res = await get(sys, '/wallet/', { accept: 'text/html' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['content-security-policy']).toBe(WALLET_CSP);
    for (const d of ["default-src 'self'", "script-src 'self'", "connect-src 'self'", "img-src 'self' data: blob:", "worker-src 'self'", "frame-ancestors 'none'", "base-uri 'none'", "object-src 'none'"]) {
      expect(WALLET_CSP).toContain(d);
    }
    expect(WALLET_CSP).not.toMatch(/unsafe-inline|unsafe-eval|https?:|\*/);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['permissions-policy']).toContain('camera=(self)');
    expect(res.headers['cache-control']).toBe('no-cache');
    expect(res.body).toContain('<div id="app">');
    expect(res.body).not.toMatch(/<script(?![^>]*\bsrc=)/); // no inline script
    expect(res.body).not.toMatch(/<style|style=/);
    const again = await get(sys, '/wallet/', { 'if-none-match': String(res.headers['etag']) });
    expect(again.statusCode).toBe(304);
  });

  it('hashed assets are immutable; the service worker may control /wallet/; only the build’s files exist', async () => {
    const files = sys.build.files;
    const js = files.find((f) => /^app-[A-Z0-9]{8}\.js$/.test(f))!;
    const css = files.find((f) => /^styles-[A-Z0-9]{8}\.css$/.test(f))!;
    const a = await get(sys, `/wallet/${js}`);
    expect([a.statusCode, a.headers['content-type'], a.headers['cache-control']]).toEqual([200, 'text/javascript; charset=utf-8', 'public, max-age=31536000, immutable']);
    expect((await get(sys, `/wallet/${css}`)).headers['content-type']).toBe('text/css; charset=utf-8');
    const sw = await get(sys, '/wallet/sw.js');
    expect([sw.statusCode, sw.headers['service-worker-allowed'], sw.headers['cache-control']]).toEqual([200, '/wallet/', 'no-cache']);
    const manifest = await get(sys, '/wallet/manifest.webmanifest');
    expect(manifest.headers['content-type']).toBe('application/manifest+json; charset=utf-8');
    expect(JSON.parse(manifest.body)).toMatchObject({ start_url: './', scope: './', display: 'standalone', lang: 'zh-CN' });
    expect((await get(sys, '/wallet/icon.svg')).headers['content-type']).toBe('image/svg+xml');
    for (const bad of ['/wallet/build.json', '/wallet/nope.js', '/wallet/..%2Fpackage.json', '/wallet/%2e%2e', '/wallet/.env', '/wallet/a/b.js']) {
      const r = await get(sys, bad);
      expect(r.statusCode, bad).toBe(404);
      expect(JSON.parse(r.body).error, bad).toBe('not_found');
    }
    const redirect = await get(sys, '/wallet');
    expect([redirect.statusCode, redirect.headers['location']]).toEqual([308, '/wallet/']);
  });

  it('without a build: 503, saying how to build it (a page for a browser, JSON otherwise)', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'wz-nobuild-'));
    const app = createHttpApp({ bodyLimit: 65536, logger: pino({ level: 'silent' }) });
    registerWalletStatic(app, { dir: join(empty, 'wallet') });
    try {
      const page = await app.inject({ method: 'GET', url: '/wallet/', headers: { accept: 'text/html' } });
      expect(page.statusCode).toBe(503);
      expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(page.body).toContain('npm run build:web');
      expect(page.body).toContain('npm start');
      expect(page.headers['content-security-policy']).toBe(WALLET_CSP);
      const json = await app.inject({ method: 'GET', url: '/wallet/app.js' });
      expect(json.statusCode).toBe(503);
      expect(JSON.parse(json.body)).toEqual({ error: 'temporarily_unavailable', message: expect.stringContaining('npm run build:web') });
    } finally {
      await app.close();
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('the simulation proxy forwards to the registry simulator, checking bodies first', async () => {
    const person = reg.people(`d.type = 'resident_id_card' AND ${VALID_DOC} AND ${ADULT}`)[0]!;
    const post = (url: string, body: unknown) => sys.platform.app.inject({ method: 'POST', url, headers: { 'content-type': 'application/json' }, payload: JSON.stringify(body) });
    const chip = await post('/sim/nfc/read', { documentType: person.documentType, documentNumber: person.documentNumber });
    expect(chip.statusCode).toBe(200);
    expect(chip.headers['cache-control']).toBe('no-store');
    expect(JSON.parse(chip.body)).toHaveProperty('chip');
    expect((await post('/sim/nfc/read', { documentType: person.documentType, documentNumber: person.documentNumber, extra: 1 })).statusCode).toBe(400);
    expect((await post('/sim/camera', { documentType: person.documentType, documentNumber: person.documentNumber, subject: 'someone', nonce: 'x' })).statusCode).toBe(400);
    // The registry's own refusal passes through with its status and code.
    const unknown = await post('/sim/nfc/read', { documentType: 'resident_id_card', documentNumber: '110101190001011237' });
    expect(unknown.statusCode).toBeGreaterThanOrEqual(400);
    expect(JSON.parse(unknown.body)).toHaveProperty('error');
    const samples = await get(sys, '/sim/samples');
    expect(samples.statusCode).toBe(200);
    expect(Array.isArray(JSON.parse(samples.body).samples)).toBe(true);
  });

  it('the simulated SMS inbox gives the newest code for a number, masked, and nothing for others', async () => {
    const file = smsOutboxPath(sys.config);
    appendFileSync(file, outboxLine({ to: '13800001111', text: 'x', code: '111111', purpose: 'enrollment', sentAt: 1 }));
    appendFileSync(file, outboxLine({ to: '13800001111', text: 'x', code: '222222', purpose: 'enrollment', sentAt: 2 }));
    const r = await get(sys, '/sim/sms?phone=138%200000%201111');
    expect(r.statusCode).toBe(200);
    expect(r.headers['cache-control']).toBe('no-store');
    expect(JSON.parse(r.body)).toEqual({ message: { code: '222222', to: '138****1111', purpose: 'enrollment', sentAt: 2 } });
    expect(JSON.parse((await get(sys, '/sim/sms?phone=13900002222')).body)).toEqual({ message: null });
    const bad = await get(sys, '/sim/sms?phone=12345');
    expect([bad.statusCode, JSON.parse(bad.body).error]).toEqual([400, 'invalid_phone']);
  });
});

describe('in production', () => {
  let sys: WebSystem;
  beforeAll(async () => {
    sys = await startWebPlatform(reg, { production: true });
  });
  afterAll(async () => sys?.close());

  it('the simulation proxy does not exist (404, like any unknown route)', async () => {
    expect(sys.config.mode).toBe('production');
    for (const [method, url] of [
      ['POST', '/sim/nfc/read'],
      ['POST', '/sim/camera'],
      ['GET', '/sim/samples'],
      ['GET', '/sim/sms?phone=13800001111'],
    ] as const) {
      const r = await sys.platform.app.inject({ method, url, headers: { 'content-type': 'application/json' }, ...(method === 'POST' ? { payload: '{}' } : {}) });
      expect(r.statusCode, url).toBe(404);
      expect(JSON.parse(r.body).error, url).toBe('not_found');
    }
  });

  it('the wallet itself is served, with the same CSP', async () => {
    const r = await get(sys, '/wallet/');
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-security-policy']).toBe(WALLET_CSP);
  });
});
