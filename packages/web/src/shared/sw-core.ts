/**
 * The service worker both apps run (wallet/sw.ts, venue/sw.ts), parameterised by the app's cache
 * name: it caches this build's app shell so the app opens offline and can be installed. The build
 * (build.ts) names the version and the files (`__WZ_VERSION__`, `__WZ_SHELL__`); nothing else is
 * cached — never an API answer, never another origin.
 *
 * - install: fetch and cache every shell file of this version;
 * - activate: drop this app's caches of other versions, take control;
 * - fetch: only GET requests for this origin's files under the worker's scope (/wallet/, /venue/).
 *   The shell page (navigation) goes to the network first so a new build is seen at once, and
 *   falls back to the cached shell offline; the other shell files come from the cache first
 *   (hashed names never change). Everything else is left to the network untouched.
 */
declare const __WZ_VERSION__: string;
declare const __WZ_SHELL__: string[];

interface ExtendableEvent extends Event {
  waitUntil(p: Promise<unknown>): void;
}
interface FetchEvent extends ExtendableEvent {
  readonly request: Request;
  respondWith(r: Response | Promise<Response>): void;
}
interface WorkerScope {
  registration: { scope: string };
  skipWaiting(): Promise<void>;
  clients: { claim(): Promise<void> };
  addEventListener(type: 'install' | 'activate', l: (e: ExtendableEvent) => void): void;
  addEventListener(type: 'fetch', l: (e: FetchEvent) => void): void;
}

/** `cachePrefix`: the app's own cache names, e.g. `wangzheng-wallet-` (the version follows). */
export function serveAppShell(o: { cachePrefix: string }): void {
  const sw = self as unknown as WorkerScope;
  const CACHE = `${o.cachePrefix}${__WZ_VERSION__}`;
  const BASE = new URL('./', sw.registration.scope).pathname; // "/wallet/", "/venue/"
  const SHELL = new Set(__WZ_SHELL__.map((f) => `${BASE}${f}`));
  const INDEX = `${BASE}index.html`;

  sw.addEventListener('install', (e) => {
    e.waitUntil(
      caches
        .open(CACHE)
        .then((c) => c.addAll([...__WZ_SHELL__.filter((f) => f !== 'index.html').map((f) => `${BASE}${f}`), BASE]))
        .then(() => sw.skipWaiting()),
    );
  });

  sw.addEventListener('activate', (e) => {
    e.waitUntil(
      caches
        .keys()
        .then((keys) => Promise.all(keys.filter((k) => k.startsWith(o.cachePrefix) && k !== CACHE).map((k) => caches.delete(k))))
        .then(() => sw.clients.claim()),
    );
  });

  sw.addEventListener('fetch', (e) => {
    const req = e.request;
    if (req.method !== 'GET') return;
    const url = new URL(req.url);
    if (url.origin !== location.origin) return;
    if (req.mode === 'navigate' && (url.pathname === BASE || url.pathname === INDEX)) {
      e.respondWith(fetch(req).catch(async () => (await caches.match(BASE, { cacheName: CACHE })) ?? Response.error()));
      return;
    }
    if (!SHELL.has(url.pathname)) return;
    e.respondWith(caches.match(req, { cacheName: CACHE }).then((hit) => hit ?? fetch(req)));
  });
}
