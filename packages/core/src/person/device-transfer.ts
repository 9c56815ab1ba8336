/**
 * Device transfer proof: moving a 网证 to a new phone (`POST /v1/me/devices/transfer`), the new
 * phone shows it holds the private half of its new device key by signing a JWS over the
 * platform nonce of that very request and the id of the 网证 being moved, for the platform's
 * audience — the same idea as enrollment's device proof (../enrollment/device-proof.ts), with
 * its own `typ` so that neither proof can stand in for the other.
 *
 * Created by the wallet with the NEW key; verified by the platform (person side), which then
 * trusts nothing in it beyond "this key signed this transfer request". The request itself is
 * signed by the OLD device (its presentation binds the whole body, proof included).
 */
import { signJws, type PrivateKey } from '../crypto/index.ts';

export { DEVICE_TRANSFER_PROOF_TYP, type DeviceTransferClaims } from './device-transfer-claims.ts';
import { DEVICE_TRANSFER_PROOF_TYP, type DeviceTransferClaims } from './device-transfer-claims.ts';

export function createDeviceTransferProof(newKey: PrivateKey, c: Omit<DeviceTransferClaims, 'iat'> & { iat?: number }): string {
  return signJws({ aud: c.aud, nonce: c.nonce, cred: c.cred, iat: c.iat ?? Math.floor(Date.now() / 1000) }, newKey, {
    typ: DEVICE_TRANSFER_PROOF_TYP,
    jwk: newKey.publicKey.toJwk(),
  });
}
