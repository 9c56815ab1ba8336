/**
 * Device binding proof: the wallet shows it holds the private half of the device key by
 * signing a JWS over the enrollment's current nonce and transcript (the hash chain of every
 * step so far), for the platform's audience. Created by the wallet, verified by the platform
 * (which then trusts nothing in it beyond "this key signed this enrollment state").
 */
import { signJws, type PrivateKey } from '../crypto/index.ts';

export const DEVICE_PROOF_TYP = 'wz-device-proof+jwt';

export interface DeviceProofClaims {
  /** The platform's issuer URL. */
  readonly aud: string;
  readonly nonce: string;
  /** Enrollment id. */
  readonly enr: string;
  /** The transcript the platform returned with the nonce. */
  readonly th: string;
  readonly iat: number;
}

export function createDeviceProof(key: PrivateKey, c: Omit<DeviceProofClaims, 'iat'> & { iat?: number }): string {
  return signJws({ aud: c.aud, nonce: c.nonce, enr: c.enr, th: c.th, iat: c.iat ?? Math.floor(Date.now() / 1000) }, key, { typ: DEVICE_PROOF_TYP, jwk: key.publicKey.toJwk() });
}
