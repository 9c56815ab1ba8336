/**
 * Bounded memory of work that never changes for the same input: least-recently-used entries go
 * first, so an attacker who sends endless distinct inputs costs the cache its hits, never the
 * process its memory.
 *
 * - `LruMap`: the container (a `Map` in use order: a hit moves the entry to the end, the oldest
 *   is the first key).
 * - `SignatureMemo`: which compact JWS verified under which key. A 网证's issuer signature does
 *   not change between its uses — only its status does, and that is read from the store on
 *   every use — so a verifier that has checked a credential once need not check it again.
 *   The memo is keyed by the exact token text (a `Map` compares whole strings: no digest, no
 *   collision to argue about) and remembers the key object that verified it; a hit counts only
 *   when that same key is among the caller's keys for this call, so a key dropped from the
 *   ring stops vouching for its tokens at once. Only successes are remembered.
 */
export class LruMap<K, V> {
  readonly #max: number;
  readonly #map = new Map<K, V>();

  constructor(max: number) {
    if (!Number.isSafeInteger(max) || max < 1) throw new TypeError('LruMap: max must be a positive integer');
    this.#max = max;
  }

  get size(): number {
    return this.#map.size;
  }

  get(key: K): V | undefined {
    const v = this.#map.get(key);
    if (v !== undefined) {
      this.#map.delete(key);
      this.#map.set(key, v);
    }
    return v;
  }

  set(key: K, value: V): void {
    this.#map.delete(key);
    this.#map.set(key, value);
    if (this.#map.size > this.#max) this.#map.delete(this.#map.keys().next().value as K);
  }

  clear(): void {
    this.#map.clear();
  }
}

/** Tokens longer than this are verified every time (a 网证 is ~1 KB; a memo entry costs its length). */
const MEMO_MAX_TOKEN = 8_192;

export class SignatureMemo<Key extends object = object> {
  readonly #seen: LruMap<string, Key>;
  #hits = 0;
  #misses = 0;

  /** `max` tokens remembered (default 10,000 ≈ 10–20 MB of credential text). */
  constructor(max = 10_000) {
    this.#seen = new LruMap(max);
  }

  /** The key that verified `token` earlier, when it is one of `keys` now. */
  verifiedBy(token: string, keys: readonly Key[]): Key | undefined {
    const k = this.#seen.get(token);
    if (k !== undefined && keys.includes(k)) {
      this.#hits += 1;
      return k;
    }
    this.#misses += 1;
    return undefined;
  }

  remember(token: string, key: Key): void {
    if (token.length <= MEMO_MAX_TOKEN) this.#seen.set(token, key);
  }

  /** Hits and misses so far, and entries held (for metrics and tests). */
  stats(): { hits: number; misses: number; size: number } {
    return { hits: this.#hits, misses: this.#misses, size: this.#seen.size };
  }
}
