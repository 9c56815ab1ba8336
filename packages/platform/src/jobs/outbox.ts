/**
 * Enqueueing work in the caller's transaction: the job exists if and only if the caller's
 * changes commit (the transactional outbox pattern), so a ban can never be committed without
 * its signals, nor a signal sent for a ban that rolled back. The payload is sealed (sealer.ts)
 * before it reaches the row.
 *
 * Trust: everything comes from our own code; misuse is a TypeError from the store.
 */
import { newId, type JobKind, type StoreTx } from '../store/index.ts';
import { DEFAULT_RETRY } from './backoff.ts';
import type { Sealer } from './sealer.ts';

export interface EnqueueInput {
  readonly kind: JobKind;
  /** Whose work (an RP's client id). */
  readonly queue: string;
  /** Idempotency key within the queue: a second job with the same ref is not created. */
  readonly ref?: string;
  readonly payload?: Uint8Array;
  /** Default now. */
  readonly runAt?: number;
  /** Default DEFAULT_RETRY.maxAttempts. */
  readonly maxAttempts?: number;
}

export class Outbox {
  readonly #sealer: Sealer;
  readonly #now: () => number;

  constructor(deps: { sealer: Sealer; now: () => number }) {
    this.#sealer = deps.sealer;
    this.#now = deps.now;
  }

  /** Adds a job in `tx`; returns its id, or undefined when (queue, ref) was already queued. */
  async enqueue(tx: StoreTx, j: EnqueueInput): Promise<string | undefined> {
    const id = newId();
    const inserted = await tx.jobs.insert({
      id,
      kind: j.kind,
      queue: j.queue,
      ...(j.ref !== undefined ? { ref: j.ref } : {}),
      ...(j.payload !== undefined ? { payload: this.#sealer.seal(id, 'job_payload', j.payload) } : {}),
      runAt: j.runAt ?? this.#now(),
      maxAttempts: j.maxAttempts ?? DEFAULT_RETRY.maxAttempts,
    });
    return inserted ? id : undefined;
  }
}
