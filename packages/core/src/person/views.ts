/**
 * What the platform answers a person about themselves on `/v1/me/…` — the shapes both sides
 * share (platform service, wallet library, CLI). Everything here goes only to the person it
 * describes, after a bound presentation of their own 网证 (request-binding.ts); never to a
 * relying party. Times are ISO 8601 strings.
 */

/** A single-use nonce for one `/v1/me/…` request (`GET /v1/me/nonce`). */
export interface MeNonce {
  nonce: string;
  expiresAt: string;
}

export type MePersonStatus = 'active' | 'locked';

/** `POST /v1/me/status`, and the answer of `lock` / `unlock`. */
export interface MeStatus {
  netid: string;
  /** `locked`: nothing verifies until the person unlocks. */
  status: MePersonStatus;
  /** The 网证 this request was made with. */
  credential: { id: string; status: string; expiresAt: string };
  /** The device this request was made from. */
  device: { id: string };
}

/** One of the person's devices (`POST /v1/me/devices`). */
export interface DeviceView {
  id: string;
  createdAt: string;
  revokedAt: string | null;
  /** The device this request was made from. */
  current: boolean;
  /** The label the person gave it, opened with their data key. */
  label: string | null;
  /** The 网证 bound to this device. */
  credentials: { id: string; status: string; reason: string | null; expiresAt: string }[];
}

/** `POST /v1/me/devices/revoke`. */
export interface DeviceRevoked {
  deviceId: string;
  revokedAt: string;
  /** The 网证 of that device, now revoked with reason `device_lost`. */
  credentialsRevoked: string[];
}

/**
 * How a verification attempt ended, from the person's side:
 * `passed`, `failed` (face mismatch, passphrase locked…), `declined` (the person said no),
 * `expired` (nobody answered in time), `refused` (the platform refused the 网证: locked,
 * revoked…), `pending` (still open), `awaiting_guardian` (a ward's first use, waiting for this
 * guardian).
 */
export type VerificationOutcome = 'passed' | 'failed' | 'declined' | 'expired' | 'refused' | 'pending' | 'awaiting_guardian';

/** What the relying party received, exactly (sealed under the person's data key until shown here). */
export interface Disclosed {
  /** Every answer tells the RP pass or fail. */
  result: 'pass' | 'fail';
  /** The application identifier the RP knows the person by (on a pass). */
  appId?: string;
  /** The fields the person consented to, as the RP received them (masked where masked). */
  claims: Record<string, string>;
  /** Face modes: the similarity score the RP received. */
  faceSimilarity?: number;
}

export interface VerificationHistoryEntry {
  type: 'verification';
  at: string;
  requestId: string;
  rp: { clientId: string; name: string };
  /** `receipt`, `oidc` or `reverify`. */
  kind: string;
  mode: string;
  /** The fields the RP asked for (`result` always). */
  scopes: string[];
  outcome: VerificationOutcome;
  failure?: string;
  /** What the RP learned; absent while nothing was disclosed (pending, expired, declined before any answer). */
  disclosed?: Disclosed;
}

/** Any other event of the person's history (enrolled, locked, device revoked, consent withdrawn…). */
export interface EventHistoryEntry {
  type: 'event';
  at: string;
  kind: string;
  /** The event's details, opened with the person's data key. */
  details: Record<string, unknown>;
}

export type HistoryEntry = VerificationHistoryEntry | EventHistoryEntry;

/** A consent the person gave, decoded. */
export interface ConsentView {
  id: string;
  /** `notice` (enrollment), `rp` (fields for an RP), `guardian_rp` (a guardian's approval for an RP). */
  kind: 'notice' | 'rp' | 'guardian_rp';
  /** The RP, for `rp` and `guardian_rp`. */
  clientId?: string;
  /** The notice version, for `notice`. */
  version?: string;
  /** Separate consent to sensitive personal information (PIPL Art. 29). */
  sensitive: boolean;
  scopes: string[];
  grantedAt: string;
  withdrawnAt: string | null;
}

/** A relying party holding an authorization (`POST /v1/me/authorizations`). */
export interface AuthorizationView {
  clientId: string;
  rp: { name: string; category: string };
  /** The identifier this RP knows the person by, if it has verified them. */
  appId: string | null;
  /** Active consents for this RP. */
  consents: ConsentView[];
  /** Unexpired, unrevoked OpenID Connect access tokens this RP holds. */
  activeAccessTokens: number;
}

/** `POST /v1/me/authorizations/withdraw`. */
export interface AuthorizationWithdrawn {
  clientId: string;
  consentsWithdrawn: string[];
  accessTokensRevoked: number;
  /** Whether a notice was queued for the RP (Shared Signals, consent withdrawn; only if its stream asks for it). */
  rpNotified: boolean;
}

/** `POST /v1/me/export`: everything the platform holds about the person (PIPL Art. 45). */
export interface PersonExport {
  format: 'wangzheng-person-export/v1';
  exportedAt: string;
  issuer: string;
  person: { netid: string; status: string; createdAt: string; updatedAt: string };
  /** The sealed profile, opened: name, sex, birth date, nationality, documents, phone, guardians. */
  profile: Record<string, unknown>;
  /** The application identifier issued at each relying party. */
  applicationIdentifiers: { clientId: string; rp: string | null; appId: string }[];
  devices: DeviceView[];
  credentials: { id: string; deviceId: string | null; status: string; reason: string | null; issuedAt: string; expiresAt: string; revokedAt: string | null }[];
  consents: ConsentView[];
  /** The passphrase is held only as an Argon2id hash; the hash itself is not exported (see docs/person.md). */
  passphrase: { set: boolean; updatedAt: string | null; failures: number; lockedUntil: string | null };
  /** Keyed digests the platform looks the person up by: which kinds exist (the digests are keyed and say nothing). */
  lookupIndexes: { kind: string; createdAt: string }[];
  history: HistoryEntry[];
}
