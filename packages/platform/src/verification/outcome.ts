/**
 * The outcome of an answered verification request, for the person it concerns: the RP's
 * application identifier for them, the face score, the consented claims. Sealed under that
 * person's data key, bound to the request id (a copy moved to another request fails to open).
 */
import { WzError } from '@wangzheng/core/errors';
import type { DataProtector } from '../protect/index.ts';
import type { VerificationRequestRecord, WrappedKeyRow } from '../store/index.ts';

export interface SealedOutcome {
  appId: string;
  faceSimilarity?: number;
  claims: Record<string, string>;
}

export const OUTCOME_PURPOSE = 'verification';

export function sealOutcome(protector: DataProtector, dek: Uint8Array, personId: string, requestId: string, o: SealedOutcome): Uint8Array {
  return protector.sealFor(dek, personId, OUTCOME_PURPOSE, { ...o, requestId });
}

/** The outcome, or undefined if it was sealed for another request. */
export function openOutcome(protector: DataProtector, dek: Uint8Array, personId: string, requestId: string, sealed: Uint8Array): SealedOutcome | undefined {
  const o = protector.openFor(dek, personId, OUTCOME_PURPOSE, sealed) as SealedOutcome & { requestId: string };
  if (o.requestId !== requestId) return undefined;
  const { requestId: _r, ...rest } = o;
  return rest;
}

/**
 * The outcome of request `r`, opened with its person's wrapped data key (none: the person is
 * gone, shredded with their key). Throws `verification_not_found` when it cannot be opened.
 */
export function openRequestOutcome(protector: DataProtector, r: Pick<VerificationRequestRecord, 'id' | 'personId' | 'result'>, person: WrappedKeyRow | undefined): SealedOutcome {
  const gone = (): WzError => new WzError('verification_not_found', 'The outcome of this request no longer exists.');
  if (!person || person.id !== r.personId || !r.result) throw gone();
  const dek = protector.unwrapDataKey(person.id, person.wrappedDek, person.kekId);
  const o = openOutcome(protector, dek, person.id, r.id, r.result);
  if (!o) throw gone();
  return o;
}
