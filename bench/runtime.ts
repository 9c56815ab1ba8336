/**
 * What the platform's Node.js runtime did during a window of a benchmark, to find where the
 * slowest requests of an open loop waited:
 * - the garbage collector's pauses, from V8's `--trace-gc` lines on the child's stdout
 *   (`startChild(…, { traceGc: true })` adds the flag; `GcLog` reads them as they arrive);
 * - the event loop's delay, from the platform's /metrics: prom-client's `monitorEventLoopDelay`
 *   histogram (10 ms resolution), which every scrape reads and resets, so that two scrapes
 *   bracket a window;
 * - the heap and the memory outside it, from the same /metrics;
 * - the same delay and pauses in the benchmark's own process (`watchThisProcess`), which plays
 *   the relying party and the wallets on the same cores.
 *
 * A `--trace-gc` line is stamped in milliseconds since the child's isolate started, at the end of
 * the pause. `GcLog` maps that clock onto this process's `performance.now()` by the smallest
 * difference seen between a line's arrival and its stamp (the line that waited least in the pipe).
 */
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';

export type GcKind = 'scavenge' | 'mark-compact' | 'other';

export interface GcPause {
  /** The V8 isolate (`0x…`): the main thread's, or a worker thread's. */
  readonly isolate: string;
  readonly kind: GcKind;
  /** The end of the pause, on the child's clock (ms since its isolate started). */
  readonly atMs: number;
  /** Time the main thread stood still (the first of V8's "a / b ms"). */
  readonly pauseMs: number;
  /** The heap after the collection, and the heap V8 had committed then (MB). */
  readonly heapAfterMb: number;
  readonly committedMb: number;
}

const LINE = /^\[\d+:(0x[0-9a-f]+)\]\s+(\d+) ms: ([A-Za-z -]+?)(?: \([a-z ]+\))? [\d.]+ \([\d.]+\) -> ([\d.]+) \(([\d.]+)\) MB, ([\d.]+) \/ [\d.]+ ms/;

/** One `--trace-gc` line, or undefined for any other line (the platform's own logs share stdout). */
export function parseTraceGcLine(line: string): GcPause | undefined {
  const m = LINE.exec(line);
  if (!m) return undefined;
  const name = m[3]!;
  const kind: GcKind = name === 'Scavenge' ? 'scavenge' : name === 'Mark-Compact' || name === 'Mark-sweep' ? 'mark-compact' : 'other';
  return { isolate: m[1]!, kind, atMs: Number(m[2]), pauseMs: Number(m[6]), heapAfterMb: Number(m[4]), committedMb: Number(m[5]) };
}

/**
 * The pauses of a child's main thread, as its stdout arrives: those of the first isolate to
 * collect. In the runs measured that was the main thread's (its heap is the one of 80–140 MB); a
 * worker thread's isolate (tsx's module loader, ~10–15 MB) has its own clock and does not stop
 * the main event loop, so its pauses are left out. If the loader ever collected first, the rows
 * would show a heap of that size: the check to make before trusting them.
 */
export class GcLog {
  readonly pauses: GcPause[] = [];
  #main: string | undefined;
  /** This process's clock minus the child's, from the least-delayed line. */
  #offset = Infinity;
  #rest = '';

  feed(chunk: string, now = performance.now()): void {
    const lines = (this.#rest + chunk).split('\n');
    this.#rest = lines.pop()!;
    for (const line of lines) {
      const p = parseTraceGcLine(line);
      if (!p || (this.#main ??= p.isolate) !== p.isolate) continue;
      this.pauses.push(p);
      this.#offset = Math.min(this.#offset, now - p.atMs);
    }
  }

  /** The pauses whose time overlaps [from, to] of this process's clock, each as [start, end] on it. */
  between(from: number, to: number): Array<GcPause & { start: number; end: number }> {
    return this.pauses
      .map((p) => ({ ...p, end: p.atMs + this.#offset, start: p.atMs + this.#offset - p.pauseMs }))
      .filter((p) => p.end >= from && p.start <= to);
  }
}

export interface GcSummary {
  readonly count: number;
  readonly totalMs: number;
  readonly maxMs: number;
}

export function summarise(pauses: readonly GcPause[], kind: GcKind): GcSummary {
  const of = pauses.filter((p) => p.kind === kind);
  return { count: of.length, totalMs: of.reduce((s, p) => s + p.pauseMs, 0), maxMs: of.reduce((m, p) => Math.max(m, p.pauseMs), 0) };
}

/**
 * Of the slowest `share` of the requests (each from its start to `start + ms`), how many overlap
 * a pause of at least `minPauseMs` of the kinds given.
 */
export function slowestOverlapping(requests: ReadonlyArray<{ start: number; ms: number }>, pauses: ReadonlyArray<GcPause & { start: number; end: number }>, o: { share: number; minPauseMs: number; kinds?: readonly GcKind[] }): { slowest: number; overlapping: number } {
  const slow = [...requests].sort((a, b) => b.ms - a.ms).slice(0, Math.max(1, Math.ceil(o.share * requests.length)));
  const big = pauses.filter((p) => p.pauseMs >= o.minPauseMs && (!o.kinds || o.kinds.includes(p.kind)));
  const overlapping = slow.filter((r) => big.some((p) => p.end >= r.start && p.start <= r.start + r.ms)).length;
  return { slowest: slow.length, overlapping };
}

/** One unlabelled sample of a metric in Prometheus text, or NaN. */
export function metricValue(text: string, name: string): number {
  const m = new RegExp(`^${name} ([0-9.e+-]+)$`, 'm').exec(text);
  return m ? Number(m[1]) : NaN;
}

/** What one scrape of the platform's /metrics says of its runtime (event-loop delay since the last scrape). */
export interface RuntimeFigures {
  readonly loopP99Ms: number;
  readonly loopMaxMs: number;
  readonly heapUsedMb: number;
  readonly heapTotalMb: number;
  readonly externalMb: number;
  readonly statements: number;
}

export function runtimeFigures(metricsText: string): RuntimeFigures {
  const v = (name: string, scale: number): number => metricValue(metricsText, name) * scale;
  return {
    loopP99Ms: v('nodejs_eventloop_lag_p99_seconds', 1000),
    loopMaxMs: v('nodejs_eventloop_lag_max_seconds', 1000),
    heapUsedMb: v('nodejs_heap_size_used_bytes', 1 / 2 ** 20),
    heapTotalMb: v('nodejs_heap_size_total_bytes', 1 / 2 ** 20),
    externalMb: v('nodejs_external_memory_bytes', 1 / 2 ** 20),
    statements: v('wz_store_statements_total', 1),
  };
}

/**
 * This process's own event-loop delay and collector pauses over a window: the load (the RP and
 * the wallets) shares the 2 cores, and a stall of its loop delays a request as much as one of
 * the platform's would.
 */
export function watchThisProcess(): { stop(): { loopP99Ms: number; loopMaxMs: number; gc: GcSummary } } {
  const loop = monitorEventLoopDelay({ resolution: 10 });
  const pauses: number[] = [];
  const obs = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) pauses.push(e.duration);
  });
  obs.observe({ entryTypes: ['gc'] });
  loop.enable();
  return {
    stop() {
      loop.disable();
      obs.disconnect();
      return { loopP99Ms: loop.percentile(99) / 1e6, loopMaxMs: loop.max / 1e6, gc: { count: pauses.length, totalMs: pauses.reduce((a, b) => a + b, 0), maxMs: Math.max(0, ...pauses) } };
    },
  };
}

/**
 * The verification benchmark's rows for its open loop (one platform process): the collector's
 * pauses in it, the event loop's delay, how many of the slowest 1 % overlapped a pause of 5 ms or
 * more, and the heap at its end.
 */
export function runtimeRows(engine: string, pauses: ReturnType<GcLog['between']>, requests: ReadonlyArray<{ start: number; ms: number }>, after: RuntimeFigures, load: ReturnType<ReturnType<typeof watchThisProcess>['stop']>): Array<{ name: string; value: string }> {
  const f = (n: number): string => n.toLocaleString('en-US', { maximumFractionDigits: 1, minimumFractionDigits: 1 });
  const line = (s: GcSummary, what: string): string => `${s.count} ${what}, ${f(s.totalMs)} ms in all, longest ${f(s.maxMs)} ms`;
  const any = slowestOverlapping(requests, pauses, { share: 0.01, minPauseMs: 5 });
  const major = slowestOverlapping(requests, pauses, { share: 0.01, minPauseMs: 5, kinds: ['mark-compact'] });
  const committed = pauses.reduce((m, p) => Math.max(m, p.committedMb), 0);
  return [
    { name: `${engine}: garbage collection during the open loop (--trace-gc: main-thread pauses)`, value: `${line(summarise(pauses, 'scavenge'), 'scavenges')}; ${line(summarise(pauses, 'mark-compact'), 'mark-compacts')}` },
    { name: `${engine}: event-loop delay during the open loop, p99 / max (monitorEventLoopDelay via /metrics, 10 ms resolution)`, value: `${f(after.loopP99Ms)} / ${f(after.loopMaxMs)} ms` },
    { name: `${engine}: the load's own process during the open loop (the RP and the wallets): event-loop delay p99 / max, collector pauses (all kinds)`, value: `${f(load.loopP99Ms)} / ${f(load.loopMaxMs)} ms; ${line(load.gc, 'pauses')}` },
    { name: `${engine}: the open loop's slowest 1 %: how many overlapped a collector pause ≥ 5 ms, and a mark-compact ≥ 5 ms`, value: `${any.overlapping} of ${any.slowest}; ${major.overlapping} of ${major.slowest}` },
    { name: `${engine}: heap after the open loop, used / committed (and the most committed at a collection in it), memory outside the heap (external)`, value: `${f(after.heapUsedMb)} / ${f(after.heapTotalMb)} MB (${f(committed)} MB), ${f(after.externalMb)} MB` },
  ];
}
