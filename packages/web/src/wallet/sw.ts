/**
 * The web wallet's service worker (scope /wallet/): the shared app-shell worker
 * (shared/sw-core.ts) under the wallet's own cache names. It caches this build's shell so the
 * wallet opens offline and can be installed; never an API answer (/v1/…, /sim/…,
 * /.well-known/…: they are about one person and carry `no-store`), never another origin.
 */
import { serveAppShell } from '../shared/sw-core.ts';

serveAppShell({ cachePrefix: 'wangzheng-wallet-' });
