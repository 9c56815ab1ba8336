/**
 * The crypto suite contract. Two suites implement it:
 * - `gm` (default, national cryptography): SM2 signatures per GB/T 32918.2 with SM3 and the
 *   distinguishing ID `1234567812345678`, SM3, HMAC-SM3, SM4-GCM (RFC 8998).
 * - `intl` (interoperability): ES256 / EdDSA (Ed25519), SHA-256, HMAC-SHA-256, AES-256-GCM.
 *
 * Everything here is synchronous and works on bytes (`Uint8Array`; Node `Buffer` is one).
 * Key objects are opaque handles: parse once, keep, reuse (parsing on every call costs more
 * than the signature itself).
 */

export type SuiteName = 'gm' | 'intl';

/** JOSE `alg` names we sign with. `SM2` is not IANA-registered: see docs/crypto.md. */
export type SigAlg = 'SM2' | 'ES256' | 'EdDSA';

/** How a signature is encoded: `der` (X9.62 / GB/T 32918 ASN.1, what OpenSSL emits) or `raw` (r‖s, 64 bytes, what JWS uses). */
export type SigEncoding = 'der' | 'raw';

/** A public JWK as we publish it: only these fields, never `d`. */
export interface PublicJwk {
  kty: 'EC' | 'OKP';
  crv: 'SM2' | 'P-256' | 'Ed25519';
  x: string;
  y?: string;
  kid?: string;
  alg?: SigAlg;
  use?: 'sig';
}

/**
 * Per-call options. `sm2Id` is the SM2 distinguishing ID (UTF-8 string or bytes, default
 * `1234567812345678`); giving it for a non-SM2 key is a programming error (TypeError).
 */
export interface SignOptions {
  sm2Id?: string | Uint8Array;
}

export interface PublicKey {
  readonly alg: SigAlg;
  /** RFC 7638 thumbprint (SHA-256, base64url) — stable key id. */
  readonly thumbprint: string;
  /**
   * Default encoding `raw`. Returns false for a well-formed signature that does not match;
   * throws WzError('invalid_signature') when the signature is not well-formed for the
   * encoding (wrong length, bad DER). For EdDSA both encodings are the 64-byte RFC 8032 form.
   */
  verify(data: Uint8Array, signature: Uint8Array, encoding?: SigEncoding, opts?: SignOptions): boolean;
  toJwk(): PublicJwk;
  /** SubjectPublicKeyInfo PEM, readable by `openssl pkey -pubin`. */
  toPem(): string;
}

export interface PrivateKey {
  readonly alg: SigAlg;
  readonly publicKey: PublicKey;
  /** Signs `data` (the hash, and for SM2 the Z value, are computed inside). Default encoding `raw`. */
  sign(data: Uint8Array, encoding?: SigEncoding, opts?: SignOptions): Uint8Array;
  /** PKCS#8 PEM, readable by OpenSSL. Handle with care: it is the secret. */
  toPem(): string;
}

export interface CryptoSuite {
  readonly name: SuiteName;
  /** The default signature algorithm of this suite (`SM2` for gm, `ES256` for intl). */
  readonly sigAlg: SigAlg;
  /** Hash name: `sm3` or `sha256`. */
  readonly hashName: 'sm3' | 'sha256';
  hash(data: Uint8Array): Uint8Array;
  hmac(key: Uint8Array, data: Uint8Array): Uint8Array;
  /** AEAD: SM4-GCM (gm) or AES-256-GCM (intl). Output = iv(12) ‖ ciphertext ‖ tag(16). */
  seal(key: Uint8Array, plaintext: Uint8Array, aad?: Uint8Array): Uint8Array;
  /** Throws WzError('decryption_failed') on any tampering or wrong key. */
  open(key: Uint8Array, sealed: Uint8Array, aad?: Uint8Array): Uint8Array;
  /** AEAD key length in bytes: 16 for SM4, 32 for AES-256. */
  readonly aeadKeyLength: number;
  generateKey(alg?: SigAlg): PrivateKey;
}
