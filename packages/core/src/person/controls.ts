/**
 * The wire shapes of the person's own controls over their credentials (`/v1/me/…`, issue 7 §3):
 * changing and resetting the passphrase, changing the bound phone, renewing the 网证, moving it
 * to a new phone, and asking why a 网证 no longer works. Shared by the platform (which answers),
 * the wallet library and the CLI (which show). Times are ISO 8601 strings.
 *
 * Everything here goes only to the person it describes, after a bound presentation of their own
 * 网证 (request-binding.ts). A phone number appears only masked (`139****0000`).
 */

/** `POST /v1/me/passphrase` (with the old one) and `POST /v1/me/passphrase/reset` (with the face). */
export interface PassphraseChanged {
  changedAt: string;
  /** How the person proved it is them: the old passphrase, or a fresh face match. */
  method: 'passphrase' | 'face';
}

/** `POST /v1/me/face-challenge`: the registry's liveness nonce for the next face capture. */
export interface FaceChallenge {
  nonce: string;
  expiresAt: string;
}

/** `POST /v1/me/phone`: a one-time code went to the NEW number. */
export interface PhoneCodeSent {
  /** The new number, masked. */
  sentTo: string;
  codeExpiresAt: string;
  /** Codes that may still be sent in this window (at most 3 per 24 hours). */
  sendsLeft: number;
}

/** `POST /v1/me/phone/confirm`. */
export interface PhoneChanged {
  /** The new number, masked. */
  phone: string;
  changedAt: string;
}

/** A new 网证, with its disclosures: for the wallet that asked, and nobody else. */
export interface Reissued {
  netid: string;
  credentialId: string;
  /** The SD-JWT VC with every disclosure. */
  credential: string;
  expiresAt: string;
  /** The device the new 网证 is bound to. */
  deviceId: string;
}

/** `POST /v1/me/renew`: the same device, a new 网证; the old one is revoked (`renewed`). */
export interface Renewed extends Reissued {
  status: 'renewed';
  revokedCredentialId: string;
}

/** `POST /v1/me/devices/transfer`: a new device and 网证; the old device and its 网证 are revoked (`transferred`). */
export interface Transferred extends Reissued {
  status: 'transferred';
  revokedDeviceId: string;
  credentialsRevoked: string[];
}

/**
 * `POST /v1/me/credential-status`: the state of the ONE 网证 presented, also when it no longer
 * works — so the wallet can say why. `reason` is a code (CREDENTIAL_REASONS), never text.
 */
export interface CredentialStatusView {
  credential: { id: string; status: 'valid' | 'revoked' | 'suspended'; reason: string | null; revokedAt: string | null; expiresAt: string };
  /** Whether every /v1/me control and verification flow would accept it now. */
  usable: boolean;
  /** Why not, when not: the credential's reason, or `device_revoked`, `locked`, `fraud_ban`, `cancelled`. */
  reason: string | null;
}
