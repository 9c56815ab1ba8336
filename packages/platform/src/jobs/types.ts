/**
 * What a job handler is: the code that does one kind of work for the worker. A handler gets
 * the job with its payload already opened and answers with an outcome; it never touches the
 * job's row — the worker records the outcome, compare-and-set on its claim.
 */
import type { JobKind, StoreTx } from '../store/index.ts';

export type { JobKind } from '../store/index.ts';

/** A claimed job as a handler sees it. */
export interface ClaimedJob {
  readonly id: string;
  readonly kind: JobKind;
  readonly queue: string;
  readonly ref: string | null;
  /** This claim's number, 1-based (a crashed claim counts). */
  readonly attempt: number;
  readonly maxAttempts: number;
  /** The opened payload, or null when the job has none. */
  readonly payload: Uint8Array | null;
}

/**
 * - `done`: finished; the row is deleted.
 * - `retry`: failed this time (`code`); runs again after the backoff, or fails for good after
 *   the last attempt.
 * - `fail`: failed for good (`code`); not retried.
 * - `defer`: not run now and not a failed attempt (a paused stream); runs again at `runAt`,
 *   optionally as another kind (the stream switched from push to poll).
 */
export type JobOutcome =
  | { readonly type: 'done' }
  | { readonly type: 'retry'; readonly code: string }
  | { readonly type: 'fail'; readonly code: string }
  | { readonly type: 'defer'; readonly runAt: number; readonly kind?: JobKind };

/** What the worker recorded, for `settled`. */
export interface Settlement {
  readonly outcome: 'done' | 'retry' | 'failed' | 'deferred';
  /** The error code of a retry or failure. */
  readonly code?: string;
  readonly at: number;
}

export interface JobHandler {
  run(job: ClaimedJob): Promise<JobOutcome>;
  /** Called in the transaction that records the outcome (counters, audit). */
  settled?(tx: StoreTx, job: ClaimedJob, s: Settlement): Promise<void>;
}

/** One line of a `runOnce` report. `lost`: the claim expired and another worker took the job. */
export interface JobReport {
  readonly id: string;
  readonly kind: JobKind;
  readonly ref: string | null;
  readonly attempt: number;
  readonly outcome: Settlement['outcome'] | 'lost';
  readonly code?: string;
}

/**
 * What the worker and the expiry sweep report for the operator's metrics (ops/metrics.ts), after
 * the outcome's transaction committed: kinds, outcomes and row counts — never a queue (an RP's
 * client id), a ref or a payload.
 */
export interface JobMetrics {
  settled(kind: JobKind, outcome: JobReport['outcome']): void;
  swept(counts: SweepCounts): void;
}

/** Rows deleted by one sweep run, per step. */
export interface SweepCounts {
  oidc: number;
  assertionJtis: number;
  spentNonces: number;
  enrollments: number;
  ssfFailed: number;
  ssfUnacknowledged: number;
}
