/**
 * An in-memory replay cache for a venue checker: each key until its expiry (epoch seconds),
 * swept as it goes. Portable. A checker that restarts within a minute of a scan loses it; one
 * that must not can persist the same interface (has/add) in IndexedDB.
 */
import type { VenueReplayCache } from './ports.ts';

export class MemoryReplayCache implements VenueReplayCache {
  readonly #entries = new Map<string, number>();
  #lastSweep = 0;

  /** `now` in epoch seconds (default the system clock): expired keys are not "seen". */
  constructor(private readonly now: () => number = () => Math.floor(Date.now() / 1000)) {}

  has(key: string): boolean {
    const exp = this.#entries.get(key);
    return exp !== undefined && exp > this.now();
  }

  add(key: string, expiresAt: number): void {
    const t = this.now();
    if (t - this.#lastSweep >= 30) this.sweep(t);
    this.#entries.set(key, Math.max(expiresAt, this.#entries.get(key) ?? 0));
  }

  /** Forgets every key expired at `now`. */
  sweep(now: number = this.now()): void {
    this.#lastSweep = now;
    for (const [k, exp] of this.#entries) if (exp <= now) this.#entries.delete(k);
  }

  get size(): number {
    return this.#entries.size;
  }
}
