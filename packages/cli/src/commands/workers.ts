/**
 * `wangzheng start --workers N`: one platform process per core (node:cluster). The platform is
 * stateless between requests — every step of every flow reads and writes the store (and, with
 * WZ_REDIS_URL, Redis) — so any request may land on any worker. The first process (the primary)
 * runs what there must be one of: the registry simulator, the demo site, the terminal banner;
 * it forks the workers, which share one listening socket (the primary hands each new
 * connection to the next worker in turn), waits until each says it is listening, and starts a
 * new worker in place of one that dies — after a crash, a `kill -9`, an out-of-memory — unless
 * workers keep dying (5 within a minute: then it gives up and says so).
 *
 * What stays per process, by design: the rate limiter's local counters (shared through Redis
 * when it is configured), the memo of verified issuer signatures, and the console's last hour of
 * samples. /metrics answers for all workers together: the worker serving a scrape asks the
 * primary, which collects every listening worker's registry over IPC and merges them
 * (`ClusterMetrics`, platform ops/cluster.ts; docs/operations.md).
 */
import cluster, { type Worker } from 'node:cluster';
import { availableParallelism } from 'node:os';
import { ClusterMetrics } from '@wangzheng/platform/ops/cluster';
import type { Io } from '../io.ts';

/** How the primary and a worker talk over the cluster's IPC channel. */
type Message = { wz: 'listening'; url: string } | { wz: 'failed'; reason: string };

const RESPAWN_LIMIT = 5;
const RESPAWN_WINDOW_MS = 60_000;

/** `--workers N` (1–64) or `auto` (one per core). Undefined: one process, no cluster. */
export function workersArg(s: string | undefined): number | undefined {
  if (s === undefined) return undefined;
  if (s === 'auto') return availableParallelism();
  const n = Number(s);
  if (!Number.isInteger(n) || n < 1 || n > 64) throw new TypeError('--workers must be a number from 1 to 64, or auto (one per core)');
  return n;
}

export function isWorker(): boolean {
  return cluster.isWorker;
}

/** In a worker: tells the primary that this worker serves requests at `url` (or could not start). */
export function reportToPrimary(m: Message): void {
  process.send?.(m);
}

export interface WorkerPool {
  /** The address the workers listen on (the socket's, as the first worker reported it). */
  readonly url: string;
  readonly count: number;
  /** Stops every worker (SIGTERM, then SIGKILL after 10 s) and resolves when all have exited. */
  stop(): Promise<void>;
}

/**
 * Forks `count` workers (each runs this same command with `env` added) and resolves once all
 * are listening; rejects with the first worker's reason if one cannot start.
 */
export function startWorkers(o: { count: number; env: Record<string, string>; io: Io; timeoutMs?: number }): Promise<WorkerPool> {
  let stopping = false;
  let started = false;
  const deaths: number[] = [];
  const live = new Set<Worker>();
  const metrics = new ClusterMetrics();

  const fork = (): Worker => {
    const w = cluster.fork(o.env);
    live.add(w);
    metrics.attach(w);
    // Once it listens, a worker's registry is part of every scrape, and its scrapes ask here.
    w.on('message', (m: Message) => {
      if (m?.wz === 'listening') metrics.serving(w);
    });
    w.on('exit', (code, signal) => {
      live.delete(w);
      if (stopping || !started) return; // while starting, the start fails instead
      const now = Date.now();
      deaths.push(now);
      while (deaths.length > 0 && deaths[0]! < now - RESPAWN_WINDOW_MS) deaths.shift();
      if (deaths.length >= RESPAWN_LIMIT) {
        o.io.err(`platform worker ${w.process.pid} exited (${signal ?? code}); ${deaths.length} workers died within a minute — not starting more`);
        if (live.size === 0) process.exitCode = 1;
        return;
      }
      o.io.err(`platform worker ${w.process.pid} exited (${signal ?? code}); starting another`);
      const next = fork();
      next.on('message', (m: Message) => {
        if (m?.wz === 'failed') o.io.err(`the replacement worker could not start: ${m.reason}`);
      });
    });
    return w;
  };

  const stop = async (): Promise<void> => {
    stopping = true;
    await Promise.all(
      [...live].map(async (w) => {
        if (w.process.exitCode !== null || w.process.signalCode !== null) return;
        const exited = new Promise<void>((r) => w.once('exit', () => r()));
        w.process.kill('SIGTERM');
        const t = setTimeout(() => w.process.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(t);
      }),
    );
  };

  return new Promise<WorkerPool>((resolve, reject) => {
    let url: string | undefined;
    let ready = 0;
    const fail = (why: string): void => {
      clearTimeout(timer);
      void stop().then(() => reject(new Error(why)));
    };
    const timer = setTimeout(() => fail(`the platform workers did not start within ${Math.round((o.timeoutMs ?? 120_000) / 1000)} s`), o.timeoutMs ?? 120_000);
    for (let i = 0; i < o.count; i++) {
      const w = fork();
      const onExit = (code: number | null, signal: string | null): void => fail(`a platform worker exited while starting (${signal ?? code})`);
      w.once('exit', onExit);
      w.on('message', (m: Message) => {
        if (m?.wz === 'failed') return fail(m.reason);
        if (m?.wz !== 'listening') return;
        w.off('exit', onExit);
        url ??= m.url;
        ready += 1;
        if (ready === o.count) {
          clearTimeout(timer);
          started = true;
          resolve({ url, count: o.count, stop });
        }
      });
    }
  });
}
