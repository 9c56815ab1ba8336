/**
 * Platform nonces for the person-authenticated API (`/v1/me/…`): stateless to issue, single
 * use to spend.
 *
 * A nonce is `b64u(time ‖ 16 random bytes) . b64u(HMAC(key, "wangzheng-me-nonce" ‖ 0 ‖ time ‖ random)[0..16])`
 * under the first key of a platform ring (every key of the ring recognises one). Any server
 * process can check it without a database read; it is valid for ME_NONCE_TTL_MS. Spending it
 * records a digest in `spent_nonces` until it expires — one INSERT … ON CONFLICT DO NOTHING —
 * so of two uses, even at the same moment on two processes, exactly one succeeds.
 *
 * Trust: a nonce from a request is untrusted text until its MAC verifies; the MAC proves only
 * that we issued it and when, not to whom (anyone may ask for one). What ties it to the person
 * is the key-binding JWT signed over it (auth.ts).
 */
import { timingSafeEqual } from 'node:crypto';
import { b64u, fromB64u, randomBytes } from '@wangzheng/core/crypto/index';
import type { CryptoSuite } from '@wangzheng/core/crypto/types';
import { WzError } from '@wangzheng/core/errors';
import type { SecretRing } from '@wangzheng/core/identifiers/index';
import type { MeNonce } from '@wangzheng/core/person/views';
import type { SpentNonceWriter } from '../store/index.ts';

export const ME_NONCE_TTL_MS = 120_000;
/** Clock skew tolerated for a nonce from the future (another process's clock). */
const SKEW_MS = 5_000;
const enc = new TextEncoder();

export interface MeNonceDeps {
  readonly suite: CryptoSuite;
  /** Key material for the nonces' MAC (domain-separated; the blind-index ring in practice). */
  readonly keys: SecretRing;
  readonly store: { readonly spentNonces: SpentNonceWriter };
  readonly now: () => number;
}

/** A nonce whose MAC and age were checked, ready to be spent. */
export interface CheckedNonce {
  readonly value: string;
  readonly expiresAt: number;
}

export class MeNonces {
  constructor(private readonly deps: MeNonceDeps) {}

  async issue(): Promise<MeNonce> {
    const t = this.deps.now();
    const body = Buffer.alloc(24);
    body.writeBigUInt64BE(BigInt(t), 0);
    body.set(randomBytes(16), 8);
    return { nonce: `${b64u(body)}.${b64u(this.#mac(this.deps.keys[0].key, body))}`, expiresAt: new Date(t + ME_NONCE_TTL_MS).toISOString() };
  }

  /** `nonce_mismatch` when malformed or not ours; `nonce_expired` when older than the TTL. */
  check(nonce: unknown): CheckedNonce {
    const [a, b, extra] = typeof nonce === 'string' && nonce.length <= 128 ? nonce.split('.') : [];
    const body = a ? fromB64u(a) : undefined;
    const mac = b ? fromB64u(b) : undefined;
    const forged = (): WzError => new WzError('nonce_mismatch', 'This nonce was not issued by the platform; ask for a new one (GET /v1/me/nonce).');
    if (extra !== undefined || !body || body.length !== 24 || !mac || mac.length !== 16) throw forged();
    if (!this.deps.keys.some((k) => timingSafeEqual(this.#mac(k.key, body), mac))) throw forged();
    const t = Number(Buffer.from(body).readBigUInt64BE(0));
    const now = this.deps.now();
    if (t > now + SKEW_MS || t + ME_NONCE_TTL_MS <= now) {
      throw new WzError('nonce_expired', 'This nonce has expired (they last two minutes); ask for a new one.');
    }
    return { value: nonce as string, expiresAt: t + ME_NONCE_TTL_MS };
  }

  /** Single use: the first call for a nonce succeeds, every later one is `nonce_replayed`. */
  async spend(n: CheckedNonce): Promise<void> {
    const digest = this.deps.suite.hash(enc.encode(`wangzheng-me-nonce-spent\u0000${n.value}`));
    if (!(await this.deps.store.spentNonces.spend(digest, n.expiresAt))) {
      throw new WzError('nonce_replayed', 'This request was already made once; a request cannot be sent again.');
    }
  }

  #mac(key: Uint8Array, body: Uint8Array): Buffer {
    return Buffer.from(this.deps.suite.hmac(key, Buffer.concat([enc.encode('wangzheng-me-nonce\u0000'), body]))).subarray(0, 16);
  }
}
