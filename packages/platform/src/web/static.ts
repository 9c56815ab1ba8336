/**
 * Serving the platform's web apps (packages/web, built into packages/web/dist/<app>/ by
 * `npm start` / `npm test` / `npm run build:web`) on the platform's own origin:
 *
 *   /wallet/   the person's web wallet (docs/web-wallet.md)
 *   /venue/    the venue checker, 场所码核验 (docs/venue.md)
 *   /console/  the operator console, 运营控制台 (docs/console.md): only its static files here;
 *              its sign-in and session routes (/console/login, /console/session, /console/logout)
 *              are the console domain's, and a named route wins over the `:name` one below
 *   /developers/  the relying-party developer portal, 开发者门户 (docs/developers.md)
 *
 * Each app is served the same way. Only the files its build lists in its `build.json` are
 * served, by bare name (no paths, so no traversal); everything else under /<app>/ is the JSON
 * 404. Every answer carries the same Content-Security-Policy: scripts, styles, fetches and
 * workers from this origin only, images also as data:/blob:, no framing, no <base>, no plugins —
 * the page can talk to no other host. Content-hashed assets are immutable for a year; the shell,
 * the service worker, the manifest and the icons are revalidated on every load (ETag), so a new
 * build is picked up at once. An app's service worker may control its own directory only
 * (`Service-Worker-Allowed: /<app>/`).
 *
 * No build yet: 503 with a page (or JSON, for a non-browser) saying how to build it.
 */
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

export type WebAppName = 'wallet' | 'venue' | 'console' | 'developers';

/** Where `packages/web/build.ts` writes the wallet. */
export const WALLET_DIST = fileURLToPath(new URL('../../../web/dist/wallet/', import.meta.url));
/** … and the venue checker. */
export const VENUE_DIST = fileURLToPath(new URL('../../../web/dist/venue/', import.meta.url));
/** … and the operator console. */
export const CONSOLE_DIST = fileURLToPath(new URL('../../../web/dist/console/', import.meta.url));
/** … and the developer portal. */
export const DEVELOPERS_DIST = fileURLToPath(new URL('../../../web/dist/developers/', import.meta.url));

/** The policy of every answer under /wallet/, /venue/ and /console/ (the same for every app). */
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
export const WEB_CSP = WALLET_CSP;

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

/** Headers every answer under /wallet/, /venue/ and /console/ carries. */
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

const NAMES: Readonly<Record<WebAppName, { zh: string; en: string; enLower: string }>> = {
  wallet: { zh: '网页钱包', en: 'Web wallet', enLower: 'web wallet' },
  venue: { zh: '场所码核验页', en: 'Venue checker', enLower: 'venue checker' },
  console: { zh: '运营控制台', en: 'Operator console', enLower: 'operator console' },
  developers: { zh: '开发者门户', en: 'Developer portal', enLower: 'developer portal' },
};

function notBuiltMessage(name: WebAppName): string {
  return `The ${NAMES[name].enLower} has not been built: run \`npm start\` (which builds it first) or \`npm run build:web\`.`;
}

function notBuiltPage(name: WebAppName): string {
  const n = NAMES[name];
  return `<!doctype html>
<html lang="zh-CN">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${n.zh}尚未构建 · ${n.en} not built</title></head>
<body>
<h1>${n.zh}尚未构建</h1>
<p>请运行 <code>npm start</code>（会先构建网页应用）或 <code>npm run build:web</code>，然后刷新本页。</p>
<h2 lang="en">The ${n.enLower} has not been built</h2>
<p lang="en">Run <code>npm start</code> (which builds it first) or <code>npm run build:web</code>, then reload this page.</p>
</body>
</html>
`;
}

/** The person's web wallet under /wallet/. */
export function registerWalletStatic(app: FastifyInstance, opts: { dir?: string } = {}): void {
  registerAppStatic(app, 'wallet', opts.dir ?? WALLET_DIST);
}

/** The venue checker under /venue/. */
export function registerVenueStatic(app: FastifyInstance, opts: { dir?: string } = {}): void {
  registerAppStatic(app, 'venue', opts.dir ?? VENUE_DIST);
}

/** The operator console under /console/. */
export function registerConsoleStatic(app: FastifyInstance, opts: { dir?: string } = {}): void {
  registerAppStatic(app, 'console', opts.dir ?? CONSOLE_DIST);
}

/** The relying-party developer portal under /developers/. */
export function registerDevelopersStatic(app: FastifyInstance, opts: { dir?: string } = {}): void {
  registerAppStatic(app, 'developers', opts.dir ?? DEVELOPERS_DIST);
}

/** One built app (`dir`: its build output) under `/<name>/`. */
export function registerAppStatic(app: FastifyInstance, name: WebAppName, dir: string): void {
  const base = `/${name}/`;
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

  async function serve(req: FastifyRequest, reply: FastifyReply, fileName: string): Promise<FastifyReply> {
    walletHeaders(reply);
    const build = await load();
    if (!build) {
      void reply.status(503).header('cache-control', 'no-store').header('retry-after', '10');
      if ((req.headers.accept ?? '').includes('text/html')) return reply.header('content-type', 'text/html; charset=utf-8').send(notBuiltPage(name));
      return reply.send({ error: 'temporarily_unavailable', message: notBuiltMessage(name) });
    }
    if (!NAME.test(fileName) || !build.files.has(fileName)) {
      return reply.status(404).header('cache-control', 'no-store').send({ error: 'not_found', message: 'no such route' });
    }
    let file = build.cache.get(fileName);
    if (!file) {
      let body: Buffer;
      try {
        body = await readFile(`${dir}/${fileName}`);
      } catch {
        // A build being swapped in this instant: the next request sees the new one.
        current = undefined;
        return reply.status(503).header('cache-control', 'no-store').header('retry-after', '1').send({ error: 'temporarily_unavailable', message: `The ${NAMES[name].enLower} is being rebuilt; try again.` });
      }
      file = { body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"` };
      build.cache.set(fileName, file);
    }
    const ext = fileName.slice(fileName.lastIndexOf('.') + 1);
    void reply
      .header('content-type', TYPES[ext] ?? 'application/octet-stream')
      .header('etag', file.etag)
      .header('cache-control', HASHED.test(fileName) ? 'public, max-age=31536000, immutable' : 'no-cache');
    if (fileName === 'sw.js') void reply.header('service-worker-allowed', base);
    if (req.headers['if-none-match'] === file.etag) return reply.status(304).send();
    return reply.send(file.body);
  }

  // /<app> without the slash: relative asset URLs need the directory form.
  app.get(`/${name}`, async (_req, reply) => walletHeaders(reply).header('cache-control', 'no-cache').redirect(base, 308));
  app.get(base, async (req, reply) => serve(req, reply, 'index.html'));
  app.get(`${base}:name`, async (req, reply) => serve(req, reply, (req.params as { name: string }).name));
}
