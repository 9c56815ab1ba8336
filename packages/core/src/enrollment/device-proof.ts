/**
 * Device binding proof: the wallet shows it holds the private half of the device key by
 * signing a JWS over the enrollment's current nonce and transcript (the hash chain of every
 * step so far), for the platform's audience. Created by the wallet, verified by the platform
 * (which then trusts nothing in it beyond "this key signed this enrollment state").
 */
import { importPublicKey, signJws, verifyJws, type PrivateKey, type PublicJwk, type PublicKey } from '../crypto/index.ts';
import { WzError } from '../errors.ts';

export { DEVICE_PROOF_TYP, type DeviceProofClaims } from './device-proof-claims.ts';
import { DEVICE_PROOF_TYP, type DeviceProofClaims } from './device-proof-claims.ts';

export function createDeviceProof(key: PrivateKey, c: Omit<DeviceProofClaims, 'iat'> & { iat?: number }): string {
  return signJws({ aud: c.aud, nonce: c.nonce, enr: c.enr, th: c.th, iat: c.iat ?? Math.floor(Date.now() / 1000) }, key, { typ: DEVICE_PROOF_TYP, jwk: key.publicKey.toJwk() });
}

/** The algorithms a device key may use (a deployment may allow fewer: WZ_DEVICE_ALGS). */
export const DEVICE_ALGS = ['SM2', 'ES256', 'EdDSA'] as const;
export type DeviceAlg = (typeof DEVICE_ALGS)[number];

/**
 * A proof of possession of a new device key: `proof` must be a JWS signed by `publicJwk`, a key
 * of one of the `allowed` algorithms (default: SM2, ES256 or EdDSA). Returns the key and what the proof says; nothing in the claims or
 * the header is trusted yet — the caller checks `typ`, audience, nonce and what is bound.
 *
 * @throws WzError `invalid_key`, `unsupported_algorithm`, or `invalid_device_proof`.
 */
export function verifyDeviceKeyProof(
  publicJwk: unknown,
  proof: unknown,
  what: string,
  allowed: readonly DeviceAlg[] = DEVICE_ALGS,
): { key: PublicKey; typ: unknown; claims: Record<string, unknown> } {
  const key = importPublicKey(publicJwk as PublicJwk);
  if (!(allowed as readonly string[]).includes(key.alg)) throw new WzError('unsupported_algorithm', `Device keys here must be ${allowed.join(', ')}.`);
  let verified;
  try {
    verified = verifyJws(proof as string, key, { algorithms: [key.alg] });
  } catch (e) {
    throw new WzError('invalid_device_proof', `The ${what} is not signed by the device key.`, { cause: e });
  }
  return { key, typ: verified.header.typ, claims: verified.json<Record<string, unknown> | null>() ?? {} };
}
