/**
 * The worker loop: claim due jobs, run each with its kind's handler outside any transaction (a
 * push may take seconds; SQLite has one connection), then record the outcome in a short
 * transaction, compare-and-set on the claim token. Several workers — in one process or in many
 * sharing one PostgreSQL — may run at once: the claim (store/jobs/repo.ts) hands each due job to
 * one of them, and a worker that crashes mid-job loses its claim when `locked_until` passes.
 *
 * Delivery is therefore at least once: a worker that delivered and then died before recording
 * it leaves the job to be claimed and delivered again (receivers de-duplicate by `jti`).
 *
 * Trust: handlers are our own code, but their failures are contained: a handler that throws is
 * a retry with code `handler_error`, logged by job id and kind only — never the payload.
 *
 * While the database is away (`store_unavailable`) the loop logs one warning when the outage
 * begins and one line when the store answers again — not one per poll — and polls at most
 * every STORE_DOWN_POLL_MS meanwhile.
 */
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { isWzError } from '@wangzheng/core/errors';
import type { JobKind, JobRecord, Store, StoreTx } from '../store/index.ts';
import { faultPoint } from '../faults/points.ts';
import { DEFAULT_RETRY, retryDelayMs, type RetryPolicy } from './backoff.ts';
import type { Sealer } from './sealer.ts';
import type { ClaimedJob, JobHandler, JobMetrics, JobOutcome, JobReport, Settlement } from './types.ts';

export interface WorkerOptions {
  readonly store: Store;
  readonly sealer: Sealer;
  readonly handlers: Partial<Record<JobKind, JobHandler>>;
  /** Pause between polls of an idle queue. */
  readonly intervalMs: number;
  /** Jobs claimed and run at once. Default 16. */
  readonly batchSize?: number;
  /** How long a claim holds; longer than any handler runs. Default 30 s. */
  readonly leaseMs?: number;
  readonly retry?: RetryPolicy;
  readonly now?: () => number;
  /** [0, 1), for the backoff jitter. */
  readonly random?: () => number;
  readonly logger?: Pick<Logger, 'error' | 'warn' | 'info' | 'debug'>;
  /** Operations metrics: each recorded outcome by kind. */
  readonly metrics?: Pick<JobMetrics, 'settled'>;
}

export const DEFAULT_LEASE_MS = 30_000;
export const DEFAULT_BATCH = 16;
/** The slowest poll while the store is unavailable (ms): the outage is noticed as over within this. */
export const STORE_DOWN_POLL_MS = 1_000;

export class Worker {
  readonly #o: WorkerOptions;
  readonly #kinds: JobKind[];
  readonly #now: () => number;
  #timer: NodeJS.Timeout | undefined;
  #inflight: Promise<void> | undefined;
  #stopped = false;
  /** The store was unavailable at the last round (logged once, when it began). */
  #storeDown = false;

  constructor(o: WorkerOptions) {
    if (!Number.isInteger(o.intervalMs) || o.intervalMs < 1) throw new TypeError('intervalMs must be a positive integer');
    this.#o = o;
    this.#kinds = (Object.keys(o.handlers) as JobKind[]).filter((k) => o.handlers[k] !== undefined);
    this.#now = o.now ?? Date.now;
  }

  /** Polls every `intervalMs` (at once again after a full batch). The timer does not keep the process alive. */
  start(): void {
    if (this.#timer !== undefined || this.#inflight !== undefined || this.#stopped) return;
    this.#schedule(this.#o.intervalMs);
  }

  /** Stops polling and waits for the jobs in hand to be recorded. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#inflight;
  }

  /** One round: claim up to a batch of due jobs, run them, record the outcomes. */
  async runOnce(): Promise<JobReport[]> {
    const claimToken = randomBytes(16).toString('base64url');
    const jobs = await this.#o.store.jobs.claim({
      kinds: this.#kinds,
      now: this.#now(),
      leaseMs: this.#o.leaseMs ?? DEFAULT_LEASE_MS,
      limit: this.#o.batchSize ?? DEFAULT_BATCH,
      claimToken,
    });
    return Promise.all(jobs.map((j) => this.#runOne(j, claimToken)));
  }

  #schedule(ms: number): void {
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#inflight = this.#round().then((more) => {
        this.#inflight = undefined;
        if (!this.#stopped) this.#schedule(more ? 0 : this.#storeDown ? Math.max(this.#o.intervalMs, STORE_DOWN_POLL_MS) : this.#o.intervalMs);
      });
    }, ms);
    this.#timer.unref();
  }

  /** One timed round; true when it claimed a full batch (more may be due). Never rejects. */
  async #round(): Promise<boolean> {
    try {
      const full = (await this.runOnce()).length >= (this.#o.batchSize ?? DEFAULT_BATCH);
      if (this.#storeDown) {
        this.#storeDown = false;
        this.#o.logger?.info({}, 'job worker: the store answers again');
      }
      return full;
    } catch (e) {
      if (isWzError(e, 'store_unavailable')) {
        if (!this.#storeDown) this.#o.logger?.warn({ code: e.code, detail: e.detail }, 'job worker: the store is unavailable; polling quietly until it is back');
        this.#storeDown = true;
        return false;
      }
      this.#o.logger?.error({ code: isWzError(e) ? e.code : 'unexpected' }, 'job worker round failed');
      return false;
    }
  }

  async #runOne(job: JobRecord, claimToken: string): Promise<JobReport> {
    const handler = this.#o.handlers[job.kind] as JobHandler;
    let payload: Uint8Array | null = null;
    let outcome: JobOutcome | undefined;
    if (job.attempts > job.maxAttempts) outcome = { type: 'fail', code: 'attempts_exhausted' };
    else if (job.payload !== null) {
      try {
        payload = this.#o.sealer.open(job.id, 'job_payload', job.payload);
      } catch {
        outcome = { type: 'fail', code: 'payload_unreadable' };
      }
    }
    const claimed: ClaimedJob = { id: job.id, kind: job.kind, queue: job.queue, ref: job.ref, attempt: job.attempts, maxAttempts: job.maxAttempts, payload };
    if (outcome === undefined) {
      try {
        outcome = await handler.run(claimed);
      } catch (e) {
        this.#o.logger?.error({ job: job.id, kind: job.kind, code: isWzError(e) ? e.code : 'unexpected' }, 'job handler threw');
        outcome = { type: 'retry', code: 'handler_error' };
      }
    }
    if (outcome.type === 'done') faultPoint('jobs.ran-before-recorded');
    return this.#record(claimed, claimToken, outcome, handler);
  }

  async #record(job: ClaimedJob, token: string, outcome: JobOutcome, handler: JobHandler): Promise<JobReport> {
    const { settlement: s, apply } = this.#plan(job, token, outcome);
    const base = { id: job.id, kind: job.kind, ref: job.ref, attempt: job.attempt };
    const ok = await this.#o.store.transaction(async (tx) => {
      if (!(await apply(tx))) return false;
      await handler.settled?.(tx, job, s);
      return true;
    });
    if (!ok) {
      this.#o.logger?.warn({ job: job.id, kind: job.kind }, 'job claim lost before its outcome was recorded');
      this.#o.metrics?.settled(job.kind, 'lost');
      return { ...base, outcome: 'lost' };
    }
    this.#o.metrics?.settled(job.kind, s.outcome);
    this.#o.logger?.debug({ job: job.id, kind: job.kind, attempt: job.attempt, outcome: s.outcome, code: s.code }, 'job ran');
    return { ...base, outcome: s.outcome, ...(s.code !== undefined ? { code: s.code } : {}) };
  }

  /** What an outcome does to the row: each step a compare-and-set on the claim (false: lost). */
  #plan(job: ClaimedJob, token: string, outcome: JobOutcome): { settlement: Settlement; apply: (tx: StoreTx) => Promise<boolean> } {
    const at = this.#now();
    const policy = this.#o.retry ?? DEFAULT_RETRY;
    switch (outcome.type) {
      case 'done':
        return { settlement: { outcome: 'done', at }, apply: (tx) => tx.jobs.finish(job.id, token) };
      case 'fail':
        return { settlement: { outcome: 'failed', code: outcome.code, at }, apply: (tx) => tx.jobs.fail(job.id, token, outcome.code) };
      case 'retry': {
        if (job.attempt >= Math.min(job.maxAttempts, policy.maxAttempts)) {
          return { settlement: { outcome: 'failed', code: outcome.code, at }, apply: (tx) => tx.jobs.fail(job.id, token, outcome.code) };
        }
        const runAt = at + retryDelayMs(job.attempt, this.#o.random, policy);
        return { settlement: { outcome: 'retry', code: outcome.code, at }, apply: (tx) => tx.jobs.reschedule(job.id, token, { runAt, lastError: outcome.code }) };
      }
      case 'defer': {
        const o = { runAt: outcome.runAt, lastError: null, refundAttempt: true, ...(outcome.kind ? { kind: outcome.kind } : {}) };
        return { settlement: { outcome: 'deferred', at }, apply: (tx) => tx.jobs.reschedule(job.id, token, o) };
      }
    }
  }
}
