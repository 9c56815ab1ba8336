/**
 * What the holder's protocol code needs from the device it runs on, as three small ports, so
 * that one protocol core (enrollment, answering verifications, the /v1/me controls, venue
 * passes) drives both the CLI (Node: keys in the sealed keystore, node:crypto) and the web
 * wallet (a browser: a non-extractable WebCrypto key in IndexedDB, SM3 in JavaScript).
 *
 * Everything under `holder/` is portable: no `node:` modules, no `Buffer`. Node adapters live
 * in `holder/node.ts`; browser adapters live in the web package.
 */
import type { PublicJwk, SigAlg } from '@wangzheng/core/crypto/types';

/** `_sd_alg` / request-digest hash names: `sm3` (gm suite) or `sha-256` (intl). */
export type HolderHashAlg = 'sm3' | 'sha-256';

/**
 * The device key, able to sign but never to give its private half away. `sign` returns the
 * JWS form of the signature (raw `r‖s`, 64 bytes, for SM2 and ES256; RFC 8032 for EdDSA);
 * SM2 signs with the standard distinguishing ID `1234567812345678` and SM3.
 */
export interface HolderSigner {
  readonly alg: Extract<SigAlg, 'SM2' | 'ES256' | 'EdDSA'>;
  /** The public half as a JWK (no `d`), as the platform binds it into the 网证's `cnf`. */
  readonly publicJwk: PublicJwk;
  sign(data: Uint8Array): Promise<Uint8Array>;
}

/** A hash function: `sm3` or `sha-256` over bytes. */
export type HolderDigest = (alg: HolderHashAlg, data: Uint8Array) => Promise<Uint8Array>;

/** A wallet's own 网证 and the device it is bound to. */
export interface Holder {
  /** The 网证 as stored: SD-JWT VC with all its disclosures, no KB-JWT. */
  readonly credential: string;
  readonly signer: HolderSigner;
  readonly digest: HolderDigest;
}
