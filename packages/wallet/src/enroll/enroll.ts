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
import type { DeviceHardware } from './hardware.ts';

interface Answer {
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
  phone: string;
  passphrase: string;
  /** The new device key (never leaves the device) and the hash function (holder/ports.ts). */
  signer: HolderSigner;
  digest: HolderDigest;
  label?: string;
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

export async function enroll(o: EnrollOptions): Promise<Issued | AwaitingGuardian> {
  const step = o.onStep ?? (() => {});
  const problem = checkPassphrase(o.passphrase);
  if (problem) throw new WzError('weak_passphrase', PASSPHRASE_PROBLEM_MESSAGES[problem], { detail: problem });
  const p = o.platform;

  step('start', o.documentType);
  const started = await p.post<Answer & { token: string; issuer: string; noticeVersion: string }>('/v1/enrollments', {
    documentType: o.documentType,
    ...(o.guardian ? { guardianLed: true } : {}),
  });
  const { token, issuer } = started;
  const path = (s: string): string => `/v1/enrollments/${started.enrollmentId}/${s}`;
  let a: Answer = started;

  if (o.guardian) {
    step('guardian');
    const presentation = await presentCredential(o.guardian, { disclose: [], audience: issuer, nonce: a.nonce });
    a = await p.post<Answer>(path('guardian'), { nonce: a.nonce, presentation }, token);
  }

  step('chip', 'reading the document chip (NFC)');
  const chip = await o.hardware.readChip();
  const afterChip = await p.post<Answer & { faceChallenge: { nonce: string } }>(path('chip'), { nonce: a.nonce, chip }, token);
  a = afterChip;

  step('face', 'liveness challenge and face capture');
  const probe = await o.hardware.captureFace(afterChip.faceChallenge.nonce);
  const faced = await p.post<Answer & { similarity: number; replacesExistingCredential?: boolean }>(path('face'), { nonce: a.nonce, probe }, token);
  a = faced;
  if (faced.replacesExistingCredential === true && o.confirmReplacement && !(await o.confirmReplacement())) {
    throw new WalletError('replacement_declined', 'You chose to keep the 网证 on your other device; nothing was issued and this enrollment will expire.');
  }

  step('phone', 'sending a one-time code');
  const sent = await p.post<Answer & { sentTo: string }>(path('phone'), { nonce: a.nonce, phone: o.phone }, token);
  a = sent;
  step('phone_code', `code sent to ${sent.sentTo}`);
  const code = await o.hardware.readSmsCode(o.phone);
  a = await p.post<Answer>(path('phone/verify'), { nonce: a.nonce, code }, token);

  step('consent', 'reading the notice');
  const notice = await p.get<NoticeView>('/v1/enrollment-notice');
  const choice = o.consent ? await o.consent(notice) : { processing: true, sensitive: true };
  a = await p.post<Answer>(path('consent'), { nonce: a.nonce, noticeVersion: notice.version, ...choice }, token);

  step('passphrase');
  a = await p.post<Answer>(path('passphrase'), { nonce: a.nonce, passphrase: o.passphrase }, token);

  step('device', 'binding this device');
  const proof = await deviceProof(o.signer, { aud: issuer, nonce: a.nonce, enr: a.enrollmentId, th: a.transcript });
  const done = await p.post<Issued | (Answer & { status: 'awaiting_guardian'; approvalCode: string })>(
    path('device'),
    {
      nonce: a.nonce,
      publicJwk: o.signer.publicJwk,
      proof,
      ...(o.label ? { label: o.label } : {}),
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
