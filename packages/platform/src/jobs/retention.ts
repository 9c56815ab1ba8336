/**
 * Time partitions and retention, run as part of the expiry sweep (sweep.ts): the same durable
 * single-row job, so one worker at a time does it for every process on the database, every
 * `WZ_SWEEP_INTERVAL_SECONDS`.
 *
 * Each run:
 * 1. partitions (PostgreSQL): the current month and the next `monthsAhead` exist for `events`,
 *    `audit_entries` and `verification_requests` (a no-op on SQLite, and when they exist);
 * 2. retention, for each period the operator set (none by default: nothing is ever removed
 *    unless `WZ_HISTORY_RETENTION_DAYS`, `WZ_AUDIT_RETENTION_DAYS` or
 *    `WZ_VERIFICATION_RETENTION_DAYS` is set): the repositories' bounded `deleteBefore` steps,
 *    `now − period` the cutoff, until done, the batch limit or the run's time budget. PostgreSQL
 *    drops whole monthly partitions; SQLite deletes rows in batches. The audit trail keeps
 *    everything from the last checkpoint before the cutoff (store/audit/retention.ts).
 *
 * Trust: our own rows and catalog and the clock; logs carry counts only.
 */
import type { Logger } from 'pino';
import { isWzError } from '@wangzheng/core/errors';
import type { Store } from '../store/index.ts';
import type { RetentionStep } from '../store/partitions.ts';

/** Months ahead of the current one that always have a partition. */
export const DEFAULT_PARTITION_MONTHS_AHEAD = 3;

export interface RetentionSettings {
  /** Months ahead of the current one kept partitioned (PostgreSQL). Default 3 (0..60). */
  readonly monthsAhead?: number;
  /** How long a person's history events are kept (ms). Undefined: forever. */
  readonly historyMs?: number;
  /** How long audit entries are kept (ms), at least back to an anchoring checkpoint. Undefined: forever. */
  readonly auditMs?: number;
  /** How long verification requests (with their OIDC authorizations) are kept (ms). Undefined: forever. */
  readonly verificationMs?: number;
}

export type RetentionTarget = 'history' | 'audit' | 'verifications';

export interface RetentionCounts {
  partitionsCreated: number;
  history: { rows: number; partitions: number };
  audit: { rows: number; partitions: number };
  verifications: { rows: number; partitions: number };
}

export interface RetentionRun {
  readonly counts: RetentionCounts;
  /** What threw (logged by code); the rest still ran. */
  readonly failed: readonly string[];
  /** A batch limit or the time budget left old rows behind: run again soon. */
  readonly unfinished: boolean;
}

interface Options {
  readonly store: Pick<Store, 'events' | 'audit' | 'verifications'>;
  readonly settings: RetentionSettings;
  readonly now: () => number;
  readonly batchSize: number;
  readonly maxBatches: number;
  readonly logger?: Pick<Logger, 'info' | 'error' | 'debug'>;
}

const PERIODS = { history: 'historyMs', audit: 'auditMs', verifications: 'verificationMs' } as const;

const DAY_MS = 86_400_000;

/**
 * The settings from the configuration's `retention` group (days; unset: keep forever), for
 * `new ExpirySweep({ …, retention: retentionSettings(config.retention) })`.
 */
export function retentionSettings(c: { partitionMonthsAhead: number; historyDays?: number | undefined; auditDays?: number | undefined; verificationDays?: number | undefined }): RetentionSettings {
  return {
    monthsAhead: c.partitionMonthsAhead,
    ...(c.historyDays === undefined ? {} : { historyMs: c.historyDays * DAY_MS }),
    ...(c.auditDays === undefined ? {} : { auditMs: c.auditDays * DAY_MS }),
    ...(c.verificationDays === undefined ? {} : { verificationMs: c.verificationDays * DAY_MS }),
  };
}

export function checkRetentionSettings(s: RetentionSettings): void {
  const ahead = s.monthsAhead ?? DEFAULT_PARTITION_MONTHS_AHEAD;
  if (!Number.isInteger(ahead) || ahead < 0 || ahead > 60) throw new TypeError('monthsAhead must be 0..60');
  for (const key of Object.values(PERIODS)) {
    const v = s[key];
    if (v !== undefined && (!Number.isSafeInteger(v) || v < 1)) throw new TypeError(`${key} must be a positive integer or undefined`);
  }
}

export class PartitionsAndRetention {
  readonly #o: Options;

  constructor(o: Options) {
    checkRetentionSettings(o.settings);
    this.#o = o;
  }

  async run(jobId: string, t: number, deadline: number): Promise<RetentionRun> {
    const { store, settings } = this.#o;
    const counts: RetentionCounts = { partitionsCreated: 0, history: { rows: 0, partitions: 0 }, audit: { rows: 0, partitions: 0 }, verifications: { rows: 0, partitions: 0 } };
    const failed: string[] = [];
    const ahead = settings.monthsAhead ?? DEFAULT_PARTITION_MONTHS_AHEAD;
    for (const repo of [store.events, store.audit, store.verifications]) {
      try {
        counts.partitionsCreated += await repo.ensurePartitions(t, ahead);
      } catch (e) {
        failed.push('partitions');
        this.#fail(jobId, 'partitions', e);
      }
    }
    const steps: Record<RetentionTarget, (cutoff: number, limit: number) => Promise<RetentionStep>> = {
      history: (c, l) => store.events.deleteBefore(c, l),
      audit: (c, l) => store.audit.deleteBefore(c, l),
      verifications: (c, l) => store.verifications.deleteBefore(c, l),
    };
    let unfinished = false;
    for (const target of Object.keys(steps) as RetentionTarget[]) {
      const period = settings[PERIODS[target]];
      if (period === undefined) continue;
      try {
        unfinished ||= !(await this.#drain(steps[target], t - period, deadline, counts[target]));
      } catch (e) {
        failed.push(`${target}_retention`);
        this.#fail(jobId, `${target}_retention`, e);
      }
    }
    const removed = counts.history.rows + counts.audit.rows + counts.verifications.rows;
    const dropped = counts.history.partitions + counts.audit.partitions + counts.verifications.partitions;
    // Removals at info; months created ahead (once a month per table, routine) at debug.
    if (removed + dropped > 0) this.#o.logger?.info({ job: jobId, ...counts, unfinished }, 'partitions and retention');
    else if (counts.partitionsCreated > 0) this.#o.logger?.debug({ job: jobId, partitionsCreated: counts.partitionsCreated }, 'partitions created ahead');
    return { counts, failed, unfinished };
  }

  /** Bounded steps until done, maxBatches or the deadline; true when done. Adds to `into` as it goes. */
  async #drain(step: (cutoff: number, limit: number) => Promise<RetentionStep>, cutoff: number, deadline: number, into: { rows: number; partitions: number }): Promise<boolean> {
    if (cutoff <= 0) return true;
    for (let i = 0; i < this.#o.maxBatches; i++) {
      const r = await step(cutoff, this.#o.batchSize);
      into.rows += r.rows;
      into.partitions += r.partitions;
      if (r.done) return true;
      if (this.#o.now() >= deadline) break;
    }
    return false;
  }

  #fail(jobId: string, step: string, e: unknown): void {
    const code = isWzError(e) ? e.code : 'unexpected';
    // A database outage is the job worker's to report, once (jobs/worker.ts); the deferred sweep
    // runs again. Logging each step at error would repeat it for every outage the sweep meets.
    if (code === 'store_unavailable') this.#o.logger?.debug({ job: jobId, step, code }, 'partitions and retention step failed');
    else this.#o.logger?.error({ job: jobId, step, code }, 'partitions and retention step failed');
  }
}
