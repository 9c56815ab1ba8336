// Retry schedule: exponential backoff with equal jitter — attempt n waits within
// [½·d(n), d(n)] with d(n) = min(cap, base·2^(n−1)); pure, the random source injected.
import { describe, expect, it } from 'vitest';
import { DEFAULT_RETRY, retryDelayMs } from '../../src/jobs/index.ts';

const low = () => 0;
const high = () => 0.999_999;

describe('job retry backoff: exponential with equal jitter', () => {
  it('defaults: 2 s base, 1 h cap, 16 attempts', () => {
    expect(DEFAULT_RETRY).toEqual({ baseMs: 2_000, capMs: 3_600_000, maxAttempts: 16 });
  });

  it('attempt n waits between half and all of base·2^(n−1)', () => {
    const nominal = [2_000, 4_000, 8_000, 16_000, 32_000, 64_000, 128_000, 256_000, 512_000, 1_024_000, 2_048_000];
    nominal.forEach((d, i) => {
      expect(retryDelayMs(i + 1, low)).toBe(d / 2);
      expect(retryDelayMs(i + 1, high)).toBeLessThan(d);
      expect(retryDelayMs(i + 1, high)).toBeGreaterThanOrEqual(d - 3);
    });
  });

  it('the cap: from attempt 12 on, at most 1 h and at least 30 min (boundary 11 → 12)', () => {
    expect(retryDelayMs(11, high)).toBeLessThan(3_600_000);
    expect(retryDelayMs(12, low)).toBe(1_800_000);
    expect(retryDelayMs(12, high)).toBe(3_599_998);
    expect(retryDelayMs(1_000, high)).toBeLessThanOrEqual(3_600_000);
  });

  it('the jitter spreads retries of one attempt number', () => {
    const seen = new Set(Array.from({ length: 50 }, () => retryDelayMs(5)));
    expect(seen.size).toBeGreaterThan(10);
    for (const d of seen) expect(d >= 16_000 && d < 32_000).toBe(true);
  });

  it('misuse is a TypeError; a broken random source falls back to the middle', () => {
    expect(() => retryDelayMs(0)).toThrow(TypeError);
    expect(() => retryDelayMs(1.5)).toThrow(TypeError);
    expect(retryDelayMs(1, () => Number.NaN)).toBe(1_500);
    expect(retryDelayMs(1, () => 1)).toBe(1_500);
  });
});
