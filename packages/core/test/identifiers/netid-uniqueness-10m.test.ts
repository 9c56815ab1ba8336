/**
 * 网号 uniqueness at national scale, sampled: 10 000 000 distinct persons, real HMAC-SM3
 * derivation, collision resolution against the set of 网号 already issued, all distinct and
 * valid.
 *
 * Allocation is sequential by definition (person i gets the first candidate not held by
 * persons 0…i−1), and that is what this test does. Only the attempt-0 candidates — pure
 * functions of (key, personRef), ~5 µs of HMAC each — are computed ahead of time, spread over
 * the machine's cores (worker threads plus this thread) with the same `deriveNetidCandidate`.
 * Then, in order, each person takes the precomputed attempt-0 value if it is free (exactly
 * what `allocateNetid` returns at attempt 0), and otherwise goes through `allocateNetid`
 * itself, which must resolve the collision with attempt ≥ 1.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { allocateNetid, isValidNetid, netidFromValue, netidValue } from '../../src/identifiers/index.ts';
import { deriveSlice, personRef } from './support/netid-10m-slice.ts';
import { NumberSet } from './support/number-set.ts';

const PERSONS = 10_000_000;
const KEY = new Uint8Array(32).map((_, i) => (i * 37 + 11) & 0xff);

function runWorker(from: number, to: number, shared: SharedArrayBuffer): Promise<number> {
  return new Promise((resolve, reject) => {
    const w = new Worker(new URL('./support/ts-worker-boot.mjs', import.meta.url), {
      workerData: { entry: new URL('./support/netid-10m.worker.ts', import.meta.url).href, key: KEY, from, to, shared },
    });
    w.once('message', (m: { invalid: number }) => resolve(m.invalid));
    w.once('error', reject);
    w.once('exit', (code) => (code === 0 ? undefined : reject(new Error(`worker exited with ${code}`))));
  });
}

async function deriveAll(): Promise<{ values: Float64Array; invalid: number }> {
  const shared = new SharedArrayBuffer(PERSONS * Float64Array.BYTES_PER_ELEMENT);
  const values = new Float64Array(shared);
  const threads = Math.max(1, availableParallelism());
  const per = Math.ceil(PERSONS / threads);
  const workers: Promise<number>[] = [];
  for (let t = 1; t < threads; t++) workers.push(runWorker(t * per, Math.min(PERSONS, (t + 1) * per), shared));
  // This thread takes slice 0, in chunks so the event loop keeps turning.
  let invalid = 0;
  for (let from = 0; from < Math.min(per, PERSONS); from += 100_000) {
    invalid += deriveSlice(KEY, from, Math.min(from + 100_000, per, PERSONS), values);
    await new Promise((r) => setImmediate(r));
  }
  for (const n of await Promise.all(workers)) invalid += n;
  return { values, invalid };
}

describe('网号 uniqueness at 10 million persons (real HMAC-SM3, recorded collision resolution)', () => {
  it('allocates 10 000 000 distinct, valid 网号 and resolves every collision', async () => {
    const started = performance.now();
    const { values, invalid } = await deriveAll();
    const derived = performance.now();
    expect(invalid).toBe(0);

    // The precomputed attempt-0 values are what the public API derives.
    for (let i = 0; i < 1000; i++) {
      const { netid, attempt } = await allocateNetid({ key: KEY, personRef: personRef(i), isTaken: () => false });
      expect(attempt).toBe(0);
      expect(netidValue(netid)).toBe(values[i]);
    }

    const issued = new NumberSet(PERSONS);
    const resolved: { person: number; attempt: number }[] = [];
    for (let i = 0; i < PERSONS; i++) {
      if (issued.add(values[i] as number)) continue;
      // attempt 0 is held by an earlier person: the allocator must find a free candidate.
      const { netid, attempt } = await allocateNetid({
        key: KEY,
        personRef: personRef(i),
        isTaken: (n) => issued.has(netidValue(n)),
      });
      expect(attempt).toBeGreaterThanOrEqual(1);
      expect(isValidNetid(netid)).toBe(true);
      expect(issued.add(netidValue(netid))).toBe(true);
      resolved.push({ person: i, attempt });
    }
    const done = performance.now();

    expect(issued.size).toBe(PERSONS);
    // Expected attempt-0 collisions: n²/(2·31^9) ≈ 1.9 (Poisson); 20 or more would mean the
    // derivation is far from uniform.
    expect(resolved.length).toBeLessThan(20);
    expect(isValidNetid(netidFromValue(values[PERSONS - 1] as number))).toBe(true);

    console.log(
      `[netid-10m] ${PERSONS} persons, ${availableParallelism()} threads: derive ${((derived - started) / 1000).toFixed(1)} s, ` +
        `allocate ${((done - derived) / 1000).toFixed(1)} s; collisions resolved: ${resolved.length}` +
        (resolved.length ? ` (${resolved.map((r) => `P${r.person}→attempt ${r.attempt}`).join(', ')})` : ''),
    );
  }, 300_000);
});
