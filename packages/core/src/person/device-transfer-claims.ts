/**
 * What a device transfer proof says (device-transfer.ts): portable (no Node built-ins), so the
 * web wallet signs the same claims with its WebCrypto key.
 */
export const DEVICE_TRANSFER_PROOF_TYP = 'wz-device-transfer+jwt';

export interface DeviceTransferClaims {
  /** The platform's issuer URL. */
  readonly aud: string;
  /** The platform nonce of the transfer request (GET /v1/me/nonce): single use, two minutes. */
  readonly nonce: string;
  /** The id of the 网证 being moved (the one the old device presents). */
  readonly cred: string;
  readonly iat: number;
}
