/**
 * Art. 5 at relying parties: a child under 14's first use of their 网证 at an RP waits for a
 * guardian. The child's answer is held, sealed under the guardian's data key, and the request
 * is addressed to the guardian; when the guardian approves in their own wallet the outcome is
 * resealed for the child, the guardian's consent for this RP is recorded on the child (later
 * uses at this RP need none), and both histories get an event. A child's extra fields are never
 * disclosed this way: result only.
 */
import { WzError } from '@wangzheng/core/errors';
import type { RelyingParty } from '@wangzheng/core/rp/types';
import type { AuthenticatedHolder } from '../credential/holder.ts';
import type { BlindIndexer, DataProtector } from '../protect/index.ts';
import { recordAppId } from './app-ids.ts';
import type { Store, VerificationRequestRecord } from '../store/index.ts';
import { sealOutcome, type SealedOutcome } from './outcome.ts';
import { encodeConsentSubject } from '../person/consent-subject.ts';
import { historyEvent } from '../person/history.ts';

/** `failure` marker while a child's request waits for the guardian (status stays `pending`). */
export const AWAITING_GUARDIAN = 'awaiting_guardian';

export interface HeldForGuardian {
  requestId: string;
  childPersonId: string;
  childName: string;
  appId: string;
  faceSimilarity?: number;
}

export async function guardianDecides(
  deps: { store: Store; protector: DataProtector; blindIndexer: BlindIndexer },
  r: VerificationRequestRecord,
  rp: RelyingParty,
  guardian: AuthenticatedHolder,
  now: number,
): Promise<{ status: 'approved'; rp: string }> {
  const held = deps.protector.openFor(guardian.dek, guardian.person.id, 'verification', r.result!) as HeldForGuardian;
  if (held.requestId !== r.id) throw new WzError('verification_not_found', 'No such verification request.');
  const child = await deps.store.persons.findById(held.childPersonId);
  if (!child) throw new WzError('verification_not_found', 'No such verification request.');
  const cdek = deps.protector.unwrapDataKey(child.id, child.wrappedDek, child.kekId);
  const outcome: SealedOutcome = { appId: held.appId, ...(held.faceSimilarity !== undefined ? { faceSimilarity: held.faceSimilarity } : {}), claims: {} };
  await deps.store.transaction(async (tx) => {
    const ok = await tx.verifications.transition(r.id, 'pending', {
      status: 'approved',
      failure: null,
      personId: child.id,
      result: sealOutcome(deps.protector, cdek, child.id, r.id, outcome),
      approvedAt: now,
    });
    if (!ok) throw new WzError('verification_answered', 'This request has already been answered.');
    await tx.consents.insert({ personId: child.id, subject: encodeConsentSubject({ kind: 'guardian_rp', clientId: rp.clientId }), scope: 'result', grantedAt: now });
    await tx.events.append(
      historyEvent(deps.protector, { personId: child.id, dek: cdek }, { kind: 'verified', clientId: rp.clientId, rp: rp.name, mode: r.mode, scopes: ['result'], requestId: r.id, guardianApproved: true }, now),
    );
    await tx.events.append(
      historyEvent(deps.protector, { personId: guardian.person.id, dek: guardian.dek }, { kind: 'ward_verification_approved', clientId: rp.clientId, rp: rp.name, requestId: r.id }, now),
    );
    await recordAppId(tx, deps, child.id, cdek, rp.clientId, held.appId);
  });
  return { status: 'approved', rp: rp.name };
}
