/**
 * `/metrics` under `wangzheng start --workers N` (node:cluster): one scrape answers for every
 * worker. The workers share one socket, so a scrape lands on any one of them; each worker's
 * registry holds only what that process counted. So the worker that serves the scrape asks the
 * primary, which collects every serving worker's registry as JSON (`getMetricsAsJSON`) over the
 * cluster's IPC channel and merges them with prom-client's `AggregatorRegistry.aggregate`:
 * counters and histograms are summed; a metric that declares another `aggregator` is merged that
 * way (`wz_platform_info`, `wz_jobs_queued`: `max`, they describe shared state); the Node.js
 * process figures carry a `worker` label (ops/metrics.ts), so they stay one series per worker.
 * The primary adds `wz_metrics_workers{state="answered"|"missing"}`.
 *
 * Why not `AggregatorRegistry#clusterMetrics()`: it asks every connected worker, including one
 * still starting (no registry yet), and one silent worker fails the whole scrape after 5 s. Here
 * the primary asks only the workers that said they are listening, waits `timeoutMs` (2 s), and
 * leaves out — and counts as missing — one that does not answer.
 *
 *   primary → worker   { wz: 'metrics:aggregated' }            "ask me" (sent once it listens)
 *   worker  → primary  { wz: 'metrics:ask', id }               a scrape arrived
 *   primary → worker   { wz: 'metrics:collect', id }           your registry, please
 *   worker  → primary  { wz: 'metrics:part', id, metrics }     getMetricsAsJSON()
 *   primary → worker   { wz: 'metrics:result', id, text }      the merged text format
 *
 * A worker that was never told `metrics:aggregated` (one process, or a primary that is not ours)
 * answers with its own registry, as before. Trust: the messages come from our own processes over
 * the IPC channel; they carry metrics only (no label holds personal data: ops/metrics.ts).
 */
import cluster, { type Worker } from 'node:cluster';
import { AggregatorRegistry, Gauge, type MetricObjectWithValues, type MetricValue, type Registry } from 'prom-client';
import { WzError } from '@wangzheng/core/errors';

export type ToWorker = { wz: 'metrics:aggregated' } | { wz: 'metrics:collect'; id: number } | { wz: 'metrics:result'; id: number; text?: string; error?: string };
export type ToPrimary = { wz: 'metrics:ask'; id: number } | { wz: 'metrics:part'; id: number; metrics?: MetricObjectWithValues<MetricValue<string>>[]; error?: string };

/** What `/metrics` renders. */
export interface MetricsSource {
  readonly contentType: string;
  metrics(): Promise<string>;
  close(): void;
}

const ASK_TIMEOUT_MS = 5_000;

/** In a cluster worker: scrapes answered with the whole cluster's metrics (once the primary offers). Elsewhere: `registry`. */
export function clusterMetricsSource(registry: Registry): MetricsSource {
  if (!cluster.isWorker || typeof process.send !== 'function') return { contentType: registry.contentType, metrics: () => registry.metrics(), close: () => {} };
  let aggregated = false;
  let next = 0;
  const pending = new Map<number, { resolve: (text: string) => void; reject: (e: Error) => void }>();
  const send = (m: ToPrimary): void => void process.send?.(m);
  const onMessage = (m: ToWorker): void => {
    if (m?.wz === 'metrics:aggregated') aggregated = true;
    else if (m?.wz === 'metrics:collect') {
      registry.getMetricsAsJSON().then(
        (metrics) => send({ wz: 'metrics:part', id: m.id, metrics }),
        (e: unknown) => send({ wz: 'metrics:part', id: m.id, error: e instanceof Error ? e.message.slice(0, 200) : 'unknown' }),
      );
    } else if (m?.wz === 'metrics:result') {
      const p = pending.get(m.id);
      pending.delete(m.id);
      if (p && typeof m.text === 'string') p.resolve(m.text);
      else p?.reject(new Error(m.error ?? 'no answer'));
    }
  };
  process.on('message', onMessage);
  return {
    contentType: registry.contentType,
    async metrics() {
      if (!aggregated) return registry.metrics();
      const id = next++;
      let timer: NodeJS.Timeout | undefined;
      try {
        return await new Promise<string>((resolve, reject) => {
          pending.set(id, { resolve, reject });
          timer = setTimeout(() => reject(new Error('timeout')), ASK_TIMEOUT_MS);
          send({ wz: 'metrics:ask', id });
        });
      } catch (e) {
        // A scrape that fails is a gap Prometheus sees; one worker's figures would look like a reset.
        throw new WzError('temporarily_unavailable', 'The workers’ metrics could not be collected; try again.', { retryAfterS: 1, detail: e instanceof Error ? e.message : 'unknown', cause: e });
      } finally {
        clearTimeout(timer);
        pending.delete(id);
      }
    },
    close: () => void process.off('message', onMessage),
  };
}

/** The primary's side: `attach` every worker when forked, `serving` once it listens. */
export class ClusterMetrics {
  readonly #serving = new Set<Worker>();
  readonly #collecting = new Map<number, { parts: MetricObjectWithValues<MetricValue<string>>[][]; waiting: Set<Worker>; done: () => void }>();
  readonly #timeoutMs: number;
  #next = 0;

  constructor(o: { timeoutMs?: number } = {}) {
    this.#timeoutMs = o.timeoutMs ?? 2_000;
  }

  attach(w: Worker): void {
    w.on('message', (m: ToPrimary) => {
      if (m?.wz === 'metrics:ask') void this.#answer(w, m.id);
      else if (m?.wz === 'metrics:part') this.#part(w, m);
    });
    w.once('exit', () => {
      this.#serving.delete(w);
      for (const c of this.#collecting.values()) if (c.waiting.delete(w) && c.waiting.size === 0) c.done();
    });
  }

  /** `w` listens: from now on it is asked, and it asks. */
  serving(w: Worker): void {
    this.#serving.add(w);
    safeSend(w, { wz: 'metrics:aggregated' });
  }

  /** The merged text of every serving worker (what a scrape gets). */
  async collect(): Promise<string> {
    const id = this.#next++;
    const waiting = new Set([...this.#serving].filter((w) => w.isConnected()));
    const asked = waiting.size;
    const parts: MetricObjectWithValues<MetricValue<string>>[][] = [];
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, this.#timeoutMs);
      this.#collecting.set(id, { parts, waiting, done: () => (clearTimeout(timer), resolve()) });
      if (asked === 0) resolve();
      for (const w of waiting) safeSend(w, { wz: 'metrics:collect', id });
    });
    this.#collecting.delete(id);
    if (parts.length === 0) throw new Error('no worker answered');
    const merged = AggregatorRegistry.aggregate(parts) as Registry;
    const workers = new Gauge({ name: 'wz_metrics_workers', help: 'Workers whose metrics this scrape holds (answered) or lacks (missing: no answer in time).', labelNames: ['state'], registers: [merged] });
    workers.set({ state: 'answered' }, parts.length);
    workers.set({ state: 'missing' }, asked - parts.length);
    return merged.metrics();
  }

  async #answer(w: Worker, id: number): Promise<void> {
    try {
      safeSend(w, { wz: 'metrics:result', id, text: await this.collect() });
    } catch (e) {
      safeSend(w, { wz: 'metrics:result', id, error: e instanceof Error ? e.message : 'unknown' });
    }
  }

  #part(w: Worker, m: Extract<ToPrimary, { wz: 'metrics:part' }>): void {
    const c = this.#collecting.get(m.id);
    if (!c || !c.waiting.delete(w)) return;
    if (Array.isArray(m.metrics)) c.parts.push(m.metrics);
    if (c.waiting.size === 0) c.done();
  }
}

function safeSend(w: Worker, m: ToWorker): void {
  if (w.isConnected()) w.send(m, (e: Error | null) => void e); // a worker that just died: nothing to tell
}
