/**
 * When a failed job runs again: exponential backoff with "equal jitter" — attempt n waits
 * between half and all of min(cap, base · 2^(n−1)) — so receivers that come back after an
 * outage are not hit by every transmitter process at the same instant, and no retry comes
 * sooner than half its nominal delay. With the defaults (2 s, cap 1 h, 16 attempts) a job is
 * tried for roughly 2½ to 5 hours before it fails for good:
 *
 *   after attempt  1   2   3    4    5    6     7     8     9     10     11      12…15
 *   waits at most  2s  4s  8s  16s  32s  64s  128s  256s  512s  1024s  2048s   1 h each
 *
 * Pure: the random source is a parameter (tests pass a fixed one).
 */

export interface RetryPolicy {
  /** The first retry's nominal delay. */
  readonly baseMs: number;
  /** No delay exceeds this. */
  readonly capMs: number;
  /** After this many attempts the job fails for good. */
  readonly maxAttempts: number;
}

export const DEFAULT_RETRY: RetryPolicy = Object.freeze({ baseMs: 2_000, capMs: 3_600_000, maxAttempts: 16 });

/** The delay after failed attempt `attempt` (1-based). `random` returns [0, 1). */
export function retryDelayMs(attempt: number, random: () => number = Math.random, policy: RetryPolicy = DEFAULT_RETRY): number {
  if (!Number.isInteger(attempt) || attempt < 1) throw new TypeError('attempt must be a positive integer');
  // 2^(attempt-1) overflows nothing: the exponent is capped long before doubles lose integers.
  const nominal = Math.min(policy.capMs, policy.baseMs * 2 ** Math.min(attempt - 1, 40));
  const r = random();
  const jitter = Number.isFinite(r) && r >= 0 && r < 1 ? r : 0.5;
  return Math.floor(nominal / 2 + jitter * (nominal / 2));
}
