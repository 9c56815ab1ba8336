/**
 * Consent records: who consented to what, when, and whether it was withdrawn. A row holds the
 * person's internal id, a subject and a scope — codes chosen by the platform (a notice version,
 * a relying party id, field names) — and times. Nothing is sealed because nothing personal is
 * stored.
 */
import type { Optional } from '../row-types.ts';

export interface ConsentRecord {
  readonly id: string;
  readonly personId: string;
  /** What was consented to: a notice version, a relying party id. Never personal data. */
  readonly subject: string;
  /** The scope of the consent, e.g. the field names a relying party may receive. */
  readonly scope: string;
  readonly grantedAt: number;
  readonly withdrawnAt: number | null;
}

/** Omitted: a new id, granted now. */
export type NewConsent = Optional<Omit<ConsentRecord, 'withdrawnAt'>, 'id' | 'grantedAt'>;

export interface ConsentReader {
  findById(id: string): Promise<ConsentRecord | undefined>;
  listByPerson(personId: string): Promise<ConsentRecord[]>;
  /** The newest consent to `subject` that has not been withdrawn. */
  findActive(personId: string, subject: string): Promise<ConsentRecord | undefined>;
}

export interface ConsentWriter extends ConsentReader {
  insert(consent: NewConsent): Promise<ConsentRecord>;
  /** Returns false if unknown or already withdrawn. */
  withdraw(id: string, at?: number): Promise<boolean>;
}
