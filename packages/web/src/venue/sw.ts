/**
 * The venue checker's service worker (scope /venue/): the shared app-shell worker
 * (shared/sw-core.ts) under the checker's own cache names, so the checker opens offline — at a
 * venue with no network, it must. Nothing else is cached here: the platform keys and status
 * lists are the page's own cache (IndexedDB, with their fetch time, shown on screen), never an
 * HTTP cache entry whose age nobody sees.
 */
import { serveAppShell } from '../shared/sw-core.ts';

serveAppShell({ cachePrefix: 'wangzheng-venue-' });
