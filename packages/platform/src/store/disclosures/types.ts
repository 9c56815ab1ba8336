/**
 * Identity-disclosure requests of the law-enforcement liaison, with a second approval. No
 * personal data: the person by id (the row is deleted with them), the authority's case
 * reference, operators by actor id. The disclosed identity is never stored.
 */
import type { Optional } from '../row-types.ts';

export const DISCLOSURE_STATES = ['requested', 'approved', 'rejected'] as const;
export type DisclosureState = (typeof DISCLOSURE_STATES)[number];

export interface DisclosureRecord {
  readonly id: string;
  readonly personId: string;
  /** How the liaison named the person. */
  readonly namedBy: 'netid' | 'app_id';
  /** The competent authority's case reference. */
  readonly caseRef: string;
  readonly state: DisclosureState;
  readonly requestedBy: string;
  readonly approvedBy: string | null;
  /** Until when an approved disclosure may be read. */
  readonly expiresAt: number | null;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export type NewDisclosure = Optional<Pick<DisclosureRecord, 'id' | 'personId' | 'namedBy' | 'caseRef' | 'requestedBy' | 'createdAt'>, 'id' | 'createdAt'>;

export interface DisclosureReader {
  findById(id: string): Promise<DisclosureRecord | undefined>;
  /** Newest first. */
  list(opts?: { state?: DisclosureState; limit?: number }): Promise<DisclosureRecord[]>;
}

export interface DisclosureWriter extends DisclosureReader {
  insert(d: NewDisclosure): Promise<DisclosureRecord>;
  /** Compare-and-set from `requested`: of two approvers at once, one wins. */
  decide(id: string, patch: { state: 'approved' | 'rejected'; approvedBy: string; expiresAt: number | null }): Promise<boolean>;
}
