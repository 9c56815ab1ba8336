/**
 * Enrollment sessions: the server-side record that chains the steps of one enrollment.
 *
 * - Starting returns an id, a bearer token (only its digest is stored) and the first nonce.
 * - Every step presents the token (it is this enrollment's, or `enrollment_forbidden`), must be
 *   the step the enrollment waits for (`step_out_of_order`), must carry the current nonce
 *   (`nonce_mismatch`: replayed or stale), within the nonce's lifetime and the enrollment's
 *   (`enrollment_expired`, and the attempt is deleted).
 * - A step commits with compare-and-set on the nonce it consumed: of two concurrent requests
 *   with the same nonce exactly one advances; the other gets `nonce_mismatch`.
 * - All state is sealed under the enrollment's own data key (bound to the enrollment id);
 *   the row holds the step name, digests and times only.
 * - Ending an attempt (failure, expiry, issuance collected) deletes the row: only counters
 *   remain (`enrollments.started|issued|failed|failed.<code>|abandoned`). An expired attempt
 *   nobody comes back to is deleted by the expiry sweep (jobs/sweep.ts), counted as abandoned.
 *
 * Nothing here logs a token, a nonce or anything from the sealed state.
 */
import { timingSafeEqual } from 'node:crypto';
import { b64u, randomBytes, type CryptoSuite } from '@wangzheng/core/crypto/index';
import { WzError, type ErrorCode } from '@wangzheng/core/errors';
import type { DataProtector } from '../protect/index.ts';
import { newId, type EnrollmentRecord, type Store, type StoreTx } from '../store/index.ts';
import type { EnrollmentState, Step } from './state.ts';

export interface SessionDeps {
  readonly store: Store;
  readonly protector: DataProtector;
  readonly suite: CryptoSuite;
  readonly now: () => number;
  /** Whole-enrollment lifetime and per-step nonce lifetime, ms. */
  readonly ttlMs: number;
  readonly stepMs: number;
  /** Operations metrics (ops/metrics.ts): outcomes and error codes only. None: nothing is reported. */
  readonly metrics?: EnrollmentMetrics;
}

export type EnrollmentOutcome = 'started' | 'issued' | 'failed' | 'abandoned';

/** What enrollment reports for the operator's metrics, after the transaction that decided it committed. Never who. */
export interface EnrollmentMetrics {
  outcome(outcome: EnrollmentOutcome, code?: ErrorCode): void;
}

export interface Opened {
  readonly id: string;
  readonly step: Step;
  readonly state: EnrollmentState;
  readonly record: EnrollmentRecord;
  readonly dek: Uint8Array;
}

export interface Advanced {
  readonly nonce: string;
  readonly nonceExpiresAt: number;
  readonly expiresAt: number;
  readonly transcript: string;
}

const SEAL_PURPOSE = 'enrollment';
const enc = new TextEncoder();

function digestEq(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

export class EnrollmentSessions {
  constructor(private readonly deps: SessionDeps) {}

  digest(secret: string): Uint8Array {
    return this.deps.suite.hash(enc.encode(secret));
  }

  /** The transcript after a step: H(previous ‖ step ‖ what the step bound). */
  chain(previous: string, step: Step, bound: string): string {
    return b64u(this.deps.suite.hash(enc.encode(`${previous}\u0000${step}\u0000${bound}`)));
  }

  async create(state: EnrollmentState, first: Step): Promise<Advanced & { id: string; token: string }> {
    const { store, protector, now } = this.deps;
    const t = now();
    const id = newId();
    const token = b64u(randomBytes(32));
    const nonce = b64u(randomBytes(24));
    const dk = protector.newDataKey(id);
    const expiresAt = t + this.deps.ttlMs;
    const nonceExpiresAt = Math.min(expiresAt, t + this.deps.stepMs);
    await store.transaction(async (tx) => {
      await tx.enrollments.insert({
        id,
        tokenHash: this.digest(token),
        state: first,
        nonceHash: this.digest(nonce),
        nonceExpiresAt,
        expiresAt,
        kekId: dk.kekId,
        wrappedDek: dk.wrappedDek,
        sealed: protector.sealFor(dk.dek, id, SEAL_PURPOSE, state),
        approvalCodeHash: null,
        createdAt: t,
      });
      await tx.counters.increment('enrollments.started');
    });
    this.report('started');
    return { id, token, nonce, nonceExpiresAt, expiresAt, transcript: state.transcript };
  }

  /** Loads and authenticates an enrollment without checking step or nonce (status queries). */
  async load(id: unknown, token: string | undefined): Promise<Opened> {
    if (typeof id !== 'string' || !/^[0-9a-f-]{36}$/.test(id)) throw new WzError('enrollment_not_found', 'No such enrollment.');
    const record = await this.deps.store.enrollments.findById(id);
    if (!record) throw new WzError('enrollment_not_found', 'No such enrollment (it may have ended or expired).');
    if (token === undefined) throw new WzError('unauthenticated', 'This enrollment step needs the enrollment token (Authorization: Bearer …).');
    if (!digestEq(this.digest(token), record.tokenHash)) {
      throw new WzError('enrollment_forbidden', 'This token does not belong to this enrollment.');
    }
    if (record.expiresAt <= this.deps.now()) {
      await this.end(id, 'abandoned');
      throw new WzError('enrollment_expired', 'This enrollment has expired; start again.');
    }
    return this.#unseal(record);
  }

  /**
   * A 14–17-year-old's enrollment, found by the approval code their guardian was given (the
   * code is the guardian's authority to look; the guardian still proves who they are).
   */
  async loadByApprovalCode(codeHash: Uint8Array): Promise<Opened> {
    const record = await this.deps.store.enrollments.findByApprovalCode(codeHash);
    if (!record || record.state !== 'guardian_approval') throw new WzError('enrollment_not_found', 'No enrollment awaits approval with this code.');
    if (record.expiresAt <= this.deps.now()) {
      await this.end(record.id, 'abandoned');
      throw new WzError('enrollment_expired', 'This enrollment has expired; it must be started again.');
    }
    return this.#unseal(record);
  }

  /** Loads, authenticates and checks that `nonce` answers the step the enrollment waits for. */
  async open(id: unknown, token: string | undefined, expected: Step | readonly Step[], nonce: string): Promise<Opened> {
    const opened = await this.load(id, token);
    const steps: readonly Step[] = typeof expected === 'string' ? [expected] : expected;
    if (!steps.includes(opened.step)) {
      throw new WzError('step_out_of_order', `This enrollment is waiting for the '${opened.step}' step.`);
    }
    if (!digestEq(this.digest(nonce), opened.record.nonceHash)) {
      throw new WzError('nonce_mismatch', 'The nonce is not the current one for this enrollment (replayed or stale).');
    }
    if (opened.record.nonceExpiresAt <= this.deps.now()) {
      await this.end(opened.id, 'abandoned');
      throw new WzError('enrollment_expired', 'This step took too long; the enrollment has expired. Start again.');
    }
    return opened;
  }

  /**
   * Commits the step `opened` answered: seals `state`, moves to `next` with a fresh nonce,
   * only if nobody else consumed the nonce first. `bound` is what the step adds to the transcript.
   */
  async advance(
    opened: Opened,
    next: Step,
    state: EnrollmentState,
    bound: string,
    extra: { approvalCodeHash?: Uint8Array | null; tx?: StoreTx; keepNonce?: boolean } = {},
  ): Promise<Advanced> {
    const t = this.deps.now();
    state.transcript = this.chain(state.transcript, opened.step, bound);
    // keepNonce: record something (a wrong code, a guardian's approval) without making the
    // holder's current nonce stale; the row still changes only if that nonce is still current.
    const nonce = extra.keepNonce ? '' : b64u(randomBytes(24));
    const nonceExpiresAt = extra.keepNonce ? opened.record.nonceExpiresAt : Math.min(opened.record.expiresAt, t + this.deps.stepMs);
    const repo = (extra.tx ?? this.deps.store).enrollments;
    const ok = await repo.advance(
      opened.id,
      // The sealed state too: a kept-nonce update (a wrong code) must not overwrite another.
      { state: opened.step, nonceHash: opened.record.nonceHash, sealed: opened.record.sealed },
      {
        state: next,
        nonceHash: extra.keepNonce ? opened.record.nonceHash : this.digest(nonce),
        nonceExpiresAt,
        sealed: this.deps.protector.sealFor(opened.dek, opened.id, SEAL_PURPOSE, state),
        ...(extra.approvalCodeHash !== undefined ? { approvalCodeHash: extra.approvalCodeHash } : {}),
      },
    );
    if (!ok) throw new WzError('nonce_mismatch', 'This step was already answered (concurrent or replayed request).');
    return { nonce, nonceExpiresAt, expiresAt: opened.record.expiresAt, transcript: state.transcript };
  }

  /**
   * Ends an attempt: deletes the row (and with it every sealed byte), counts the outcome.
   * Returns whether this call ended it. Inside the caller's `tx` the caller reports the outcome
   * (`report`) once that transaction has committed.
   */
  async end(id: string, outcome: Exclude<EnrollmentOutcome, 'started'>, code?: ErrorCode, tx?: StoreTx): Promise<boolean> {
    const run = async (t: StoreTx): Promise<boolean> => {
      const deleted = await t.enrollments.delete(id);
      if (!deleted) return false;
      await t.counters.increment(`enrollments.${outcome}`);
      if (outcome === 'failed' && code) await t.counters.increment(`enrollments.failed.${code}`);
      return true;
    };
    if (tx) return run(tx);
    const ended = await this.deps.store.transaction(run);
    if (ended) this.report(outcome, code);
    return ended;
  }

  /** Tells the operations metrics about a committed outcome (no-op without metrics). */
  report(outcome: EnrollmentOutcome, code?: ErrorCode): void {
    this.deps.metrics?.outcome(outcome, code);
  }

  /** Ends the attempt with `error` and rethrows it: for failures that close the enrollment. */
  async fail(id: string, error: WzError): Promise<never> {
    await this.end(id, 'failed', error.code);
    throw error;
  }

  #unseal(record: EnrollmentRecord): Opened {
    const dek = this.deps.protector.unwrapDataKey(record.id, record.wrappedDek, record.kekId);
    const state = this.deps.protector.openFor(dek, record.id, SEAL_PURPOSE, record.sealed) as EnrollmentState;
    return { id: record.id, step: record.state as Step, state, record, dek };
  }
}
