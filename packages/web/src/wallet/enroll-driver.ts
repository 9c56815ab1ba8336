/**
 * Runs the wallet library's `enroll` (packages/wallet/src/enroll/enroll.ts: the protocol, not
 * ours) from the enrollment screen, one question to the person at a time.
 *
 * `enroll` asks each answer at its own step, and this driver's askers put the question to the
 * screen (`Ask`): the face capture (step 3), the phone number and the SMS code (4), the
 * passphrase (5), the device label (6). When the platform refuses an answer and keeps the step
 * open — a wrong SMS code (the step keeps its nonce: docs/enrollment.md), a passphrase the
 * platform finds weak (the birth-date rule) — `enroll` itself asks again, and the refusal is the
 * question's `error`, shown to the person; a passphrase the wallet's own rules refuse is asked
 * again the same way without being sent. Anything else ends the attempt.
 *
 * The device key is a fresh non-extractable WebCrypto key (shared/crypto.ts); `enroll` has it
 * sign the device proof only after the person named the device and pressed "bind" at step 6.
 * The issued 网证 is checked (shared/issued.ts) and only then stored with the key in this browser.
 * If the browser will not store it (storage full or unavailable), the outcome says so and still
 * carries the wallet — the 网证 and the in-memory key — for the page to keep and save again.
 */
import { maskMobile } from '@wangzheng/core/contact/phone';
import type { PublicJwk } from '@wangzheng/core/crypto/types';
import { PlatformClient } from '@wangzheng/wallet/enroll/client';
import { enroll, type EnrollStep, type NoticeView } from '@wangzheng/wallet/enroll/enroll';
import { boundFetch, failureOf, requireOnline, sim, StorageError, type Failure } from '../shared/api.ts';
import { generateDeviceKey, publicJwkOf, webCryptoSigner, webDigest } from '../shared/crypto.ts';
import { checkIssued } from '../shared/issued.ts';
import { saveWallet, walletRecord, type StoredWallet } from '../shared/store.ts';

/** What the enrollment screen is asked, in order. `error`: why the previous answer was refused. */
export type Question =
  | { kind: 'face' }
  | { kind: 'replace' }
  | { kind: 'phone' }
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

/** `notSaved`: issued and checked, but the browser refused to store it (why): the page must keep `wallet`. */
export type Outcome = { status: 'issued'; wallet: StoredWallet; notSaved?: Failure } | { status: 'awaiting_guardian'; approvalCode: string };

/** The platform client of one enrollment: refuses while offline; remembers the issuer, and what the screen shows. */
class StepClient extends PlatformClient {
  issuer: string | undefined;
  similarity: number | undefined;
  sentTo: string | undefined;

  constructor() {
    super(location.origin, boundFetch);
  }

  override async get<T>(path: string, token?: string): Promise<T> {
    requireOnline();
    return super.get<T>(path, token);
  }

  override async post<T>(path: string, body: unknown, token?: string): Promise<T> {
    requireOnline();
    const r = await super.post<T>(path, body, token);
    const o = (r ?? {}) as Record<string, unknown>;
    if (typeof o['issuer'] === 'string') this.issuer = o['issuer'];
    if (typeof o['similarity'] === 'number') this.similarity = o['similarity'];
    if (typeof o['sentTo'] === 'string') this.sentTo = o['sentTo'];
    return r;
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
  const client = new StepClient();
  const pair = await generateDeviceKey();
  const publicJwk: PublicJwk = await publicJwkOf(pair.publicKey);
  let phone = '';
  let label = '';

  const result = await enroll({
    platform: client,
    hardware: {
      readChip: () => sim.readChip(o.documentType, o.documentNumber),
      async captureFace(nonce) {
        const { subject } = await o.ask({ kind: 'face' });
        return sim.camera(o.documentType, o.documentNumber, subject, nonce);
      },
      readSmsCode: (to, refused) => o.ask({ kind: 'code', sentTo: client.sentTo ?? '', phone: to, error: refused }),
    },
    documentType: o.documentType,
    phone: async () => (phone = await o.ask({ kind: 'phone' })),
    passphrase: (refused) => o.ask({ kind: 'passphrase', error: refused }),
    label: async () => (label = (await o.ask({ kind: 'device' })).label),
    signer: webCryptoSigner(pair.privateKey, publicJwk),
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
  const wallet = walletRecord({ privateKey: pair.privateKey, publicJwk, credential: result.credential, label, maskedPhone: phone ? maskMobile(phone) : null });
  try {
    await saveWallet(wallet);
  } catch (e) {
    if (!(e instanceof StorageError)) throw e;
    return { status: 'issued', wallet, notSaved: failureOf(e) };
  }
  return { status: 'issued', wallet };
}
