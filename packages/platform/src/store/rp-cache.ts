/**
 * A short-lived, per-process cache of relying-party records for `store.relyingParties.findByClientId`
 * (issue 10 §1). One receipt verification looks its RP up four times (client authentication
 * when the request is created, the wallet's view of the request, the approval, the receipt
 * fetch); the record changes only when an operator or the RP itself edits it.
 *
 * Freshness:
 * - **In this process** a write is seen at once: every write method of the repository — on the
 *   store or inside a transaction — bumps a generation, and so does the end of a transaction
 *   that wrote one (commit or rollback). An entry fetched under an older generation is never
 *   served, so a read that raced a write cannot put the old record back.
 * - **Across processes** (`start --workers`, several machines) a write made elsewhere is seen
 *   after at most `ttlMs` (default 1 s): an operator's suspension, a rotated secret or new keys
 *   take effect everywhere within that time. `ttlMs: 0` turns the cache off.
 *
 * Only records that exist are kept (an unknown client id is asked of the database every time,
 * so guessing ids cannot fill the cache), at most `max` of them (least recently used dropped).
 * Inside `store.transaction(fn)` nothing is cached: `tx.relyingParties` reads its own view.
 */
import { LruMap } from '@wangzheng/core/crypto/memo';
import type { RelyingPartyRecord, RelyingPartyWriter } from './relying-parties/types.ts';

export interface RpCacheOptions {
  /** How long a record is served without asking the database. 0: no cache. Default 1000. */
  readonly ttlMs?: number;
  /** Records kept at most. Default 10,000. */
  readonly max?: number;
}

export const DEFAULT_RP_CACHE_TTL_MS = 1000;
const DEFAULT_RP_CACHE_MAX = 10_000;

/** The methods of the relying-party repository that write (all the others read). */
const WRITES = ['insert', 'transition', 'appendEvent', 'setClientRedirect', 'setJwks'] as const satisfies readonly (keyof RelyingPartyWriter)[];

interface Entry {
  readonly record: RelyingPartyRecord;
  readonly generation: number;
  readonly until: number;
}

export class RpCache {
  readonly #ttlMs: number;
  readonly #entries: LruMap<string, Entry>;
  /** Bumped by every write this process makes; an entry from an older generation is stale. */
  #generation = 0;
  #hits = 0;
  #misses = 0;

  constructor(opts: RpCacheOptions = {}, readonly clock: () => number = () => performance.now()) {
    const ttl = opts.ttlMs ?? DEFAULT_RP_CACHE_TTL_MS;
    if (!Number.isFinite(ttl) || ttl < 0) throw new TypeError('RpCache: ttlMs must be a non-negative number');
    this.#ttlMs = ttl;
    this.#entries = new LruMap(opts.max ?? DEFAULT_RP_CACHE_MAX);
  }

  get stats(): { hits: number; misses: number; size: number } {
    return { hits: this.#hits, misses: this.#misses, size: this.#entries.size };
  }

  /** Forget everything: a write happened (or may have, e.g. a transaction that wrote ended). */
  invalidate(): void {
    this.#generation += 1;
    this.#entries.clear();
  }

  /** The store's repository with `findByClientId` cached and every write invalidating. */
  wrap(repo: RelyingPartyWriter): RelyingPartyWriter {
    if (this.#ttlMs === 0) return repo;
    return { ...repo, ...this.#invalidating(repo), findByClientId: (id) => this.#find(repo, id) };
  }

  /** A transaction's repository: reads uncached, writes invalidate (again when the transaction ends). */
  wrapTx(repo: RelyingPartyWriter, wrote: () => void): RelyingPartyWriter {
    if (this.#ttlMs === 0) return repo;
    return { ...repo, ...this.#invalidating(repo, wrote) };
  }

  #invalidating(repo: RelyingPartyWriter, also: () => void = () => {}): Pick<RelyingPartyWriter, (typeof WRITES)[number]> {
    const out: Record<string, unknown> = {};
    for (const name of WRITES) {
      const fn = repo[name] as (...a: unknown[]) => Promise<unknown>;
      out[name] = async (...args: unknown[]) => {
        this.invalidate();
        also();
        try {
          return await fn(...args);
        } finally {
          this.invalidate();
        }
      };
    }
    return out as Pick<RelyingPartyWriter, (typeof WRITES)[number]>;
  }

  async #find(repo: RelyingPartyWriter, clientId: string): Promise<RelyingPartyRecord | undefined> {
    const now = this.clock();
    const hit = this.#entries.get(clientId);
    if (hit !== undefined && hit.generation === this.#generation && hit.until > now) {
      this.#hits += 1;
      return hit.record;
    }
    this.#misses += 1;
    const generation = this.#generation;
    const record = await repo.findByClientId(clientId);
    if (record === undefined) return undefined;
    // Shared by every caller until it expires: frozen, so that no caller can change another's copy.
    Object.freeze(record);
    if (generation === this.#generation) this.#entries.set(clientId, { record, generation, until: now + this.#ttlMs });
    return record;
  }
}
