/** Enrollment (申领): service, sessions, issuance, guardian checks, HTTP routes. */
import type { KeyRing } from '@wangzheng/core/crypto/index';
import type { CryptoSuite } from '@wangzheng/core/crypto/index';
import type { PassiveAuthenticator } from '@wangzheng/core/documents/passive-auth';
import type { SecretRing } from '@wangzheng/core/identifiers/index';
import type { HolderVerifier } from '../credential/holder.ts';
import type { PassphraseHasher } from '../passphrase/hasher.ts';
import type { BlindIndexer, DataProtector } from '../protect/index.ts';
import type { Registry } from '../registry/index.ts';
import type { SmsSender } from '../sms/sender.ts';
import type { Store } from '../store/index.ts';
import type { RateLimits } from '../limits/index.ts';
import { PresentationGuardianCheck } from './guardian.ts';
import { Issuer } from './issue.ts';
import { replacementCheck } from './replacement.ts';
import { EnrollmentService } from './service.ts';
import { EnrollmentSessions, type EnrollmentMetrics } from './session.ts';
import type { DeviceAlg } from '@wangzheng/core/enrollment/device-proof';

export { EnrollmentService, OTP_MAX_SENDS, OTP_MAX_WRONG, type StepAnswer } from './service.ts';
export { credentialExpiry, Issuer, netidClaims, type IssuedCredential, type PersonProfile } from './issue.ts';
export { NOTICE, noticeDigest, consentSubjects, type Notice } from './notice.ts';
export { registerEnrollmentRoutes, enrollmentSchemas } from './routes.ts';
export type { EnrollmentState, Step } from './state.ts';
export type { EnrollmentMetrics, EnrollmentOutcome } from './session.ts';

/** What enrollment needs, and nothing more. */
export interface EnrollmentDeps {
  readonly store: Store;
  readonly suite: CryptoSuite;
  readonly protector: DataProtector;
  readonly blindIndexer: BlindIndexer;
  readonly registry: Registry;
  readonly passiveAuth: PassiveAuthenticator;
  readonly sms: SmsSender;
  readonly hasher: PassphraseHasher;
  readonly holders: HolderVerifier;
  /** Key ring the 网号 is derived with. */
  readonly netidKeys: SecretRing;
  /** The key ring of the configured suite: signs the 网证. */
  readonly signing: KeyRing;
  /** The platform's public URL: the 网证's `iss` and the audience of device proofs. */
  readonly issuerUrl: string;
  readonly settings: {
    readonly ttlSeconds: number;
    readonly stepSeconds: number;
    readonly otpSeconds: number;
    readonly credentialValidityDays: number;
    /** WZ_DEVICE_ALGS: the algorithms a device key may use. */
    readonly deviceAlgs: readonly DeviceAlg[];
  };
  /** Nationwide bans: checked once the registry has named the person. */
  readonly bans?: { isBanned(personRef: string): Promise<boolean> };
  /** Operations metrics: started, issued, failed (with the code), abandoned. */
  readonly metrics?: EnrollmentMetrics;
  /** Rate limits on text messages (per source, per number). */
  readonly limits?: RateLimits;
  readonly now: () => number;
}

/** Wires the enrollment service from its dependencies. */
export function createEnrollmentService(deps: EnrollmentDeps): EnrollmentService {
  const { settings, now } = deps;
  const sessions = new EnrollmentSessions({
    store: deps.store,
    protector: deps.protector,
    suite: deps.suite,
    now,
    ttlMs: settings.ttlSeconds * 1000,
    stepMs: settings.stepSeconds * 1000,
    ...(deps.metrics ? { metrics: deps.metrics } : {}),
  });
  const issuer = new Issuer({
    store: deps.store,
    sessions,
    protector: deps.protector,
    blindIndexer: deps.blindIndexer,
    netidKeys: deps.netidKeys,
    signing: deps.signing,
    issuerUrl: deps.issuerUrl,
    validityDays: settings.credentialValidityDays,
    now,
  });
  const guardians = new PresentationGuardianCheck({ holders: deps.holders, now });
  return new EnrollmentService({
    sessions,
    registry: deps.registry,
    passiveAuth: deps.passiveAuth,
    sms: deps.sms,
    hasher: deps.hasher,
    issuer,
    guardians,
    audience: deps.issuerUrl,
    deviceAlgs: settings.deviceAlgs,
    now,
    otpMs: settings.otpSeconds * 1000,
    ...(deps.bans ? { bans: deps.bans } : {}),
    ...(deps.limits ? { limits: deps.limits } : {}),
    replacement: replacementCheck({ store: deps.store, blindIndexer: deps.blindIndexer, now }),
  });
}
