/**
 * A key ring for rotation: the first key signs, every key verifies. Immutable: `rotate` and
 * `retire` return new rings, so a configuration reload swaps one reference.
 *
 * Rotation procedure: `ring.rotate(newKey)` → publish `jwks()` (old keys still listed) → after
 * the longest token lifetime, `retire(oldKid)`.
 */
import { WzError } from '../errors.ts';
import { signJws, verifyJws, type JwsHeader, type VerifiedJws, type VerifyJwsOptions } from './jws.ts';
import type { PrivateKey, PublicJwk, PublicKey } from './types.ts';

export class KeyRing {
  readonly signer: PrivateKey;
  /** Public keys that verify, signer's first. */
  readonly verifiers: readonly PublicKey[];

  constructor(signer: PrivateKey, verifyOnly: readonly PublicKey[] = []) {
    this.signer = signer;
    const seen = new Set<string>([signer.publicKey.thumbprint]);
    const list: PublicKey[] = [signer.publicKey];
    for (const k of verifyOnly) {
      if (seen.has(k.thumbprint)) continue;
      seen.add(k.thumbprint);
      list.push(k);
    }
    this.verifiers = list;
  }

  /** The signer's key id (RFC 7638 thumbprint). */
  get kid(): string {
    return this.signer.publicKey.thumbprint;
  }

  /** A new ring where `next` signs and all current keys still verify. */
  rotate(next: PrivateKey): KeyRing {
    return new KeyRing(next, this.verifiers);
  }

  /** A new ring without the verify-only key `kid`. The signer cannot be retired. */
  retire(kid: string): KeyRing {
    if (kid === this.kid) throw new WzError('conflict', 'The active signing key cannot be retired.', { detail: 'retire signer' });
    return new KeyRing(this.signer, this.verifiers.filter((k) => k.thumbprint !== kid).slice(1));
  }

  find(kid: string): PublicKey | undefined {
    return this.verifiers.find((k) => k.thumbprint === kid);
  }

  /** Public JWK Set (only public members). */
  jwks(): { keys: PublicJwk[] } {
    return { keys: this.verifiers.map((k) => k.toJwk()) };
  }

  sign(data: Uint8Array): Uint8Array {
    return this.signer.sign(data, 'raw');
  }

  signJws(payload: Uint8Array | object, header?: Record<string, unknown>): string {
    return signJws(payload, this.signer, header);
  }

  /** Verifies with the key named by `kid`, or every ring key when the token has none / an unknown one. */
  verifyJws(token: string, opts: VerifyJwsOptions): VerifiedJws {
    return verifyJws(token, (h: JwsHeader) => (typeof h.kid === 'string' ? this.find(h.kid) : undefined) ?? this.verifiers, opts);
  }
}
