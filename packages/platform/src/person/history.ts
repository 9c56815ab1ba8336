/**
 * The person's history: what happened to their identity, as a closed union of event kinds a
 * `switch` can narrow, each with its typed details. Stored in `events` as the kind (a code, in
 * clear) and the details sealed with the person's data key under the purpose `event` — so the
 * row says "something of kind X happened to person P at T" and nothing more.
 *
 * Writers build the row with `historyEvent(…)`; readers open it with `openHistoryEvent(…)`,
 * which also accepts kinds this file does not know (a newer release's rows) and says so.
 *
 * Trust: opened details are what we sealed (AEAD with the person id and purpose as associated
 * data); they are shown to the person they belong to and to no one else.
 */
import type { DataProtector } from '../protect/index.ts';
import type { EventRecord, NewEvent } from '../store/index.ts';

export const EVENT_PURPOSE = 'event';

/** Every kind of history event, with the details sealed with it. */
export type HistoryEvent =
  // enrollment (申领)
  | {
      readonly kind: 'enrolled';
      readonly documentType: string;
      /** The device key's thumbprint. */
      readonly device: string;
      readonly faceSimilarity: number;
      readonly noticeVersion: string;
      readonly credentialId: string;
      readonly guardianPersonId?: string;
    }
  | { readonly kind: 'ward_enrolled' | 'ward_enrollment_approved'; readonly wardNetid: string; readonly credentialId: string }
  // verification at relying parties
  | {
      readonly kind: 'verified' | 'verification_declined';
      readonly clientId: string;
      readonly rp: string;
      readonly mode: string;
      readonly scopes: readonly string[];
      readonly requestId: string;
      readonly guardianApproved?: boolean;
    }
  | { readonly kind: 'ward_verification_approved'; readonly clientId: string; readonly rp: string; readonly requestId: string }
  /** A verification the platform refused (the 网证 locked, revoked, banned…): for the one check every flow calls. */
  | {
      readonly kind: 'verification_refused';
      readonly clientId: string;
      readonly rp: string;
      readonly mode: string;
      readonly requestId: string;
      /** The stable error code the flow answered with. */
      readonly reason: string;
    }
  // the person's own controls (/v1/me)
  | { readonly kind: 'locked' | 'unlocked'; readonly deviceId: string }
  | { readonly kind: 'device_revoked'; readonly deviceId: string; readonly byDeviceId: string; readonly credentialIds: readonly string[] }
  | {
      readonly kind: 'consent_withdrawn';
      readonly clientId: string;
      readonly rp: string;
      readonly consentIds: readonly string[];
      readonly accessTokensRevoked: number;
    }
  // the person's credential controls (/v1/me: passphrase, phone, renewal, moving to a new phone)
  | { readonly kind: 'passphrase_changed'; readonly deviceId: string; readonly method: 'passphrase' | 'face' }
  /** `phone` is the new number masked (`139****0000`). */
  | { readonly kind: 'phone_changed'; readonly deviceId: string; readonly phone: string }
  | { readonly kind: 'credential_renewed'; readonly deviceId: string; readonly credentialId: string; readonly replacedCredentialId: string }
  | {
      readonly kind: 'device_transferred';
      readonly fromDeviceId: string;
      readonly toDeviceId: string;
      readonly credentialId: string;
      readonly credentialIds: readonly string[];
    }
  // a venue pass (场所码) for showing at a venue instead of the ID card (venue/): which claims it can reveal, not their values
  | { readonly kind: 'venue_pass_issued'; readonly deviceId: string; readonly credentialId: string; readonly expiresAt: string; readonly claims: readonly string[] };

export type HistoryKind = HistoryEvent['kind'];

export const HISTORY_KINDS = [
  'enrolled',
  'ward_enrolled',
  'ward_enrollment_approved',
  'verified',
  'verification_declined',
  'ward_verification_approved',
  'verification_refused',
  'locked',
  'unlocked',
  'device_revoked',
  'consent_withdrawn',
  'passphrase_changed',
  'phone_changed',
  'credential_renewed',
  'device_transferred',
  'venue_pass_issued',
] as const satisfies readonly HistoryKind[];

// Every kind is listed: a kind added to the union and not to the list fails to compile here.
type Missing = Exclude<HistoryKind, (typeof HISTORY_KINDS)[number]>;
const _allListed: Missing extends never ? true : Missing = true;
void _allListed;

export function isHistoryKind(s: unknown): s is HistoryKind {
  return (HISTORY_KINDS as readonly unknown[]).includes(s);
}

/** The row for `tx.events.append(…)`: the kind in clear, the details sealed for the person. */
export function historyEvent(protector: DataProtector, who: { readonly personId: string; readonly dek: Uint8Array }, e: HistoryEvent, at: number): NewEvent {
  const { kind, ...details } = e;
  return { personId: who.personId, type: kind, createdAt: at, data: protector.sealFor(who.dek, who.personId, EVENT_PURPOSE, details) };
}

/** An event as the person sees it. `known: false` for a kind this release does not list. */
export interface OpenedEvent {
  readonly kind: string;
  readonly known: boolean;
  readonly at: number;
  readonly details: Record<string, unknown>;
}

/** Opens a stored event with the person's data key (no details → an empty object). */
export function openHistoryEvent(protector: DataProtector, dek: Uint8Array, e: EventRecord): OpenedEvent {
  let details: Record<string, unknown> = {};
  if (e.data !== null && e.personId !== null) {
    const v = protector.openFor(dek, e.personId, EVENT_PURPOSE, e.data);
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) details = v as Record<string, unknown>;
  }
  return { kind: e.type, known: isHistoryKind(e.type), at: e.createdAt, details };
}
