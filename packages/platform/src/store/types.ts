/**
 * The storage contract. Domain code depends on these structural interfaces only — never on
 * Kysely, better-sqlite3 or pg. Both engines implement the same contract.
 *
 * Privilege lives in the types: each repository has a reader (holder side, lookups, reports)
 * and a writer (enrollment, issuance, lifecycle, admin). `Store.reader` hands out reader
 * objects that do not even carry the write methods at run time.
 *
 * Bytes are `Uint8Array` (Node returns `Buffer`, a subclass). Times are integer epoch
 * milliseconds. Ids are random UUIDs. Errors are `WzError`: a unique-constraint or
 * foreign-key violation is `conflict` on both engines; an unreachable database is
 * `store_unavailable`.
 *
 * Each repository's records, new rows, patches, reader and writer are in its own folder,
 * beside the repository (`persons/types.ts`, `persons/repo.ts`, …); this file gathers them.
 */
import type { AssertionJtiWriter } from './assertion-jtis/types.ts';
import type { AuditReader, AuditWriter } from './audit/types.ts';
import type { BanReader, BanWriter } from './bans/types.ts';
import type { DisclosureReader, DisclosureWriter } from './disclosures/types.ts';
import type { ConsentReader, ConsentWriter } from './consents/types.ts';
import type { CounterReader, CounterWriter } from './counters/types.ts';
import type { CredentialReader, CredentialWriter } from './credentials/types.ts';
import type { DeviceReader, DeviceWriter } from './devices/types.ts';
import type { EnrollmentReader, EnrollmentWriter } from './enrollments/types.ts';
import type { EventReader, EventWriter } from './events/types.ts';
import type { OidcReader, OidcWriter } from './oidc/types.ts';
import type { PassphraseReader, PassphraseWriter } from './passphrases/types.ts';
import type { PersonReader, PersonWriter } from './persons/types.ts';
import type { RelyingPartyReader, RelyingPartyWriter } from './relying-parties/types.ts';
import type { JobReader, JobWriter } from './jobs/types.ts';
import type { SsfStreamReader, SsfStreamWriter } from './ssf-streams/types.ts';
import type { SpentNonceWriter } from './spent-nonces/types.ts';
import type { PhoneChangeWriter } from './phone-changes/types.ts';
import type { ConsoleOperatorReader, ConsoleOperatorWriter } from './console-operators/types.ts';
import type { ErasureWriter } from './erasure/types.ts';
import type { VerificationReader, VerificationWriter } from './verifications/types.ts';

export type * from './assertion-jtis/types.ts';
export type * from './audit/types.ts';
export type * from './bans/types.ts';
export type * from './disclosures/types.ts';
export type * from './consents/types.ts';
export type * from './counters/types.ts';
export type * from './credentials/types.ts';
export type * from './devices/types.ts';
export type * from './enrollments/types.ts';
export type * from './events/types.ts';
export type * from './oidc/types.ts';
export type * from './passphrases/types.ts';
export type * from './persons/types.ts';
export type * from './relying-parties/types.ts';
export type * from './jobs/types.ts';
export type * from './ssf-streams/types.ts';
export type * from './spent-nonces/types.ts';
export type * from './phone-changes/types.ts';
export type * from './console-operators/types.ts';
export type * from './erasure/types.ts';
export type * from './verifications/types.ts';
export { BAN_STATES } from './bans/types.ts';
export { DISCLOSURE_STATES } from './disclosures/types.ts';
export { CREDENTIAL_STATUSES } from './credentials/types.ts';
export { OIDC_AUTHORIZATION_STATUSES } from './oidc/types.ts';
export { PERSON_STATUSES } from './persons/types.ts';
export { VERIFICATION_STATUSES } from './verifications/types.ts';

/** Read-only repositories: what the holder side and reports get. */
export interface StoreReader {
  readonly audit: AuditReader;
  readonly persons: PersonReader;
  readonly bans: BanReader;
  readonly disclosures: DisclosureReader;
  readonly credentials: CredentialReader;
  readonly devices: DeviceReader;
  readonly consents: ConsentReader;
  readonly events: EventReader;
  readonly counters: CounterReader;
  readonly enrollments: EnrollmentReader;
  readonly passphrases: PassphraseReader;
  readonly relyingParties: RelyingPartyReader;
  readonly verifications: VerificationReader;
  readonly oidc: OidcReader;
  readonly jobs: JobReader;
  readonly ssfStreams: SsfStreamReader;
  readonly consoleOperators: ConsoleOperatorReader;
}

/** The privileged repositories, bound to one connection or one transaction. */
export interface StoreTx {
  readonly audit: AuditWriter;
  readonly persons: PersonWriter;
  readonly bans: BanWriter;
  readonly disclosures: DisclosureWriter;
  readonly credentials: CredentialWriter;
  readonly devices: DeviceWriter;
  readonly consents: ConsentWriter;
  readonly events: EventWriter;
  readonly counters: CounterWriter;
  readonly enrollments: EnrollmentWriter;
  readonly passphrases: PassphraseWriter;
  readonly relyingParties: RelyingPartyWriter;
  readonly assertionJtis: AssertionJtiWriter;
  readonly verifications: VerificationWriter;
  readonly oidc: OidcWriter;
  readonly jobs: JobWriter;
  readonly ssfStreams: SsfStreamWriter;
  readonly spentNonces: SpentNonceWriter;
  readonly phoneChanges: PhoneChangeWriter;
  /** Cancellation: rows naming a person that do not cascade from `persons` (writer only). */
  readonly erasure: ErasureWriter;
  /** The operator console's role grants, by console application identifier (console/grants.ts). */
  readonly consoleOperators: ConsoleOperatorWriter;
}

export interface Store extends StoreTx {
  readonly engine: 'sqlite' | 'postgres';
  /** Migrations applied when this store was opened (empty if the schema was current). */
  readonly migrationsApplied: readonly string[];
  readonly reader: StoreReader;
  /**
   * Runs `fn` in one transaction: all of it is committed, or (if `fn` throws) none of it.
   * After a `conflict` inside, the transaction is finished: let the error propagate and retry
   * the whole function if appropriate. No nesting.
   */
  transaction<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T>;
  /**
   * After a destructive change (a cancellation), outside any transaction: SQLite checkpoints
   * and truncates its write-ahead log (false when another connection's read kept some of it);
   * PostgreSQL does nothing here (VACUUM is autovacuum's) and answers true. See compact.ts.
   */
  compact(): Promise<boolean>;
  /** Statements this store has run since it was opened (transaction control excluded): the operations metric. */
  statementCount(): number;
  close(): Promise<void>;
}
