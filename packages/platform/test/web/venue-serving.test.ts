// The venue checker's build and serving (no browser): packages/web/build.ts builds it into
// dist/venue/ with the wallet's guarantees — every file listed in build.json, content-hashed
// names, deterministic (two builds, the same bytes; an unchanged build writes nothing), no other
// host named anywhere, a shell with no inline script or style — and the platform serves it under
// /venue/ exactly as it serves /wallet/: the same CSP and security headers, hashed assets
// immutable, the shell revalidated, only the build's files, `/venue` → `/venue/`, a 503 saying
// how to build when there is none, and each app's service worker allowed its own directory only.
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildVenue, buildWeb, DIST, outDirOf } from '../../../web/build.ts';
import { createHttpApp } from '../../src/server/http.ts';
import { VENUE_DIST, WALLET_CSP, WEB_CSP } from '../../src/web/index.ts';
import { registerVenueStatic } from '../../src/web/static.ts';
import { startRegistry, startVenueWebPlatform, type SharedRegistry, type WebSystem } from './harness.ts';

const NAMESPACES = new Set(['http://www.w3.org/2000/svg', 'http://www.w3.org/1999/xhtml', 'http://www.w3.org/1998/Math/MathML', 'http://www.w3.org/1999/xlink', 'http://www.w3.org/XML/1998/namespace']);
const tmp = mkdtempSync(join(tmpdir(), 'wz-venue-build-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('the venue checker build', () => {
  it('writes dist/venue/ (where the platform serves it from) beside dist/wallet/, every file listed', async () => {
    const [wallet, venue] = await buildWeb();
    expect(wallet!.outDir).toBe(join(DIST, 'wallet'));
    expect(venue!.outDir).toBe(outDirOf('venue'));
    expect(join(VENUE_DIST)).toBe(join(venue!.outDir, '/'));
    const listed = JSON.parse(readFileSync(join(venue!.outDir, 'build.json'), 'utf8')) as { version: string; files: string[] };
    expect(listed.version).toBe(venue!.version);
    expect(readdirSync(venue!.outDir).sort()).toEqual([...listed.files, 'build.json'].sort());
    for (const f of ['index.html', 'sw.js', 'manifest.webmanifest', 'icon.svg', 'icon-maskable.svg']) expect(listed.files).toContain(f);
    expect(listed.files.some((f) => /^app-[A-Z0-9]{8}\.js$/.test(f))).toBe(true);
    expect(listed.files.some((f) => /^styles-[A-Z0-9]{8}\.css$/.test(f))).toBe(true);
    // Its own manifest and icon, not the wallet's.
    const manifest = JSON.parse(readFileSync(join(venue!.outDir, 'manifest.webmanifest'), 'utf8')) as { id: string; scope: string; start_url: string };
    expect(manifest).toMatchObject({ id: '/venue/', scope: './', start_url: './' });
    expect(readFileSync(join(venue!.outDir, 'icon.svg'), 'utf8')).not.toBe(readFileSync(join(wallet!.outDir, 'icon.svg'), 'utf8'));
    // The service worker knows this build's files, and its cache is the checker's own.
    const sw = readFileSync(join(venue!.outDir, 'sw.js'), 'utf8');
    expect(sw).toContain(venue!.version);
    expect(sw).toContain('wangzheng-venue-');
  });

  it('is deterministic: two builds give the same files, byte for byte; an unchanged build writes nothing', async () => {
    const a = await buildVenue({ outDir: join(tmp, 'a', 'venue') });
    const b = await buildVenue({ outDir: join(tmp, 'b', 'venue') });
    expect(a.version).toBe(b.version);
    expect(a.files).toEqual(b.files);
    for (const f of a.files) expect(readFileSync(join(a.outDir, f)).equals(readFileSync(join(b.outDir, f))), f).toBe(true);
    expect((await buildVenue({ outDir: a.outDir })).written).toBe(false);
  });

  it('names no other host in any file, and its shell has no inline script or style', async () => {
    const r = await buildVenue({ outDir: join(tmp, 'c', 'venue') });
    const found: string[] = [];
    for (const f of [...r.files, 'build.json']) {
      const text = readFileSync(join(r.outDir, f), 'utf8');
      for (const m of text.matchAll(/(?:https?:)?\/\/[A-Za-z0-9.-]+\.[A-Za-z]{2,}[^\s"'`)<>]*/g)) if (!NAMESPACES.has(m[0])) found.push(`${f}: ${m[0]}`);
      for (const m of text.matchAll(/\b(?:wss?|ftp):\/\/[^\s"'`)]+/g)) found.push(`${f}: ${m[0]}`);
    }
    expect(found).toEqual([]);
    const html = readFileSync(join(r.outDir, 'index.html'), 'utf8');
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(html).not.toMatch(/<style|\sstyle=|\son[a-z]+=/i);
    expect([...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!).every((u) => /^[A-Za-z0-9._-]+$/.test(u))).toBe(true);
    expect(html).toContain('<title>场所码核验 · Wangzheng</title>');
  });
});

describe('/venue/ on the platform', () => {
  let reg: SharedRegistry;
  let sys: WebSystem & { venueBuild: { files: string[] } };
  beforeAll(async () => {
    reg = await startRegistry(50, 'venue-serving');
    sys = await startVenueWebPlatform(reg);
  });
  afterAll(async () => {
    await sys?.close();
    await reg?.close();
  });

  const get = (url: string, headers: Record<string, string> = {}) => sys.platform.app.inject({ method: 'GET', url, headers });

  it('serves the shell with the same CSP and security headers as the wallet, revalidated on every load', async () => {
    expect(WEB_CSP).toBe(WALLET_CSP);
    const res = await get('/venue/', { accept: 'text/html' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['content-security-policy']).toBe(WEB_CSP);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['cross-origin-opener-policy']).toBe('same-origin');
    expect(res.headers['permissions-policy']).toContain('camera=(self)');
    expect(res.headers['cache-control']).toBe('no-cache');
    expect(res.body).toContain('<div id="app">');
    expect((await get('/venue/', { 'if-none-match': String(res.headers['etag']) })).statusCode).toBe(304);
  });

  it('hashed assets immutable; each service worker may control its own directory only; only the build’s files exist', async () => {
    const files = sys.venueBuild.files;
    const js = files.find((f) => /^app-[A-Z0-9]{8}\.js$/.test(f))!;
    const a = await get(`/venue/${js}`);
    expect([a.statusCode, a.headers['content-type'], a.headers['cache-control']]).toEqual([200, 'text/javascript; charset=utf-8', 'public, max-age=31536000, immutable']);
    const sw = await get('/venue/sw.js');
    expect([sw.statusCode, sw.headers['service-worker-allowed'], sw.headers['cache-control']]).toEqual([200, '/venue/', 'no-cache']);
    expect((await get('/wallet/sw.js')).headers['service-worker-allowed']).toBe('/wallet/');
    const manifest = await get('/venue/manifest.webmanifest');
    expect(manifest.headers['content-type']).toBe('application/manifest+json; charset=utf-8');
    expect(JSON.parse(manifest.body)).toMatchObject({ id: '/venue/', display: 'standalone', lang: 'zh-CN' });
    for (const bad of ['/venue/build.json', '/venue/nope.js', '/venue/..%2Fwallet%2Findex.html', '/venue/%2e%2e', '/venue/.env', '/venue/a/b.js']) {
      const r = await get(bad);
      expect(r.statusCode, bad).toBe(404);
      expect(JSON.parse(r.body).error, bad).toBe('not_found');
    }
    const redirect = await get('/venue');
    expect([redirect.statusCode, redirect.headers['location']]).toEqual([308, '/venue/']);
  });

  it('without a build: 503, saying how to build it', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'wz-novenue-'));
    const app = createHttpApp({ bodyLimit: 65536, logger: pino({ level: 'silent' }) });
    registerVenueStatic(app, { dir: join(empty, 'venue') });
    try {
      const page = await app.inject({ method: 'GET', url: '/venue/', headers: { accept: 'text/html' } });
      expect(page.statusCode).toBe(503);
      expect(page.body).toContain('场所码核验页尚未构建');
      expect(page.body).toContain('npm run build:web');
      expect(page.headers['content-security-policy']).toBe(WEB_CSP);
      const json = await app.inject({ method: 'GET', url: '/venue/app.js' });
      expect(json.statusCode).toBe(503);
      expect(JSON.parse(json.body)).toEqual({ error: 'temporarily_unavailable', message: expect.stringContaining('venue checker') });
    } finally {
      await app.close();
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
