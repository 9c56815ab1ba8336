/**
 * How an answered request is recorded — each atomically, so the request's status, the person's
 * history, their consents, the audit entry and the application identifier exist together or not
 * at all (`verifications.transitionWith`: on PostgreSQL one statement, inside a transaction only
 * when there are consents or a first application identifier to record too):
 * - `recordDecline`: the person said no; with a presentation the decline is theirs and goes into
 *   their history (without one it stays anonymous);
 * - `recordSettlement`: any other end (a failed factor, a request held for a guardian); a
 *   failure of an identified person is audited;
 * - `recordApproval`: the sealed outcome, the consents to the fields beyond the result (sensitive
 *   ones separately, PIPL Art. 29), the application identifier the first time, the audit entry
 *   (the person only as a data-key-derived reference) and the person's history.
 *
 * Trusted: the caller authenticated the holder and checked every factor before calling.
 */
import { subjectRef } from '@wangzheng/core/audit/index';
import { WzError } from '@wangzheng/core/errors';
import { SENSITIVE_SCOPES } from '@wangzheng/core/rp/scopes';
import type { RelyingParty } from '@wangzheng/core/rp/types';
import type { AuditSink } from '../notify/sinks.ts';
import { encodeConsentSubject } from '../person/consent-subject.ts';
import { historyEvent } from '../person/history.ts';
import type { BlindIndexer, DataProtector } from '../protect/index.ts';
import type { Store, VerificationRequestRecord } from '../store/index.ts';
import { faultPoint } from '../faults/points.ts';
import { recordAppId } from './app-ids.ts';

export interface SettleDeps {
  readonly store: Store;
  readonly protector: DataProtector;
  readonly blindIndexer: BlindIndexer;
  readonly audit?: AuditSink;
}

const answered = (): WzError => new WzError('verification_answered', 'This request has already been answered.');

export async function recordDecline(
  d: SettleDeps,
  r: VerificationRequestRecord,
  rp: RelyingParty,
  who: { personId: string; dek: Uint8Array } | undefined,
  now: number,
): Promise<void> {
  const e = { kind: 'verification_declined', clientId: rp.clientId, rp: rp.name, mode: r.mode, scopes: [...r.scopes], requestId: r.id } as const;
  const rows = { events: who ? [historyEvent(d.protector, who, e, now)] : [] };
  if (!(await d.store.verifications.transitionWith(r.id, 'pending', { status: 'declined', failure: 'declined', ...(who ? { personId: who.personId } : {}) }, rows))) throw answered();
}

export interface Approval {
  readonly personId: string;
  readonly dek: Uint8Array;
  /** The outcome, sealed under the person's data key for this request. */
  readonly sealed: Uint8Array;
  /** The fields beyond the result the person consented to. */
  readonly extra: readonly string[];
  readonly appId: string;
  /** Whether the application identifier is already in the person's profile. */
  readonly appIdRecorded: boolean;
}

export async function recordApproval(d: SettleDeps, r: VerificationRequestRecord, rp: RelyingParty, a: Approval, now: number): Promise<void> {
  const { personId, dek } = a;
  const patch = { status: 'approved', personId, result: a.sealed, approvedAt: now } as const;
  // Written with the answer: the person's own history (who verified them, when, how, what they
  // learned; sealed before any statement) and the audit entry, queued, not chained here —
  // chaining takes the appenders' lock until the commit, and verifications of every process
  // would wait for each other (docs/audit.md).
  const rows = {
    events: [historyEvent(d.protector, { personId, dek }, { kind: 'verified', clientId: rp.clientId, rp: rp.name, mode: r.mode, scopes: [...r.scopes], requestId: r.id }, now)],
    queued: d.audit ? [d.audit.queued({ actor: 'system', action: 'verification.completed', subject: subjectRef(dek), data: { request: r.id, rp: rp.clientId, mode: r.mode, scopes: r.scopes.join(' ') } })] : [],
  };
  if (a.extra.length === 0 && a.appIdRecorded) {
    // The usual answer (no consent to record, the application identifier known): one atomic
    // write — on PostgreSQL one statement, without BEGIN and COMMIT round trips — so there is no
    // moment between its writing and its commit for a fault point.
    if (!(await d.store.verifications.transitionWith(r.id, 'pending', patch, rows))) throw answered();
  } else {
    await d.store.transaction(async (tx) => {
      if (!(await tx.verifications.transitionWith(r.id, 'pending', patch, rows))) throw answered();
      if (a.extra.length > 0) {
        const sensitive = a.extra.filter((x) => (SENSITIVE_SCOPES as readonly string[]).includes(x));
        const plain = a.extra.filter((x) => !sensitive.includes(x));
        const subject = (s: boolean): string => encodeConsentSubject({ kind: 'rp', clientId: rp.clientId, sensitive: s });
        if (plain.length > 0) await tx.consents.insert({ personId, subject: subject(false), scope: plain.join(','), grantedAt: now });
        if (sensitive.length > 0) await tx.consents.insert({ personId, subject: subject(true), scope: sensitive.join(','), grantedAt: now });
      }
      if (!a.appIdRecorded) await recordAppId(tx, d, personId, dek, rp.clientId, a.appId);
      faultPoint('verification.approval.before-commit');
    });
  }
  faultPoint('verification.approval.after-commit');
}

export async function recordSettlement(
  d: SettleDeps,
  r: VerificationRequestRecord,
  patch: Parameters<Store['verifications']['transition']>[2],
  failedFor?: { dek: Uint8Array; clientId: string },
): Promise<void> {
  const failed = failedFor && patch.status === 'failed';
  const queued = failed && d.audit ? [d.audit.queued({ actor: 'system', action: 'verification.failed', subject: subjectRef(failedFor.dek), data: { request: r.id, rp: failedFor.clientId, mode: r.mode, failure: patch.failure ?? 'failed' } })] : [];
  if (!(await d.store.verifications.transitionWith(r.id, 'pending', patch, { queued }))) throw answered();
}
