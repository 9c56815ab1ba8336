/**
 * The security events the platform sends to relying parties (Shared Signals Framework 1.0),
 * as a closed union keyed by our short codes, each with its event type URI and the builder and
 * reader of its event payload (the value under `events[uri]` in a SET).
 *
 * | code                 | event type                                    | when                      |
 * | -------------------- | --------------------------------------------- | ------------------------- |
 * | `account_disabled`   | RISC account-disabled                         | nationwide ban, hijacking |
 * | `account_enabled`    | RISC account-enabled                          | ban lifted                |
 * | `account_purged`     | RISC account-purged                           | 网号 cancelled (注销)      |
 * | `credential_revoked` | CAEP credential-change, `change_type: revoke` | 网证 on a device revoked   |
 * | `consent_withdrawn`  | `urn:wangzheng:secevent:event-type:consent-withdrawn` (private) | person withdrew consent |
 *
 * Why these two choices:
 * - `credential_revoked` is CAEP 1.0 §3.3 credential-change: it signals that one credential
 *   was created, changed, revoked or deleted — "certificate … revocation" is its own example —
 *   while the account stays usable (the person may hold the 网证 on another phone). RISC
 *   credential-compromise says a credential was *found compromised*, which is false for a
 *   renewal and would make an RP treat a routine replacement as an attack; RISC
 *   account-credential-change-required asks the RP's user to change a credential the RP does
 *   not hold. The 网证 is an SD-JWT VC, hence `credential_type: verifiable-credential`.
 * - `consent_withdrawn` is private. CAEP session-revoked only says "end these sessions"; a
 *   withdrawal of consent (PIPL Art. 15, 47) also ends the RP's permission to keep using
 *   what it received, and a receiver must not mistake it for a mere log-out; RISC opt-out is
 *   about taking part in RISC itself. An event type is any collision-resistant URI (RFC 8417
 *   §2.2); as a new type it names its subject only in `sub_id` (SSF 1.0 §3.1.2). To also end
 *   live sessions, the transmitter sends a separate CAEP session-revoked SET with the same
 *   `txn` (SSF 1.0 §4.1.9), never two event types in one SET (§4.2.1).
 *
 * Trust: builders take values from our own code (TypeError on misuse); readers take payloads
 * from a SET whose signature has already been verified, and still check every field's shape.
 * No payload carries a device identifier, a 网号 or any identity attribute.
 */

export const EVENT_CODES = ['account_disabled', 'account_enabled', 'account_purged', 'credential_revoked', 'consent_withdrawn'] as const;
export type EventCode = (typeof EVENT_CODES)[number];

const RISC = 'https://schemas.openid.net/secevent/risc/event-type/';
const CAEP = 'https://schemas.openid.net/secevent/caep/event-type/';

/** Event type URI of each code. */
export const EVENT_TYPE_URIS = {
  account_disabled: `${RISC}account-disabled`,
  account_enabled: `${RISC}account-enabled`,
  account_purged: `${RISC}account-purged`,
  credential_revoked: `${CAEP}credential-change`,
  consent_withdrawn: 'urn:wangzheng:secevent:event-type:consent-withdrawn',
} as const satisfies Record<EventCode, string>;
export type EventTypeUri = (typeof EVENT_TYPE_URIS)[EventCode];

/**
 * RISC lists `hijacking` and `bulk-account` ("possible values", not a closed set); we add
 * `nationwide-ban`: the operator barred this person from every RP (anti-fraud). It names the
 * measure, not the facts behind it, which the RP has no need to learn.
 */
export const ACCOUNT_DISABLED_REASONS = ['hijacking', 'bulk-account', 'nationwide-ban'] as const;
export type AccountDisabledReason = (typeof ACCOUNT_DISABLED_REASONS)[number];

/** Why a 网证 on one device was revoked. */
export const CREDENTIAL_REVOCATION_CAUSES = ['device_lost', 'renewal', 'holder_request'] as const;
export type CredentialRevocationCause = (typeof CREDENTIAL_REVOCATION_CAUSES)[number];

/** `eventTimestamp`: when the event happened, epoch seconds (CAEP 1.0 §2 `event_timestamp`). */
export type SecurityEvent =
  | { readonly code: 'account_disabled'; readonly reason: AccountDisabledReason; readonly eventTimestamp?: number }
  | { readonly code: 'account_enabled'; readonly eventTimestamp?: number }
  | { readonly code: 'account_purged'; readonly eventTimestamp?: number }
  | { readonly code: 'credential_revoked'; readonly cause: CredentialRevocationCause; readonly eventTimestamp?: number }
  | { readonly code: 'consent_withdrawn'; readonly eventTimestamp?: number };

export type EventOf<C extends EventCode> = Extract<SecurityEvent, { code: C }>;
export type EventPayload = Record<string, unknown>;

export interface EventDefinition<C extends EventCode> {
  readonly uri: (typeof EVENT_TYPE_URIS)[C];
  /** The event payload for `events[uri]`. */
  build(event: EventOf<C>): EventPayload;
  /** Our event from a payload; `null` when the payload does not have this type's shape. */
  read(payload: Record<string, unknown>): EventOf<C> | null;
}

/** Largest epoch-seconds value we accept (year 2286): a millisecond value is caught, not signed. */
export const MAX_EPOCH_SECONDS = 9_999_999_999;

export function isEpochSeconds(n: unknown): n is number {
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0 && n <= MAX_EPOCH_SECONDS;
}

const INITIATED_BY: Record<CredentialRevocationCause, 'user' | 'system'> = { device_lost: 'user', renewal: 'system', holder_request: 'user' };
/**
 * Fixed texts (CAEP `reason_admin`, BCP 47 keys), never built from request data, for receivers
 * that only log; `wz_cause` is the same fact for machines (SSF 1.0 §4.2.3 allows added fields).
 */
const REVOCATION_TEXT: Record<CredentialRevocationCause, { en: string; 'zh-Hans': string }> = {
  device_lost: { en: 'Device reported lost', 'zh-Hans': '设备挂失' },
  renewal: { en: 'Credential renewed', 'zh-Hans': '网证更新' },
  holder_request: { en: 'Revoked at the holder’s request', 'zh-Hans': '持有人申请撤销' },
};

function timestamp(e: { eventTimestamp?: number }): EventPayload {
  if (e.eventTimestamp === undefined) return {};
  if (!isEpochSeconds(e.eventTimestamp)) throw new TypeError('eventTimestamp must be epoch seconds');
  return { event_timestamp: e.eventTimestamp };
}
function readTimestamp(p: Record<string, unknown>): { eventTimestamp?: number } | null {
  const t = p['event_timestamp'];
  if (t === undefined) return {};
  return isEpochSeconds(t) ? { eventTimestamp: t } : null;
}
function oneOf<T extends string>(list: readonly T[], v: unknown): v is T {
  return typeof v === 'string' && (list as readonly string[]).includes(v);
}
/** Events with no attributes of their own: only the optional timestamp. */
function plain<C extends 'account_enabled' | 'account_purged' | 'consent_withdrawn'>(code: C, extra: EventPayload = {}): EventDefinition<C> {
  return {
    uri: EVENT_TYPE_URIS[code],
    build: (e) => ({ ...extra, ...timestamp(e) }),
    read: (p) => {
      const t = readTimestamp(p);
      return t ? ({ code, ...t } as EventOf<C>) : null;
    },
  };
}

/** The mapping from our short codes to event type URIs and payload builders. */
export const SIGNAL_EVENTS: { readonly [C in EventCode]: EventDefinition<C> } = {
  account_disabled: {
    uri: EVENT_TYPE_URIS.account_disabled,
    build(e) {
      if (!oneOf(ACCOUNT_DISABLED_REASONS, e.reason)) throw new TypeError('account_disabled needs a known reason');
      return { reason: e.reason, ...timestamp(e) };
    },
    read(p) {
      const t = readTimestamp(p);
      return t && oneOf(ACCOUNT_DISABLED_REASONS, p['reason']) ? { code: 'account_disabled', reason: p['reason'], ...t } : null;
    },
  },
  account_enabled: plain('account_enabled'),
  account_purged: plain('account_purged'),
  credential_revoked: {
    uri: EVENT_TYPE_URIS.credential_revoked,
    build(e) {
      if (!oneOf(CREDENTIAL_REVOCATION_CAUSES, e.cause)) throw new TypeError('credential_revoked needs a known cause');
      return {
        credential_type: 'verifiable-credential',
        change_type: 'revoke',
        initiating_entity: INITIATED_BY[e.cause],
        reason_admin: { ...REVOCATION_TEXT[e.cause] },
        wz_cause: e.cause,
        ...timestamp(e),
      };
    },
    read(p) {
      const t = readTimestamp(p);
      if (!t || p['credential_type'] !== 'verifiable-credential' || p['change_type'] !== 'revoke') return null;
      const cause = p['wz_cause'];
      return oneOf(CREDENTIAL_REVOCATION_CAUSES, cause) ? { code: 'credential_revoked', cause, ...t } : null;
    },
  },
  consent_withdrawn: plain('consent_withdrawn', { initiating_entity: 'user' }),
};

/** The code of an event type URI, or undefined when it is not one of ours. */
export function eventCodeOf(uri: string): EventCode | undefined {
  return EVENT_CODES.find((c) => EVENT_TYPE_URIS[c] === uri);
}

/** The `events` claim for one event: exactly one member (SSF 1.0 §4.2.1). */
export function eventsClaim(event: SecurityEvent): Record<string, EventPayload> {
  if (!event || !oneOf(EVENT_CODES, event.code)) throw new TypeError('unknown event code');
  const def = SIGNAL_EVENTS[event.code] as EventDefinition<EventCode>;
  return { [def.uri]: def.build(event) };
}
