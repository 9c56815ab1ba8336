/**
 * The person's devices: the list (with the 网证 bound to each and which one is asking), and
 * revoking one — a lost phone — from another device of the same person.
 *
 * Revoking marks the device revoked and revokes every 网证 bound to it with reason
 * `device_lost`, in one transaction, and records it in the person's history. The device asking
 * cannot revoke itself (`device_in_use`); a device that is not the person's — another person's
 * or none at all — is `device_not_found`, indistinguishably, and nothing changes.
 *
 * Trust: the caller is authenticated (auth.ts); the target device id is untrusted input, looked
 * up and checked against the caller's person id inside the transaction.
 */
import type { DeviceRevoked, DeviceView } from '@wangzheng/core/person/views';
import { WzError } from '@wangzheng/core/errors';
import type { DataProtector } from '../protect/index.ts';
import type { CredentialRecord, DeviceRecord, Store } from '../store/index.ts';
import { noticeRevocation, type RevocationSinks } from '../notify/revocation.ts';
import type { AuthenticatedPerson } from './auth.ts';
import { historyEvent } from './history.ts';
import { iso } from './wire.ts';

export const DEVICE_LABEL_PURPOSE = 'device_label';
export const DEVICE_LOST = 'device_lost';

export interface DeviceDeps extends RevocationSinks {
  readonly store: Store;
  readonly protector: DataProtector;
  readonly now: () => number;
}

export async function listDevices(deps: Omit<DeviceDeps, 'now'>, me: AuthenticatedPerson): Promise<DeviceView[]> {
  const r = deps.store.reader;
  const credentials = await r.credentials.listByPerson(me.person.id);
  return (await r.devices.listByPerson(me.person.id)).map((d) => deviceView(deps.protector, me, d, credentials));
}

export function deviceView(protector: DataProtector, me: Pick<AuthenticatedPerson, 'person' | 'dek'> & { device?: DeviceRecord }, d: DeviceRecord, credentials: readonly CredentialRecord[]): DeviceView {
  return {
    id: d.id,
    createdAt: iso(d.createdAt),
    revokedAt: d.revokedAt === null ? null : iso(d.revokedAt),
    current: me.device?.id === d.id,
    label: d.label === null ? null : String(protector.openFor(me.dek, me.person.id, DEVICE_LABEL_PURPOSE, d.label)),
    credentials: credentials
      .filter((c) => c.deviceId === d.id)
      .map((c) => ({ id: c.id, status: c.status, reason: c.reason, expiresAt: iso(c.expiresAt) })),
  };
}

export async function revokeDevice(deps: DeviceDeps, me: AuthenticatedPerson, deviceId: string): Promise<DeviceRevoked> {
  const now = deps.now();
  return deps.store.transaction(async (tx) => {
    const target = await tx.devices.findById(deviceId);
    // Another person's device and no device at all answer the same.
    if (!target || target.personId !== me.person.id) throw new WzError('device_not_found', 'You have no device with this id.');
    if (target.id === me.device.id) throw new WzError('device_in_use', 'This is the device you are using; revoke it from another device, or re-enroll.');
    if (target.revokedAt !== null || !(await tx.devices.revoke(target.id, now))) throw new WzError('conflict', 'This device is already revoked.');
    const revoked: string[] = [];
    for (const c of await tx.credentials.listByPerson(me.person.id)) {
      if (c.deviceId === target.id && c.status !== 'revoked' && (await tx.credentials.setStatus(c.id, 'revoked', { reason: DEVICE_LOST, at: now }))) revoked.push(c.id);
    }
    await tx.events.append(
      historyEvent(deps.protector, { personId: me.person.id, dek: me.dek }, { kind: 'device_revoked', deviceId: target.id, byDeviceId: me.device.id, credentialIds: revoked }, now),
    );
    // Audited, and told to the relying parties that know the person (credential_revoked, device_lost).
    await noticeRevocation(tx, deps, { personId: me.person.id, dek: me.dek, action: 'device.revoked', cause: 'device_lost', revoked: revoked.length });
    return { deviceId: target.id, revokedAt: iso(now), credentialsRevoked: revoked };
  });
}
