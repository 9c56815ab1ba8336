/**
 * The console's charts: the in-memory series of ops/series.ts (the last hour, 10 s apart, of
 * the metrics in CONSOLE_SERIES) as one JSON document, for `GET /v1/admin/ops/series`:
 *
 *   {
 *     intervalSeconds: 10, capacity: 360,
 *     points: [{ at: ISO, seconds }],                  // oldest first; `at` ends the interval
 *     series: [
 *       { metric, kind: 'counter', labels: { mode: 'wz_face', result: 'pass' }, values: [n, …] },
 *       { metric, kind: 'histogram', labels: { mode }, p50: [s | null, …], p95: [s | null, …] },
 *     ]
 *   }
 *
 * Every `values`/`p50`/`p95` array is aligned with `points`: how much the counter grew in that
 * interval, or the latency quantile (seconds; null without observations). The label sets are the
 * ones the registry holds now, cut down to each spec's labels; all are closed sets (modes,
 * results, codes), never personal data.
 */
import { Counter, Histogram, type Registry } from 'prom-client';
import { CONSOLE_SERIES, type Series, type SeriesSpec } from '../ops/index.ts';

export interface SeriesJson {
  readonly intervalSeconds: number;
  readonly capacity: number;
  readonly points: readonly { readonly at: string; readonly seconds: number }[];
  readonly series: readonly (
    | { readonly metric: string; readonly kind: 'counter'; readonly labels: Record<string, string>; readonly values: readonly number[] }
    | { readonly metric: string; readonly kind: 'histogram'; readonly labels: Record<string, string>; readonly p50: readonly (number | null)[]; readonly p95: readonly (number | null)[] }
  )[];
}

export async function seriesJson(series: Series, registry: Registry, specs: readonly SeriesSpec[] = CONSOLE_SERIES): Promise<SeriesJson> {
  const base = series.counts('');
  const out: SeriesJson['series'][number][] = [];
  for (const spec of specs) {
    const metric = registry.getSingleMetric(spec.metric);
    if (!(metric instanceof Counter) && !(metric instanceof Histogram)) continue;
    const values = (await metric.get()).values as readonly { labels: Record<string, string | number | undefined>; metricName?: string }[];
    const sets = new Map<string, Record<string, string>>();
    for (const v of values) {
      if (metric instanceof Histogram && v.metricName !== `${spec.metric}_count`) continue;
      const labels: Record<string, string> = {};
      for (const l of spec.by) if (v.labels[l] !== undefined) labels[l] = String(v.labels[l]);
      sets.set(JSON.stringify(Object.entries(labels).sort()), labels);
    }
    for (const labels of sets.values()) {
      if (metric instanceof Counter) out.push({ metric: spec.metric, kind: 'counter', labels, values: series.counts(spec.metric, labels).map((p) => p.value) });
      else out.push({ metric: spec.metric, kind: 'histogram', labels, p50: series.quantile(spec.metric, 0.5, labels).map((p) => p.value), p95: series.quantile(spec.metric, 0.95, labels).map((p) => p.value) });
    }
  }
  return { intervalSeconds: series.intervalMs / 1000, capacity: series.capacity, points: base.map((p) => ({ at: new Date(p.at).toISOString(), seconds: p.seconds })), series: out };
}
