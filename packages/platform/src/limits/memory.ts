/**
 * The in-process limiter: fixed windows in a `Map`, for one server process (the default, and the
 * fallback while Redis is down). Counts are lost on restart and not shared between processes:
 * with N processes behind a load balancer a key gets up to N × the limit (use Redis).
 *
 * Bounded memory: an attacker choosing keys (addresses, client ids) can fill the map, so it
 * holds at most `maxKeys` windows. Expired windows are swept every few thousand operations and
 * whenever the map is full; if it is still full, the oldest windows go first (a `Map` iterates
 * in insertion order). Evicting a live window forgets that key's count — the price of a bound;
 * with the default 100,000 keys an attacker needs that many distinct keys within one window.
 */
import { decide, type Decision, type Limiter, type Policies, type PolicyName } from './limiter.ts';

export interface MemoryLimiterOptions {
  readonly policies: Policies;
  /** Clock (ms); tests move it to end windows. */
  readonly now?: () => number;
  /** Most windows held at once (default 100,000). */
  readonly maxKeys?: number;
}

interface Window {
  count: number;
  readonly resetAt: number;
}

const SWEEP_EVERY = 4096;

export class MemoryLimiter implements Limiter {
  readonly #policies: Policies;
  readonly #now: () => number;
  readonly #maxKeys: number;
  readonly #windows = new Map<string, Window>();
  #ops = 0;

  constructor(opts: MemoryLimiterOptions) {
    this.#policies = opts.policies;
    this.#now = opts.now ?? Date.now;
    this.#maxKeys = opts.maxKeys ?? 100_000;
  }

  /** Windows held now (tests, metrics). */
  get size(): number {
    return this.#windows.size;
  }

  async hit(policy: PolicyName, key: string): Promise<Decision> {
    return this.hitSync(policy, key);
  }

  async peek(policy: PolicyName, key: string): Promise<Decision> {
    return this.peekSync(policy, key);
  }

  /** `hit` without a promise, for callers that are synchronous. */
  hitSync(policy: PolicyName, key: string): Decision {
    const p = this.#policies[policy];
    const now = this.#now();
    const id = `${policy}|${key}`;
    let w = this.#windows.get(id);
    if (w === undefined || w.resetAt <= now) {
      if (w !== undefined) this.#windows.delete(id);
      this.#makeRoom(now);
      w = { count: 0, resetAt: now + p.windowS * 1000 };
      this.#windows.set(id, w);
    }
    if (w.count <= p.limit) w.count++;
    return decide(p, w.count, w.resetAt - now, true);
  }

  peekSync(policy: PolicyName, key: string): Decision {
    const p = this.#policies[policy];
    const now = this.#now();
    const w = this.#windows.get(`${policy}|${key}`);
    if (w === undefined || w.resetAt <= now) return decide(p, 0, 0, false);
    return decide(p, w.count, w.resetAt - now, false);
  }

  async close(): Promise<void> {
    this.#windows.clear();
  }

  #makeRoom(now: number): void {
    if (++this.#ops % SWEEP_EVERY === 0 || this.#windows.size >= this.#maxKeys) this.#sweep(now);
    if (this.#windows.size < this.#maxKeys) return;
    // Still full of live windows: drop the oldest tenth.
    let drop = Math.max(1, Math.floor(this.#maxKeys / 10));
    for (const id of this.#windows.keys()) {
      this.#windows.delete(id);
      if (--drop === 0) break;
    }
  }

  #sweep(now: number): void {
    for (const [id, w] of this.#windows) if (w.resetAt <= now) this.#windows.delete(id);
  }
}
