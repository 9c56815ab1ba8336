import { randomBytes } from 'node:crypto';
import { beforeAll, expect, it } from 'vitest';
import { isWzError } from '@wangzheng/core/errors';
import type { Store } from '../../src/store/index.ts';
import { describeEachEngine } from '../support/engines.ts';
import { fakePerson } from '../support/rows.ts';

async function newPerson(store: Store): Promise<string> {
  return (await store.persons.insert(fakePerson())).id;
}

describeEachEngine('credentials: status and status-list entries', (engine) => {
  let store: Store;
  let t = 1_760_000_000_000;
  beforeAll(async () => {
    store = await engine.openFresh({ now: () => t });
  });

  it('a new credential is valid; suspend and reinstate; revoked is final', async () => {
    const personId = await newPerson(store);
    const c = await store.credentials.insert({ personId, expiresAt: t + 1000, statusList: 'list-1', statusIndex: 7 });
    expect(c.status).toBe('valid');
    expect(await store.credentials.setStatus(c.id, 'suspended', { reason: 'suspected_fraud' })).toBe(true);
    expect((await store.credentials.findById(c.id))?.reason).toBe('suspected_fraud');
    expect(await store.credentials.setStatus(c.id, 'valid')).toBe(true);
    t += 10;
    expect(await store.credentials.setStatus(c.id, 'revoked', { reason: 'fraud_ban' })).toBe(true);
    const revoked = await store.credentials.findById(c.id);
    expect(revoked).toMatchObject({ status: 'revoked', reason: 'fraud_ban', revokedAt: t });
    expect(await store.credentials.setStatus(c.id, 'valid')).toBe(false);
    expect((await store.credentials.findById(c.id))?.status).toBe('revoked');
  });

  it('findPresented reads the credential, its device and its person as the three lookups would', async () => {
    const personId = await newPerson(store);
    const device = await store.devices.insert({ personId, publicJwk: '{"kty":"EC"}', thumbprint: 'tp-presented', label: new Uint8Array([1, 2, 3]) });
    const c = await store.credentials.insert({ personId, deviceId: device.id, expiresAt: t + 1000, statusList: 'list-p', statusIndex: 3 });
    const same = async (): Promise<void> => {
      const found = await store.credentials.findPresented(c.id);
      const credential = await store.credentials.findById(c.id);
      expect(found).toEqual({
        credential,
        device: (await store.devices.findById(device.id)) ?? undefined,
        person: credential?.personId ? await store.persons.findById(credential.personId) : undefined,
      });
    };
    await same();
    expect((await store.credentials.findPresented(c.id))?.person?.wrappedDek).toBeInstanceOf(Uint8Array);
    await store.devices.revoke(device.id, t + 1);
    await same();
    expect((await store.credentials.findPresented(c.id))?.device?.revokedAt).toBe(t + 1);
    // No device named; the person shredded: both come back as none.
    const bare = await store.credentials.insert({ personId, expiresAt: t + 1000 });
    expect(await store.credentials.findPresented(bare.id)).toEqual({ credential: await store.credentials.findById(bare.id), device: undefined, person: await store.persons.findById(personId) });
    expect(await store.persons.shred(personId)).toBe(true);
    expect((await store.credentials.findPresented(c.id))?.person).toBeUndefined();
    expect((await store.credentials.findPresented(c.id))?.credential.personId).toBeNull();
    expect(await store.credentials.findPresented('00000000-0000-4000-8000-000000000000')).toBeUndefined();
    expect(await store.credentials.findPresented('not-an-id')).toBeUndefined();
  });

  it('one status-list index belongs to one credential', async () => {
    const personId = await newPerson(store);
    await store.credentials.insert({ personId, expiresAt: t + 1, statusList: 'list-2', statusIndex: 1 });
    const err = await store.credentials.insert({ personId, expiresAt: t + 1, statusList: 'list-2', statusIndex: 1 }).catch((e: unknown) => e);
    expect(isWzError(err, 'conflict')).toBe(true);
    await store.credentials.insert({ personId, expiresAt: t + 1, statusList: 'list-3', statusIndex: 1 });
    await store.credentials.insert({ personId, expiresAt: t + 1 });
    await store.credentials.insert({ personId, expiresAt: t + 1 });
  });

  it('listStatusEntries lists a status list by index', async () => {
    const personId = await newPerson(store);
    const a = await store.credentials.insert({ personId, expiresAt: t + 1, statusList: 'list-4', statusIndex: 9 });
    await store.credentials.insert({ personId, expiresAt: t + 1, statusList: 'list-4', statusIndex: 3 });
    await store.credentials.setStatus(a.id, 'revoked', { reason: 'device_lost' });
    expect(await store.credentials.listStatusEntries('list-4')).toEqual([
      { statusIndex: 3, status: 'valid' },
      { statusIndex: 9, status: 'revoked' },
    ]);
  });

  it('listStatusChanges lists only the entries that are not valid; hasStatusList tells a known list from an unknown one', async () => {
    const personId = await newPerson(store);
    const a = await store.credentials.insert({ personId, expiresAt: t + 1, statusList: 'list-5', statusIndex: 20 });
    const b = await store.credentials.insert({ personId, expiresAt: t + 1, statusList: 'list-5', statusIndex: 7 });
    await store.credentials.insert({ personId, expiresAt: t + 1, statusList: 'list-5', statusIndex: 11 });
    expect(await store.credentials.listStatusChanges('list-5')).toEqual([]);
    expect(await store.credentials.hasStatusList('list-5')).toBe(true);
    expect(await store.credentials.hasStatusList('list-6')).toBe(false);
    await store.credentials.setStatus(a.id, 'suspended');
    await store.credentials.setStatus(b.id, 'revoked', { reason: 'device_lost' });
    expect(await store.credentials.listStatusChanges('list-5')).toEqual([
      { statusIndex: 7, status: 'revoked' },
      { statusIndex: 20, status: 'suspended' },
    ]);
    await store.credentials.setStatus(a.id, 'valid');
    expect(await store.credentials.listStatusChanges('list-5')).toEqual([{ statusIndex: 7, status: 'revoked' }]);
  });

  it('revokeAllOfPerson revokes the valid and suspended ones and counts them', async () => {
    const personId = await newPerson(store);
    const a = await store.credentials.insert({ personId, expiresAt: t + 1 });
    const b = await store.credentials.insert({ personId, expiresAt: t + 1 });
    await store.credentials.insert({ personId, expiresAt: t + 1 });
    await store.credentials.setStatus(a.id, 'suspended');
    await store.credentials.setStatus(b.id, 'revoked', { reason: 'device_lost' });
    expect(await store.credentials.revokeAllOfPerson(personId, 'fraud_ban')).toBe(2);
    const all = await store.credentials.listByPerson(personId);
    expect(all.map((c) => c.status)).toEqual(['revoked', 'revoked', 'revoked']);
    expect((await store.credentials.findById(b.id))?.reason).toBe('device_lost');
  });

  it('statusList and statusIndex go together (TypeError otherwise)', async () => {
    const personId = await newPerson(store);
    await expect(store.credentials.insert({ personId, expiresAt: 1, statusList: 'x' })).rejects.toThrow(TypeError);
  });
});

describeEachEngine('devices, consents, events, counters', (engine) => {
  let store: Store;
  beforeAll(async () => {
    store = await engine.openFresh();
  });

  it('devices: insert, find by thumbprint, revoke once; a key binds one device', async () => {
    const personId = await newPerson(store);
    const thumbprint = randomBytes(32).toString('base64url');
    const d = await store.devices.insert({ personId, publicJwk: '{"kty":"EC"}', thumbprint, label: randomBytes(30) });
    expect((await store.devices.findByThumbprint(thumbprint))?.id).toBe(d.id);
    expect((await store.devices.findById(d.id))?.label).toBeInstanceOf(Uint8Array);
    expect(await store.devices.revoke(d.id)).toBe(true);
    expect(await store.devices.revoke(d.id)).toBe(false);
    expect((await store.devices.findById(d.id))?.revokedAt).toEqual(expect.any(Number));
    const err = await store.devices.insert({ personId, publicJwk: '{}', thumbprint }).catch((e: unknown) => e);
    expect(isWzError(err, 'conflict')).toBe(true);
  });

  it('consents: the newest unwithdrawn consent to a subject is the active one; withdraw once', async () => {
    const personId = await newPerson(store);
    const a = await store.consents.insert({ personId, subject: 'rp:bank-1', scope: 'name', grantedAt: 1000 });
    const b = await store.consents.insert({ personId, subject: 'rp:bank-1', scope: 'name id_number', grantedAt: 2000 });
    expect((await store.consents.findActive(personId, 'rp:bank-1'))?.id).toBe(b.id);
    expect(await store.consents.withdraw(b.id, 3000)).toBe(true);
    expect(await store.consents.withdraw(b.id, 3001)).toBe(false);
    expect((await store.consents.findActive(personId, 'rp:bank-1'))?.id).toBe(a.id);
    expect(await store.consents.findActive(personId, 'rp:other')).toBeUndefined();
    expect((await store.consents.listByPerson(personId)).map((c) => c.withdrawnAt)).toEqual([null, 3000]);
  });

  it('events: newest first, paged by limit and before', async () => {
    const personId = await newPerson(store);
    for (let i = 1; i <= 5; i++) await store.events.append({ personId, type: 'verified', createdAt: i * 1000, data: randomBytes(20) });
    await store.events.append({ personId: null, type: 'system_probe' });
    const page1 = await store.events.listByPerson(personId, { limit: 2 });
    expect(page1.map((e) => e.createdAt)).toEqual([5000, 4000]);
    const page2 = await store.events.listByPerson(personId, { limit: 2, before: 4000 });
    expect(page2.map((e) => e.createdAt)).toEqual([3000, 2000]);
    expect(page1[0]?.data).toBeInstanceOf(Uint8Array);
  });

  it('event types and counter names are codes, not free text (TypeError)', async () => {
    await expect(store.events.append({ personId: null, type: '张三 verified' })).rejects.toThrow(TypeError);
    await expect(store.counters.increment('Phone 13800138000')).rejects.toThrow(TypeError);
  });

  it('counters: start at 0, increment atomically, by any step', async () => {
    expect(await store.counters.get('enrollment.abandoned')).toBe(0);
    expect(await store.counters.increment('enrollment.abandoned')).toBe(1);
    expect(await store.counters.increment('enrollment.abandoned', 41)).toBe(42);
    await Promise.all(Array.from({ length: 50 }, () => store.counters.increment('parallel')));
    expect(await store.counters.get('parallel')).toBe(50);
  });

  it('counters hold values beyond 32 bits as numbers', async () => {
    expect(await store.counters.increment('big', 2 ** 40)).toBe(2 ** 40);
    expect(await store.counters.get('big')).toBe(2 ** 40);
  });
});
