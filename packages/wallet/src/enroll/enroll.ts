/**
 * Enrollment, wallet side: drives the platform's steps in order, answering each with the
 * nonce the previous one returned, and reports progress through `onStep`. The device key is
 * the wallet's; it signs the device proof over the enrollment transcript. The passphrase
 * leaves the device once, over TLS in production, to be stored by the platform only as an
 * Argon2id hash; the wallet checks the rules first so a weak one never travels.
 */
import { WzError } from '@wangzheng/core/errors';
import { checkPassphrase, PASSPHRASE_PROBLEM_MESSAGES } from '@wangzheng/core/passphrase/policy';
import { WalletError } from '../errors.ts';
import { presentCredential } from '../holder/credential.ts';
import type { Holder, HolderDigest, HolderSigner } from '../holder/ports.ts';
import { deviceProof } from '../holder/proofs.ts';
import type { PlatformClient } from './client.ts';
import type { Correctable, DeviceHardware } from './hardware.ts';

export type { Correctable };

/**
 * What the person answers at a step: a value given up front (scripts, tests), or a question the
 * wallet asks when the step comes — and asks again, with the refusal, when the answer can be
 * corrected (a weak passphrase). A value given up front is never asked again: its refusal ends
 * the enrollment.
 */
export type Answer<T> = T | ((refused?: Correctable) => Promise<T>);

interface StepAnswer {
  enrollmentId: string;
  next: string;
  nonce: string;
  transcript: string;
  expiresAt: string;
}

export interface NoticeView {
  version: string;
  digest: string;
  [k: string]: unknown;
}

export type EnrollStep = 'start' | 'guardian' | 'chip' | 'face' | 'phone' | 'phone_code' | 'consent' | 'passphrase' | 'device' | 'guardian_approval' | 'issued';

export interface EnrollOptions {
  platform: PlatformClient;
  hardware: DeviceHardware;
  documentType: string;
  /** Asked at the phone step. */
  phone: Answer<string>;
  /** Asked at the passphrase step (8 digits): re-asked when the rules (the wallet's, then the platform's birth-date rule) refuse it. */
  passphrase: Answer<string>;
  /** The new device key (never leaves the device) and the hash function (holder/ports.ts). */
  signer: HolderSigner;
  digest: HolderDigest;
  /** The device's name for the person, asked at the device step. */
  label?: Answer<string | undefined>;
  environment?: Record<string, string>;
  /** Shown the notice; must return true for both consents. Default: consents (scripts, tests). */
  consent?: (notice: NoticeView) => Promise<{ processing: boolean; sensitive: boolean }> | { processing: boolean; sensitive: boolean };
  /**
   * Asked when the platform says (after the face step) that this person already holds a working
   * 网证 and going on will revoke it on the other device; false stops here (`replacement_declined`,
   * nothing issued). Default: go on (scripts, tests).
   */
  confirmReplacement?: () => Promise<boolean> | boolean;
  /** A guardian enrolling a child under 14 from their own wallet: the guardian's 网证 and device key. */
  guardian?: Holder;
  onStep?: (step: EnrollStep, detail?: string) => void;
}

export interface Issued {
  status: 'issued';
  netid: string;
  credentialId: string;
  credential: string;
  expiresAt: string;
}

export interface AwaitingGuardian {
  status: 'awaiting_guardian';
  approvalCode: string;
  /** What the wallet keeps to collect the credential once the guardian approved. */
  pending: { enrollmentId: string; token: string; nonce: string; expiresAt: string };
}

function localPassphraseCheck(passphrase: string): void {
  const problem = checkPassphrase(passphrase);
  if (problem) throw new WzError('weak_passphrase', PASSPHRASE_PROBLEM_MESSAGES[problem], { detail: problem });
}

async function ask<T>(a: Answer<T>, refused?: Correctable): Promise<T> {
  return typeof a === 'function' ? (a as (r?: Correctable) => Promise<T>)(refused) : a;
}

/**
 * Posts an answer; when the platform refuses it with one of `codes` (it kept the step open) and
 * the answer can be asked again, asks again with the refusal and posts the new answer. A fixed
 * answer (`asker` undefined) is posted once.
 */
async function correctable<V, R>(codes: readonly string[], asker: ((refused?: Correctable) => Promise<V>) | undefined, post: (v: V) => Promise<R>, fixed?: V): Promise<R> {
  let refused: Correctable | undefined;
  for (;;) {
    const v = asker ? await asker(refused) : (fixed as V);
    try {
      return await post(v);
    } catch (e) {
      if (!asker || !(e instanceof WzError) || !codes.includes(e.code)) throw e;
      refused = { code: e.code, message: e.message };
    }
  }
}

export async function enroll(o: EnrollOptions): Promise<Issued | AwaitingGuardian> {
  const step = o.onStep ?? (() => {});
  // A passphrase given up front is checked before anything is sent, so a weak one never travels.
  if (typeof o.passphrase === 'string') localPassphraseCheck(o.passphrase);
  const p = o.platform;

  step('start', o.documentType);
  const started = await p.post<StepAnswer & { token: string; issuer: string; noticeVersion: string }>('/v1/enrollments', {
    documentType: o.documentType,
    ...(o.guardian ? { guardianLed: true } : {}),
  });
  const { token, issuer } = started;
  const path = (s: string): string => `/v1/enrollments/${started.enrollmentId}/${s}`;
  let a: StepAnswer = started;

  if (o.guardian) {
    step('guardian');
    const presentation = await presentCredential(o.guardian, { disclose: [], audience: issuer, nonce: a.nonce });
    a = await p.post<StepAnswer>(path('guardian'), { nonce: a.nonce, presentation }, token);
  }

  step('chip', 'reading the document chip (NFC)');
  const chip = await o.hardware.readChip();
  const afterChip = await p.post<StepAnswer & { faceChallenge: { nonce: string } }>(path('chip'), { nonce: a.nonce, chip }, token);
  a = afterChip;

  step('face', 'liveness challenge and face capture');
  const probe = await o.hardware.captureFace(afterChip.faceChallenge.nonce);
  const faced = await p.post<StepAnswer & { similarity: number; replacesExistingCredential?: boolean }>(path('face'), { nonce: a.nonce, probe }, token);
  a = faced;
  if (faced.replacesExistingCredential === true && o.confirmReplacement && !(await o.confirmReplacement())) {
    throw new WalletError('replacement_declined', 'You chose to keep the 网证 on your other device; nothing was issued and this enrollment will expire.');
  }

  step('phone', 'sending a one-time code');
  const phone = await ask(o.phone);
  const sent = await p.post<StepAnswer & { sentTo: string }>(path('phone'), { nonce: a.nonce, phone }, token);
  a = sent;
  step('phone_code', `code sent to ${sent.sentTo}`);
  // A wrong code keeps the step open (until the platform's last try): the person types it again.
  const codeNonce = a.nonce;
  a = await correctable(['otp_invalid'], (refused) => o.hardware.readSmsCode(phone, refused), (code) => p.post<StepAnswer>(path('phone/verify'), { nonce: codeNonce, code }, token));

  step('consent', 'reading the notice');
  const notice = await p.get<NoticeView>('/v1/enrollment-notice');
  const choice = o.consent ? await o.consent(notice) : { processing: true, sensitive: true };
  a = await p.post<StepAnswer>(path('consent'), { nonce: a.nonce, noticeVersion: notice.version, ...choice }, token);

  step('passphrase');
  const passNonce = a.nonce;
  const askPassphrase = o.passphrase;
  a = await correctable(
    ['weak_passphrase'],
    typeof askPassphrase === 'string'
      ? undefined
      : async (refused) => {
          // The wallet's own rules first: a passphrase it can already tell is weak never travels.
          for (let r = refused; ; ) {
            const candidate = await askPassphrase(r);
            const problem = checkPassphrase(candidate);
            if (!problem) return candidate;
            r = { code: 'weak_passphrase', message: PASSPHRASE_PROBLEM_MESSAGES[problem] };
          }
        },
    (passphrase) => p.post<StepAnswer>(path('passphrase'), { nonce: passNonce, passphrase }, token),
    typeof askPassphrase === 'string' ? askPassphrase : undefined,
  );

  step('device', 'binding this device');
  const label = await ask(o.label);
  const proof = await deviceProof(o.signer, { aud: issuer, nonce: a.nonce, enr: a.enrollmentId, th: a.transcript });
  const done = await p.post<Issued | (StepAnswer & { status: 'awaiting_guardian'; approvalCode: string })>(
    path('device'),
    {
      nonce: a.nonce,
      publicJwk: o.signer.publicJwk,
      proof,
      ...(label ? { label } : {}),
      ...(o.environment ? { environment: o.environment } : {}),
    },
    token,
  );
  if (done.status === 'awaiting_guardian') {
    step('guardian_approval', 'waiting for a guardian to approve');
    return { status: 'awaiting_guardian', approvalCode: done.approvalCode, pending: { enrollmentId: done.enrollmentId, token, nonce: done.nonce, expiresAt: done.expiresAt } };
  }
  step('issued', done.netid);
  return done;
}

/** 14–17: after the guardian approved, the minor's wallet collects the credential. */
export async function collect(platform: PlatformClient, pending: AwaitingGuardian['pending']): Promise<Issued> {
  return platform.post<Issued>(`/v1/enrollments/${pending.enrollmentId}/credential`, { nonce: pending.nonce }, pending.token);
}

/** Whose enrollment a guardian's approval code is for, as the platform shows it (the name masked). */
export interface GuardianChild {
  name: string;
  documentType: string;
  ageBand: string;
}

/**
 * The guardian's wallet approves (or declines) a 14–17-year-old's enrollment by its code. The
 * platform first says whose enrollment it is; `decide` is shown that and answers, so a guardian
 * never approves a child they have not seen named. Nothing is sent when `decide` throws.
 */
export async function approveAsGuardian(
  platform: PlatformClient,
  o: { approvalCode: string; holder: Holder; issuer: string; decide: (child: GuardianChild) => Promise<boolean> | boolean },
): Promise<{ status: 'approved' | 'declined'; child: GuardianChild }> {
  const ch = await platform.post<{ nonce: string; child: GuardianChild }>('/v1/enrollment-approvals/challenge', {
    approvalCode: o.approvalCode,
  });
  const approve = await o.decide(ch.child);
  const presentation = await presentCredential(o.holder, { disclose: [], audience: o.issuer, nonce: ch.nonce });
  const r = await platform.post<{ status: 'approved' | 'declined' }>('/v1/enrollment-approvals', {
    approvalCode: o.approvalCode,
    nonce: ch.nonce,
    presentation,
    approve,
  });
  return { ...r, child: ch.child };
}
