/**
 * Public surface of the crypto layer. Import from `@wangzheng/core/crypto/index`.
 * See docs/crypto.md for algorithms, encodings and the SM2 distinguishing ID.
 */
export type { CryptoSuite, PrivateKey, PublicJwk, PublicKey, SigAlg, SigEncoding, SignOptions, SuiteName } from './types.ts';
export { getSuite, randomBytes } from './suites.ts';
export { generateKey, importPrivateKeyPem, importPublicKey, jwkThumbprint, sm2PrivateKeyFromScalar, sm2PublicKeyFromPoint, sm2PublicPoint, SIG_ALGS } from './keys.ts';
export { signJws, verifyJws, type JwsHeader, type KeyResolver, type VerifiedJws, type VerifyJwsOptions } from './jws.ts';
export { KeyRing } from './keyring.ts';
export { LruMap, SignatureMemo } from './memo.ts';
export { sm2Backend, sm2Z, SM2_DEFAULT_ID, type Sm2Id } from './sm2.ts';
export { b64u, fromB64u, toHex, fromHex, derToRaw, rawToDer } from './encoding.ts';
