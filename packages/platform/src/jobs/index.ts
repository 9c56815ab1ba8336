/**
 * Jobs: the durable outbox (enqueue in the caller's transaction) and the worker loop that runs
 * due jobs with retries and backoff, safe with several processes on one PostgreSQL.
 *
 * ```ts
 * const outbox = new Outbox({ sealer, now });
 * await store.transaction((tx) => outbox.enqueue(tx, { kind: 'ssf.deliver', queue: clientId, ref: jti, payload }));
 * const worker = new Worker({ store, sealer, handlers: { 'ssf.deliver': pushHandler }, intervalMs: 250 });
 * worker.start();            // …
 * await worker.stop();
 * ```
 */
export { DEFAULT_RETRY, retryDelayMs, type RetryPolicy } from './backoff.ts';
export { Outbox, type EnqueueInput } from './outbox.ts';
export { Sealer, type SealPurpose } from './sealer.ts';
export { ExpirySweep, SWEEP_KIND, SWEEP_QUEUE, SWEEP_REF, type SweepOptions } from './sweep.ts';
export { DEFAULT_PARTITION_MONTHS_AHEAD, retentionSettings, type RetentionSettings } from './retention.ts';
export type { ClaimedJob, JobHandler, JobKind, JobMetrics, JobOutcome, JobReport, Settlement, SweepCounts } from './types.ts';
export { DEFAULT_BATCH, DEFAULT_LEASE_MS, Worker, type WorkerOptions } from './worker.ts';
