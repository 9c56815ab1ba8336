/**
 * The metric series the dashboard draws, read from `GET /v1/admin/ops/series` (the platform's
 * in-memory hour, packages/platform/src/console/series.ts):
 *
 *   { intervalSeconds, capacity, points: [{ at: ISO, seconds }],
 *     series: [{ metric, kind: 'counter', labels, values: [n, …] },
 *              { metric, kind: 'histogram', labels, p50: [s | null, …], p95: [s | null, …] }] }
 *
 * every array aligned with `points`. Nothing is trusted beyond its shape: a value that is not a
 * finite number is a gap; an entry of another shape is left out, never an exception.
 */

export interface Point {
  /** Epoch milliseconds: the end of the interval. */
  at: number;
  /** The interval's length in seconds. */
  seconds: number;
  value: number | null;
}

export interface Line {
  metric: string;
  labels: Readonly<Record<string, string>>;
  /** Histograms: the quantile (0.5, 0.95) this line is. */
  quantile?: number;
  points: Point[];
}

function num(x: unknown): number | null {
  return typeof x === 'number' && Number.isFinite(x) ? x : null;
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

export function readSeries(json: unknown): Line[] {
  if (!isRecord(json) || !Array.isArray(json['points']) || !Array.isArray(json['series'])) return [];
  const fallback = num(json['intervalSeconds']) ?? 10;
  const points = json['points'].map((p) => (isRecord(p) ? { at: typeof p['at'] === 'string' ? Date.parse(p['at']) : (num(p['at']) ?? NaN), seconds: num(p['seconds']) ?? fallback } : { at: NaN, seconds: fallback }));
  const along = (values: unknown): Point[] | undefined => {
    if (!Array.isArray(values) || values.length !== points.length) return undefined;
    return points.flatMap((p, i) => (Number.isFinite(p.at) ? [{ at: p.at, seconds: p.seconds, value: num(values[i]) }] : []));
  };
  const out: Line[] = [];
  for (const s of json['series']) {
    if (!isRecord(s) || typeof s['metric'] !== 'string') continue;
    const labels: Record<string, string> = {};
    if (isRecord(s['labels'])) for (const [k, v] of Object.entries(s['labels'])) if (typeof v === 'string') labels[k] = v;
    if (s['kind'] === 'counter') {
      const pts = along(s['values']);
      if (pts) out.push({ metric: s['metric'], labels, points: pts });
    } else if (s['kind'] === 'histogram') {
      for (const [key, q] of [['p50', 0.5], ['p95', 0.95]] as const) {
        const pts = along(s[key]);
        if (pts) out.push({ metric: s['metric'], labels, quantile: q, points: pts });
      }
    }
  }
  return out;
}

/** `wz_verifications_total` and `wz_verifications` name the same counter. */
function sameMetric(a: string, b: string): boolean {
  const base = (s: string) => s.replace(/_total$/, '');
  return base(a) === base(b);
}

export function linesOf(lines: readonly Line[], metric: string, opts: { quantile?: number } = {}): Line[] {
  return lines.filter((l) => sameMetric(l.metric, metric) && (opts.quantile === undefined ? l.quantile === undefined : l.quantile === opts.quantile));
}

/** Every interval end any line has, ascending. */
export function timeline(lines: readonly Line[]): number[] {
  return [...new Set(lines.flatMap((l) => l.points.map((p) => p.at)))].sort((a, b) => a - b);
}

export interface Chart {
  /** Interval ends, epoch seconds (uPlot's time axis). */
  xs: number[];
  series: { name: string; values: (number | null)[] }[];
}

/**
 * Lines grouped by one label (summed within a group) over `xs`; `rate`: divided by each
 * interval's length (per second). Groups in a stable order (by name).
 */
export function groupBy(lines: readonly Line[], by: string, xs: readonly number[], o: { rate?: boolean; nameOf?: (v: string) => string } = {}): Chart {
  const groups = new Map<string, Map<number, number>>();
  const seconds = new Map<number, number>();
  for (const l of lines) {
    const g = l.labels[by] ?? '-';
    const m = groups.get(g) ?? new Map<number, number>();
    for (const p of l.points) {
      if (p.value === null) continue;
      m.set(p.at, (m.get(p.at) ?? 0) + p.value);
      seconds.set(p.at, p.seconds);
    }
    groups.set(g, m);
  }
  const names = [...groups.keys()].sort();
  return {
    xs: xs.map((x) => x / 1000),
    series: names.map((g) => ({
      name: o.nameOf ? o.nameOf(g) : g,
      values: xs.map((x) => {
        const v = groups.get(g)!.get(x) ?? 0;
        if (!o.rate) return v;
        const s = seconds.get(x) ?? 0;
        return s > 0 ? Math.round((v / s) * 1000) / 1000 : 0;
      }),
    })),
  };
}

/** Quantile lines as they are (a quantile is never summed); one series per line. */
export function quantiles(lines: readonly Line[], xs: readonly number[], nameOf: (l: Line) => string): Chart {
  return {
    xs: xs.map((x) => x / 1000),
    series: lines.map((l) => {
      const byAt = new Map(l.points.map((p) => [p.at, p.value]));
      return { name: nameOf(l), values: xs.map((x) => byAt.get(x) ?? null) };
    }),
  };
}

export function total(lines: readonly Line[], match: Readonly<Record<string, string>> = {}): number {
  let n = 0;
  for (const l of lines) if (Object.entries(match).every(([k, v]) => l.labels[k] === v)) for (const p of l.points) n += p.value ?? 0;
  return n;
}
