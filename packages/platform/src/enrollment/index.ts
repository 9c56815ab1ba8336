/** Enrollment (申领): service, sessions, issuance, guardian checks, HTTP routes. */
import type { Config } from '../config.ts';
import type { HolderVerifier } from '../credential/holder.ts';
import type { PassphraseHasher } from '../passphrase/hasher.ts';
import type { PlatformDeps } from '../server/platform.ts';
import type { SmsSender } from '../sms/sender.ts';
import { PresentationGuardianCheck } from './guardian.ts';
import { Issuer } from './issue.ts';
import { EnrollmentService } from './service.ts';
import { EnrollmentSessions } from './session.ts';

export { EnrollmentService, OTP_MAX_SENDS, OTP_MAX_WRONG, type StepAnswer } from './service.ts';
export { credentialExpiry, Issuer, netidClaims, type IssuedCredential, type PersonProfile } from './issue.ts';
export { NOTICE, noticeDigest, consentSubjects, type Notice } from './notice.ts';
export { registerEnrollmentRoutes, enrollmentSchemas } from './routes.ts';
export type { EnrollmentState, Step } from './state.ts';

/** Wires the enrollment service from the platform's dependencies. */
export function createEnrollmentService(
  deps: PlatformDeps,
  extra: { sms: SmsSender; hasher: PassphraseHasher; now: () => number; config: Config; holders: HolderVerifier },
): EnrollmentService {
  const { config, now } = extra;
  const sessions = new EnrollmentSessions({
    store: deps.store,
    protector: deps.protector,
    suite: deps.suite,
    now,
    ttlMs: config.enrollment.ttlSeconds * 1000,
    stepMs: config.enrollment.stepSeconds * 1000,
  });
  const signing = config.suite === 'gm' ? deps.signing.gm : deps.signing.intl;
  const issuer = new Issuer({
    store: deps.store,
    sessions,
    protector: deps.protector,
    blindIndexer: deps.blindIndexer,
    netidKeys: deps.secrets.netid,
    signing,
    issuerUrl: deps.issuer,
    validityDays: config.credential.validityDays,
    now,
  });
  const guardians = new PresentationGuardianCheck({ holders: extra.holders, now });
  return new EnrollmentService({
    sessions,
    registry: deps.registry,
    passiveAuth: deps.passiveAuth,
    sms: extra.sms,
    hasher: extra.hasher,
    issuer,
    guardians,
    audience: deps.issuer,
    now,
    otpMs: config.enrollment.otpSeconds * 1000,
  });
}
