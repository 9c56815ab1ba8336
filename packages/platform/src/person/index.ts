/**
 * The person seam: their profile (sealed), consent subjects and history kinds as closed unions,
 * and the person-authenticated API (`/v1/me/…`) — status, lock, devices, history,
 * authorizations, export. `createPersonApi` takes only what this domain needs; the composition
 * root (server/platform.ts) supplies it and mounts `registerPersonRoutes`.
 */
import type { KeyRing } from '@wangzheng/core/crypto/index';
import type { CryptoSuite } from '@wangzheng/core/crypto/types';
import type { SecretRing } from '@wangzheng/core/identifiers/index';
import type { AuditSink, SignalSink } from '../notify/sinks.ts';
import type { PassphraseHasher } from '../passphrase/hasher.ts';
import type { DataProtector } from '../protect/index.ts';
import type { Store } from '../store/index.ts';
import { PersonAuthenticator } from './auth.ts';
import type { ConsentWithdrawnHook } from './authorizations.ts';
import { MeNonces } from './nonce.ts';
import { PersonService } from './service.ts';

export { PersonAuthenticator, type AuthenticatedPerson } from './auth.ts';
export type { ConsentWithdrawnHook, ConsentWithdrawnNotice } from './authorizations.ts';
export { decodeConsentSubject, encodeConsentSubject, subjectsOfRp, type ConsentSubject } from './consent-subject.ts';
export { HISTORY_KINDS, historyEvent, isHistoryKind, openHistoryEvent, type HistoryEvent, type HistoryKind } from './history.ts';
export { ME_NONCE_TTL_MS, MeNonces } from './nonce.ts';
export { openProfile, sealProfile, type PersonProfile } from './profile.ts';
export { registerPersonRoutes } from './routes.ts';
export { PersonService } from './service.ts';

export interface PersonDeps {
  readonly store: Store;
  readonly suite: CryptoSuite;
  readonly protector: DataProtector;
  readonly hasher: PassphraseHasher;
  /** Platform signing keys per suite (every key verifies a 网证). */
  readonly signing: readonly KeyRing[];
  readonly issuerUrl: string;
  /** Key material for the `/v1/me` nonces' MAC (domain-separated). */
  readonly nonceKeys: SecretRing;
  readonly now: () => number;
  /** Tells a relying party a consent was withdrawn (Shared Signals); without it nobody is told. */
  readonly onConsentWithdrawn?: ConsentWithdrawnHook;
  /** Audit trail and Shared Signals for a device the person revokes (lifecycle/revocation-notice.ts). */
  readonly audit?: AuditSink;
  readonly signals?: SignalSink;
}

export interface PersonApi {
  readonly service: PersonService;
  readonly auth: PersonAuthenticator;
  readonly nonces: MeNonces;
}

export function createPersonApi(d: PersonDeps): PersonApi {
  const nonces = new MeNonces({ suite: d.suite, keys: d.nonceKeys, store: d.store, now: d.now });
  const auth = new PersonAuthenticator({ store: d.store, protector: d.protector, signing: d.signing, issuerUrl: d.issuerUrl, nonces, now: d.now });
  const service = new PersonService({
    store: d.store,
    protector: d.protector,
    hasher: d.hasher,
    issuerUrl: d.issuerUrl,
    now: d.now,
    ...(d.onConsentWithdrawn ? { onConsentWithdrawn: d.onConsentWithdrawn } : {}),
    ...(d.audit ? { audit: d.audit } : {}),
    ...(d.signals ? { signals: d.signals } : {}),
  });
  return { service, auth, nonces };
}
