/**
 * A closed-loop load: `concurrency` callers each start the next of `count` operations as soon as
 * their previous one ends. Returns each operation's latency (ms, as `op` reports it), the wall
 * time of the whole run (s), and when each operation ended (ms after the start, in order). The
 * benchmarks' measured phases all run this way.
 */
export async function closedLoop(count: number, concurrency: number, op: (i: number) => Promise<number>): Promise<{ latencies: number[]; wallS: number; endsMs: number[] }> {
  const latencies: number[] = [];
  const endsMs: number[] = [];
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        latencies.push(await op(next++));
        endsMs.push(performance.now() - t0);
      }
    }),
  );
  return { latencies, wallS: (performance.now() - t0) / 1000, endsMs };
}

/** The rates (operations/s) of a closed loop's blocks, each `ceil(n / blocks)` consecutive completions, in run order. */
export function blockRates(endsMs: readonly number[], blocks = 10): number[] {
  if (endsMs.length === 0) throw new Error('steadyRate: no completions');
  const size = Math.max(1, Math.ceil(endsMs.length / blocks));
  const rates: number[] = [];
  for (let i = 0; i < endsMs.length; i += size) {
    const last = Math.min(i + size, endsMs.length) - 1;
    const ms = endsMs[last]! - (i === 0 ? 0 : endsMs[i - 1]!);
    if (ms > 0) rates.push(((last - i + 1) * 1000) / ms);
  }
  if (rates.length === 0) throw new Error('steadyRate: every completion at the same instant');
  return rates;
}

/**
 * The rate a closed loop kept up (operations/s): the median of its blocks' rates. The whole run's
 * rate is moved by one fast or slow moment of a shared machine (a burst, a neighbour's job); the
 * median of ten blocks is not, and an open loop paced from it is neither over- nor under-loaded
 * by that moment.
 */
export function steadyRate(endsMs: readonly number[], blocks = 10): number {
  const rates = blockRates(endsMs, blocks).sort((a, b) => a - b);
  const mid = rates.length >> 1;
  return rates.length % 2 ? rates[mid]! : (rates[mid - 1]! + rates[mid]!) / 2;
}
