/**
 * A small in-memory history of the metrics, for in-process callers such as the operator console:
 * every `intervalMs` (10 s) it reads the platform's registry and keeps, per interval, how much
 * each counter grew and the histograms' bucket growth, for the last `capacity` intervals (360:
 * one hour). Prometheus remains the store of record; this is only what one process saw since it
 * started (a restart empties it), enough to draw the last hour without a Prometheus server.
 *
 * Only the series in `specs` are kept, and only by the labels each spec names (the others are
 * summed away: the HTTP histogram is kept for all routes together). The timer is `unref()`ed
 * and `stop()`ped when the platform closes.
 *
 * ```ts
 * const s = platform.ops.series;
 * s.counts('wz_verifications_total', { mode: 'wz_face', result: 'pass' }); // [{ at, seconds, value }, …] oldest first
 * s.quantile('wz_verification_duration_seconds', 0.95);                    // [{ at, seconds, value: 12.5 | null }, …]
 * ```
 */
import { Counter, Histogram, type Registry } from 'prom-client';

export interface SeriesSpec {
  readonly metric: string;
  /** The labels kept; every other label is summed away. */
  readonly by: readonly string[];
}

/** What the operator console charts: enrollments, verifications by mode, failures by code, latency, logins, deliveries. */
export const CONSOLE_SERIES: readonly SeriesSpec[] = [
  { metric: 'wz_enrollments_total', by: ['outcome'] },
  { metric: 'wz_enrollment_failures_total', by: ['code'] },
  { metric: 'wz_verifications_total', by: ['mode', 'result'] },
  { metric: 'wz_verification_failures_total', by: ['code', 'final'] },
  { metric: 'wz_verification_duration_seconds', by: ['mode'] },
  { metric: 'wz_oidc_logins_total', by: ['acr', 'result'] },
  { metric: 'wz_ssf_deliveries_total', by: ['result'] },
  { metric: 'wz_http_requests_total', by: ['status'] },
  { metric: 'wz_http_request_duration_seconds', by: [] },
];

export interface SeriesOptions {
  readonly specs?: readonly SeriesSpec[];
  /** Default 10 000 ms. */
  readonly intervalMs?: number;
  /** Intervals kept. Default 360 (an hour of 10 s). */
  readonly capacity?: number;
  readonly now?: () => number;
}

/** One value per interval, oldest first: `at` is the end of the interval, `seconds` its length. */
export interface SeriesValue<V = number> {
  readonly at: number;
  readonly seconds: number;
  readonly value: V;
}

type Labels = Readonly<Record<string, string>>;
/** A value as prom-client's `get()` gives it. */
type Raw = { readonly labels: Partial<Record<string, string | number>>; readonly value: number; readonly metricName?: string };
interface Grown {
  readonly metric: string;
  readonly labels: Labels;
  /** Counter: [growth]. Histogram: cumulative bucket growth, one per `le` of `bounds`, +Inf last. */
  readonly values: readonly number[];
}
interface Point {
  readonly at: number;
  readonly seconds: number;
  readonly grown: readonly Grown[];
}

export class Series {
  readonly intervalMs: number;
  readonly capacity: number;
  readonly #registry: Registry;
  readonly #specs: readonly SeriesSpec[];
  readonly #now: () => number;
  readonly #points: Point[] = [];
  /** Last totals per series key: what the next sample subtracts. */
  readonly #totals = new Map<string, readonly number[]>();
  /** Upper bounds of each histogram's buckets (+Inf last). */
  readonly #bounds = new Map<string, readonly number[]>();
  #last: number;
  #timer: NodeJS.Timeout | undefined;

  constructor(registry: Registry, o: SeriesOptions = {}) {
    this.#registry = registry;
    this.#specs = o.specs ?? CONSOLE_SERIES;
    this.intervalMs = o.intervalMs ?? 10_000;
    this.capacity = o.capacity ?? 360;
    if (!Number.isInteger(this.intervalMs) || this.intervalMs < 1) throw new TypeError('intervalMs must be a positive integer');
    if (!Number.isInteger(this.capacity) || this.capacity < 1) throw new TypeError('capacity must be a positive integer');
    this.#now = o.now ?? Date.now;
    this.#last = this.#now();
  }

  /** Samples every `intervalMs` until `stop()`. The timer does not keep the process alive. */
  start(): void {
    if (this.#timer !== undefined) return;
    this.#timer = setInterval(() => void this.sample().catch(() => {}), this.intervalMs);
    this.#timer.unref();
  }

  stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** Reads the registry now and appends one interval (the timer's work; tests call it directly). */
  async sample(): Promise<void> {
    const at = this.#now();
    const grown: Grown[] = [];
    for (const spec of this.#specs) {
      const metric = this.#registry.getSingleMetric(spec.metric);
      if (metric instanceof Counter) this.#counter(spec, (await metric.get()).values, grown);
      else if (metric instanceof Histogram) this.#histogram(spec, (await metric.get()).values, grown);
    }
    this.#points.push({ at, seconds: Math.max(0, at - this.#last) / 1000, grown });
    if (this.#points.length > this.capacity) this.#points.splice(0, this.#points.length - this.capacity);
    this.#last = at;
  }

  /** How much `metric` grew in each interval, summed over the kept label sets that match `match`. */
  counts(metric: string, match: Labels = {}): SeriesValue[] {
    return this.#points.map((p) => ({ at: p.at, seconds: p.seconds, value: sum(p.grown.filter((g) => g.metric === metric && matches(g.labels, match)).map((g) => g.values[0] ?? 0)) }));
  }

  /**
   * The `q`-quantile (0..1) of histogram `metric` in each interval, over the matching label sets,
   * interpolated within a bucket as Prometheus' `histogram_quantile` does; null for an interval
   * without observations.
   */
  quantile(metric: string, q: number, match: Labels = {}): SeriesValue<number | null>[] {
    if (!(q >= 0 && q <= 1)) throw new TypeError('q must be within 0..1');
    const bounds = this.#bounds.get(metric) ?? [];
    return this.#points.map((p) => {
      const cumulative = bounds.map(() => 0);
      for (const g of p.grown) if (g.metric === metric && matches(g.labels, match)) g.values.forEach((v, i) => (cumulative[i] = (cumulative[i] ?? 0) + v));
      return { at: p.at, seconds: p.seconds, value: quantileOf(q, bounds, cumulative) };
    });
  }

  #counter(spec: SeriesSpec, values: readonly Raw[], out: Grown[]): void {
    const totals = new Map<string, { labels: Labels; total: number }>();
    for (const v of values) {
      const labels = keep(v.labels, spec.by);
      const k = keyOf(spec.metric, labels);
      const t = totals.get(k) ?? { labels, total: 0 };
      t.total += v.value;
      totals.set(k, t);
    }
    for (const [k, t] of totals) out.push({ metric: spec.metric, labels: t.labels, values: [this.#grow(k, [t.total])[0] ?? 0] });
  }

  #histogram(spec: SeriesSpec, values: readonly Raw[], out: Grown[]): void {
    const groups = new Map<string, { labels: Labels; byLe: Map<number, number> }>();
    for (const v of values) {
      if (v.metricName !== `${spec.metric}_bucket`) continue;
      const { le, ...rest } = v.labels;
      const bound = le === '+Inf' ? Infinity : Number(le);
      const labels = keep(rest, spec.by);
      const k = keyOf(spec.metric, labels);
      const g = groups.get(k) ?? { labels, byLe: new Map<number, number>() };
      g.byLe.set(bound, (g.byLe.get(bound) ?? 0) + v.value);
      groups.set(k, g);
    }
    for (const [k, g] of groups) {
      const bounds = [...g.byLe.keys()].sort((a, b) => a - b);
      this.#bounds.set(spec.metric, bounds);
      out.push({ metric: spec.metric, labels: g.labels, values: this.#grow(k, bounds.map((b) => g.byLe.get(b) ?? 0)) });
    }
  }

  /** Growth since the previous sample (a series seen for the first time grew from zero). */
  #grow(key: string, totals: readonly number[]): number[] {
    const before = this.#totals.get(key);
    this.#totals.set(key, totals);
    return totals.map((t, i) => Math.max(0, t - (before?.[i] ?? 0)));
  }
}

function keep(labels: Raw['labels'], by: readonly string[]): Labels {
  const out: Record<string, string> = {};
  for (const l of by) if (labels[l] !== undefined) out[l] = String(labels[l]);
  return out;
}

function keyOf(metric: string, labels: Labels): string {
  return `${metric}${JSON.stringify(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : 1)))}`;
}

function matches(labels: Labels, match: Labels): boolean {
  return Object.entries(match).every(([k, v]) => labels[k] === v);
}

function sum(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0);
}

/** Prometheus' histogram_quantile over cumulative bucket counts (`bounds` ascending, +Inf last). */
export function quantileOf(q: number, bounds: readonly number[], cumulative: readonly number[]): number | null {
  const total = cumulative.at(-1) ?? 0;
  if (total <= 0 || bounds.length === 0) return null;
  const rank = q * total;
  const i = cumulative.findIndex((c) => c >= rank);
  if (i < 0) return null;
  const upper = bounds[i]!;
  // In the +Inf bucket: the highest finite bound, as Prometheus answers.
  if (upper === Infinity) return bounds.length > 1 ? bounds[bounds.length - 2]! : null;
  const lower = i === 0 ? 0 : bounds[i - 1]!;
  const below = i === 0 ? 0 : cumulative[i - 1]!;
  const inBucket = cumulative[i]! - below;
  return inBucket <= 0 ? upper : lower + ((upper - lower) * (rank - below)) / inBucket;
}
