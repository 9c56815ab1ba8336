/**
 * Re-verification of flagged accounts (动态身份认证): a telecom operator, bank, payment
 * institution or internet service that suspects an account asks the platform to re-verify
 * the person behind the application identifier it knows. The request is addressed to that
 * person (only their 网证 can answer it), always in face mode, shows the RP's binding message,
 * and appears in their wallet's pending list. The RP polls and fetches the receipt through
 * the same endpoints as any request.
 *
 * The wallet's pending list is authenticated by a presentation of the 网证 over a platform
 * nonce. The nonce is stateless (a timestamp and its HMAC under a platform key), so any server
 * process can check it; it is valid for two minutes.
 */
import { timingSafeEqual } from 'node:crypto';
import { b64u, fromB64u } from '@wangzheng/core/crypto/index';
import { WzError } from '@wangzheng/core/errors';
import type { SecretRing } from '@wangzheng/core/identifiers/index';
import type { RelyingParty, RpCategory } from '@wangzheng/core/rp/types';
import type { PendingRequest } from '@wangzheng/core/verification/views';
import type { CryptoSuite } from '@wangzheng/core/crypto/types';
import type { HolderVerifier } from '../credential/holder.ts';
import { rpKind, type BlindIndexer, type DataProtector } from '../protect/index.ts';
import type { Store } from '../store/index.ts';
import { AWAITING_GUARDIAN, type VerificationService } from './service.ts';
import type { CreatedRequest } from './types.ts';

export const REVERIFY_CATEGORIES: readonly RpCategory[] = ['telecom_operator', 'bank', 'payment_institution', 'internet_service'];
/** Longer than an interactive request: the person may not have the phone at hand. */
export const REVERIFY_TTL_MS = 30 * 60_000;
export const WALLET_NONCE_TTL_MS = 120_000;

export interface ReverifyDeps {
  readonly store: Store;
  readonly service: VerificationService;
  readonly blindIndexer: BlindIndexer;
  readonly holders: HolderVerifier;
  readonly protector: DataProtector;
  readonly suite: CryptoSuite;
  /** Key material for the stateless wallet nonces (derived, never used for anything else). */
  readonly nonceKeys: SecretRing;
  readonly now: () => number;
}

export type PendingForWallet = PendingRequest;

const enc = new TextEncoder();

export class Reverification {
  constructor(private readonly deps: ReverifyDeps) {}

  async request(rp: RelyingParty, req: { sub: string; bindingMessage: string; bizSeq: string }): Promise<CreatedRequest> {
    if (!REVERIFY_CATEGORIES.includes(rp.category)) {
      throw new WzError('reverification_not_allowed', 'Only telecom operators, banks, payment institutions and internet services may ask to re-verify an account.');
    }
    const kind = rpKind(rp.clientId);
    const person = typeof req.sub === 'string' && /^A[0-9A-Z]{25}$/.test(req.sub)
      ? await this.deps.store.persons.findByBlindIndex(kind, this.deps.blindIndexer.candidates(kind, req.sub).map((c) => c.digest))
      : undefined;
    if (!person || person.status !== 'active') throw new WzError('unknown_subject', 'No person has verified at this relying party with this application identifier.');
    const created = await this.deps.service.createRequest(rp, {
      kind: 'reverify',
      bizSeq: req.bizSeq,
      mode: 'wz_face',
      personId: person.id,
      bindingMessage: req.bindingMessage,
      ttlMs: REVERIFY_TTL_MS,
    });
    // The reference reaches the person only through their own wallet's pending list.
    const { ref: _ref, link: _link, walletUrl: _walletUrl, ...forRp } = created;
    return forRp as CreatedRequest;
  }

  /** A stateless nonce for the wallet's pending-list presentation. */
  walletNonce(): { nonce: string; expiresAt: string } {
    const t = this.deps.now();
    const ts = Buffer.alloc(8);
    ts.writeBigUInt64BE(BigInt(t));
    return { nonce: `${b64u(ts)}.${b64u(this.#mac(ts).subarray(0, 16))}`, expiresAt: new Date(t + WALLET_NONCE_TTL_MS).toISOString() };
  }

  /** The requests addressed to the presenting person. The references are returned only here. */
  async pending(presentation: unknown, nonce: string): Promise<{ requests: PendingForWallet[] }> {
    this.#checkNonce(nonce);
    const holder = await this.deps.holders.authenticate(presentation, nonce);
    const rows = await this.deps.store.verifications.listPendingForPerson(holder.person.id, this.deps.now());
    const out: PendingForWallet[] = [];
    for (const r of rows) {
      const rp = await this.deps.store.relyingParties.findByClientId(r.clientId);
      if (!rp) continue;
      let ward: { name: string } | undefined;
      if (r.failure === AWAITING_GUARDIAN && r.result) {
        const held = this.deps.protector.openFor(holder.dek, holder.person.id, 'verification', r.result) as { childName?: string };
        ward = { name: held.childName ?? '' };
      }
      out.push({
        ref: this.deps.service.refFor(r.id),
        kind: r.kind,
        rp: { name: rp.name, category: rp.category, purpose: rp.purpose },
        bindingMessage: r.bindingMessage,
        mode: r.mode,
        expiresAt: new Date(r.expiresAt).toISOString(),
        ...(ward ? { ward } : {}),
      });
    }
    return { requests: out };
  }

  #checkNonce(nonce: string): void {
    const [a, b] = typeof nonce === 'string' ? nonce.split('.') : [];
    const ts = a ? fromB64u(a) : undefined;
    const mac = b ? fromB64u(b) : undefined;
    if (!ts || ts.length !== 8 || !mac || mac.length !== 16) throw new WzError('nonce_mismatch', 'Ask for a new wallet nonce.');
    const expected = this.#mac(ts).subarray(0, 16);
    const t = Number(Buffer.from(ts).readBigUInt64BE(0));
    if (!timingSafeEqual(expected, mac) || t > this.deps.now() + 5_000 || t + WALLET_NONCE_TTL_MS < this.deps.now()) {
      throw new WzError('nonce_mismatch', 'This wallet nonce is not valid (forged or older than two minutes).');
    }
  }

  #mac(data: Uint8Array): Buffer {
    return Buffer.from(this.deps.suite.hmac(this.deps.nonceKeys[0].key, Buffer.concat([enc.encode('wangzheng-wallet\u0000'), data])));
  }
}
