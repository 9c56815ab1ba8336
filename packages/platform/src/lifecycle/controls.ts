/**
 * The person's controls over their credentials (issue 7 §3), on top of the person API
 * (person/index.ts): the passphrase (change with the old one, reset with the face), the bound phone
 * (a code to the new number), renewal (renewal.ts) and moving to a new phone
 * (transfer.ts). `createPersonControls` takes only what these need; the composition
 * root supplies it and mounts `registerPersonControlRoutes` (controls-routes.ts) next to the
 * person API's routes, over the same authenticator.
 */
import type { KeyRing } from '@wangzheng/core/crypto/index';
import type { CryptoSuite } from '@wangzheng/core/crypto/types';
import type { AuditSink, SignalSink } from '../notify/sinks.ts';
import { Renewal } from './renewal.ts';
import { DeviceTransfer, type TransferRequest } from './transfer.ts';
import { renewalAgain, transferAgain } from './reissue-again.ts';
import type { IdentifiedCredential } from '../person/auth.ts';
import type { Renewed, Transferred } from '@wangzheng/core/person/controls';
import type { PassphraseHasher } from '../passphrase/hasher.ts';
import type { BlindIndexer, DataProtector } from '../protect/index.ts';
import type { Registry } from '../registry/index.ts';
import type { SmsSender } from '../sms/sender.ts';
import type { Store, StoreReader } from '../store/index.ts';
import { PassphraseControls } from '../person/passphrase.ts';
import { PhoneChange } from '../person/phone.ts';
import type { DeviceAlg } from '@wangzheng/core/enrollment/device-proof';

export interface PersonControlDeps {
  readonly store: Store;
  readonly suite: CryptoSuite;
  readonly protector: DataProtector;
  readonly blindIndexer: BlindIndexer;
  readonly hasher: PassphraseHasher;
  /** The registry's liveness challenge and 1:1 face match (passphrase reset). */
  readonly registry: Pick<Registry, 'faceChallenge' | 'faceMatch'>;
  readonly sms: SmsSender;
  /** The key ring of the configured suite: signs renewed and moved 网证, as at enrollment. */
  readonly signing: KeyRing;
  readonly issuerUrl: string;
  readonly settings: {
    /** WZ_OTP_TTL, in seconds. */
    readonly otpSeconds: number;
    /** WZ_CREDENTIAL_DAYS. */
    readonly credentialValidityDays: number;
    /** WZ_RENEWAL_WINDOW_DAYS. */
    readonly renewalWindowDays: number;
    /** WZ_DEVICE_ALGS. */
    readonly deviceAlgs?: readonly DeviceAlg[];
  };
  /** The audit trail and Shared Signals: told of each revocation in its own transaction. */
  readonly audit?: AuditSink;
  readonly signals?: SignalSink;
  readonly now: () => number;
}

export interface PersonControls {
  readonly passphrase: PassphraseControls;
  readonly phone: PhoneChange;
  readonly renewal: Renewal;
  readonly transfer: DeviceTransfer;
  /** A renewal or a move asked again after it committed: the 网证 it made, or undefined (reissue-again.ts). */
  readonly again: {
    readonly renewal: (id: IdentifiedCredential) => Promise<Renewed | undefined>;
    readonly transfer: (id: IdentifiedCredential, req: TransferRequest) => Promise<Transferred | undefined>;
  };
  /** Read to answer a cancellation, a renewal or a move asked again (cancel-again.ts, controls-routes.ts). */
  readonly reader: Pick<StoreReader, 'credentials' | 'devices' | 'persons'>;
  readonly now: () => number;
}

export function createPersonControls(d: PersonControlDeps): PersonControls {
  const reissue = { signing: d.signing, issuerUrl: d.issuerUrl, validityDays: d.settings.credentialValidityDays };
  const sinks = { ...(d.audit ? { audit: d.audit } : {}), ...(d.signals ? { signals: d.signals } : {}) };
  return {
    passphrase: new PassphraseControls({ store: d.store, protector: d.protector, hasher: d.hasher, registry: d.registry, now: d.now }),
    phone: new PhoneChange({ store: d.store, suite: d.suite, protector: d.protector, blindIndexer: d.blindIndexer, sms: d.sms, otpMs: d.settings.otpSeconds * 1000, now: d.now }),
    renewal: new Renewal({ ...reissue, ...sinks, store: d.store, protector: d.protector, windowDays: d.settings.renewalWindowDays, now: d.now }),
    transfer: new DeviceTransfer({ ...reissue, ...sinks, store: d.store, protector: d.protector, hasher: d.hasher, ...(d.settings.deviceAlgs ? { deviceAlgs: d.settings.deviceAlgs } : {}), now: d.now }),
    again: {
      renewal: (id) => renewalAgain({ ...reissue, store: d.store, protector: d.protector, now: d.now }, id),
      transfer: (id, req) => transferAgain({ ...reissue, store: d.store, protector: d.protector, hasher: d.hasher, ...(d.settings.deviceAlgs ? { deviceAlgs: d.settings.deviceAlgs } : {}), now: d.now }, id, req),
    },
    reader: d.store.reader,
    now: d.now,
  };
}
