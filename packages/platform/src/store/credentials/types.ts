/**
 * Credentials: one row per issued credential, holding its status, its Token Status List
 * reference and its validity times — nothing personal and nothing sealed. A row links to the
 * person and device by internal id only; after the person is shredded it links to no one.
 */
import type { Optional } from '../row-types.ts';
import type { DeviceRecord } from '../devices/types.ts';
import type { PersonRecord } from '../persons/types.ts';

export const CREDENTIAL_STATUSES = ['valid', 'revoked', 'suspended'] as const;
export type CredentialStatus = (typeof CREDENTIAL_STATUSES)[number];

export interface CredentialRecord {
  readonly id: string;
  /** NULL once the person has been shredded. */
  readonly personId: string | null;
  readonly deviceId: string | null;
  readonly status: CredentialStatus;
  /** Token Status List reference: which list, which index in it. */
  readonly statusList: string | null;
  readonly statusIndex: number | null;
  readonly issuedAt: number;
  readonly expiresAt: number;
  readonly revokedAt: number | null;
  /** A reason code (`cancelled`, `fraud_ban`, `device_lost`…), never free text about the person. */
  readonly reason: string | null;
}

/** A new credential is `valid`; omitted: a new id, issued now, no device, no status-list entry. */
export interface NewCredential
  extends Optional<Omit<CredentialRecord, 'status' | 'revokedAt' | 'reason'>, 'id' | 'deviceId' | 'statusList' | 'statusIndex' | 'issuedAt'> {
  /** A new credential always belongs to a person. */
  readonly personId: string;
}

export interface StatusEntry {
  readonly statusIndex: number;
  readonly status: CredentialStatus;
}

/** A presented credential with the device it is bound to and its person, read together. */
export interface PresentedCredential {
  readonly credential: CredentialRecord;
  /** None: the credential names no device, or the device row is gone. */
  readonly device: DeviceRecord | undefined;
  /** None: the person has been shredded. */
  readonly person: PersonRecord | undefined;
}

export interface CredentialReader {
  findById(id: string): Promise<CredentialRecord | undefined>;
  /**
   * The credential, its device and its person in one statement: what every presentation needs
   * (credential/holder.ts), one round trip instead of three.
   */
  findPresented(id: string): Promise<PresentedCredential | undefined>;
  listByPerson(personId: string): Promise<CredentialRecord[]>;
  /** Every allocated entry of one status list, by index. */
  listStatusEntries(statusList: string): Promise<StatusEntry[]>;
  /**
   * The entries of one status list that are not `valid` (revoked, suspended), by index: what a
   * Token Status List is built from (valid is 0 bits). Read through a partial index (0015), so
   * its cost follows the changed entries, not the list's size.
   */
  listStatusChanges(statusList: string): Promise<StatusEntry[]>;
  /** Whether any entry of the status list is allocated (an unknown list is `not_found`). */
  hasStatusList(statusList: string): Promise<boolean>;
  /** Whether a position of a status list is already allocated (status indexes are drawn at random). */
  isStatusEntryTaken(statusList: string, statusIndex: number): Promise<boolean>;
}

export interface CredentialWriter extends CredentialReader {
  insert(credential: NewCredential): Promise<CredentialRecord>;
  /** `revoked` is final: a revoked credential's status never changes again (returns false). */
  setStatus(id: string, status: CredentialStatus, opts?: { reason?: string; at?: number }): Promise<boolean>;
  /** Revokes every valid or suspended credential of a person; returns how many. */
  revokeAllOfPerson(personId: string, reason: string, at?: number): Promise<number>;
  /** Suspends every valid credential of a person with `reason` (a ban); returns how many. */
  suspendAllOfPerson(personId: string, reason: string): Promise<number>;
  /** Makes valid again every credential of a person suspended for `reason` (an unban); returns how many. */
  restoreSuspended(personId: string, reason: string): Promise<number>;
}
