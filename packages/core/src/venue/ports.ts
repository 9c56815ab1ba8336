/**
 * What the venue code needs from the machine it runs on, as small injected ports, so that the
 * same code runs in the platform (Node: `@wangzheng/core/crypto`, see node.ts), in the wallet
 * and in a venue checker page (a browser: WebCrypto for ES256/EdDSA/SHA-256, an SM2/SM3 library
 * in JavaScript). Types only; portable.
 */
import type { PublicJwk } from '../crypto/types.ts';
import type { VenueHashAlg, VenueSigAlg } from './format.ts';

/**
 * Signature verification and hashing. `verify` takes the signed message itself (the hash — and
 * for SM2 the Z value with ID `1234567812345678` — is computed inside, as in JWS) and a raw
 * 64-byte signature (r‖s; RFC 8032 for EdDSA). It answers false for a signature that does not
 * match; it may also throw for a malformed one — the verifier treats a throw as false.
 */
export interface VenueCrypto {
  verify(alg: VenueSigAlg, publicKey: PublicJwk, data: Uint8Array, signature: Uint8Array): Promise<boolean>;
  digest(alg: VenueHashAlg, data: Uint8Array): Promise<Uint8Array>;
}

/** A key that signs (the platform's, for passes): raw r‖s / RFC 8032, never giving its private half away. */
export interface VenueSigner {
  readonly alg: VenueSigAlg;
  readonly publicJwk: PublicJwk;
  sign(data: Uint8Array): Promise<Uint8Array>;
}

/**
 * The checker's replay cache: keys seen, each until an expiry (epoch seconds). After that
 * instant the presentation is refused as stale anyway, so the key may be forgotten.
 * `MemoryReplayCache` (replay.ts) is the simple one; a checker may persist it (IndexedDB).
 */
export interface VenueReplayCache {
  has(key: string): boolean | Promise<boolean>;
  add(key: string, expiresAt: number): void | Promise<void>;
}

/** A 网证's entry in the Token Status List: 0 valid, 1 revoked, 2 suspended (a ban); `unknown` when not cached. */
export type VenueStatus = 'valid' | 'revoked' | 'suspended' | 'unknown';

/** A status with whether the list it came from is older than its `ttl` (the checker must say so). */
export interface VenueStatusAnswer {
  readonly status: VenueStatus;
  /** The cached list is older than its `ttl`: the answer may be out of date. */
  readonly stale?: boolean;
}

/** Looks an entry up in the checker's cached status list(s). `listId` is the decimal id (`/status-lists/<id>`). */
export type VenueStatusLookup = (listId: string, idx: number, now: number) => VenueStatus | VenueStatusAnswer | Promise<VenueStatus | VenueStatusAnswer>;
