/**
 * The venue checker's engine, apart from its screen: the cached platform keys and status lists
 * (downloaded while online, kept in IndexedDB with their fetch time, verified again on every
 * start), the replay cache, and the check itself — `verifyVenuePresentation` from core/venue,
 * portable, over the browser crypto port (crypto.ts). Nothing here needs the network except
 * `refresh`.
 *
 * Freshness (docs/venue.md, "Offline, and the ttl rule"): a status list may be relied on for
 * its `ttl` (60 s) after its `iat`. Past that the checker still checks — offline there is nothing
 * better — and every result says the status may be out of date; past a day
 * (`DEFAULT_STATUS_MAX_AGE_SECONDS`) the cache answers `unknown` and the check is refused.
 *
 * Lists are always downloaded whole (`cache: 'no-store'`), never revalidated with a 304: a 304
 * would keep the old token, whose `iat` — what the ttl is counted from — would not move.
 */
import {
  DEFAULT_STATUS_MAX_AGE_SECONDS,
  StatusListCache,
  verifyStatusListToken,
  verifyVenuePresentation,
  type VenueCheckResult,
  type VerifiedStatusList,
} from '@wangzheng/core/venue/index';
import { browserVenueCrypto } from './crypto.ts';
import { loadCache, saveCache, StoredReplayCache, type CachedList, type CheckerCache } from './store.ts';

export class CheckerError extends Error {
  constructor(
    readonly code: 'offline' | 'unreachable' | 'bad_answer' | 'list_invalid' | 'storage',
    message: string,
  ) {
    super(message);
  }
}

export type Freshness = 'none' | 'fresh' | 'stale' | 'too_old';

export interface CacheInfo {
  keys: number;
  jwksFetchedAt: number;
  lists: number;
  /** The oldest list's `iat`, epoch seconds (undefined without lists). */
  oldestIat: number | undefined;
  listsFetchedAt: number;
  ttl: number;
}

const LIST_PATH = /^\/status-lists\/([1-9][0-9]{0,8})$/;
const DEFAULT_TTL = 60;

export const nowSeconds = (): number => Math.floor(Date.now() / 1000);

/** A function, so that TypeScript does not narrow `navigator.onLine` across an await. */
function isOffline(): boolean {
  return navigator.onLine === false;
}

async function fetchOk(path: string): Promise<Response> {
  if (isOffline()) throw new CheckerError('offline', 'offline');
  let res: Response;
  try {
    res = await fetch(path, { cache: 'no-store', credentials: 'omit', headers: { accept: 'application/json, application/statuslist+jwt' } });
  } catch (e) {
    throw new CheckerError(isOffline() ? 'offline' : 'unreachable', e instanceof Error ? e.message : String(e));
  }
  if (!res.ok) throw new CheckerError('bad_answer', `${path}: HTTP ${res.status}`);
  return res;
}

async function verifiedLists(c: Pick<CheckerCache, 'issuer' | 'jwks' | 'lists'>): Promise<VerifiedStatusList[]> {
  const out: VerifiedStatusList[] = [];
  for (const l of c.lists) {
    const v = await verifyStatusListToken(l.token, { keys: c.jwks, crypto: browserVenueCrypto, issuer: c.issuer });
    if ('error' in v) throw new CheckerError('list_invalid', `${l.uri}: ${v.error}`);
    out.push(v);
  }
  return out;
}

export class Checker {
  #cache: CheckerCache | undefined;
  #lists = new StatusListCache();
  #verified: VerifiedStatusList[] = [];
  readonly seen = new StoredReplayCache();

  /** The checker with whatever this browser cached (nothing, the first time). */
  static async open(): Promise<Checker> {
    const c = new Checker();
    const cached = await loadCache();
    if (cached) {
      try {
        c.#use(cached, await verifiedLists(cached));
      } catch {
        // A cache that no longer verifies (keys rotated since): as if there were none.
      }
    }
    return c;
  }

  #use(cache: CheckerCache, lists: VerifiedStatusList[]): void {
    const fresh = new StatusListCache({ maxAgeSeconds: DEFAULT_STATUS_MAX_AGE_SECONDS });
    for (const l of lists) fresh.put(l);
    this.#cache = cache;
    this.#lists = fresh;
    this.#verified = lists;
  }

  /** Downloads the JWKS, the index and every list; verifies them all; keeps them (or throws, keeping the old cache). */
  async refresh(): Promise<void> {
    const jwksAt = Date.now();
    const jwks = (await (await fetchOk('/.well-known/jwks.json')).json().catch(() => undefined)) as { keys?: unknown } | undefined;
    if (!jwks || !Array.isArray(jwks.keys)) throw new CheckerError('bad_answer', 'jwks: no keys');
    const index = (await (await fetchOk('/status-lists')).json().catch(() => undefined)) as { lists?: unknown; ttl?: unknown } | undefined;
    if (!index || !Array.isArray(index.lists)) throw new CheckerError('bad_answer', 'status-lists: no lists');
    const ttl = typeof index.ttl === 'number' && Number.isFinite(index.ttl) && index.ttl > 0 ? index.ttl : DEFAULT_TTL;
    let issuer: string | undefined;
    const lists: CachedList[] = [];
    for (const uri of index.lists) {
      if (typeof uri !== 'string') throw new CheckerError('bad_answer', 'status-lists: not a URI');
      let u: URL;
      try {
        u = new URL(uri);
      } catch {
        throw new CheckerError('bad_answer', `status-lists: ${uri}`);
      }
      if (!LIST_PATH.test(u.pathname) || u.search || u.hash) throw new CheckerError('bad_answer', `status-lists: ${uri}`);
      const iss = uri.slice(0, uri.length - u.pathname.length);
      if (issuer !== undefined && iss !== issuer) throw new CheckerError('bad_answer', 'status-lists: more than one issuer');
      issuer = iss;
      // Always from this origin (the page may talk to no other host), whatever the issuer's name.
      const at = Date.now();
      lists.push({ uri, token: (await (await fetchOk(u.pathname)).text()).trim(), fetchedAt: at });
    }
    const cache: CheckerCache = { v: 1, issuer: issuer ?? location.origin, jwks: jwks.keys, jwksFetchedAt: jwksAt, ttl, lists, listsFetchedAt: Date.now() };
    const verified = await verifiedLists(cache);
    this.#use(cache, verified);
    try {
      await saveCache(cache);
    } catch (e) {
      throw new CheckerError('storage', e instanceof Error ? e.message : String(e));
    }
  }

  get info(): CacheInfo | undefined {
    const c = this.#cache;
    if (!c) return undefined;
    const iats = this.#verified.map((l) => l.iat);
    return {
      keys: c.jwks.length,
      jwksFetchedAt: c.jwksFetchedAt,
      lists: this.#verified.length,
      oldestIat: iats.length ? Math.min(...iats) : undefined,
      listsFetchedAt: c.listsFetchedAt,
      ttl: c.ttl,
    };
  }

  /** How old the status information is at `now` (seconds), and what that means. */
  freshness(now: number): { state: Freshness; ageSeconds: number } {
    const i = this.info;
    if (!i) return { state: 'none', ageSeconds: 0 };
    const since = i.oldestIat ?? Math.floor(i.listsFetchedAt / 1000);
    const age = Math.max(0, now - since);
    if (age > DEFAULT_STATUS_MAX_AGE_SECONDS) return { state: 'too_old', ageSeconds: age };
    const stale = this.#lists.staleLists(now).length > 0 || age > i.ttl;
    return { state: stale ? 'stale' : 'fresh', ageSeconds: age };
  }

  /** Checks a scanned or pasted text, offline. */
  async check(text: string, now: number = nowSeconds()): Promise<VenueCheckResult> {
    return verifyVenuePresentation(text, {
      now,
      keys: this.#cache?.jwks ?? [],
      statusLookup: this.#lists.lookup,
      seen: this.seen,
      crypto: browserVenueCrypto,
    });
  }
}
