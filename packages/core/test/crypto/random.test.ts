/**
 * The pooled random source (crypto/random.ts): every byte handed out once, sizes exact, the
 * pool refilled across its boundary, large requests straight from OpenSSL, and the output
 * looks uniform (a chi-square test over 1 MiB drawn in small pieces — a pool that repeated or
 * leaked zeroed bytes would fail it).
 */
import { describe, expect, it } from 'vitest';
import { MAX_POOLED, randomBytes } from '../../src/crypto/random.ts';

describe('randomBytes (pooled)', () => {
  it('gives exactly n bytes, as Buffers no later draw writes into', () => {
    for (const n of [0, 1, 12, 16, 32, MAX_POOLED, MAX_POOLED + 1, 5000]) {
      const b = randomBytes(n);
      expect(Buffer.isBuffer(b)).toBe(true);
      expect(b.length).toBe(n);
    }
    const a = randomBytes(16);
    const copy = Buffer.from(a);
    randomBytes(16);
    expect(a.equals(copy)).toBe(true); // later draws do not write into an earlier result
  });

  it('never hands out the same 16 bytes twice over 20,000 draws (crossing many refills)', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 20_000; i++) seen.add(randomBytes(16).toString('hex'));
    expect(seen.size).toBe(20_000);
  });

  it('is uniform over 1 MiB drawn 12 bytes at a time (chi-square, 255 degrees of freedom)', () => {
    const counts = new Array<number>(256).fill(0);
    let total = 0;
    while (total < 1 << 20) {
      for (const byte of randomBytes(12)) counts[byte]! += 1;
      total += 12;
    }
    const expected = total / 256;
    const chi2 = counts.reduce((s, c) => s + (c - expected) ** 2 / expected, 0);
    // 255 df: mean 255, sd ≈ 22.6; 400 is > 6 sd (a false alarm about once in 10^9 runs).
    expect(chi2).toBeLessThan(400);
    expect(Math.min(...counts)).toBeGreaterThan(0);
  });

  it('refuses a negative or fractional size', () => {
    expect(() => randomBytes(-1)).toThrow(RangeError);
    expect(() => randomBytes(1.5)).toThrow(RangeError);
  });
});
