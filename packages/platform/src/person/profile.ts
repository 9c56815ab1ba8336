/**
 * The person's profile: what the platform keeps about a person (name, sex, birth date,
 * nationality, documents, phone, guardians, application identifiers per RP), sealed with their
 * own data key under the purpose `profile` and bound to their person id (protect/data-protector.ts).
 * The row (`persons.profile`) holds only the ciphertext.
 *
 * Trust: an opened profile is what we sealed ourselves (the AEAD tag and the associated data —
 * purpose and person id — are checked by `openFor`); its shape is ours, so it is cast, not parsed.
 */
import type { DataProtector } from '../protect/index.ts';
import type { PersonRecord } from '../store/index.ts';

export const PROFILE_PURPOSE = 'profile';

/** What the platform keeps about a person, sealed under their data key. */
export interface PersonProfile {
  readonly v: 1;
  readonly personRef: string;
  name: string;
  nameLatin?: string;
  sex: 'M' | 'F';
  birthDate: string;
  nationality: string;
  documents: { type: string; number: string; validUntil: string | null }[];
  phone: string;
  /** Platform person ids of guardians who enrolled this child (under 14): they approve the child's first use at each relying party. */
  guardians?: string[];
  /**
   * The application identifier issued at each relying party (client id → identifier), recorded
   * the first time: later verifications answer from it, so rotating the appid key never
   * changes a pseudonym an RP already knows.
   */
  appIds?: Record<string, string>;
}

/** Seals a profile for `personId` (the ciphertext opens only for that person and purpose). */
export function sealProfile(protector: DataProtector, dek: Uint8Array, personId: string, profile: PersonProfile): Uint8Array {
  return protector.sealFor(dek, personId, PROFILE_PURPOSE, profile);
}

/** Opens a person's profile with their data key; a profile moved from another row fails (`decryption_failed`). */
export function openProfile(protector: DataProtector, dek: Uint8Array, person: Pick<PersonRecord, 'id' | 'profile'>): PersonProfile {
  return protector.openFor(dek, person.id, PROFILE_PURPOSE, person.profile) as PersonProfile;
}
