/**
 * The database schema as Kysely sees it: one interface per table, column names exactly as in
 * SQL (snake_case). Only the store's own files import this; domain code sees the record types
 * in each repository's `types.ts` (`persons/types.ts`, …), gathered in `types.ts`.
 *
 * Engine-neutral value types (see `dialect.ts`):
 * - bytes: BLOB (SQLite) / BYTEA (PostgreSQL) — both come back as a Node `Buffer`;
 * - times: integer epoch milliseconds — INTEGER / BIGINT (BIGINT is parsed to a JS number);
 * - ids: random UUIDs as text — TEXT / UUID;
 * - no booleans, no JSON columns: statuses are short text, structured data is sealed bytes.
 */
import type { ColumnType } from 'kysely';

/** Written as any byte array, read back as a Buffer (a Uint8Array). */
export type BytesColumn = ColumnType<Buffer, Uint8Array, Uint8Array>;

export interface PersonsTable {
  id: string;
  netid: string;
  netid_attempt: number;
  person_index: BytesColumn;
  person_index_key_id: string;
  wrapped_dek: BytesColumn;
  kek_id: string;
  profile: BytesColumn;
  status: string;
  created_at: number;
  updated_at: number;
}

export interface BlindIndexesTable {
  kind: string;
  digest: BytesColumn;
  key_id: string;
  person_id: string;
  created_at: number;
}

export interface CredentialsTable {
  id: string;
  person_id: string | null;
  device_id: string | null;
  status: string;
  status_list: string | null;
  status_index: number | null;
  issued_at: number;
  expires_at: number;
  revoked_at: number | null;
  reason: string | null;
}

export interface DevicesTable {
  id: string;
  person_id: string;
  public_jwk: string;
  thumbprint: string;
  label: BytesColumn | null;
  created_at: number;
  revoked_at: number | null;
}

export interface ConsentsTable {
  id: string;
  person_id: string;
  subject: string;
  scope: string;
  granted_at: number;
  withdrawn_at: number | null;
}

export interface EventsTable {
  id: string;
  person_id: string | null;
  type: string;
  created_at: number;
  data: BytesColumn | null;
}

export interface CountersTable {
  name: string;
  value: number;
}

/** 0002: an enrollment in progress. Nothing here is readable without the keys: see enrollments/types.ts. */
export interface EnrollmentsTable {
  id: string;
  token_hash: BytesColumn;
  state: string;
  nonce_hash: BytesColumn;
  nonce_expires_at: number;
  expires_at: number;
  kek_id: string;
  wrapped_dek: BytesColumn;
  sealed: BytesColumn;
  approval_code_hash: BytesColumn | null;
  created_at: number;
  updated_at: number;
}

/** 0002: a person's credential passphrase, as an Argon2id PHC string, and its failure counter. */
export interface PassphrasesTable {
  person_id: string;
  hash: string;
  failures: number;
  locked_until: number | null;
  updated_at: number;
}

/**
 * 0003: a relying party's registration. Organisation data in clear (not personal information);
 * lists as JSON text; a client secret only as its digest.
 */
export interface RelyingPartiesTable {
  client_id: string;
  name: string;
  uscc: string | null;
  contact_email: string | null;
  category: string;
  purpose: string;
  sector_identifier: string;
  /** JSON array of strings. */
  redirect_uris: string;
  token_endpoint_auth_method: string;
  /** JSON JWK Set of public keys, or NULL. */
  jwks: string | null;
  secret_hash: BytesColumn | null;
  id_token_alg: string;
  /** JSON array of { scope, legalBasis }. */
  requested_scopes: string;
  /** JSON array of { scope, legalBasisRef }. */
  approved_scopes: string;
  status: string;
  status_reason: string | null;
  /** 1 for a development sandbox RP, else 0 (no booleans: see above). */
  sandbox: ColumnType<number, number | undefined, number>;
  created_at: number;
  updated_at: number;
}

/** 0003: the operator's decisions on relying parties (audit trail). */
export interface RpEventsTable {
  id: string;
  client_id: string;
  type: string;
  actor: string;
  created_at: number;
  /** JSON object, or NULL. */
  data: string | null;
}

/** 0003: client-assertion ids seen, until the assertion expires (RFC 7523 §3 replay protection). */
export interface RpAssertionJtisTable {
  client_id: string;
  jti: string;
  expires_at: number;
}

/** 0004: a verification request (receipt flow, later OIDC). Outcome sealed under the person's data key. */
export interface VerificationRequestsTable {
  id: string;
  ref_hash: BytesColumn;
  client_id: string;
  kind: string;
  biz_seq: string | null;
  mode: string;
  scopes: string;
  nonce: string;
  face_challenge: string | null;
  binding_message: string | null;
  status: string;
  failure: string | null;
  person_id: string | null;
  result: BytesColumn | null;
  approved_at: number | null;
  expires_at: number;
  created_at: number;
  updated_at: number;
}

/**
 * 0014, PostgreSQL only: the single-use RP references (client_id, biz_seq) of the partitioned
 * `verification_requests`, kept by triggers (see migrations/0014_time_partitions.ts).
 */
export interface VerificationBizSeqsTable {
  client_id: string;
  biz_seq: string;
  created_at: number;
}

/** 0006: a pushed authorization request (RFC 9126), single use. The request_uri only as a digest. */
export interface OidcParRequestsTable {
  uri_hash: BytesColumn;
  client_id: string;
  /** JSON object of the authorization request's parameters (strings). */
  params: string;
  expires_at: number;
  used_at: number | null;
  created_at: number;
}

/** 0006: an OpenID Connect authorization, one per verification request. Bearer values as digests. */
export interface OidcAuthorizationsTable {
  id: string;
  request_id: string;
  ref_hash: BytesColumn;
  browser_hash: BytesColumn;
  client_id: string;
  redirect_uri: string;
  state: string | null;
  nonce: string;
  code_challenge: string;
  mode: string;
  /** JSON array of disclosure scopes. */
  scopes: string;
  status: string;
  code_hash: BytesColumn | null;
  code_expires_at: number | null;
  auth_time: number | null;
  redeemed_at: number | null;
  expires_at: number;
  created_at: number;
  updated_at: number;
}

/** 0006: an access token (opaque) issued from an authorization; stored as a digest. */
export interface OidcAccessTokensTable {
  token_hash: BytesColumn;
  authorization_id: string;
  client_id: string;
  expires_at: number;
  revoked_at: number | null;
  created_at: number;
}

/** 0008: one audit entry (docs/audit.md); insert and select only. No personal data. */
export interface AuditEntriesTable {
  seq: number;
  at: number;
  actor: string;
  action: string;
  subject: string | null;
  /** The entry's `data` as canonical JSON (RFC 8785) text. */
  data: string;
  /** Lowercase hex, 64 digits. */
  prev: string;
  hash: string;
}

/** 0008: a signed checkpoint of the audit trail's head (compact JWS), one per `seq`. */
export interface AuditCheckpointsTable {
  seq: number;
  token: string;
  created_at: number;
}

/** 0008: the one row whose lock serialises audit appenders. */
export interface AuditAppendLockTable {
  /** 3 since 0016 (2 since 0014, 1 before). */
  id: number;
  /** 0014: the head entry's key (seq, at), written with each append; NULL for an empty trail. */
  head_seq: number | null;
  head_at: number | null;
  /** 0016: the head entry's hash, written with each append; NULL for an empty trail. */
  head_hash: string | null;
}

/** 0017: an audited action's entry before the sequencer chains it (docs/audit.md); no personal data. */
export interface AuditQueueTable {
  /** The queue's order: SQLite's rowid, a PostgreSQL identity. Given by the database. */
  id: ColumnType<number, never, never>;
  at: number;
  actor: string;
  action: string;
  subject: string | null;
  /** The entry's `data` as canonical JSON (RFC 8785) text. */
  data: string;
}

/** 0009: the job outbox; the payload sealed under a per-job key. See store/jobs/types.ts. */
export interface JobsTable {
  id: string;
  kind: string;
  queue: string;
  ref: string | null;
  payload: BytesColumn | null;
  payload_key: BytesColumn | null;
  kek_id: string | null;
  state: string;
  attempts: number;
  max_attempts: number;
  run_at: number;
  locked_until: number | null;
  claim_token: string | null;
  last_error: string | null;
  created_at: number;
  updated_at: number;
}

/** 0009: one Shared Signals stream per RP; the push authorization header sealed. See store/ssf-streams/types.ts. */
export interface SsfStreamsTable {
  client_id: string;
  stream_id: string;
  delivery_method: string;
  endpoint_url: string | null;
  auth_header: BytesColumn | null;
  auth_key: BytesColumn | null;
  auth_kek_id: string | null;
  /** JSON array of event codes. */
  events_requested: string;
  description: string | null;
  status: string;
  status_reason: string | null;
  delivered_count: ColumnType<number, number | undefined, number>;
  failed_count: ColumnType<number, number | undefined, number>;
  last_delivered_at: number | null;
  last_error_at: number | null;
  last_error: string | null;
  created_at: number;
  updated_at: number;
}

export interface Database {
  disclosures: DisclosuresTable;
  bans: BansTable;
  audit_entries: AuditEntriesTable;
  audit_checkpoints: AuditCheckpointsTable;
  audit_append_lock: AuditAppendLockTable;
  audit_queue: AuditQueueTable;
  persons: PersonsTable;
  blind_indexes: BlindIndexesTable;
  credentials: CredentialsTable;
  devices: DevicesTable;
  consents: ConsentsTable;
  events: EventsTable;
  counters: CountersTable;
  enrollments: EnrollmentsTable;
  passphrases: PassphrasesTable;
  relying_parties: RelyingPartiesTable;
  rp_events: RpEventsTable;
  rp_assertion_jtis: RpAssertionJtisTable;
  verification_requests: VerificationRequestsTable;
  verification_biz_seqs: VerificationBizSeqsTable;
  oidc_par_requests: OidcParRequestsTable;
  oidc_authorizations: OidcAuthorizationsTable;
  oidc_access_tokens: OidcAccessTokensTable;
  jobs: JobsTable;
  ssf_streams: SsfStreamsTable;
  spent_nonces: SpentNoncesTable;
  phone_changes: PhoneChangesTable;
  console_operators: ConsoleOperatorsTable;
}

/** 0013: role grants of the operator console, by console application identifier (a pseudonym). */
export interface ConsoleOperatorsTable {
  app_id: string;
  /** Roles joined by `+`, e.g. `operator+auditor`. */
  roles: string;
  granted_by: string;
  created_at: number;
  updated_at: number;
}

/** 0012: pending phone-number changes (person/phone.ts). The new number only sealed; counters in clear. */
export interface PhoneChangesTable {
  person_id: string;
  data: BytesColumn | null;
  code_expires_at: number;
  sends: number;
  wrong_tries: number;
  window_started_at: number;
  updated_at: number;
}

/** 0010: nonces of the person-authenticated API already used (single use until expiry). A digest only; no person. */
export interface SpentNoncesTable {
  digest: BytesColumn;
  expires_at: number;
}

/** 0007: nationwide bans, found by a keyed digest of the person reference. See store/bans/types.ts. */
export interface BansTable {
  id: string;
  ban_digest: BytesColumn;
  ban_key_id: string;
  person_id: string | null;
  state: string;
  reason: string;
  legal_ref: string;
  requested_by: string;
  approved_by: string | null;
  unban_requested_by: string | null;
  unban_approved_by: string | null;
  unban_legal_ref: string | null;
  created_at: number;
  updated_at: number;
}

/** 0011: identity-disclosure requests of the law-enforcement liaison. See store/disclosures/types.ts. */
export interface DisclosuresTable {
  id: string;
  person_id: string;
  named_by: string;
  case_ref: string;
  state: string;
  requested_by: string;
  approved_by: string | null;
  expires_at: number | null;
  created_at: number;
  updated_at: number;
}
