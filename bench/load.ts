/**
 * A closed-loop load: `concurrency` callers each start the next of `count` operations as soon as
 * their previous one ends. Returns each operation's latency (ms, as `op` reports it) and the wall
 * time of the whole run (s). The benchmarks' measured phases all run this way.
 */
export async function closedLoop(count: number, concurrency: number, op: (i: number) => Promise<number>): Promise<{ latencies: number[]; wallS: number }> {
  const latencies: number[] = [];
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) latencies.push(await op(next++));
    }),
  );
  return { latencies, wallS: (performance.now() - t0) / 1000 };
}
