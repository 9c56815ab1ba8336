/**
 * What a device binding proof says (device-proof.ts): portable (no Node built-ins), so the web
 * wallet signs the same claims with its WebCrypto key.
 */
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
