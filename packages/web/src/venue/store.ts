/**
 * What the venue checker keeps in this browser (IndexedDB through idb-keyval, its own database
 * `wangzheng-venue`, apart from the wallet's):
 *
 * - `cache/v1` — the platform's JWKS and every status list token, as downloaded, each with the
 *   time it was fetched: what an offline check needs. The tokens are kept as signed text and
 *   verified again when the page opens, so the store holds nothing the page trusts unverified.
 * - `seen/v1` — the replay cache: each presentation checked OK (device key ‖ nonce, no personal
 *   data) until it would be stale anyway (≈ 71 s), so a reload does not forget it.
 *
 * No person's data is kept: a check's result is shown and forgotten.
 */
import { createStore, get, set } from 'idb-keyval';
import type { VenueReplayCache } from '@wangzheng/core/venue/index';

const db = createStore('wangzheng-venue', 'checker');
const CACHE_KEY = 'cache/v1';
const SEEN_KEY = 'seen/v1';

export interface CachedList {
  /** `<issuer>/status-lists/<id>`, as the index names it. */
  uri: string;
  /** The signed status list JWT. */
  token: string;
  /** Epoch milliseconds. */
  fetchedAt: number;
}

export interface CheckerCache {
  v: 1;
  issuer: string;
  /** The JWKS's `keys`. */
  jwks: unknown[];
  jwksFetchedAt: number;
  /** The index's `ttl` (seconds): how long a list may be relied on. */
  ttl: number;
  lists: CachedList[];
  listsFetchedAt: number;
}

function isCache(o: unknown): o is CheckerCache {
  const c = o as Partial<CheckerCache> | null | undefined;
  return !!c && c.v === 1 && typeof c.issuer === 'string' && Array.isArray(c.jwks) && typeof c.jwksFetchedAt === 'number' && typeof c.ttl === 'number' && Array.isArray(c.lists) && typeof c.listsFetchedAt === 'number';
}

export async function loadCache(): Promise<CheckerCache | undefined> {
  try {
    const c: unknown = await get(CACHE_KEY, db);
    return isCache(c) ? c : undefined;
  } catch {
    return undefined;
  }
}

export async function saveCache(c: CheckerCache): Promise<void> {
  await set(CACHE_KEY, c, db);
  await navigator.storage?.persist?.().catch(() => false);
}

/**
 * The replay cache, in memory and in IndexedDB. `has` reads the stored entries again first, so a
 * second tab of the checker on this device sees what the first one accepted.
 */
export class StoredReplayCache implements VenueReplayCache {
  readonly #entries = new Map<string, number>();

  constructor(private readonly now: () => number = () => Math.floor(Date.now() / 1000)) {}

  async #merge(): Promise<void> {
    let r: unknown;
    try {
      r = await get(SEEN_KEY, db);
    } catch {
      return; // storage blocked: memory only
    }
    if (typeof r !== 'object' || r === null) return;
    for (const [k, v] of Object.entries(r as Record<string, unknown>)) {
      if (typeof v === 'number' && v > (this.#entries.get(k) ?? 0)) this.#entries.set(k, v);
    }
  }

  async has(key: string): Promise<boolean> {
    await this.#merge();
    const exp = this.#entries.get(key);
    return exp !== undefined && exp > this.now();
  }

  async add(key: string, expiresAt: number): Promise<void> {
    const t = this.now();
    for (const [k, exp] of this.#entries) if (exp <= t) this.#entries.delete(k);
    this.#entries.set(key, Math.max(expiresAt, this.#entries.get(key) ?? 0));
    try {
      await set(SEEN_KEY, Object.fromEntries(this.#entries), db);
    } catch {
      // kept in memory for this page
    }
  }
}
