// The operator console's build and serving (no browser): packages/web/build.ts builds it into
// dist/console/ with the other apps' guarantees — every file listed in build.json, deterministic,
// no other host named anywhere (uPlot included), a shell with no inline script or style — but no
// service worker (an operator's screen never shows a cached state); the platform serves it under
// /console/ with the same CSP and headers as every app, beside the console domain's own routes
// (/console/session, /console/login), which a static file name never shadows.
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildConsole, outDirOf } from '../../../web/build.ts';
import { createHttpApp } from '../../src/server/http.ts';
import { CONSOLE_DIST, WEB_CSP } from '../../src/web/index.ts';
import { registerConsoleStatic } from '../../src/web/static.ts';
import { startConsoleWebPlatform, startRegistry, type SharedRegistry, type WebSystem } from './harness.ts';

const NAMESPACES = new Set(['http://www.w3.org/2000/svg', 'http://www.w3.org/1999/xhtml', 'http://www.w3.org/1998/Math/MathML', 'http://www.w3.org/1999/xlink', 'http://www.w3.org/XML/1998/namespace']);
const tmp = mkdtempSync(join(tmpdir(), 'wz-console-build-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('the operator console build', () => {
  it('writes dist/console/ (where the platform serves it from), every file listed, no service worker', async () => {
    const r = await buildConsole();
    expect(r.outDir).toBe(outDirOf('console'));
    expect(join(CONSOLE_DIST)).toBe(join(r.outDir, '/'));
    const listed = JSON.parse(readFileSync(join(r.outDir, 'build.json'), 'utf8')) as { version: string; files: string[] };
    expect(listed.version).toBe(r.version);
    expect(readdirSync(r.outDir).sort()).toEqual([...listed.files, 'build.json'].sort());
    for (const f of ['index.html', 'manifest.webmanifest', 'icon.svg', 'icon-maskable.svg']) expect(listed.files).toContain(f);
    expect(listed.files).not.toContain('sw.js');
    expect(listed.files.some((f) => /^app-[A-Z0-9]{8}\.js$/.test(f))).toBe(true);
    const css = listed.files.find((f) => /^styles-[A-Z0-9]{8}\.css$/.test(f))!;
    // uPlot's stylesheet is bundled in, not fetched.
    expect(readFileSync(join(r.outDir, css), 'utf8')).toContain('.u-legend');
    expect(JSON.parse(readFileSync(join(r.outDir, 'manifest.webmanifest'), 'utf8'))).toMatchObject({ id: '/console/', scope: './', lang: 'zh-CN' });
  });

  it('is deterministic; names no other host in any file; its shell has no inline script or style', async () => {
    const a = await buildConsole({ outDir: join(tmp, 'a', 'console') });
    const b = await buildConsole({ outDir: join(tmp, 'b', 'console') });
    expect(a.version).toBe(b.version);
    for (const f of a.files) expect(readFileSync(join(a.outDir, f)).equals(readFileSync(join(b.outDir, f))), f).toBe(true);
    expect((await buildConsole({ outDir: a.outDir })).written).toBe(false);
    const found: string[] = [];
    for (const f of [...a.files, 'build.json']) {
      const text = readFileSync(join(a.outDir, f), 'utf8');
      for (const m of text.matchAll(/(?:https?:)?\/\/[A-Za-z0-9.-]+\.[A-Za-z]{2,}[^\s"'`)<>]*/g)) if (!NAMESPACES.has(m[0])) found.push(`${f}: ${m[0]}`);
      for (const m of text.matchAll(/\b(?:wss?|ftp):\/\/[^\s"'`)]+/g)) found.push(`${f}: ${m[0]}`);
    }
    expect(found).toEqual([]);
    const html = readFileSync(join(a.outDir, 'index.html'), 'utf8');
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(html).not.toMatch(/<style|\sstyle=|\son[a-z]+=/i);
    expect(html).toContain('<title>运营控制台 · Wangzheng</title>');
  });
});

describe('/console/ on the platform', () => {
  let reg: SharedRegistry;
  let sys: WebSystem & { consoleBuild: { files: string[] } };
  beforeAll(async () => {
    reg = await startRegistry(50, 'console-serving');
    sys = await startConsoleWebPlatform(reg);
  });
  afterAll(async () => {
    await sys?.close();
    await reg?.close();
  });

  const get = (url: string, headers: Record<string, string> = {}) => sys.platform.app.inject({ method: 'GET', url, headers });

  it('serves the shell and its assets with the strict CSP, only the build’s files; the session route is the console domain’s', async () => {
    const res = await get('/console/', { accept: 'text/html' });
    expect([res.statusCode, res.headers['content-type'], res.headers['cache-control']]).toEqual([200, 'text/html; charset=utf-8', 'no-cache']);
    expect(res.headers['content-security-policy']).toBe(WEB_CSP);
    expect(res.headers['x-frame-options']).toBe('DENY');
    const js = sys.consoleBuild.files.find((f) => /^app-[A-Z0-9]{8}\.js$/.test(f))!;
    expect((await get(`/console/${js}`)).headers['cache-control']).toBe('public, max-age=31536000, immutable');
    for (const bad of ['/console/build.json', '/console/sw.js', '/console/nope.js', '/console/..%2Fwallet%2Findex.html']) expect((await get(bad)).statusCode, bad).toBe(404);
    expect([(await get('/console')).statusCode, (await get('/console')).headers['location']]).toEqual([308, '/console/']);
    const session = await get('/console/session');
    expect([session.statusCode, JSON.parse(session.body)]).toEqual([200, { signedIn: false }]);
  });

  it('without a build: 503, saying how to build it', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'wz-noconsole-'));
    const app = createHttpApp({ bodyLimit: 65536, logger: pino({ level: 'silent' }) });
    registerConsoleStatic(app, { dir: join(empty, 'console') });
    try {
      const page = await app.inject({ method: 'GET', url: '/console/', headers: { accept: 'text/html' } });
      expect(page.statusCode).toBe(503);
      expect(page.body).toContain('运营控制台尚未构建');
      expect(page.body).toContain('npm run build:web');
    } finally {
      await app.close();
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
