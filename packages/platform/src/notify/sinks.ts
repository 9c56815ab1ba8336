/**
 * The two places an action is told of, as the domains see them: the audit trail (audit/) and
 * Shared Signals to relying parties (signals/). Both write inside the caller's transaction, so
 * what they record exists exactly when the action commits. Declared here, below every domain,
 * so that a domain depends on these narrow ports and not on the services behind them.
 */
import type { AuditAction, QueuedFields } from '@wangzheng/core/audit/index';
import type { SecurityEvent } from '@wangzheng/core/signals/index';
import type { StoreTx } from '../store/index.ts';

/** An audit entry as a domain gives it: codes and digests only. */
export type AuditSinkRecord = { actor: string; action: AuditAction; subject?: string; data?: Record<string, string | number | boolean | null> };

/** Writes an audit entry inside the caller's transaction (audit/). */
export interface AuditSink {
  /** Chains it now, under the appenders' lock until the caller's commit: for rare actions. */
  record(tx: StoreTx, r: AuditSinkRecord): Promise<unknown>;
  /** Queues it, without the lock; the sequencer chains it within a moment: for frequent actions (docs/audit.md). */
  enqueue(tx: StoreTx, r: AuditSinkRecord): Promise<unknown>;
  /** The entry `enqueue` would queue, checked, for a store method that writes it with its action in one statement. */
  queued(r: AuditSinkRecord): QueuedFields;
  /** A digest binding free text that must not itself enter the (never erased) trail. */
  digest(value: string): string;
}

/** Tells relying parties that know the person (signals/). */
export interface SignalSink {
  emitForPerson(tx: StoreTx, i: { personId: string; dek: Uint8Array; event: SecurityEvent; txn?: string }): Promise<unknown>;
}
