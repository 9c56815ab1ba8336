/**
 * Moving to a new phone (`POST /v1/me/devices/transfer`), from the OLD phone: the new phone's
 * key is bound to a new device, a new 网证 (same 网号) is issued to it, and the old device and
 * every 网证 on it are revoked (reason `transferred`) — in one transaction, with a
 * `device_transferred` history event, an audit entry (`device.revoked`) and a Shared Signals
 * `credential_revoked` SET with cause `holder_request` (the holder asked; nothing was lost).
 *
 * What proves what:
 * - the old device's presentation signs this request, body included (auth.ts);
 * - the new key signs a transfer proof (core/person/device-transfer.ts: `typ`
 *   `wz-device-transfer+jwt`, over the platform's audience, THIS request's platform nonce and
 *   the id of the 网证 being moved), as enrollment's device step proves a key — so the key is
 *   held by whoever made this request, now;
 * - the passphrase, under the verification lockout: moving the identity to a key the platform
 *   has never seen weighs as much as unlocking, so a found phone alone cannot do it.
 *
 * Without the old phone the path is re-enrollment with document and face, which revokes the
 * other devices (enrollment/issue.ts) and says so beforehand (enrollment/replacement.ts).
 *
 * Trust: `me` is authenticated; the JWK, the proof, the label and the passphrase are untrusted
 * input, checked in that order (the passphrase last among the checks that change nothing, since a
 * wrong one counts). The old device's state is re-checked in the transaction (compare-and-set).
 */
import type { PublicJwk, PublicKey } from '@wangzheng/core/crypto/index';
import { verifyDeviceKeyProof, type DeviceAlg } from '@wangzheng/core/enrollment/device-proof';
import { WzError } from '@wangzheng/core/errors';
import { DEVICE_TRANSFER_PROOF_TYP } from '@wangzheng/core/person/device-transfer';
import type { Transferred } from '@wangzheng/core/person/controls';
import type { PassphraseHasher } from '../passphrase/hasher.ts';
import type { AuthenticatedPerson } from '../person/auth.ts';
import { DEVICE_LABEL_PURPOSE } from '../person/devices.ts';
import { historyEvent } from '../person/history.ts';
import type { DataProtector } from '../protect/index.ts';
import type { Store } from '../store/index.ts';
import { checkPassphraseFactor, lockedError } from '../passphrase/factor.ts';
import { reissue, reissueTerms, type ReissueDeps } from './reissue.ts';
import { noticeRevocation, type RevocationSinks } from '../notify/revocation.ts';
import { faultPoint } from '../faults/points.ts';

/** The reason code on the 网证 of a device the person moved away from. */
export const TRANSFERRED = 'transferred';

export interface TransferDeps extends ReissueDeps, RevocationSinks {
  readonly store: Store;
  readonly protector: DataProtector;
  readonly hasher: PassphraseHasher;
  /** The algorithms a device key may use (WZ_DEVICE_ALGS); default all three. */
  readonly deviceAlgs?: readonly DeviceAlg[];
  readonly now: () => number;
}

export interface TransferRequest {
  /** The platform nonce of this request (the transfer proof must sign it). */
  readonly nonce: string;
  readonly passphrase: string;
  readonly publicJwk: unknown;
  readonly proof: string;
  readonly label?: string | undefined;
}

export class DeviceTransfer {
  constructor(private readonly deps: TransferDeps) {}

  async transfer(me: AuthenticatedPerson, req: TransferRequest): Promise<Transferred> {
    const key = provenTransferKey(this.deps, { credentialId: me.credential.id, deviceThumbprint: me.device.thumbprint }, req);
    if ((await checkPassphraseFactor(this.deps, me.person.id, req.passphrase, this.deps.now())) === 'locked_now') throw lockedError();
    const now = this.deps.now();
    const terms = reissueTerms(this.deps, me.profile, now);
    const { store, protector } = this.deps;
    const moved = await store.transaction(async (tx) => {
      if (await tx.devices.findByThumbprint(key.thumbprint)) {
        throw new WzError('invalid_device_proof', 'This device key is already bound to a credential; generate a new key.');
      }
      if (!(await tx.devices.revoke(me.device.id, now))) throw new WzError('device_revoked', 'This device was revoked just now.');
      const revoked: string[] = [];
      for (const c of await tx.credentials.listByPerson(me.person.id)) {
        if (c.deviceId === me.device.id && c.status !== 'revoked' && (await tx.credentials.setStatus(c.id, 'revoked', { reason: TRANSFERRED, at: now }))) revoked.push(c.id);
      }
      const jwk = key.toJwk() as PublicJwk;
      const dev = await tx.devices.insert({
        personId: me.person.id,
        publicJwk: JSON.stringify(jwk),
        thumbprint: key.thumbprint,
        label: req.label ? protector.sealFor(me.dek, me.person.id, DEVICE_LABEL_PURPOSE, req.label) : null,
        createdAt: now,
      });
      const minted = await reissue(tx, this.deps, { personId: me.person.id, netid: me.person.netid, deviceId: dev.id, deviceJwk: jwk, terms, now });
      await tx.events.append(
        historyEvent(protector, { personId: me.person.id, dek: me.dek }, {
          kind: 'device_transferred',
          fromDeviceId: me.device.id,
          toDeviceId: dev.id,
          credentialId: minted.credentialId,
          credentialIds: revoked,
        }, now),
      );
      await noticeRevocation(tx, this.deps, { personId: me.person.id, dek: me.dek, action: 'device.revoked', cause: 'holder_request', revoked: revoked.length });
      faultPoint('lifecycle.transfer.before-commit');
      return {
        status: 'transferred',
        netid: me.person.netid,
        credentialId: minted.credentialId,
        credential: minted.sdJwt,
        expiresAt: new Date(terms.expiresAt).toISOString(),
        deviceId: dev.id,
        revokedDeviceId: me.device.id,
        credentialsRevoked: revoked,
      } satisfies Transferred;
    });
    faultPoint('lifecycle.transfer.after-commit');
    return moved;
  }
}

/**
 * The new public key, once its proof signs this transfer: its type, the platform's audience,
 * this request's nonce and the 网证 being moved — and it is not the old device's own key.
 * Nothing is trusted before the proof's signature is checked.
 */
export function provenTransferKey(
  deps: Pick<TransferDeps, 'issuerUrl' | 'deviceAlgs'>,
  moving: { credentialId: string; deviceThumbprint: string },
  req: Pick<TransferRequest, 'nonce' | 'publicJwk' | 'proof'>,
): PublicKey {
  const { key, typ, claims } = verifyDeviceKeyProof(req.publicJwk, req.proof, 'transfer proof', deps.deviceAlgs);
  if (typ !== DEVICE_TRANSFER_PROOF_TYP || claims.aud !== deps.issuerUrl || claims.nonce !== req.nonce || claims.cred !== moving.credentialId) {
    throw new WzError('invalid_device_proof', 'The transfer proof does not sign this transfer (type, audience, nonce or 网证).');
  }
  if (key.thumbprint === moving.deviceThumbprint) throw new WzError('invalid_device_proof', 'The new key is this device’s own key; the new phone must have a key of its own.');
  return key;
}
