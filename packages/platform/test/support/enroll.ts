/**
 * Stores a synthetic person the way enrollment will: new id, data key, sealed profile, person
 * index and blind indexes, a credential, a device and a consent, an event — in one transaction.
 */
import { randomBytes } from 'node:crypto';
import type { BlindIndexer } from '../../src/protect/blind-index.ts';
import type { DataProtector } from '../../src/protect/data-protector.ts';
import { newId, type Store, type StoreTx } from '../../src/store/index.ts';
import { fakeNetid, type SyntheticPerson } from './people.ts';

export interface Enrolled {
  readonly id: string;
  readonly netid: string;
  readonly credentialId: string;
  readonly deviceId: string;
}

export async function enrollSynthetic(store: Store, protector: DataProtector, indexer: BlindIndexer, p: SyntheticPerson): Promise<Enrolled> {
  return store.transaction((tx) => enrollIn(tx, protector, indexer, p));
}

export async function enrollIn(tx: StoreTx, protector: DataProtector, indexer: BlindIndexer, p: SyntheticPerson): Promise<Enrolled> {
  const id = newId();
  const { dek, wrappedDek, kekId } = protector.newDataKey(id);
  const personIndex = indexer.digest('person_ref', p.personRef);
  const netid = fakeNetid();
  await tx.persons.insert({
    id,
    netid,
    netidAttempt: 0,
    personIndex: personIndex.digest,
    personIndexKeyId: personIndex.keyId,
    wrappedDek,
    kekId,
    profile: protector.sealFor(dek, id, 'profile', p),
  });
  await tx.persons.addBlindIndexes(id, [indexer.digest(`document:${p.documentType}`, p.documentNumber), indexer.digest('phone', p.phone)]);
  const device = await tx.devices.insert({
    personId: id,
    publicJwk: JSON.stringify({ kty: 'EC', crv: 'SM2', x: randomBytes(32).toString('base64url'), y: randomBytes(32).toString('base64url') }),
    thumbprint: randomBytes(32).toString('base64url'),
    label: protector.sealFor(dek, id, 'device_label', `${p.name}的手机`),
  });
  const cred = await tx.credentials.insert({ personId: id, deviceId: device.id, expiresAt: Date.now() + 365 * 86_400_000 });
  await tx.consents.insert({ personId: id, subject: 'notice:v1', scope: 'enrollment' });
  await tx.events.append({ personId: id, type: 'enrolled', data: protector.sealFor(dek, id, 'event', { phone: p.phone, birthDate: p.birthDate }) });
  return { id, netid, credentialId: cred.id, deviceId: device.id };
}
