/**
 * The proofs a device key signs about itself: binding it at enrollment (core's
 * enrollment/device-proof-claims.ts) and, as the NEW key, moving a 网证 to this phone (core's
 * person/device-transfer-claims.ts). The claims and `typ`s are core's; only the signing is here.
 */
import { DEVICE_PROOF_TYP, type DeviceProofClaims } from '@wangzheng/core/enrollment/device-proof-claims';
import { DEVICE_TRANSFER_PROOF_TYP, type DeviceTransferClaims } from '@wangzheng/core/person/device-transfer-claims';
import { signJwsWith } from './jws.ts';
import type { HolderSigner } from './ports.ts';

type Unstamped<T> = Omit<T, 'iat'> & { iat?: number };
const now = (): number => Math.floor(Date.now() / 1000);

export function deviceProof(signer: HolderSigner, c: Unstamped<DeviceProofClaims>): Promise<string> {
  return signJwsWith(signer, { aud: c.aud, nonce: c.nonce, enr: c.enr, th: c.th, iat: c.iat ?? now() }, { typ: DEVICE_PROOF_TYP, jwk: signer.publicJwk });
}

export function deviceTransferProof(newKey: HolderSigner, c: Unstamped<DeviceTransferClaims>): Promise<string> {
  return signJwsWith(newKey, { aud: c.aud, nonce: c.nonce, cred: c.cred, iat: c.iat ?? now() }, { typ: DEVICE_TRANSFER_PROOF_TYP, jwk: newKey.publicJwk });
}
