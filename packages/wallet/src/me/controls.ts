/**
 * The person's controls over their credentials, wallet side (docs/person.md): change or reset
 * the passphrase, change the bound phone, renew the 网证, move it to a new phone, and ask why it
 * no longer works. Each call is a bound request over `/v1/me` (bound-request.ts) made with the
 * wallet's own 网证 and device key; the CLI and a web wallet only format what these return.
 *
 * A new 网证 (renew, transfer) comes back with its disclosures; the caller verifies it before
 * storing it (its signature over the platform's JWKS, `iss`, `cnf` = the right device key).
 *
 * @example
 *   const c = new MeControls(new PlatformClient(url), { credential: own.sdJwt, deviceKey: wallet.deviceKey });
 *   await c.changePassphrase('48273915', '59381726');
 *   const sent = await c.changePhone('13900001234');      // a code goes to the new number
 *   await c.confirmPhone(codeFromSms);
 *   const { credential } = await c.renew();                 // within 30 days of expiry
 *   const moved = await c.transfer(newPhoneKey, { passphrase: '59381726' });
 */
import { WzError } from '@wangzheng/core/errors';
import type { CredentialStatusView, FaceChallenge, PassphraseChanged, PhoneChanged, PhoneCodeSent, Renewed, Transferred } from '@wangzheng/core/person/controls';
import type { MeNonce } from '@wangzheng/core/person/views';
import type { PlatformClient } from '../enroll/client.ts';
import { credentialClaims } from '../holder/credential.ts';
import type { HolderSigner } from '../holder/ports.ts';
import { deviceTransferProof } from '../holder/proofs.ts';
import { boundBody, issuerOf, type Holder } from './bound-request.ts';

export type { CredentialStatusView, FaceChallenge, PassphraseChanged, PhoneChanged, PhoneCodeSent, Renewed, Transferred };

/** The id (`jti`) of a stored 网证, read without verification (it was verified when stored). */
export function credentialIdOf(credential: string): string {
  const jti = credentialClaims(credential)['jti'];
  if (typeof jti !== 'string' || jti === '') throw new WzError('invalid_credential', 'The stored 网证 has no id.');
  return jti;
}

export class MeControls {
  constructor(
    private readonly platform: PlatformClient,
    private readonly holder: Holder,
  ) {}

  /** The old passphrase is checked with the verification lockout (each wrong one counts). */
  changePassphrase(oldPassphrase: string, newPassphrase: string): Promise<PassphraseChanged> {
    return this.call('/v1/me/passphrase', { old: oldPassphrase, new: newPassphrase });
  }

  faceChallenge(): Promise<FaceChallenge> {
    return this.call('/v1/me/face-challenge');
  }

  /** A forgotten or locked passphrase: `capture` answers the registry's liveness nonce with a face probe (the camera). */
  async resetPassphrase(newPassphrase: string, capture: (nonce: string) => Promise<readonly number[]>): Promise<PassphraseChanged> {
    const challenge = await this.faceChallenge();
    const probe = await capture(challenge.nonce);
    return this.call('/v1/me/passphrase/reset', { challenge: challenge.nonce, probe: [...probe], new: newPassphrase });
  }

  /** Sends a one-time code to the NEW number; `confirmPhone` with that code binds it. */
  changePhone(phone: string): Promise<PhoneCodeSent> {
    return this.call('/v1/me/phone', { phone });
  }

  confirmPhone(code: string): Promise<PhoneChanged> {
    return this.call('/v1/me/phone/confirm', { code });
  }

  /** A new 网证 on this device (same 网号); the one presented is revoked. */
  renew(): Promise<Renewed> {
    return this.call('/v1/me/renew');
  }

  /**
   * Moves the 网证 to a new phone whose key is `newKey`: the new key signs a transfer proof over
   * this request's nonce, this device signs the request. This device and its 网证 stop working.
   */
  async transfer(newKey: HolderSigner, o: { passphrase: string; label?: string }): Promise<Transferred> {
    const path = '/v1/me/devices/transfer';
    const { nonce } = await this.platform.get<MeNonce>('/v1/me/nonce');
    const proof = await deviceTransferProof(newKey, { aud: issuerOf(this.holder.credential), nonce, cred: credentialIdOf(this.holder.credential) });
    const fields = { passphrase: o.passphrase, publicJwk: newKey.publicJwk, proof, ...(o.label ? { label: o.label } : {}) };
    return this.platform.post<Transferred>(path, await boundBody(this.holder, nonce, path, fields));
  }

  /** This 网证's status and, when it no longer works, why (a reason code: core/person/credential-reasons.ts). */
  credentialStatus(): Promise<CredentialStatusView> {
    return this.call('/v1/me/credential-status');
  }

  async call<T>(path: string, fields: Readonly<Record<string, unknown>> = {}): Promise<T> {
    const { nonce } = await this.platform.get<MeNonce>('/v1/me/nonce');
    return this.platform.post<T>(path, await boundBody(this.holder, nonce, path, fields));
  }
}
