/**
 * Loader for the wz_sm2 N-API addon (see src/wz_sm2.c). Loading never throws: it returns the
 * addon or the Error that explains why it is unavailable, so that callers can apply their own
 * policy (packages/core/src/crypto/sm2.ts refuses to run without it unless WZ_SM2_BACKEND=js).
 *
 * Handles are opaque: a private handle signs, a public handle verifies; the addon checks the
 * handle's type tag on every call, and the garbage collector frees the OpenSSL key.
 */
import { createRequire } from 'node:module';

declare const sm2PrivateHandle: unique symbol;
declare const sm2PublicHandle: unique symbol;
export type Sm2NativePrivate = { readonly [sm2PrivateHandle]: true };
export type Sm2NativePublic = { readonly [sm2PublicHandle]: true };

export interface Sm2Native {
  /** 32-byte raw scalar, PKCS#8 / SEC1 DER, or PEM text (as bytes). Validates the key pair. */
  importPrivate(key: Uint8Array): Sm2NativePrivate;
  /** 65-byte uncompressed point, SPKI DER, or PEM text (as bytes). Validates the point. */
  importPublic(key: Uint8Array): Sm2NativePublic;
  generate(): Sm2NativePrivate;
  publicOf(key: Sm2NativePrivate): Sm2NativePublic;
  exportRaw(key: Sm2NativePrivate): { d: Buffer; pub: Buffer };
  exportRaw(key: Sm2NativePublic): { pub: Buffer };
  /** SM2 with SM3 over `data` and the distinguishing `id`; returns the DER signature, or raw r‖s (64 bytes) when `raw`. */
  sign(key: Sm2NativePrivate, data: Uint8Array, id: Uint8Array, raw?: boolean): Buffer;
  /**
   * true only for a valid signature; false for a wrong or malformed DER one. With `raw` the
   * signature must be exactly 64 bytes r‖s (throws WZ_SM2_ARG otherwise).
   */
  verify(key: Sm2NativePublic, data: Uint8Array, signature: Uint8Array, id: Uint8Array, raw?: boolean): boolean;
}

/** Where the build puts the addon (node-gyp's default layout). */
export const ADDON_PATH = new URL('./build/Release/wz_sm2.node', import.meta.url);

let cached: Sm2Native | Error | undefined;

/** Loads the addon once; returns it, or the Error explaining why it cannot load. */
export function loadSm2Native(): Sm2Native | Error {
  if (cached !== undefined) return cached;
  try {
    const require = createRequire(import.meta.url);
    cached = require('./build/Release/wz_sm2.node') as Sm2Native;
  } catch (e) {
    cached = e instanceof Error ? e : new Error(String(e));
  }
  return cached;
}
