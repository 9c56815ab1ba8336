/**
 * Issuing a new 网证 to a person who already holds one — renewal (same device) and moving to a
 * new phone (a new device) — through the same code path as enrollment: the claims and the
 * expiry rules of enrollment/issue.ts (`netidClaims`, `credentialExpiry`) and the minting of
 * credential/mint.ts (random status position, credential row, signature).
 *
 * The claims come from the person's sealed profile: name, sex, birth date, nationality, and the
 * document they enrolled with LAST (enrollment appends it to `documents`, replacing one of the
 * same type). The registry is not asked again: the new 网证 says nothing the platform did not
 * already check, and — as at enrollment — never outlives that document or the holder's next
 * 14th/16th/18th/60th birthday. A document that has expired is `document_expired`: the person
 * enrolls again with a valid one.
 *
 * Trust: the caller authenticated the person and proved possession of the device key; the
 * profile is ours (sealed under the person's data key).
 */
import { ageOn, chinaDate } from '@wangzheng/core/calendar';
import type { KeyRing, PublicJwk } from '@wangzheng/core/crypto/index';
import { parseDocumentType } from '@wangzheng/core/documents/document-types';
import { WzError } from '@wangzheng/core/errors';
import { mintCredential, type Minted } from '../credential/mint.ts';
import { credentialExpiry, netidClaims } from '../enrollment/issue.ts';
import type { EnrolleeData } from '../enrollment/state.ts';
import type { PersonProfile } from '../person/profile.ts';
import type { StoreTx } from '../store/index.ts';

export interface ReissueDeps {
  /** The key ring of the configured suite (as at enrollment). */
  readonly signing: KeyRing;
  readonly issuerUrl: string;
  /** WZ_CREDENTIAL_DAYS. */
  readonly validityDays: number;
}

/** What a new 网证 for this person would say and until when, computed before any write. */
export interface ReissueTerms {
  readonly enrollee: EnrolleeData;
  readonly expiresAt: number;
}

/** The enrollee as the profile remembers them, with the document enrolled with last. */
export function enrolleeOf(profile: PersonProfile, now: number): EnrolleeData {
  const doc = profile.documents.at(-1);
  if (!doc) throw new WzError('invalid_credential', 'No document is on record for this 网证; enroll again.');
  return {
    personRef: profile.personRef,
    name: profile.name,
    ...(profile.nameLatin ? { nameLatin: profile.nameLatin } : {}),
    sex: profile.sex,
    birthDate: profile.birthDate,
    nationality: profile.nationality,
    documentType: parseDocumentType(doc.type),
    documentNumber: doc.number,
    documentValidUntil: doc.validUntil,
    ageBand: registryAgeBand(ageOn(profile.birthDate, chinaDate(now))),
  };
}

export function reissueTerms(deps: Pick<ReissueDeps, 'validityDays'>, profile: PersonProfile, now: number): ReissueTerms {
  const enrollee = enrolleeOf(profile, now);
  const expiresAt = credentialExpiry(enrollee, now, deps.validityDays);
  if (expiresAt <= now) throw new WzError('document_expired', 'The document you enrolled with has expired; enroll again with a valid document.');
  return { enrollee, expiresAt };
}

/** The registry's age band (enrollment's rules read it; the claims are recomputed from the birth date). */
function registryAgeBand(age: number): EnrolleeData['ageBand'] {
  return age < 14 ? 'under_14' : age < 18 ? 'age_14_17' : 'adult';
}

/** Mints the new 网证 in the caller's transaction (credential/mint.ts, as enrollment does). */
export function reissue(
  tx: StoreTx,
  deps: ReissueDeps,
  r: { personId: string; netid: string; deviceId: string; deviceJwk: PublicJwk; terms: ReissueTerms; now: number },
): Promise<Minted> {
  return mintCredential(tx, deps, {
    personId: r.personId,
    netid: r.netid,
    deviceId: r.deviceId,
    deviceJwk: r.deviceJwk,
    claims: netidClaims(r.terms.enrollee, chinaDate(r.now)),
    issuedAt: r.now,
    expiresAt: r.terms.expiresAt,
  });
}
