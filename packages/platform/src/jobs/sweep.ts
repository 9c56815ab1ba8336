/**
 * The expiry sweep: one durable job (kind `sweep.expired`) that deletes what has outlived its
 * use, in bounded batches —
 *
 * - pushed authorization requests and access tokens past `expiresAt` (OIDC);
 * - used client-assertion ids past the assertion's `exp` (RFC 7523 §3 replay protection);
 * - spent `/v1/me` nonces past their lifetime;
 * - enrollments past `expiresAt`, counted as `enrollments.abandoned` in the transaction that
 *   deletes them (the same store call and counter the session code used, so the count stays
 *   exact: a row deleted here is not also ended by a request, and the reverse);
 * - Shared Signals rows past the retention: SETs that failed for good (payload-less rows, the
 *   operator's record) and SETs held for a poll that were never acknowledged — those are
 *   counted on the stream as failed with code `expired`.
 *
 * Scheduling works with any number of processes on one database: the job has a fixed queue and
 * ref, and (queue, ref) is unique, so at most one sweep row exists; the worker's claim hands it
 * to one worker at a time. A run that finishes deletes its row and inserts the next one (due
 * after the interval, or at once when a batch limit left work behind) in the same transaction;
 * `schedule()` at worker start inserts it when missing (insert-or-ignore). No timer of its own.
 *
 * - then time partitions and retention (retention.ts): PostgreSQL partitions for the months
 *   ahead, and — only for the periods the operator set; by default nothing — history events,
 *   audit entries and verification requests older than their period.
 *
 * The sweep never fails for good: a step that throws is logged (step and code only) and the
 * run is deferred to the next interval; the other steps still run.
 *
 * Trust: only our own rows and the clock; nothing here reads a sealed value, and the logs carry
 * counts only.
 */
import type { Logger } from 'pino';
import { isWzError } from '@wangzheng/core/errors';
import { isClientId } from '@wangzheng/core/rp/client-id';
import { newId, type JobKind, type Store, type StoreTx } from '../store/index.ts';
import { PartitionsAndRetention, type RetentionCounts, type RetentionSettings } from './retention.ts';
import type { ClaimedJob, JobHandler, JobMetrics, JobOutcome, Settlement, SweepCounts } from './types.ts';

export const SWEEP_KIND = 'sweep.expired' satisfies JobKind;
/** The fixed (queue, ref) that makes the sweep a single row. */
export const SWEEP_QUEUE = 'sweep';
export const SWEEP_REF = 'expired';
export const DEFAULT_SWEEP_BATCH = 500;
export const DEFAULT_SWEEP_MAX_BATCHES = 20;
export const DEFAULT_SWEEP_BUDGET_MS = 10_000;
/** The attempts a crashed claim uses up never exhaust the sweep. */
const SWEEP_MAX_ATTEMPTS = 0x7fffffff;
/** The stream counter code for a poll SET dropped unacknowledged. */
export const EXPIRED_SET_CODE = 'expired';

export interface SweepOptions {
  readonly store: Store;
  readonly now: () => number;
  /** From the end of one run to the next (ms, ≥ 1). */
  readonly intervalMs: number;
  /** How long failed SSF rows and unacknowledged poll SETs are kept (ms, ≥ 1). */
  readonly retentionMs: number;
  /** Rows per delete statement. Default 500 (1..1000). */
  readonly batchSize?: number;
  /** Statements per step and run. Default 20. */
  readonly maxBatches?: number;
  /** A run starts no new batch after this long (ms). Default 10 s: well inside the claim lease. */
  readonly budgetMs?: number;
  readonly logger?: Pick<Logger, 'info' | 'error' | 'debug'>;
  /** Operations metrics: the rows each run deleted (each step's transaction committed). */
  readonly metrics?: Pick<JobMetrics, 'swept'>;
  /** Partitions ahead and retention periods (retention.ts). Default: 3 months ahead, keep everything. */
  readonly retention?: RetentionSettings;
}

type Step = keyof SweepCounts;
/** One bounded delete at `t`; returns how many rows went. */
type Batch = (t: number, limit: number) => Promise<number>;

const sum = (byQueue: Record<string, number>): number => Object.values(byQueue).reduce((a, b) => a + b, 0);

export class ExpirySweep implements JobHandler {
  readonly #o: SweepOptions;
  readonly #batch: number;
  readonly #steps: Record<Step, Batch>;
  readonly #retention: PartitionsAndRetention;
  /** Runs that stopped at a batch limit: their next run is due at once. */
  readonly #unfinished = new Set<string>();

  constructor(o: SweepOptions) {
    for (const [k, v] of [['intervalMs', o.intervalMs], ['retentionMs', o.retentionMs]] as const) {
      if (!Number.isSafeInteger(v) || v < 1) throw new TypeError(`${k} must be a positive integer`);
    }
    this.#o = o;
    this.#batch = o.batchSize ?? DEFAULT_SWEEP_BATCH;
    if (!Number.isInteger(this.#batch) || this.#batch < 1 || this.#batch > 1_000) throw new TypeError('batchSize must be 1..1000');
    const max = o.maxBatches ?? DEFAULT_SWEEP_MAX_BATCHES;
    if (!Number.isInteger(max) || max < 1) throw new TypeError('maxBatches must be a positive integer');
    const { store } = o;
    this.#retention = new PartitionsAndRetention({ store, settings: o.retention ?? {}, now: o.now, batchSize: this.#batch, maxBatches: max, ...(o.logger ? { logger: o.logger } : {}) });
    this.#steps = {
      // Up to `limit` of each table: fewer than `limit` in all means both are drained.
      oidc: (t, limit) => store.oidc.deleteExpired(t, limit),
      assertionJtis: (t, limit) => store.assertionJtis.deleteExpired(t, limit),
      spentNonces: (t, limit) => store.spentNonces.deleteExpired(t, limit),
      // Delete and count in one transaction: the counter is exactly the rows that went.
      enrollments: (t, limit) =>
        store.transaction(async (tx) => {
          const swept = await tx.enrollments.deleteExpired(t, limit);
          if (swept > 0) await tx.counters.increment('enrollments.abandoned', swept);
          return swept;
        }),
      ssfFailed: async (t, limit) => sum(await store.jobs.deleteStale({ kinds: ['ssf.deliver', 'ssf.poll'], state: 'failed', upTo: t - o.retentionMs, limit })),
      ssfUnacknowledged: (t, limit) =>
        store.transaction(async (tx) => {
          const byQueue = await tx.jobs.deleteStale({ kinds: ['ssf.poll'], state: 'pending', upTo: t - o.retentionMs, limit });
          for (const [queue, count] of Object.entries(byQueue)) {
            if (isClientId(queue)) await tx.ssfStreams.note(queue, { outcome: 'failed', count, at: t, code: EXPIRED_SET_CODE });
          }
          return sum(byQueue);
        }),
    };
  }

  /**
   * Inserts the sweep job, due now, unless one exists (any state): call when a worker starts.
   * Returns whether it inserted. Safe from any number of processes at once.
   */
  async schedule(): Promise<boolean> {
    return this.#insert(this.#o.store, this.#o.now());
  }

  async run(job: ClaimedJob): Promise<JobOutcome> {
    const t = this.#o.now();
    const deadline = t + (this.#o.budgetMs ?? DEFAULT_SWEEP_BUDGET_MS);
    const counts: SweepCounts = { oidc: 0, assertionJtis: 0, spentNonces: 0, enrollments: 0, ssfFailed: 0, ssfUnacknowledged: 0 };
    const failed: Step[] = [];
    let unfinished = false;
    for (const step of Object.keys(this.#steps) as Step[]) {
      try {
        const r = await this.#drain(this.#steps[step], t, deadline);
        counts[step] = r.deleted;
        unfinished ||= !r.drained;
      } catch (e) {
        failed.push(step);
        this.#o.logger?.error({ job: job.id, step, code: isWzError(e) ? e.code : 'unexpected' }, 'expiry sweep step failed');
      }
    }
    const kept = await this.#retention.run(job.id, t, deadline);
    failed.push(...(kept.failed as Step[]));
    unfinished ||= kept.unfinished;
    const total = Object.values(counts).reduce((a, b) => a + b, 0);
    if (total > 0) this.#o.metrics?.swept(counts);
    if (retained(kept.counts) > 0) this.#o.metrics?.swept(retentionMetric(kept.counts));
    if (total > 0) this.#o.logger?.info({ job: job.id, ...counts, unfinished }, 'expiry sweep deleted expired rows');
    else this.#o.logger?.debug({ job: job.id }, 'expiry sweep found nothing expired');
    // A broken step: keep this row and come back after the interval (not an attempt: never fails for good).
    if (failed.length > 0) return { type: 'defer', runAt: this.#o.now() + this.#o.intervalMs };
    if (unfinished) this.#unfinished.add(job.id);
    return { type: 'done' };
  }

  /** The run's row was deleted in `tx`: insert the next one there too. */
  async settled(tx: StoreTx, job: ClaimedJob, s: Settlement): Promise<void> {
    const unfinished = this.#unfinished.delete(job.id);
    if (s.outcome !== 'done') return;
    await this.#insert(tx, unfinished ? s.at : s.at + this.#o.intervalMs);
  }

  /** Up to maxBatches deletes, while each is full and the run's time budget lasts (one at least). */
  async #drain(batch: Batch, t: number, deadline: number): Promise<{ deleted: number; drained: boolean }> {
    const max = this.#o.maxBatches ?? DEFAULT_SWEEP_MAX_BATCHES;
    let deleted = 0;
    for (let i = 0; i < max; i++) {
      const n = await batch(t, this.#batch);
      deleted += n;
      if (n < this.#batch) return { deleted, drained: true };
      if (this.#o.now() >= deadline) break;
    }
    return { deleted, drained: false };
  }

  async #insert(s: Pick<StoreTx, 'jobs'>, runAt: number): Promise<boolean> {
    // ON CONFLICT (queue, ref) DO NOTHING: a second sweep row is never created.
    return s.jobs.insert({ id: newId(), kind: SWEEP_KIND, queue: SWEEP_QUEUE, ref: SWEEP_REF, runAt, maxAttempts: SWEEP_MAX_ATTEMPTS });
  }
}

const NO_SWEEP: SweepCounts = { oidc: 0, assertionJtis: 0, spentNonces: 0, enrollments: 0, ssfFailed: 0, ssfUnacknowledged: 0 };

const retained = (c: RetentionCounts): number => c.history.rows + c.audit.rows + c.verifications.rows;

/** Rows retention removed, as further steps of `wz_sweep_deleted_total` (`history_retention`, …). */
function retentionMetric(c: RetentionCounts): SweepCounts {
  const out: SweepCounts & Record<string, number> = { ...NO_SWEEP, history_retention: c.history.rows, audit_retention: c.audit.rows, verification_retention: c.verifications.rows };
  return out;
}
