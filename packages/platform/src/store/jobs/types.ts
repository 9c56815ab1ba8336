/**
 * Jobs: the durable outbox. A row is one piece of work to do after the transaction that
 * created it commits — a Security Event Token to push to a relying party, one held for the
 * RP's poll, a periodic sweep — with its schedule and state:
 *
 *   pending ──claim──▶ running ──done──▶ (row deleted: nothing lingers)
 *      ▲                  │ ──retry──▶ pending (run_at = now + backoff)
 *      └──────────────────┘ ──fail───▶ failed  (payload set to NULL; the code stays)
 *   running with locked_until ≤ now: the claimer crashed; any worker may claim it again.
 *
 * "done" is an outcome, not a stored state: a finished job's row is deleted in the transaction
 * that finishes it. Every state change after a claim is a compare-and-set on the claim token, so
 * a worker whose claim expired and was taken over changes nothing.
 *
 * In clear: kind, queue (an RP's client id), ref (a SET's random `jti`), times, attempts and an
 * error code. The payload is sealed (see jobs/sealer.ts). No plaintext personal data is stored.
 */
import type { Optional } from '../row-types.ts';

/**
 * - `ssf.deliver`: push a SET to the RP's receiver (RFC 8935); run by the worker.
 * - `ssf.poll`: a SET held for the RP's poll (RFC 8936); never claimed by the worker, removed
 *   when the RP acknowledges it.
 * - `sweep.expired`: the periodic clean-up of expired rows (enrollments, PARs, access tokens,
 *   used assertion ids, spent nonces, old SSF rows); one job at a time, queue `sweep`, ref
 *   `expired` (jobs/sweep.ts).
 */
export const JOB_KINDS = ['ssf.deliver', 'ssf.poll', 'sweep.expired'] as const;
export type JobKind = (typeof JOB_KINDS)[number];

/** Stored states (see the header: "done" rows are deleted). */
export const JOB_STATES = ['pending', 'running', 'failed'] as const;
export type JobState = (typeof JOB_STATES)[number];

/** A value sealed under a data key of its own, wrapped by the platform KEK `kekId`. */
export interface SealedBlob {
  readonly sealed: Uint8Array;
  readonly wrappedKey: Uint8Array;
  readonly kekId: string;
}

export interface JobRecord {
  readonly id: string;
  readonly kind: JobKind;
  /** Whose work: an RP's client id for signals, a fixed name for sweeps. */
  readonly queue: string;
  /** Idempotency key within the queue (a SET's `jti`), or null. */
  readonly ref: string | null;
  /** Null once the job failed for good (or when it never had one). */
  readonly payload: SealedBlob | null;
  readonly state: JobState;
  /** Claims so far (a crashed claim counts). */
  readonly attempts: number;
  readonly maxAttempts: number;
  /** Not before this time (epoch ms). */
  readonly runAt: number;
  /** While running: when the claim expires. */
  readonly lockedUntil: number | null;
  /** While running: the claimer's random token (compare-and-set). */
  readonly claimToken: string | null;
  /** A code (`http_503`, `timeout`, `rejected:invalid_key`…), never remote text. */
  readonly lastError: string | null;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** Omitted: pending, no attempts, due now, created now. */
export type NewJob = Optional<
  Omit<JobRecord, 'state' | 'attempts' | 'lockedUntil' | 'claimToken' | 'lastError' | 'updatedAt'>,
  'ref' | 'payload' | 'runAt' | 'createdAt'
>;

export interface ClaimOptions {
  /** Only these kinds (those the worker has handlers for). */
  readonly kinds: readonly JobKind[];
  readonly now: number;
  /** How long the claim holds: longer than any handler may run. */
  readonly leaseMs: number;
  readonly limit: number;
  /** The claimer's random token, written on every claimed row. */
  readonly claimToken: string;
}

export interface RescheduleOptions {
  readonly runAt: number;
  /** null clears it. */
  readonly lastError: string | null;
  /** Hand the job to another kind (e.g. the stream switched from push to poll). */
  readonly kind?: JobKind;
  /** Give the attempt back (a deferral is not a failed try). */
  readonly refundAttempt?: boolean;
}

export interface QueueCounts {
  /** pending + running */
  readonly pending: number;
  readonly failed: number;
}

export interface JobReader {
  /** Per queue, for the given queues (all queues with jobs when omitted). */
  countByQueue(queues?: readonly string[]): Promise<Record<string, QueueCounts>>;
}

export interface JobWriter extends JobReader {
  /** Inserts a pending job; returns false (and changes nothing) when (queue, ref) is already queued. */
  insert(job: NewJob): Promise<boolean>;
  /**
   * Claims up to `limit` due jobs of `kinds` — pending with `runAt <= now`, or running with an
   * expired claim — oldest `runAt` first: state `running`, attempts + 1, `lockedUntil = now +
   * leaseMs`, `claimToken`. PostgreSQL: `FOR UPDATE SKIP LOCKED`, so concurrent claimers in
   * several processes never get the same job; SQLite: one UPDATE (one writer at a time).
   */
  claim(o: ClaimOptions): Promise<JobRecord[]>;
  /** Deletes a job still held under `claimToken`. Returns whether it did (false: the claim was lost). */
  finish(id: string, claimToken: string): Promise<boolean>;
  /** Back to pending under `claimToken`. Returns whether it did. */
  reschedule(id: string, claimToken: string, o: RescheduleOptions): Promise<boolean>;
  /** `failed` for good under `claimToken`, payload dropped, `code` kept. Returns whether it did. */
  fail(id: string, claimToken: string, code: string): Promise<boolean>;
  /** Pending jobs of one queue and kind, oldest first (a poll). */
  listPending(queue: string, kind: JobKind, limit: number): Promise<JobRecord[]>;
  /** Deletes the pending jobs of a queue and kind with these refs (acknowledged); returns how many. */
  deleteRefs(queue: string, kind: JobKind, refs: readonly string[]): Promise<number>;
  /** Marks the pending job with this ref failed (payload dropped); returns whether there was one. */
  failRef(queue: string, kind: JobKind, ref: string, code: string): Promise<boolean>;
  /**
   * Retention: deletes up to `limit` jobs of `kinds` in `state` (`pending` or `failed`, never
   * `running`) last changed (`updatedAt`) at or before `upTo`, oldest first; returns how many
   * per queue.
   */
  deleteStale(o: { readonly kinds: readonly JobKind[]; readonly state: 'pending' | 'failed'; readonly upTo: number; readonly limit: number }): Promise<Record<string, number>>;
  /** Moves every pending job of a queue from one kind to another, due now; returns how many. */
  changeKind(queue: string, from: JobKind, to: JobKind): Promise<number>;
  /** Makes every pending job of a queue due now (a paused stream was enabled); returns how many. */
  wake(queue: string): Promise<number>;
  /** Deletes every pending or running job of a queue (a stream disabled or deleted); returns how many. */
  dropQueue(queue: string): Promise<number>;
}
