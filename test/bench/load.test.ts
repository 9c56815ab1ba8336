/**
 * bench/load.ts: the closed loop reports when each operation ended, and the rate an open loop is
 * paced from is the median of the closed loop's blocks, not moved by one fast or slow moment.
 */
import { describe, expect, it } from 'vitest';
import { blockRates, closedLoop, steadyRate } from '../../bench/load.ts';

describe('bench/load', () => {
  it('runs count operations with concurrency in flight, and gives their end times in order', async () => {
    let inFlight = 0;
    let most = 0;
    const { latencies, endsMs, wallS } = await closedLoop(20, 4, async () => {
      inFlight++;
      most = Math.max(most, inFlight);
      await new Promise((r) => setTimeout(r, 2));
      inFlight--;
      return 2;
    });
    expect(latencies).toHaveLength(20);
    expect(endsMs).toHaveLength(20);
    expect(most).toBe(4);
    expect([...endsMs].sort((a, b) => a - b)).toEqual(endsMs);
    expect(endsMs.at(-1)!).toBeLessThanOrEqual(wallS * 1000);
  });

  it('takes the median of the blocks: one fast burst does not move it', () => {
    // 90 completions at 100/s (10 ms apart), then 10 in a burst of 1 ms each.
    const ends: number[] = [];
    for (let i = 1; i <= 90; i++) ends.push(i * 10);
    for (let i = 1; i <= 10; i++) ends.push(900 + i);
    // The whole run's rate, 100 in 0.91 s = 110/s, is moved by the burst; the median is not.
    expect(steadyRate(ends)).toBeCloseTo(100, 6);
    // A slow stall in one block does not move it either.
    const stalled = ends.map((t, i) => (i >= 20 ? t + 2000 : t));
    expect(steadyRate(stalled)).toBeCloseTo(100, 6);
  });

  it('counts each block from the end of the one before it, and refuses nothing to measure', () => {
    expect(steadyRate([500, 1000], 2)).toBe(2);
    expect(steadyRate([250, 500, 750, 1000], 1)).toBe(4);
    expect(steadyRate([100, 200, 300], 10)).toBe(10);
    expect(blockRates([100, 200, 400, 500], 2)).toEqual([10, 2 * 1000 / 300]);
    expect(() => steadyRate([])).toThrow(/no completions/);
    expect(() => steadyRate([0, 0])).toThrow(/same instant/);
  });
});
