/**
 * What follows when a person's own action revokes one of their 网证 (renewal, moving to a new
 * phone, revoking a lost device): an audit entry and a Shared Signals `credential_revoked` SET
 * for every relying party that knows the person — both inside the caller's transaction, so they
 * exist exactly when the revocation commits (and a failing sink undoes it).
 *
 * Nothing personal goes out: the audit entry names the person only by `subjectRef(dataKey)`
 * (unlinkable once their data key is destroyed) and carries the cause code; each SET names the
 * person by that relying party's own application identifier (signals/emitter.ts). No `txn` is
 * shared across relying parties, so two of them cannot match their SETs to one event.
 *
 * Trusted: the caller (it authenticated the person and made the change in `tx`).
 */
import { subjectRef, type AuditAction } from '@wangzheng/core/audit/index';
import type { CredentialRevocationCause } from '@wangzheng/core/signals/index';
import type { StoreTx } from '../store/index.ts';
import type { AuditSink, SignalSink } from './sinks.ts';

export interface RevocationSinks {
  readonly audit?: AuditSink;
  readonly signals?: SignalSink;
}

export async function noticeRevocation(
  tx: StoreTx,
  sinks: RevocationSinks,
  r: { personId: string; dek: Uint8Array; action: Extract<AuditAction, 'credential.renewed' | 'device.revoked'>; cause: CredentialRevocationCause; revoked: number },
): Promise<void> {
  if (r.revoked > 0) await sinks.signals?.emitForPerson(tx, { personId: r.personId, dek: r.dek, event: { code: 'credential_revoked', cause: r.cause } });
  // The audit append last: on PostgreSQL its row lock, which every appender waits for, is then
  // held only until the commit that follows (docs/audit.md).
  await sinks.audit?.record(tx, { actor: 'person', action: r.action, subject: subjectRef(r.dek), data: { cause: r.cause, credentialsRevoked: r.revoked } });
}
