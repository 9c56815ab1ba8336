// The web wallet's build (packages/web/build.ts), which `npm start` and `npm test` run first:
// its output exists where the platform serves it from, it is deterministic (two builds, the same
// bytes), it is self-contained — no file names any other host: no CDN, no font, no analytics;
// the only `http://` strings are XML namespace names (SVG, XHTML, MathML), which are never
// fetched — and the shell has no inline script or style, so the strict CSP needs no exception.
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildWallet, DEFAULT_OUT } from '../../../web/build.ts';
import { WALLET_DIST } from '../../src/web/static.ts';

const NAMESPACES = new Set(['http://www.w3.org/2000/svg', 'http://www.w3.org/1999/xhtml', 'http://www.w3.org/1998/Math/MathML', 'http://www.w3.org/1999/xlink', 'http://www.w3.org/XML/1998/namespace']);
const tmp = mkdtempSync(join(tmpdir(), 'wz-web-build-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('the web wallet build', () => {
  it('writes where the platform serves from, every file the build lists', async () => {
    const r = await buildWallet();
    expect(r.outDir).toBe(DEFAULT_OUT);
    expect(join(WALLET_DIST)).toBe(join(DEFAULT_OUT, '/'));
    const listed = JSON.parse(readFileSync(join(DEFAULT_OUT, 'build.json'), 'utf8')) as { version: string; files: string[] };
    expect(listed.version).toBe(r.version);
    expect(readdirSync(DEFAULT_OUT).sort()).toEqual([...listed.files, 'build.json'].sort());
    for (const f of ['index.html', 'sw.js', 'manifest.webmanifest', 'icon.svg', 'icon-maskable.svg']) expect(listed.files).toContain(f);
    expect(listed.files.some((f) => /^app-[A-Z0-9]{8}\.js$/.test(f))).toBe(true);
    expect(listed.files.some((f) => /^styles-[A-Z0-9]{8}\.css$/.test(f))).toBe(true);
  });

  it('is deterministic: two builds give the same files, byte for byte', async () => {
    const a = await buildWallet({ outDir: join(tmp, 'a', 'wallet') });
    const b = await buildWallet({ outDir: join(tmp, 'b', 'wallet') });
    expect(a.version).toBe(b.version);
    expect(a.files).toEqual(b.files);
    for (const f of a.files) expect(readFileSync(join(a.outDir, f)).equals(readFileSync(join(b.outDir, f))), f).toBe(true);
    // An unchanged build rewrites nothing.
    expect((await buildWallet({ outDir: a.outDir })).written).toBe(false);
  });

  it('names no other host in any file', async () => {
    const r = await buildWallet({ outDir: join(tmp, 'c', 'wallet') });
    const found: string[] = [];
    for (const f of [...r.files, 'build.json']) {
      const text = readFileSync(join(r.outDir, f), 'utf8');
      for (const m of text.matchAll(/(?:https?:)?\/\/[A-Za-z0-9.-]+\.[A-Za-z]{2,}[^\s"'`)<>]*/g)) {
        if (!NAMESPACES.has(m[0])) found.push(`${f}: ${m[0]}`);
      }
      // Protocol-relative and scheme URLs of any kind other than the platform's own paths.
      for (const m of text.matchAll(/\b(?:wss?|ftp):\/\/[^\s"'`)]+/g)) found.push(`${f}: ${m[0]}`);
    }
    expect(found).toEqual([]);
  });

  it('the shell has no inline script or style and loads only its own hashed files', async () => {
    const html = readFileSync(join(DEFAULT_OUT, 'index.html'), 'utf8');
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(html).not.toMatch(/<style|\sstyle=|\son[a-z]+=/i);
    const refs = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(refs.every((u) => /^[A-Za-z0-9._-]+$/.test(u))).toBe(true);
  });
});
