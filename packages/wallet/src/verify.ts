/**
 * Answering a verification request, wallet side: read who asks and for what, then approve
 * with what the mode demands — a key-binding presentation of the 网证 over the request's
 * nonce (always; no identity fields are disclosed to the platform by it), the passphrase
 * (modes with 口令), a live face capture against the registry's liveness nonce (modes with
 * 人脸) — and consent to each extra field the relying party is approved for.
 */
import type { PendingRequest, VerificationView } from '@wangzheng/core/verification/views';
import type { PlatformClient } from './enroll/client.ts';
import { issuerOf, presentCredential } from './holder/credential.ts';
import type { Holder } from './holder/ports.ts';

export type { PendingRequest, VerificationView };

export interface AnswerOptions {
  ref: string;
  /** The wallet's own 网证 and device (holder/ports.ts). */
  holder: Holder;
  approve?: boolean;
  passphrase?: string;
  /** Captures a face probe for the registry's liveness nonce (face modes). */
  captureFace?: (nonce: string) => Promise<number[]>;
  /** Decides which extra fields to consent to, having seen them; default: none. */
  consent?: (view: VerificationView) => string[] | Promise<string[]>;
}

export async function describeVerification(platform: PlatformClient, ref: string): Promise<VerificationView> {
  return platform.get<VerificationView>(`/v1/verifications/${encodeURIComponent(ref)}`);
}

export async function answerVerification(platform: PlatformClient, o: AnswerOptions): Promise<{ status: string; failure?: string; rp: string }> {
  const path = `/v1/verifications/${encodeURIComponent(o.ref)}`;
  const view = await describeVerification(platform, o.ref);
  if (o.approve === false) {
    // The decline carries a presentation (nothing disclosed) so it is the person's own, in their history (docs/person.md).
    const presentation = await presentCredential(o.holder, { disclose: [], audience: view.audience, nonce: view.nonce });
    return platform.post(`${path}/answer`, { approve: false, presentation });
  }
  let probe: number[] | undefined;
  if (view.requires.face) {
    if (!o.captureFace) throw new TypeError('this request needs a face capture');
    const ch = await platform.post<{ nonce: string }>(`${path}/face-challenge`, {});
    probe = await o.captureFace(ch.nonce);
  }
  const presentation = await presentCredential(o.holder, { disclose: [], audience: view.audience, nonce: view.nonce });
  const chosen = o.consent ? await o.consent(view) : [];
  // Sensitive fields travel as a separate consent (the UI asked for them one by one).
  const isSensitive = (s: string): boolean => view.scopes.some((x) => x.scope === s && x.sensitive);
  const scopes = chosen.filter((s) => !isSensitive(s));
  const sensitive = chosen.filter(isSensitive);
  return platform.post(`${path}/answer`, {
    approve: true,
    presentation,
    ...(o.passphrase !== undefined ? { passphrase: o.passphrase } : {}),
    ...(probe ? { probe } : {}),
    ...(chosen.length > 0 ? { consent: { scopes, ...(sensitive.length > 0 ? { sensitive } : {}) } } : {}),
  });
}


/**
 * Requests addressed to this wallet's person (re-verification of a flagged account): the
 * wallet proves who it is with a presentation over a fresh platform nonce.
 */
export async function listPendingRequests(platform: PlatformClient, holder: Holder): Promise<PendingRequest[]> {
  const { nonce } = await platform.get<{ nonce: string }>('/v1/wallet/nonce');
  const presentation = await presentCredential(holder, { disclose: [], audience: issuerOf(holder.credential), nonce });
  return (await platform.post<{ requests: PendingRequest[] }>('/v1/wallet/pending', { nonce, presentation })).requests;
}
