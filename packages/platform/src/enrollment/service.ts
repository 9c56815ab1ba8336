/**
 * Enrollment (申领): the steps a person takes to get a 网号 and a device-bound 网证.
 *
 *   start → [guardian] → chip → face → phone → phone_code → consent → passphrase → device
 *         → issued (adult; guardian-led child under 14)
 *         → guardian_approval → issued → collect (14–17)
 *
 * What is trusted: the chip data only after passive authentication against the registry's
 * document-signing roots AND the registry's own check; the face only as the registry's match
 * verdict and score; the phone only after the one-time code; the device key only after it
 * signed this enrollment's nonce and transcript; a guardian only through a presentation of
 * their own valid 网证 plus the registry's guardianship record.
 *
 * Each rule that a person cannot satisfy (invalid, expired or lost document, unknown person,
 * face mismatch, too many wrong codes, a child without their guardian…) ends the attempt:
 * the enrollment row is deleted and only counters remain. Malformed or replayed input is
 * refused with a 4xx and changes nothing.
 */
import { maskMobile, parseMobile } from '@wangzheng/core/contact/phone';
import { b64u, randomBytes } from '@wangzheng/core/crypto/index';
import { parseDocumentType } from '@wangzheng/core/documents/document-types';
import { WzError, isWzError } from '@wangzheng/core/errors';
import { OTP_MAX_SENDS, OTP_MAX_WRONG } from '@wangzheng/core/contact/otp';
import { DEVICE_PROOF_TYP, verifyDeviceKeyProof, type DeviceAlg } from '@wangzheng/core/enrollment/device-proof';
import { checkPassphrase, PASSPHRASE_PROBLEM_MESSAGES } from '@wangzheng/core/passphrase/policy';
import type { PassiveAuthenticator } from '@wangzheng/core/documents/passive-auth';
import { assertDocumentUsable, type Registry } from '../registry/index.ts';
import type { PassphraseHasher } from '../passphrase/hasher.ts';
import type { SmsSender } from '../sms/sender.ts';
import { GuardianApproval, sameDigest } from './approval.ts';
import type { Issuer, IssuedCredential } from './issue.ts';
import type { GuardianCheck } from './guardian.ts';
import type { ReplacementCheck } from './replacement.ts';
import type { RateLimits } from '../limits/index.ts';
import { NOTICE, type Notice } from './notice.ts';
import { EnrollmentSessions, type Advanced } from './session.ts';
import type { EnrolleeData, EnrollmentState, Step } from './state.ts';

export interface EnrollmentServiceDeps {
  readonly sessions: EnrollmentSessions;
  readonly registry: Registry;
  readonly passiveAuth: PassiveAuthenticator;
  readonly sms: SmsSender;
  readonly hasher: PassphraseHasher;
  readonly issuer: Issuer;
  readonly guardians: GuardianCheck;
  /** The platform's issuer URL: the audience of device proofs. */
  readonly audience: string;
  /** The algorithms a device key may use (WZ_DEVICE_ALGS). */
  readonly deviceAlgs: readonly DeviceAlg[];
  readonly now: () => number;
  readonly otpMs: number;
  readonly notice?: Notice;
  /** Nationwide bans: a banned person cannot enroll again (lifecycle/bans.ts). */
  readonly bans?: { isBanned(personRef: string): Promise<boolean> };
  /** Whether issuing will replace a working 网证 of this person: said in the face step's answer (replacement.ts). */
  readonly replacement?: ReplacementCheck;
  /** Rate limits: text messages per source and per number (limits/guard.ts). */
  readonly limits?: Pick<RateLimits, 'sms'>;
}

/** What every successful step answers: where the enrollment is and how to take the next step. */
export interface StepAnswer {
  readonly enrollmentId: string;
  readonly next: Step;
  readonly nonce: string;
  readonly nonceExpiresAt: string;
  readonly expiresAt: string;
  readonly transcript: string;
}

export { OTP_MAX_SENDS, OTP_MAX_WRONG } from '@wangzheng/core/contact/otp';
const APPROVAL_ALPHABET = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';

function answer(id: string, next: Step, a: Advanced): StepAnswer {
  return {
    enrollmentId: id,
    next,
    nonce: a.nonce,
    nonceExpiresAt: new Date(a.nonceExpiresAt).toISOString(),
    expiresAt: new Date(a.expiresAt).toISOString(),
    transcript: a.transcript,
  };
}

export class EnrollmentService {
  readonly notice: Notice;
  readonly #approval: GuardianApproval;
  constructor(private readonly deps: EnrollmentServiceDeps) {
    this.notice = deps.notice ?? NOTICE;
    this.#approval = new GuardianApproval(deps);
  }

  get sessions(): EnrollmentSessions {
    return this.deps.sessions;
  }

  // ---------------------------------------------------------------- start

  async start(req: { documentType: string; guardianLed?: boolean }): Promise<StepAnswer & { token: string; issuer: string; noticeVersion: string }> {
    const documentType = parseDocumentType(req.documentType);
    const guardianLed = req.guardianLed === true;
    const state: EnrollmentState = { v: 1, documentType, guardianLed, transcript: b64u(randomBytes(16)) };
    const first: Step = guardianLed ? 'guardian' : 'chip';
    const created = await this.deps.sessions.create(state, first);
    return { ...answer(created.id, first, created), token: created.token, issuer: this.deps.audience, noticeVersion: this.notice.version };
  }

  /** Where an enrollment stands (for a wallet waiting on a guardian). Needs the token, not a nonce. */
  async status(id: string, token: string | undefined): Promise<{ enrollmentId: string; next: Step; expiresAt: string }> {
    const o = await this.deps.sessions.load(id, token);
    return { enrollmentId: o.id, next: o.step, expiresAt: new Date(o.record.expiresAt).toISOString() };
  }

  // ---------------------------------------------------------------- guardian (under 14)

  async guardian(id: string, token: string | undefined, req: { nonce: string; presentation: string }): Promise<StepAnswer> {
    const o = await this.deps.sessions.open(id, token, 'guardian', req.nonce);
    const g = await this.deps.guardians.authenticate(req.presentation, req.nonce);
    const state = { ...o.state, guardian: { personId: g.personId, personRef: g.personRef } };
    return answer(o.id, 'chip', await this.deps.sessions.advance(o, 'chip', state, `guardian:${g.personId}`));
  }

  // ---------------------------------------------------------------- chip

  async chip(id: string, token: string | undefined, req: { nonce: string; chip: unknown }): Promise<StepAnswer & { faceChallenge: { nonce: string; expiresAt: string } }> {
    const o = await this.deps.sessions.open(id, token, 'chip', req.nonce);
    // Untrusted until both checks pass: our passive authentication (signatures up to the
    // registry's roots, digests) — malformed or forged data changes nothing — then the registry.
    const pa = this.deps.passiveAuth.authenticate(req.chip, new Date(this.deps.now()));
    const doc = pa.document;
    if (doc.documentType !== o.state.documentType) {
      throw new WzError('document_type_mismatch', 'This chip belongs to another document type than the one chosen.');
    }
    const verdict = await this.#endOnRule(o.id, () => this.deps.registry.verifyDocument(req.chip as never));
    await this.#endOnRule(o.id, async () => assertDocumentUsable(verdict));
    if (verdict.documentType !== doc.documentType || verdict.birthDate !== doc.birthDate) {
      await this.deps.sessions.fail(o.id, new WzError('invalid_document', 'The document could not be verified.', { detail: 'registry record differs from chip' }));
    }

    if (await this.deps.bans?.isBanned(verdict.personRef)) {
      await this.deps.sessions.fail(o.id, new WzError('netid_banned', 'This person’s 网号 is banned nationwide; enrollment is not possible.'));
    }

    // Age rules (Art. 4–5): under 14 only a guardian applies; a guardian applies only for under-14s.
    if (o.state.guardianLed) {
      if (verdict.ageBand !== 'under_14') {
        await this.deps.sessions.fail(o.id, new WzError('guardian_not_allowed', 'A guardian enrolls on a child’s behalf only for children under 14; this person enrolls themselves.'));
      }
      const g = o.state.guardian!;
      const isGuardian = await this.#endOnRule(o.id, () => this.deps.registry.isGuardian({ guardianRef: g.personRef, childRef: verdict.personRef }));
      if (!isGuardian) await this.deps.sessions.fail(o.id, new WzError('not_a_guardian', 'The registry does not record you as this child’s guardian.'));
    } else if (verdict.ageBand === 'under_14') {
      await this.deps.sessions.fail(o.id, new WzError('guardian_required', 'Children under 14 are enrolled by a guardian from the guardian’s own wallet.'));
    }

    const enrollee: EnrolleeData = {
      personRef: verdict.personRef,
      name: doc.name,
      ...(doc.nameLatin ? { nameLatin: doc.nameLatin } : {}),
      sex: doc.sex,
      birthDate: doc.birthDate,
      nationality: doc.nationality,
      documentType: doc.documentType,
      documentNumber: doc.documentNumber,
      documentValidUntil: doc.validUntil,
      ageBand: verdict.ageBand,
    };
    const challenge = await this.deps.registry.faceChallenge();
    const state: EnrollmentState = { ...o.state, enrollee, faceChallenge: challenge.nonce };
    const a = await this.deps.sessions.advance(o, 'face', state, `chip:${doc.documentType}:${pa.signer.kid}`);
    return { ...answer(o.id, 'face', a), faceChallenge: { nonce: challenge.nonce, expiresAt: challenge.expiresAt } };
  }

  // ---------------------------------------------------------------- face

  async face(
    id: string,
    token: string | undefined,
    req: { nonce: string; probe: unknown },
  ): Promise<StepAnswer & { similarity: number; replacesExistingCredential: boolean }> {
    const o = await this.deps.sessions.open(id, token, 'face', req.nonce);
    const { enrollee, faceChallenge } = o.state;
    if (!enrollee || !faceChallenge) throw new WzError('step_out_of_order', 'The chip step has not been completed.');
    // A malformed probe is refused by the client before the registry sees it (nothing changes).
    const result = await this.#endOnRule(o.id, () =>
      this.deps.registry.faceMatch({ personRef: enrollee.personRef, nonce: faceChallenge, probe: req.probe as number[] }),
    );
    if (!result.match) {
      await this.deps.sessions.fail(o.id, new WzError('face_mismatch', 'The face does not match the document holder.'));
    }
    const { faceChallenge: _used, ...rest } = o.state;
    const state: EnrollmentState = { ...rest, face: { similarity: result.similarity, threshold: result.threshold, at: this.deps.now() } };
    const a = await this.deps.sessions.advance(o, 'phone', state, `face:${result.similarity.toFixed(4)}`);
    // Said before anything is issued: going on revokes the 网证 on the other device (replacement.ts).
    const replacesExistingCredential = (await this.deps.replacement?.replacesCredential(enrollee.personRef)) ?? false;
    return { ...answer(o.id, 'phone', a), similarity: result.similarity, replacesExistingCredential };
  }

  // ---------------------------------------------------------------- phone + one-time code

  /** `source`: the caller's address, for the per-source limit on text messages. */
  async phone(id: string, token: string | undefined, req: { nonce: string; phone: string }, source?: string): Promise<StepAnswer & { sentTo: string; codeExpiresAt: string }> {
    const o = await this.deps.sessions.open(id, token, ['phone', 'phone_code'], req.nonce);
    const number = parseMobile(req.phone);
    const sends = (o.state.phone?.sends ?? 0) + 1;
    if (sends > OTP_MAX_SENDS) {
      await this.deps.sessions.fail(o.id, new WzError('too_many_attempts', 'Too many codes requested; start the enrollment again later.'));
    }
    // Before the step advances: a refused message leaves the enrollment as it was (429, Retry-After).
    await this.deps.limits?.sms(number, source);
    const code = String(Buffer.from(randomBytes(4)).readUInt32BE(0) % 1_000_000).padStart(6, '0');
    const now = this.deps.now();
    const otpExpiresAt = now + this.deps.otpMs;
    const state: EnrollmentState = {
      ...o.state,
      phone: { number, otpHash: this.#otpHash(o.id, code), otpExpiresAt, wrongTries: o.state.phone?.wrongTries ?? 0, sends },
    };
    // Commit first, then send: a code is never sent for a state that was not stored.
    const a = await this.deps.sessions.advance(o, 'phone_code', state, `phone:${b64u(this.deps.sessions.digest(number))}`);
    await this.deps.sms.send({
      to: number,
      code,
      purpose: 'enrollment',
      sentAt: now,
      text: `【网号网证】您的申领验证码为 ${code}，${Math.round(this.deps.otpMs / 60_000)} 分钟内有效。请勿告诉他人。`,
    });
    return { ...answer(o.id, 'phone_code', a), sentTo: maskMobile(number), codeExpiresAt: new Date(otpExpiresAt).toISOString() };
  }

  async phoneCode(id: string, token: string | undefined, req: { nonce: string; code: string }): Promise<StepAnswer> {
    const o = await this.deps.sessions.open(id, token, 'phone_code', req.nonce);
    const p = o.state.phone;
    if (!p) throw new WzError('step_out_of_order', 'No code has been sent yet.');
    if (p.otpExpiresAt <= this.deps.now()) throw new WzError('otp_expired', 'The code has expired; ask for a new one.');
    const ok = typeof req.code === 'string' && /^[0-9]{6}$/.test(req.code) && sameDigest(p.otpHash, this.#otpHash(o.id, req.code));
    if (!ok) {
      const wrongTries = p.wrongTries + 1;
      if (wrongTries >= OTP_MAX_WRONG) {
        await this.deps.sessions.fail(o.id, new WzError('too_many_attempts', `${OTP_MAX_WRONG} wrong codes: this enrollment has ended. Start again.`));
      }
      // The wrong try is recorded (sealed) without rotating the nonce, so the person can retry.
      await this.deps.sessions.advance(o, 'phone_code', { ...o.state, phone: { ...p, wrongTries } }, 'otp:wrong', { keepNonce: true });
      throw new WzError('otp_invalid', `Wrong code; ${OTP_MAX_WRONG - wrongTries} ${OTP_MAX_WRONG - wrongTries === 1 ? 'try' : 'tries'} left.`);
    }
    const state: EnrollmentState = { ...o.state, phone: { ...p, otpHash: '', otpExpiresAt: 0 }, phoneVerifiedAt: this.deps.now() };
    return answer(o.id, 'consent', await this.deps.sessions.advance(o, 'consent', state, 'otp:ok'));
  }

  // ---------------------------------------------------------------- notice and consent

  async consent(
    id: string,
    token: string | undefined,
    req: { nonce: string; noticeVersion: string; processing: boolean; sensitive: boolean },
  ): Promise<StepAnswer> {
    const o = await this.deps.sessions.open(id, token, 'consent', req.nonce);
    if (req.noticeVersion !== this.notice.version) {
      throw new WzError('notice_version_mismatch', `The notice has changed; read version ${this.notice.version} and consent to it.`);
    }
    if (req.processing !== true || req.sensitive !== true) {
      throw new WzError('consent_required', 'Enrollment needs your consent to the notice and your separate consent to the face and document data.');
    }
    const state: EnrollmentState = { ...o.state, consent: { noticeVersion: this.notice.version, at: this.deps.now() } };
    return answer(o.id, 'passphrase', await this.deps.sessions.advance(o, 'passphrase', state, `consent:${this.notice.version}`));
  }

  // ---------------------------------------------------------------- passphrase

  async passphrase(id: string, token: string | undefined, req: { nonce: string; passphrase: string }): Promise<StepAnswer> {
    const o = await this.deps.sessions.open(id, token, 'passphrase', req.nonce);
    const problem = checkPassphrase(req.passphrase, o.state.enrollee ? { birthDate: o.state.enrollee.birthDate } : {});
    if (problem) throw new WzError('weak_passphrase', PASSPHRASE_PROBLEM_MESSAGES[problem], { detail: problem });
    const passphraseHash = await this.deps.hasher.hash(req.passphrase);
    return answer(o.id, 'device', await this.deps.sessions.advance(o, 'device', { ...o.state, passphraseHash }, 'passphrase:set'));
  }

  // ---------------------------------------------------------------- device binding → issuance

  async device(
    id: string,
    token: string | undefined,
    req: { nonce: string; publicJwk: unknown; proof: string; label?: string; environment?: Record<string, string> },
  ): Promise<
    | ({ status: 'issued' } & IssuedCredential)
    | (StepAnswer & { status: 'awaiting_guardian'; approvalCode: string })
  > {
    const o = await this.deps.sessions.open(id, token, 'device', req.nonce);
    const { key, typ, claims } = verifyDeviceKeyProof(req.publicJwk, req.proof, 'device proof', this.deps.deviceAlgs);
    if (
      typ !== DEVICE_PROOF_TYP ||
      claims.aud !== this.deps.audience ||
      claims.nonce !== req.nonce ||
      claims.enr !== o.id ||
      claims.th !== o.state.transcript
    ) {
      throw new WzError('invalid_device_proof', 'The device proof does not sign this enrollment step (audience, nonce, enrollment or transcript).');
    }
    const device = {
      jwk: { ...key.toJwk() } as Record<string, unknown>,
      thumbprint: key.thumbprint,
      alg: key.alg,
      ...(typeof req.label === 'string' ? { label: req.label.slice(0, 64) } : {}),
      ...(req.environment ? { environment: req.environment } : {}),
    };
    const state: EnrollmentState = { ...o.state, device };
    if (o.state.enrollee?.ageBand === 'age_14_17') {
      // A guardian approves from their own wallet before anything is issued.
      const approvalCode = Array.from(randomBytes(8), (b) => APPROVAL_ALPHABET[b % 32]).join('');
      const a = await this.deps.sessions.advance(o, 'guardian_approval', state, `device:${key.thumbprint}`, {
        approvalCodeHash: this.deps.sessions.digest(approvalCode),
      });
      return { ...answer(o.id, 'guardian_approval', a), status: 'awaiting_guardian', approvalCode };
    }
    const issued = await this.deps.issuer.issue(o, state, { collectNow: true });
    return { status: 'issued', ...issued };
  }

  // ---------------------------------------------------------------- 14–17: guardian approval, then collection (approval.ts)

  approvalChallenge(approvalCode: string): ReturnType<GuardianApproval['challenge']> {
    return this.#approval.challenge(approvalCode);
  }

  approve(approvalCode: string, req: { nonce: string; presentation: string; approve: boolean }): ReturnType<GuardianApproval['approve']> {
    return this.#approval.approve(approvalCode, req);
  }

  collect(id: string, token: string | undefined, req: { nonce: string }): ReturnType<GuardianApproval['collect']> {
    return this.#approval.collect(id, token, req);
  }

  // ---------------------------------------------------------------- helpers

  /** Runs a registry call; a rule the person cannot satisfy ends the attempt. */
  async #endOnRule<T>(id: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      if (isWzError(e) && ENDING_CODES.has(e.code)) await this.deps.sessions.fail(id, e);
      throw e;
    }
  }

  #otpHash(id: string, code: string): string {
    return b64u(this.deps.sessions.digest(`otp\u0000${id}\u0000${code}`));
  }
}

/** Registry answers that end an attempt (the person cannot fix them by retrying the step). */
const ENDING_CODES = new Set(['invalid_document', 'document_expired', 'document_lost', 'unknown_person', 'face_mismatch', 'challenge_expired']);
