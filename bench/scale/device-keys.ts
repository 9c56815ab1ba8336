/**
 * Device public keys for generated people, fast: the wallet's key pair is made on the phone, and
 * the platform keeps only its public JWK and RFC 7638 thumbprint. Node's SM2 key generation costs
 * ~0.6 ms (OpenSSL has no fixed-base table for SM2), 1.7 h of CPU at 10 M people; here the keys are
 * the consecutive multiples k·G, (k+1)·G, … of the SM2 base point from a random k (one point
 * addition each, affine coordinates for a whole batch with one inversion): real points on the
 * curve, each a valid SM2 public key, ~40 µs each. Their private keys are not kept (nobody can
 * present these 网证; the benchmark's own holders are enrolled through the API).
 *
 * The curve arithmetic is @noble/curves, which sm-crypto-v2 (a dependency) already brings.
 */
import { randomBytes } from 'node:crypto';
import { Field } from '@noble/curves/abstract/modular';
import { weierstrassPoints } from '@noble/curves/abstract/weierstrass';
import { jwkThumbprint } from '@wangzheng/core/crypto/index';

// GB/T 32918.5 (sm2p256v1).
const P = BigInt('0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000FFFFFFFFFFFFFFFF');
const SM2 = weierstrassPoints({
  a: P - 3n,
  b: BigInt('0x28E9FA9E9D9F5E344D5A9E4BCF6509A7F39789F515AB8F92DDBCBD414D940E93'),
  Fp: Field(P),
  n: BigInt('0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFF7203DF6B21C6052B53BBF40939D54123'),
  Gx: BigInt('0x32C4AE2C1F1981195F9904466A39C9948FE30BBFF2660BE1715A4589334C74C7'),
  Gy: BigInt('0xBC3736A2F4F6779C59BDCEE36B692153D0A9877CC62A474002DF32E52139F0A0'),
  h: 1n,
});
const G = SM2.ProjectivePoint.BASE;

export interface DeviceKey {
  /** The public JWK as the platform stores it (`devices.public_jwk`). */
  readonly publicJwk: string;
  readonly thumbprint: string;
}

const coord = (n: bigint): string => Buffer.from(n.toString(16).padStart(64, '0'), 'hex').toString('base64url');

/** A stream of distinct SM2 public keys, from a fresh random starting multiple. */
export class DeviceKeys {
  #point = G.multiply((BigInt(`0x${randomBytes(32).toString('hex')}`) % (SM2.CURVE.n - 2n ** 40n)) + 1n);

  next(count: number): DeviceKey[] {
    const pts = [];
    for (let i = 0; i < count; i++) {
      this.#point = this.#point.add(G);
      pts.push(this.#point);
    }
    return SM2.ProjectivePoint.normalizeZ(pts).map((p) => {
      const { x, y } = p.toAffine();
      const jwk = { kty: 'EC', crv: 'SM2', x: coord(x), y: coord(y) } as const;
      const thumbprint = jwkThumbprint(jwk);
      return { publicJwk: JSON.stringify({ ...jwk, kid: thumbprint, alg: 'SM2', use: 'sig' }), thumbprint };
    });
  }
}
