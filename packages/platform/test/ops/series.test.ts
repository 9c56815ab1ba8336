// The console's in-memory history (ops/series.ts): per 10 s interval, how much each kept counter
// grew and the histogram quantiles, for the last hour; quantiles as Prometheus'
// histogram_quantile computes them from the same buckets.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PlatformMetrics } from '../../src/ops/metrics.ts';
import { quantileOf, Series } from '../../src/ops/series.ts';

function setup(o: { capacity?: number } = {}) {
  let t = 1_000_000;
  const clock = { now: () => t, advance: (ms: number) => (t += ms) };
  const metrics = new PlatformMetrics({ processMetrics: false });
  const series = new Series(metrics.registry, { now: clock.now, ...o });
  return { metrics, series, clock };
}

const values = <V>(xs: readonly { value: V }[]): V[] => xs.map((x) => x.value);

describe('Series: growth per interval', () => {
  it('counts what each interval added, by the kept labels, summed over the rest', async () => {
    const { metrics, series, clock } = setup();
    const pass = (mode: 'wz' | 'wz_face', kind = 'receipt') => metrics.verification.settled({ kind, mode, result: 'pass', seconds: 3 });
    pass('wz');
    pass('wz', 'oidc');
    pass('wz_face');
    clock.advance(10_000);
    await series.sample();
    clock.advance(10_000);
    await series.sample();
    pass('wz');
    clock.advance(10_000);
    await series.sample();
    expect(values(series.counts('wz_verifications_total', { mode: 'wz', result: 'pass' }))).toEqual([2, 0, 1]);
    expect(values(series.counts('wz_verifications_total'))).toEqual([3, 0, 1]);
    expect(values(series.counts('wz_verifications_total', { result: 'fail' }))).toEqual([0, 0, 0]);
    expect(series.counts('wz_verifications_total').map((p) => p.seconds)).toEqual([10, 10, 10]);
    // `kind` is not kept by the console's spec: asking by it matches nothing.
    expect(values(series.counts('wz_verifications_total', { kind: 'oidc' }))).toEqual([0, 0, 0]);
  });

  it('failures by code, enrollments by outcome', async () => {
    const { metrics, series } = setup();
    metrics.verification.refused('wrong_passphrase');
    metrics.verification.refused('wrong_passphrase');
    metrics.enrollment.outcome('failed', 'face_mismatch');
    await series.sample();
    expect(values(series.counts('wz_verification_failures_total', { code: 'wrong_passphrase', final: 'false' }))).toEqual([2]);
    expect(values(series.counts('wz_enrollments_total', { outcome: 'failed' }))).toEqual([1]);
    expect(values(series.counts('wz_enrollment_failures_total', { code: 'face_mismatch' }))).toEqual([1]);
  });

  it('keeps the last `capacity` intervals, oldest first', async () => {
    const { metrics, series, clock } = setup({ capacity: 3 });
    for (let i = 1; i <= 5; i++) {
      for (let j = 0; j < i; j++) metrics.enrollment.outcome('issued');
      clock.advance(10_000);
      await series.sample();
    }
    const kept = series.counts('wz_enrollments_total', { outcome: 'issued' });
    expect(values(kept)).toEqual([3, 4, 5]);
    expect(kept[0]!.at).toBeLessThan(kept[2]!.at);
  });
});

describe('Series: quantiles as histogram_quantile', () => {
  it('p50 and p95 of one interval, interpolated in the bucket; null without observations', async () => {
    const { metrics, series } = setup();
    // Buckets …, 5, 10, 20, 30…: ten answers of 6 s, ten of 15 s.
    for (let i = 0; i < 10; i++) metrics.verification.settled({ kind: 'receipt', mode: 'wz', result: 'pass', seconds: 6 });
    for (let i = 0; i < 10; i++) metrics.verification.settled({ kind: 'receipt', mode: 'wz_face', result: 'pass', seconds: 15 });
    await series.sample();
    await series.sample();
    // p50: rank 10 of 20, the 10th observation closes the (5, 10] bucket → 10.
    expect(values(series.quantile('wz_verification_duration_seconds', 0.5))).toEqual([10, null]);
    // p95: rank 19 → (10, 20] holds ranks 11..20 → 10 + 10 × (19 − 10) / 10 = 19.
    expect(values(series.quantile('wz_verification_duration_seconds', 0.95))).toEqual([19, null]);
    expect(values(series.quantile('wz_verification_duration_seconds', 0.5, { mode: 'wz' }))).toEqual([7.5, null]);
    expect(() => series.quantile('wz_verification_duration_seconds', 1.5)).toThrow(TypeError);
  });

  it('quantileOf: the +Inf bucket answers the highest finite bound; empty is null', () => {
    expect(quantileOf(0.99, [1, 2, Infinity], [0, 1, 10])).toBe(2);
    expect(quantileOf(0.5, [1, 2, Infinity], [0, 0, 0])).toBeNull();
    expect(quantileOf(0.5, [1, 2, Infinity], [4, 4, 4])).toBe(0.5);
  });
});

describe('Series: the timer', () => {
  afterEach(() => vi.useRealTimers());

  it('samples every 10 s until stopped; the timer does not hold the process', async () => {
    vi.useFakeTimers();
    const metrics = new PlatformMetrics({ processMetrics: false });
    const series = new Series(metrics.registry);
    const spy = vi.spyOn(series, 'sample');
    series.start();
    series.start(); // idempotent
    await vi.advanceTimersByTimeAsync(30_000);
    expect(spy).toHaveBeenCalledTimes(3);
    expect(vi.getTimerCount()).toBe(1);
    series.stop();
    await vi.advanceTimersByTimeAsync(30_000);
    expect(spy).toHaveBeenCalledTimes(3);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('the platform’s timer is unref()ed', () => {
    const metrics = new PlatformMetrics({ processMetrics: false });
    const series = new Series(metrics.registry);
    const spy = vi.spyOn(globalThis, 'setInterval');
    series.start();
    const timer = spy.mock.results[0]!.value as NodeJS.Timeout;
    expect(timer.hasRef()).toBe(false);
    series.stop();
    spy.mockRestore();
  });
});
