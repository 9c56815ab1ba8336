// The person's own controls over the person-authenticated API (/v1/me, docs/person.md), on
// SQLite and PostgreSQL: status, lock and unlock (nothing verifies while locked; unlocking needs
// the passphrase), the device list and revoking a lost phone from another device. Every request
// is bound to a single-use platform nonce and to itself: a replayed, altered or expired request
// is refused with its stable code and nothing changes.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { answerVerification } from '@wangzheng/wallet/verify';
import type { Issued } from '@wangzheng/wallet/enroll/enroll';
import { rejectionCode as codeOf } from '../../../../test/support/errors.ts';
import { ME_NONCE_TTL_MS } from '../../src/person/nonce.ts';
import { describeEachEngine } from '../support/engines.ts';
import { USCC } from '../rp/harness.ts';
import { ADULT, deviceKey, registerRp, startOidcPlatform, startRegistry, VALID_DOC, type Harness, type SharedRegistry, type TestRp } from '../oidc/harness.ts';
import { addDevice, boundFor, holderOf, me, post, type TestHolder } from './support.ts';
import { nodeHolder } from '@wangzheng/wallet/holder/node';

let reg: SharedRegistry;
beforeAll(async () => {
  reg = await startRegistry(300, 'person-controls');
});
afterAll(async () => reg?.close());

const PASSPHRASE = '48273915';

describeEachEngine('person API: status, lock and unlock, devices (issue 7 §3)', (engine) => {
  let h: Harness;
  let alice: TestHolder;
  let bob: TestHolder;
  let shop: TestRp;
  let skew = 0;
  let seq = 0;

  const statusOf = async (who: TestHolder) => (await h.platform.deps.store.persons.findById(who.personId))!.status;
  const verifyAt = async (rp: TestRp, who: TestHolder) => {
    const record = (await h.platform.deps.store.relyingParties.findByClientId(rp.clientId))!;
    const req = await h.platform.verification.createReceiptRequest(record, { bizSeq: `ctl-${++seq}`, mode: 'wz' });
    return answerVerification(h.client, { ref: req.ref, holder: nodeHolder(who.credential, who.key) });
  };

  beforeAll(async () => {
    h = await startOidcPlatform(engine, reg, { now: () => Date.now() + skew });
    const people = reg.people(`d.type = 'resident_id_card' AND ${VALID_DOC} AND ${ADULT}`, [], 2);
    const enroll = async (i: number): Promise<TestHolder> => {
      const key = deviceKey();
      return holderOf(h, (await h.enroll(people[i]!, { deviceKey: key })) as Issued, key);
    };
    alice = await enroll(0);
    bob = await enroll(1);
    shop = await registerRp(h, { category: 'internet_service', uscc: USCC.internet, alg: 'ES256', host: 'shop.example.cn' });
  });
  afterAll(async () => h?.close());

  it('status: active, with the 网号, the 网证 and the device the request was made with', async () => {
    const s = await me(h, alice).status();
    const device = (await h.platform.deps.store.devices.listByPerson(alice.personId))[0]!;
    expect(s).toMatchObject({ netid: alice.netid, status: 'active', credential: { status: 'valid' }, device: { id: device.id } });
  });

  it('lock → status locked and every verification refused; unlock with a wrong passphrase → wrong_passphrase, still locked; with the passphrase → active', async () => {
    expect((await me(h, alice).lock()).status).toBe('locked');
    expect(await statusOf(alice)).toBe('locked');
    expect((await me(h, alice).status()).status).toBe('locked');
    // Nothing verifies while locked, and the wallet is told why (not "revoked": the person can undo it).
    expect(await codeOf(verifyAt(shop, alice))).toBe('credential_locked');
    expect(await codeOf(me(h, alice).unlock('11111111'))).toBe('wrong_passphrase');
    expect(await statusOf(alice)).toBe('locked');
    expect((await me(h, alice).unlock(PASSPHRASE)).status).toBe('active');
    expect(await statusOf(alice)).toBe('active');
    expect((await verifyAt(shop, alice)).status).toBe('approved');
    const kinds = (await me(h, alice).history()).filter((e) => e.type === 'event').map((e) => e.kind);
    expect(kinds).toEqual(expect.arrayContaining(['locked', 'unlocked', 'enrolled']));
  });

  it('lock when locked, unlock when active → person_status_conflict (409), nothing changed', async () => {
    expect(await codeOf(me(h, bob).unlock(PASSPHRASE))).toBe('person_status_conflict');
    await me(h, bob).lock();
    expect(await codeOf(me(h, bob).lock())).toBe('person_status_conflict');
    expect(await statusOf(bob)).toBe('locked');
    await me(h, bob).unlock(PASSPHRASE);
    expect(await statusOf(bob)).toBe('active');
  });

  it('devices: this device (current), its label opened with the data key, the 网证 bound to it', async () => {
    const list = await me(h, alice).devices();
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ current: true, revokedAt: null, label: 'test phone', credentials: [{ status: 'valid', reason: null }] });
  });

  it('revoking one’s own other device: it and its 网证 are revoked (device_lost), history says so, and its presentations are refused (device_revoked)', async () => {
    const second = await addDevice(h, alice);
    // The second phone works until revoked.
    expect((await me(h, second).status()).device.id).toBe(second.deviceId);
    const listed = await me(h, alice).devices();
    expect(listed.map((d) => [d.id === second.deviceId, d.current])).toEqual([
      [false, true],
      [true, false],
    ]);
    const r = await me(h, alice).revokeDevice(second.deviceId);
    expect(r).toMatchObject({ deviceId: second.deviceId, credentialsRevoked: [second.credentialId] });
    const store = h.platform.deps.store;
    expect((await store.devices.findById(second.deviceId))!.revokedAt).not.toBeNull();
    expect(await store.credentials.findById(second.credentialId)).toMatchObject({ status: 'revoked', reason: 'device_lost' });
    expect(await codeOf(me(h, second).status())).toBe('device_revoked');
    // The wallet can say why: the reason code is in the safe message.
    await expect(me(h, second).status()).rejects.toThrow(/reason: device_lost/);
    // The caller's own device and 网证 are untouched.
    expect((await me(h, alice).status()).credential.status).toBe('valid');
    const ev = (await me(h, alice).history()).find((e) => e.type === 'event' && e.kind === 'device_revoked');
    expect(ev).toMatchObject({ details: { deviceId: second.deviceId, credentialIds: [second.credentialId] } });
  });

  it('the device asking cannot revoke itself (device_in_use); an already revoked device → conflict', async () => {
    const own = (await me(h, alice).devices()).find((d) => d.current)!;
    expect(await codeOf(me(h, alice).revokeDevice(own.id))).toBe('device_in_use');
    const revoked = (await me(h, alice).devices()).find((d) => d.revokedAt !== null)!;
    expect(await codeOf(me(h, alice).revokeDevice(revoked.id))).toBe('conflict');
    expect((await me(h, alice).status()).credential.status).toBe('valid');
  });

  it('someone else’s device → device_not_found (404), exactly as an unknown one; nothing changed', async () => {
    const bobs = await addDevice(h, bob);
    const r = await post(h, '/v1/me/devices/revoke', await boundFor(h, alice, '/v1/me/devices/revoke', { deviceId: bobs.deviceId }));
    expect([r.status, r.body.error]).toEqual([404, 'device_not_found']);
    expect(await codeOf(me(h, alice).revokeDevice('00000000-0000-4000-8000-000000000000'))).toBe('device_not_found');
    expect(await codeOf(me(h, alice).revokeDevice('not-a-uuid'))).toBe('device_not_found');
    expect((await h.platform.deps.store.devices.findById(bobs.deviceId))!.revokedAt).toBeNull();
    expect((await me(h, bobs).status()).credential.status).toBe('valid');
  });

  it('a replayed request → nonce_replayed (409): the action ran once', async () => {
    const body = await boundFor(h, bob, '/v1/me/lock');
    expect((await post(h, '/v1/me/lock', body)).status).toBe(200);
    await me(h, bob).unlock(PASSPHRASE);
    const again = await post(h, '/v1/me/lock', body);
    expect([again.status, again.body.error]).toEqual([409, 'nonce_replayed']);
    expect(await statusOf(bob)).toBe('active');
  });

  it('an altered request → request_binding_mismatch (400), nothing changed: another body, another path, another nonce', async () => {
    const one = await addDevice(h, bob);
    const two = await addDevice(h, bob);
    const body = await boundFor(h, bob, '/v1/me/devices/revoke', { deviceId: one.deviceId });
    const altered = await post(h, '/v1/me/devices/revoke', { ...body, deviceId: two.deviceId });
    expect([altered.status, altered.body.error]).toEqual([400, 'request_binding_mismatch']);
    const elsewhere = await post(h, '/v1/me/lock', await boundFor(h, bob, '/v1/me/status'));
    expect([elsewhere.status, elsewhere.body.error]).toEqual([400, 'request_binding_mismatch']);
    const { nonce } = await h.client.get<{ nonce: string }>('/v1/me/nonce');
    const moved = await post(h, '/v1/me/devices/revoke', { ...body, nonce });
    expect([moved.status, moved.body.error]).toEqual([400, 'request_binding_mismatch']);
    const store = h.platform.deps.store;
    expect([(await store.devices.findById(one.deviceId))!.revokedAt, (await store.devices.findById(two.deviceId))!.revokedAt]).toEqual([null, null]);
    expect(await statusOf(bob)).toBe('active');
    // The untouched original still works, once.
    expect((await post(h, '/v1/me/devices/revoke', body)).status).toBe(200);
  });

  it('an expired nonce → nonce_expired; a forged one → nonce_mismatch; no presentation → invalid_request', async () => {
    const body = await boundFor(h, alice, '/v1/me/lock');
    skew = ME_NONCE_TTL_MS + 1_000;
    try {
      const r = await post(h, '/v1/me/lock', body);
      expect([r.status, r.body.error]).toEqual([400, 'nonce_expired']);
    } finally {
      skew = 0;
    }
    const forged = await post(h, '/v1/me/lock', { ...body, nonce: `${'A'.repeat(32)}.${'A'.repeat(22)}` });
    expect([forged.status, forged.body.error]).toEqual([409, 'nonce_mismatch']);
    const bare = await post(h, '/v1/me/lock', { nonce: body.nonce });
    expect([bare.status, bare.body.error]).toEqual([400, 'invalid_request']);
    const extra = await post(h, '/v1/me/lock', { ...body, admin: true });
    expect([extra.status, extra.body.error]).toEqual([400, 'invalid_request']);
    expect(await statusOf(alice)).toBe('active');
  });

  it('every answer is cache-control: no-store, the nonce too', async () => {
    const res = await fetch(`${h.url}/v1/me/nonce`);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect((await post(h, '/v1/me/status', await boundFor(h, alice, '/v1/me/status'))).cacheControl).toBe('no-store');
    expect((await post(h, '/v1/me/status', {})).cacheControl).toBe('no-store');
  });
});
