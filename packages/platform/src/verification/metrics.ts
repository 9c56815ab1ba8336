/**
 * What verification reports for the operator's metrics (ops/metrics.ts implements it): kinds,
 * modes, results, stable codes and times — never who answered, never which relying party asked.
 * Each call follows the store change it reports, once that change has committed.
 */
import type { ErrorCode } from '@wangzheng/core/errors';
import type { Mode } from '@wangzheng/core/verification/modes';

/** A request the person's answer settled: passed, or failed for good with a code. */
export interface VerificationSettled {
  readonly kind: string;
  readonly mode: Mode;
  readonly result: 'pass' | 'fail';
  /** The failure (`face_mismatch`, `passphrase_locked`, `declined`). */
  readonly code?: string;
  /** From the request's creation to this settlement (the person's time included). */
  readonly seconds: number;
}

/** The port: a request created, a request settled, an answer refused. */
export interface VerificationMetrics {
  requested(kind: string, mode: Mode): void;
  settled(s: VerificationSettled): void;
  /** An answer refused with `code` that left the request as it was (a wrong passphrase, an invalid presentation…). */
  refused(code: ErrorCode): void;
}
