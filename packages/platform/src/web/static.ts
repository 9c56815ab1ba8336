/**
 * Serving the person's web wallet (packages/web, built into packages/web/dist/wallet by
 * `npm start` / `npm test` / `npm run build:web`) under `/wallet/` on the platform's own origin.
 *
 * Only the files the build lists in its `build.json` are served, by bare name (no paths, so no
 * traversal); everything else under /wallet/ is the JSON 404. Every answer carries the wallet's
 * Content-Security-Policy: scripts, styles, fetches and workers from this origin only, images
 * also as data:/blob:, no framing, no <base>, no plugins — the page can talk to no other host.
 * Content-hashed assets are immutable for a year; the shell, the service worker, the manifest
 * and the icons are revalidated on every load (ETag), so a new build is picked up at once.
 *
 * No build yet: 503 with a page (or JSON, for a non-browser) saying how to build it.
 */
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** Where `packages/web/build.ts` writes the wallet. */
export const WALLET_DIST = fileURLToPath(new URL('../../../web/dist/wallet/', import.meta.url));

export const WALLET_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "media-src 'self' blob:",
  "worker-src 'self'",
  "manifest-src 'self'",
  "object-src 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

const TYPES: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  svg: 'image/svg+xml',
  webmanifest: 'application/manifest+json; charset=utf-8',
  json: 'application/json; charset=utf-8',
  png: 'image/png',
};

/** esbuild's `[name]-[hash]` names: 8 characters of base32. */
const HASHED = /-[A-Z0-9]{8}\.(?:js|css)$/;
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

interface Build {
  version: string;
  files: Set<string>;
  mtimeMs: number;
  cache: Map<string, { body: Buffer; etag: string }>;
}

/** Headers every answer under /wallet/ carries. */
export function walletHeaders(reply: FastifyReply): FastifyReply {
  return reply
    .header('content-security-policy', WALLET_CSP)
    .header('x-content-type-options', 'nosniff')
    .header('x-frame-options', 'DENY')
    .header('referrer-policy', 'no-referrer')
    .header('cross-origin-opener-policy', 'same-origin')
    .header('cross-origin-resource-policy', 'same-origin')
    .header('permissions-policy', 'camera=(self), microphone=(), geolocation=(), payment=(), usb=()');
}

const NOT_BUILT_MESSAGE = 'The web wallet has not been built: run `npm start` (which builds it first) or `npm run build:web`.';

function notBuiltPage(): string {
  return `<!doctype html>
<html lang="zh-CN">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>网页钱包尚未构建 · Web wallet not built</title></head>
<body>
<h1>网页钱包尚未构建</h1>
<p>请运行 <code>npm start</code>（会先构建网页钱包）或 <code>npm run build:web</code>，然后刷新本页。</p>
<h2 lang="en">The web wallet has not been built</h2>
<p lang="en">Run <code>npm start</code> (which builds it first) or <code>npm run build:web</code>, then reload this page.</p>
</body>
</html>
`;
}

export function registerWalletStatic(app: FastifyInstance, opts: { dir?: string } = {}): void {
  const dir = opts.dir ?? WALLET_DIST;
  let current: Build | undefined;

  async function load(): Promise<Build | undefined> {
    let st;
    try {
      st = await stat(`${dir}/build.json`);
    } catch {
      current = undefined;
      return undefined;
    }
    if (current && current.mtimeMs === st.mtimeMs) return current;
    try {
      const b = JSON.parse(await readFile(`${dir}/build.json`, 'utf8')) as { version?: unknown; files?: unknown };
      if (typeof b.version !== 'string' || !Array.isArray(b.files)) return undefined;
      const files = new Set(b.files.filter((f): f is string => typeof f === 'string' && NAME.test(f) && f !== 'build.json'));
      current = { version: b.version, files, mtimeMs: st.mtimeMs, cache: new Map() };
      return current;
    } catch {
      return undefined;
    }
  }

  async function serve(req: FastifyRequest, reply: FastifyReply, name: string): Promise<FastifyReply> {
    walletHeaders(reply);
    const build = await load();
    if (!build) {
      void reply.status(503).header('cache-control', 'no-store').header('retry-after', '10');
      if ((req.headers.accept ?? '').includes('text/html')) return reply.header('content-type', 'text/html; charset=utf-8').send(notBuiltPage());
      return reply.send({ error: 'temporarily_unavailable', message: NOT_BUILT_MESSAGE });
    }
    if (!NAME.test(name) || !build.files.has(name)) {
      return reply.status(404).header('cache-control', 'no-store').send({ error: 'not_found', message: 'no such route' });
    }
    let file = build.cache.get(name);
    if (!file) {
      let body: Buffer;
      try {
        body = await readFile(`${dir}/${name}`);
      } catch {
        // A build being swapped in this instant: the next request sees the new one.
        current = undefined;
        return reply.status(503).header('cache-control', 'no-store').header('retry-after', '1').send({ error: 'temporarily_unavailable', message: 'The web wallet is being rebuilt; try again.' });
      }
      file = { body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"` };
      build.cache.set(name, file);
    }
    const ext = name.slice(name.lastIndexOf('.') + 1);
    void reply
      .header('content-type', TYPES[ext] ?? 'application/octet-stream')
      .header('etag', file.etag)
      .header('cache-control', HASHED.test(name) ? 'public, max-age=31536000, immutable' : 'no-cache');
    if (name === 'sw.js') void reply.header('service-worker-allowed', '/wallet/');
    if (req.headers['if-none-match'] === file.etag) return reply.status(304).send();
    return reply.send(file.body);
  }

  // /wallet without the slash: relative asset URLs need the directory form.
  app.get('/wallet', async (_req, reply) => walletHeaders(reply).header('cache-control', 'no-cache').redirect('/wallet/', 308));
  app.get('/wallet/', async (req, reply) => serve(req, reply, 'index.html'));
  app.get('/wallet/:name', async (req, reply) => serve(req, reply, (req.params as { name: string }).name));
}
