/**
 * The outcome of an answered verification request, for the person it concerns: the RP's
 * application identifier for them, the face score, the consented claims. Sealed under that
 * person's data key, bound to the request id (a copy moved to another request fails to open).
 */
import type { DataProtector } from '../protect/index.ts';

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
