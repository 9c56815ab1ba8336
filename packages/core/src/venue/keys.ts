/**
 * The device key inside a venue pass: 1 algorithm byte + 33 key bytes, portable (BigInt only).
 *
 * - SM2 (sm2p256v1) and ES256 (P-256): the SEC 1 §2.3.3 compressed point `02|03 ‖ x`. Both
 *   curves have p ≡ 3 (mod 4), so decompression is one exponentiation, y = (x³+ax+b)^((p+1)/4);
 *   a point is accepted only if that y really squares to x³+ax+b (it is on the curve) and
 *   x < p. The y whose parity the prefix names is chosen.
 * - EdDSA (Ed25519): `00 ‖` the 32-byte RFC 8032 public key (already compressed).
 *
 * `compressJwk` (issuer side) and `jwkFromCompressed` (checker side) are inverse; neither
 * trusts its input: malformed → undefined.
 */
import type { PublicJwk } from '../crypto/types.ts';
import { b64uDecode, b64uEncode, bigIntToBytes, bytesToBigInt, concatBytes } from '../encoding/bytes.ts';

export type VenueDeviceAlg = 'SM2' | 'ES256' | 'EdDSA';

/** The algorithm byte of the device key in a pass. */
export const DEVICE_ALG_CODES: Readonly<Record<VenueDeviceAlg, number>> = { SM2: 1, ES256: 2, EdDSA: 3 };
export const DEVICE_KEY_BYTES = 33;

interface Curve {
  readonly crv: 'SM2' | 'P-256';
  readonly p: bigint;
  readonly a: bigint;
  readonly b: bigint;
}

const P256: Curve = {
  crv: 'P-256',
  p: 0xffffffff00000001000000000000000000000000ffffffffffffffffffffffffn,
  a: 0xffffffff00000001000000000000000000000000fffffffffffffffffffffffcn,
  b: 0x5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604bn,
};
/** GB/T 32918.5 recommended curve parameters. */
const SM2P256: Curve = {
  crv: 'SM2',
  p: 0xfffffffeffffffffffffffffffffffffffffffff00000000ffffffffffffffffn,
  a: 0xfffffffeffffffffffffffffffffffffffffffff00000000fffffffffffffffcn,
  b: 0x28e9fa9e9d9f5e344d5a9e4bcf6509a7f39789f515ab8f92ddbcbd414d940e93n,
};

function curveOf(alg: VenueDeviceAlg): Curve | undefined {
  return alg === 'SM2' ? SM2P256 : alg === 'ES256' ? P256 : undefined;
}

export function algFromCode(code: number): VenueDeviceAlg | undefined {
  return code === 1 ? 'SM2' : code === 2 ? 'ES256' : code === 3 ? 'EdDSA' : undefined;
}

/** The JWS algorithm a public JWK is for (by `kty`/`crv`), or undefined. */
export function algOfJwk(jwk: Pick<PublicJwk, 'kty' | 'crv'>): VenueDeviceAlg | undefined {
  if (jwk.kty === 'EC' && jwk.crv === 'SM2') return 'SM2';
  if (jwk.kty === 'EC' && jwk.crv === 'P-256') return 'ES256';
  if (jwk.kty === 'OKP' && jwk.crv === 'Ed25519') return 'EdDSA';
  return undefined;
}

function modPow(base: bigint, exp: bigint, m: bigint): bigint {
  let r = 1n;
  let b = base % m;
  let e = exp;
  while (e > 0n) {
    if (e & 1n) r = (r * b) % m;
    b = (b * b) % m;
    e >>= 1n;
  }
  return r;
}

/** The 33 key bytes of a public JWK (SM2/P-256 compressed point, Ed25519 `00 ‖ key`); undefined if it is not one. */
export function compressJwk(jwk: PublicJwk): { alg: VenueDeviceAlg; bytes: Uint8Array } | undefined {
  const alg = algOfJwk(jwk);
  if (!alg) return undefined;
  const x = b64uDecode(jwk.x);
  if (alg === 'EdDSA') return x && x.length === 32 ? { alg, bytes: concatBytes(new Uint8Array([0]), x) } : undefined;
  const y = typeof jwk.y === 'string' ? b64uDecode(jwk.y) : undefined;
  if (!x || !y || x.length !== 32 || y.length !== 32) return undefined;
  return { alg, bytes: concatBytes(new Uint8Array([2 + (y[31]! & 1)]), x) };
}

/** The public JWK for `alg` and 33 key bytes; undefined when the bytes are not a point of the curve. */
export function jwkFromCompressed(alg: VenueDeviceAlg, bytes: Uint8Array): PublicJwk | undefined {
  if (bytes.length !== DEVICE_KEY_BYTES) return undefined;
  if (alg === 'EdDSA') return bytes[0] === 0 ? { kty: 'OKP', crv: 'Ed25519', x: b64uEncode(bytes.subarray(1)) } : undefined;
  const c = curveOf(alg);
  const prefix = bytes[0];
  if (!c || (prefix !== 2 && prefix !== 3)) return undefined;
  const x = bytesToBigInt(bytes.subarray(1));
  if (x >= c.p) return undefined;
  const rhs = (((x * x) % c.p) * x + c.a * x + c.b) % c.p;
  let y = modPow(rhs, (c.p + 1n) / 4n, c.p);
  if ((y * y) % c.p !== rhs) return undefined; // not a quadratic residue: no such point
  if (Number(y & 1n) !== (prefix & 1)) y = (c.p - y) % c.p;
  if (y === 0n && prefix === 3) return undefined;
  return { kty: 'EC', crv: c.crv, x: b64uEncode(bigIntToBytes(x, 32)), y: b64uEncode(bigIntToBytes(y, 32)) };
}
