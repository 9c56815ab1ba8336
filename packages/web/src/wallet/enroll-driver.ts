/**
 * Runs the wallet library's `enroll` (packages/wallet/src/enroll/enroll.ts: the protocol, not
 * ours) from the enrollment screen, one question to the person at a time.
 *
 * `enroll` takes the phone number, the passphrase and the device label up front, but the
 * person gives them at their own steps (4, 5 and 6) — after seeing the chip and face results,
 * and knowing the birth-date rule of the passphrase can only be checked by the platform. So
 * `enroll` gets placeholders and its platform client (`StepClient`) fills in the person's real
 * answer in the one request that carries it, at the moment it is sent; a placeholder can never
 * reach the platform (every request body is checked for one). The same client re-asks the
 * person when the platform refuses an answer they can correct — a wrong SMS code (the step keeps
 * its nonce: docs/enrollment.md), a passphrase the platform finds weak (the birth-date rule) —
 * and sends the corrected answer; anything else ends the attempt.
 *
 * The device key is a fresh non-extractable WebCrypto key (shared/crypto.ts); it signs the
 * device proof only once the person presses "bind" at step 6. The issued 网证 is checked
 * (shared/issued.ts) and only then stored with the key in this browser.
 */
import { maskMobile } from '@wangzheng/core/contact/phone';
import type { PublicJwk } from '@wangzheng/core/crypto/types';
import { isWzError } from '@wangzheng/core/errors';
import { PlatformClient } from '@wangzheng/wallet/enroll/client';
import { enroll, type EnrollStep, type NoticeView } from '@wangzheng/wallet/enroll/enroll';
import type { DeviceHardware } from '@wangzheng/wallet/enroll/hardware';
import type { HolderSigner } from '@wangzheng/wallet/holder/ports';
import { boundFetch, failureOf, requireOnline, sim, type Failure } from '../shared/api.ts';
import { generateDeviceKey, publicJwkOf, webCryptoSigner, webDigest } from '../shared/crypto.ts';
import { checkIssued } from '../shared/issued.ts';
import { saveWallet, walletRecord, type StoredWallet } from '../shared/store.ts';

/** Placeholders `enroll` is given; each passes enroll's own local checks and is replaced before sending. */
const PLACEHOLDER = {
  phone: '19999999999',
  passphrase: '73916428',
  label: 'wz-web-wallet-label-placeholder',
} as const;
type Filled = keyof typeof PLACEHOLDER;

/** What the enrollment screen is asked, in order. `error`: the platform refused the previous answer. */
export type Question =
  | { kind: 'face' }
  | { kind: 'replace' }
  | { kind: 'phone'; error?: Failure }
  | { kind: 'code'; sentTo: string; phone: string; error?: Failure }
  | { kind: 'passphrase'; error?: Failure }
  | { kind: 'device' }
  | { kind: 'notice'; notice: NoticeView };

export interface Answers {
  face: { subject: 'self' | 'other' };
  replace: boolean;
  phone: string;
  code: string;
  passphrase: string;
  device: { label: string };
  notice: boolean;
}

export type Ask = <Q extends Question>(q: Q) => Promise<Answers[Q['kind']]>;

export type Outcome = { status: 'issued'; wallet: StoredWallet } | { status: 'awaiting_guardian'; approvalCode: string };

/** The platform client of one enrollment: fills the placeholders, re-asks correctable refusals, remembers what the screen shows. */
class StepClient extends PlatformClient {
  issuer: string | undefined;
  similarity: number | undefined;
  sentTo: string | undefined;
  phone: string | undefined;
  label: string | undefined;

  constructor(private readonly ask: Ask) {
    super(location.origin, boundFetch);
  }

  override async get<T>(path: string, token?: string): Promise<T> {
    requireOnline();
    return super.get<T>(path, token);
  }

  override async post<T>(path: string, body: unknown, token?: string): Promise<T> {
    requireOnline();
    const b = { ...(body as Record<string, unknown>) };
    for (const field of Object.keys(PLACEHOLDER) as Filled[]) {
      if (b[field] === PLACEHOLDER[field]) b[field] = await this.fill(field);
    }
    for (const v of Object.values(b)) {
      if ((Object.values(PLACEHOLDER) as unknown[]).includes(v)) throw new Error('a placeholder was about to be sent');
    }
    for (;;) {
      try {
        const r = await super.post<T>(path, b, token);
        this.observe(r);
        return r;
      } catch (e) {
        if (isWzError(e, 'otp_invalid') && typeof b['code'] === 'string') {
          b['code'] = await this.ask({ kind: 'code', sentTo: this.sentTo ?? '', phone: this.phone ?? '', error: failureOf(e) });
          continue;
        }
        if (isWzError(e, 'weak_passphrase') && typeof b['passphrase'] === 'string') {
          b['passphrase'] = await this.ask({ kind: 'passphrase', error: failureOf(e) });
          continue;
        }
        if (isWzError(e, 'invalid_phone') && typeof b['phone'] === 'string') {
          b['phone'] = this.phone = await this.ask({ kind: 'phone', error: failureOf(e) });
          continue;
        }
        throw e;
      }
    }
  }

  private async fill(field: Filled): Promise<string> {
    if (field === 'phone') return (this.phone = await this.ask({ kind: 'phone' }));
    if (field === 'passphrase') return this.ask({ kind: 'passphrase' });
    if (this.label === undefined) throw new Error('the device label is asked before the device step');
    return this.label;
  }

  private observe(r: unknown): void {
    const o = (r ?? {}) as Record<string, unknown>;
    if (typeof o['issuer'] === 'string') this.issuer = o['issuer'];
    if (typeof o['similarity'] === 'number') this.similarity = o['similarity'];
    if (typeof o['sentTo'] === 'string') this.sentTo = o['sentTo'];
  }
}

export interface EnrollRun {
  documentType: string;
  documentNumber: string;
  /** The digest of the notice the person consented to before anything was read. */
  consentedDigest: string;
  ask: Ask;
  /** Progress: the library's step, and what the platform said that a person may see. */
  onStep: (step: EnrollStep, info: { similarity?: number; sentTo?: string }) => void;
}

export async function runEnrollment(o: EnrollRun): Promise<Outcome> {
  const client = new StepClient(o.ask);
  const pair = await generateDeviceKey();
  const publicJwk: PublicJwk = await publicJwkOf(pair.publicKey);
  const inner = webCryptoSigner(pair.privateKey, publicJwk);
  // The key signs the device proof only when the person binds this device (step 6).
  let bound = false;
  const signer: HolderSigner = {
    alg: inner.alg,
    publicJwk,
    async sign(data) {
      if (!bound) {
        client.label = (await o.ask({ kind: 'device' })).label;
        bound = true;
      }
      return inner.sign(data);
    },
  };
  const hardware: DeviceHardware = {
    readChip: () => sim.readChip(o.documentType, o.documentNumber),
    async captureFace(nonce) {
      const { subject } = await o.ask({ kind: 'face' });
      return sim.camera(o.documentType, o.documentNumber, subject, nonce);
    },
    async readSmsCode() {
      return o.ask({ kind: 'code', sentTo: client.sentTo ?? '', phone: client.phone ?? '' });
    },
  };

  const result = await enroll({
    platform: client,
    hardware,
    documentType: o.documentType,
    phone: PLACEHOLDER.phone,
    passphrase: PLACEHOLDER.passphrase,
    label: PLACEHOLDER.label,
    signer,
    digest: webDigest,
    // Consented before the chip was read; asked again only if the notice changed since.
    consent: async (notice) => {
      if (notice.digest === o.consentedDigest) return { processing: true, sensitive: true };
      const ok = await o.ask({ kind: 'notice', notice });
      return { processing: ok, sensitive: ok };
    },
    confirmReplacement: () => o.ask({ kind: 'replace' }),
    onStep: (step) => o.onStep(step, { ...(client.similarity !== undefined ? { similarity: client.similarity } : {}), ...(client.sentTo ? { sentTo: client.sentTo } : {}) }),
  });

  if (result.status === 'awaiting_guardian') return { status: 'awaiting_guardian', approvalCode: result.approvalCode };
  if (!client.issuer) throw new Error('the platform did not name its issuer');
  await checkIssued(client, result, { issuer: client.issuer, device: publicJwk });
  const masked = client.phone ? maskMobile(client.phone) : null;
  const wallet = walletRecord({ privateKey: pair.privateKey, publicJwk, credential: result.credential, label: client.label ?? '', maskedPhone: masked });
  await saveWallet(wallet);
  return { status: 'issued', wallet };
}
