/**
 * The relying party fetches the platform-signed receipt of its request, once: pending →
 * `verification_pending`; fetched before → `receipt_already_fetched`. The receipt is signed with
 * the key of the RP's suite; the outcome sealed under the person's data key is opened for it.
 *
 * Trusted: the RP after client authentication; another RP's request is indistinguishable from none.
 */
import type { KeyRing } from '@wangzheng/core/crypto/index';
import { WzError } from '@wangzheng/core/errors';
import type { RelyingParty } from '@wangzheng/core/rp/types';
import type { Mode } from '@wangzheng/core/verification/modes';
import { signReceipt } from '@wangzheng/core/verification/receipt';
import type { DataProtector } from '../protect/index.ts';
import type { Store, VerificationRequestRecord } from '../store/index.ts';
import { AWAITING_GUARDIAN } from './guardian-approval.ts';
import { openRequestOutcome } from './outcome.ts';

export interface ReceiptDeps {
  readonly store: Store;
  readonly protector: DataProtector;
  readonly signing: { readonly gm: KeyRing; readonly intl: KeyRing };
  readonly issuer: string;
  readonly now: () => number;
}

/** A request's status as its RP sees it: a pending request past its expiry is expired. */
export function visibleStatus(r: VerificationRequestRecord, now: number): string {
  return r.status === 'pending' && r.expiresAt <= now ? 'expired' : r.status;
}

/** Another RP's request (or none) → `verification_not_found`. */
export function ownRequest(rp: RelyingParty, r: VerificationRequestRecord | undefined): VerificationRequestRecord {
  if (!r || r.clientId !== rp.clientId) throw new WzError('verification_not_found', 'No such verification request.');
  return r;
}

export async function fetchReceipt(d: ReceiptDeps, rp: RelyingParty, id: string): Promise<{ receipt: string }> {
  const now = d.now();
  // The request as it was, with its person's data key, consumed if it may be: one statement on
  // PostgreSQL (issue 10). The receipt is signed after: a fetch that fails from here on has
  // used the request up, as a receipt lost on its way to the RP would.
  const found = typeof id === 'string' ? await d.store.verifications.consumeForReceipt(id, rp.clientId, now) : undefined;
  const r = ownRequest(rp, found?.request);
  const visible = visibleStatus(r, now);
  if (visible === 'pending') throw new WzError('verification_pending', 'The person has not answered yet; try again shortly.');
  if (!found!.consumed) throw new WzError('receipt_already_fetched', 'This request’s receipt was already fetched; create a new request.');
  const base = {
    iss: d.issuer,
    aud: rp.clientId,
    jti: r.id,
    biz_seq: r.bizSeq ?? '',
    iat: Math.floor(now / 1000),
    service_time: Math.floor((r.approvedAt ?? r.updatedAt) / 1000),
    mode: r.mode as Mode,
  };
  const key = (rp.idTokenSigningAlg === 'SM2' ? d.signing.gm : d.signing.intl).signer;
  if (visible === 'approved' || (visible === 'failed' && r.result)) {
    const o = openRequestOutcome(d.protector, r, found!.dataKey);
    return {
      receipt: signReceipt(key, {
        ...base,
        result: visible === 'approved' ? 'pass' : 'fail',
        ...(visible === 'approved' ? { sub: o.appId } : { failure: r.failure ?? 'failed' }),
        ...(o.faceSimilarity !== undefined ? { face_similarity: o.faceSimilarity } : {}),
        ...(visible === 'approved' && Object.keys(o.claims).length > 0 ? { claims: o.claims } : {}),
      }),
    };
  }
  const failure = visible === 'expired' ? (r.failure === AWAITING_GUARDIAN ? 'guardian_approval_missing' : 'expired') : (r.failure ?? visible);
  return { receipt: signReceipt(key, { ...base, result: 'fail', failure }) };
}
