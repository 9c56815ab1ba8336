// Moving to a new phone (issue 7 §3; docs/person.md), on SQLite and PostgreSQL. From the old
// phone, with the passphrase and a proof of possession of the new phone's key (typ
// wz-device-transfer+jwt over this request's nonce and the 网证 being moved): a new device and a
// new 网证 (same 网号), the old device and its 网证 revoked (`transferred`) — refused by a receipt
// verification, revoked in the status list — the relying party told (CAEP credential-change,
// cause holder_request), audited. Revoking a lost phone from another device signals too (cause
// device_lost). Without the old phone, re-enrollment says beforehand that it replaces the 网证 on
// the other device, and the person may decline. Each revoked wallet learns why.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { subjectRef } from '@wangzheng/core/audit/index';
import { createDeviceProof } from '@wangzheng/core/enrollment/device-proof';
import { createDeviceTransferProof } from '@wangzheng/core/person/device-transfer';
import type { PrivateKey } from '@wangzheng/core/crypto/index';
import { isWalletError } from '@wangzheng/wallet/errors';
import type { Issued } from '@wangzheng/wallet/enroll/enroll';
import { boundBody } from '@wangzheng/wallet/me/bound-request';
import { MeClient } from '@wangzheng/wallet/me/client';
import { credentialIdOf } from '@wangzheng/wallet/me/controls';
import { describeEachEngine } from '../support/engines.ts';
import { deviceKey, startRegistry, type Harness, type SharedRegistry } from '../enrollment/harness.ts';
import type { TestRp } from '../oidc/harness.ts';
import { adults, codeOf, controls, enrollHolder, listStatus, PASSPHRASE, pollSets, signalRp, startControlsPlatform, verifyAt, type Holder } from './controls-harness.ts';
import { addDevice, holderOf, post } from './support.ts';
import { keySigner, nodeHolder } from '@wangzheng/wallet/holder/node';

let reg: SharedRegistry;
beforeAll(async () => {
  reg = await startRegistry(120, 'person-transfer');
});
afterAll(async () => reg?.close());

describeEachEngine('moving to a new phone, and re-enrollment without the old one (issue 7 §3)', (engine) => {
  let h: Harness;
  let shop: TestRp;
  let alice: Holder;
  let bob: Holder;
  let carol: Holder;
  let movedFrom: Holder;

  const me = (who: Pick<Holder, 'credential' | 'key'>) => new MeClient(h.client, nodeHolder(who.credential, who.key));
  const dekOf = async (who: Holder) => {
    const p = (await h.platform.deps.store.persons.findById(who.personId))!;
    return h.platform.deps.protector.unwrapDataKey(p.id, p.wrappedDek, p.kekId);
  };
  /** A transfer request from `who` with these fields over a fresh nonce; `proofFor` makes the proof from that nonce. */
  const transferWith = async (who: Holder, newKey: PrivateKey, o: { passphrase?: string; proofFor?: (nonce: string) => string } = {}) => {
    const { nonce } = await h.client.get<{ nonce: string }>('/v1/me/nonce');
    const proof = o.proofFor?.(nonce) ?? createDeviceTransferProof(newKey, { aud: h.platform.deps.issuer, nonce, cred: credentialIdOf(who.credential) });
    const body = await boundBody(nodeHolder(who.credential, who.key), nonce, '/v1/me/devices/transfer', {
      passphrase: o.passphrase ?? PASSPHRASE,
      publicJwk: newKey.publicKey.toJwk(),
      proof,
    });
    return post(h, '/v1/me/devices/transfer', body);
  };

  beforeAll(async () => {
    h = await startControlsPlatform(engine, reg);
    const [a, b, c] = adults(reg, 3);
    alice = await enrollHolder(h, a!);
    bob = await enrollHolder(h, b!);
    carol = await enrollHolder(h, c!);
    shop = await signalRp(h, `move-${engine.name}.example.cn`);
  });
  afterAll(async () => h?.close());

  it('transfer: a new device and 网证 (same 网号) on the new key; the old device and 网证 revoked (transferred) and refused; the new one verifies as the same person', async () => {
    const before = await verifyAt(h, shop, alice);
    expect(before.status).toBe('approved');
    await pollSets(h, shop);
    const old = alice;
    const oldDevice = (await me(old).status()).device.id;
    const newKey = deviceKey();
    const r = await controls(h, old).transfer(keySigner(newKey), { passphrase: PASSPHRASE, label: 'new phone' });
    expect(r).toMatchObject({ status: 'transferred', netid: old.netid, revokedDeviceId: oldDevice, credentialsRevoked: [credentialIdOf(old.credential)] });
    alice = { ...old, credential: r.credential, key: newKey };
    movedFrom = old;

    const store = h.platform.deps.store;
    expect((await store.devices.findById(oldDevice))!.revokedAt).not.toBeNull();
    expect(await store.credentials.findById(credentialIdOf(old.credential))).toMatchObject({ status: 'revoked', reason: 'transferred' });
    expect(await listStatus(h, old.credential)).toBe(1);
    expect(await listStatus(h, r.credential)).toBe(0);
    expect((await verifyAt(h, shop, old)).status).not.toBe('approved');
    expect(await verifyAt(h, shop, alice)).toEqual({ status: 'approved', sub: before.sub });
    expect(await codeOf(me(old).status())).toBe('device_revoked');

    const devices = await me(alice).devices();
    expect(devices.map((d) => [d.id === r.deviceId, d.current, d.revokedAt === null, d.label])).toEqual([
      [false, false, false, 'test phone'],
      [true, true, true, 'new phone'],
    ]);
    const ev = (await me(alice).history()).find((e) => e.type === 'event' && e.kind === 'device_transferred');
    expect(ev).toMatchObject({ details: { fromDeviceId: oldDevice, toDeviceId: r.deviceId, credentialId: r.credentialId } });
  });

  it('the RP gets one credential-change SET with cause holder_request (not device_lost); the audit trail records device.revoked', async () => {
    const sets = await pollSets(h, shop);
    expect(sets.map((s) => s.event)).toEqual([expect.objectContaining({ code: 'credential_revoked', cause: 'holder_request' })]);
    const audited = await h.platform.audit.search({ action: 'device.revoked', subject: subjectRef(await dekOf(alice)) });
    expect(audited.map((e) => [e.actor, e.data['cause']])).toEqual([['person', 'holder_request']]);
  });

  it('the old phone learns why its 网证 stopped working: transferred', async () => {
    const s = await controls(h, movedFrom).credentialStatus();
    expect(s).toEqual({
      credential: { id: credentialIdOf(movedFrom.credential), status: 'revoked', reason: 'transferred', revokedAt: expect.any(String), expiresAt: expect.any(String) },
      usable: false,
      reason: 'transferred',
    });
    // Every other control refuses it; a second transfer from it is impossible.
    expect(await codeOf(controls(h, movedFrom).transfer(keySigner(deviceKey()), { passphrase: PASSPHRASE }))).toBe('device_revoked');
  });

  it('bad transfers change nothing: another key’s proof, another nonce, an enrollment proof, this device’s own key, a key already bound, a wrong passphrase (counted)', async () => {
    const store = h.platform.deps.store;
    const snapshot = async () => JSON.stringify([await store.devices.listByPerson(bob.personId), await store.credentials.listByPerson(bob.personId)]);
    const before = await snapshot();
    const k = deviceKey();
    const cred = credentialIdOf(bob.credential);
    const aud = h.platform.deps.issuer;
    const cases: [string, Promise<{ status: number; body: Record<string, unknown> }>][] = [
      ['proof by another key', transferWith(bob, k, { proofFor: (nonce) => createDeviceTransferProof(deviceKey(), { aud, nonce, cred }) })],
      ['proof over another nonce', transferWith(bob, k, { proofFor: () => createDeviceTransferProof(k, { aud, nonce: 'x'.repeat(40), cred }) })],
      ['proof for another 网证', transferWith(bob, k, { proofFor: (nonce) => createDeviceTransferProof(k, { aud, nonce, cred: credentialIdOf(carol.credential) }) })],
      ['proof for another audience', transferWith(bob, k, { proofFor: (nonce) => createDeviceTransferProof(k, { aud: 'https://elsewhere.example', nonce, cred }) })],
      ['an enrollment device proof', transferWith(bob, k, { proofFor: (nonce) => createDeviceProof(k, { aud, nonce, enr: cred, th: 'x' }) })],
      ['this device’s own key', transferWith(bob, bob.key)],
      ['a key bound to carol', transferWith(bob, carol.key)],
    ];
    for (const [what, p] of cases) {
      const r = await p;
      expect([what, r.status, r.body.error]).toEqual([what, 400, 'invalid_device_proof']);
    }
    const failures = (await store.passphrases.find(bob.personId))!.failures;
    const wrong = await transferWith(bob, k, { passphrase: '20481937' });
    expect([wrong.status, wrong.body.error]).toEqual([401, 'wrong_passphrase']);
    expect((await store.passphrases.find(bob.personId))!.failures).toBe(failures + 1);
    expect(await snapshot()).toBe(before);
    expect((await me(bob).status()).credential.status).toBe('valid');
  });

  it('revoking a lost phone from another device: its wallet learns why (device_lost), and the RP gets a SET with cause device_lost', async () => {
    expect((await verifyAt(h, shop, bob)).status).toBe('approved');
    await pollSets(h, shop);
    const second = await addDevice(h, bob);
    await me(bob).revokeDevice(second.deviceId);
    expect((await pollSets(h, shop)).map((s) => s.event)).toEqual([expect.objectContaining({ code: 'credential_revoked', cause: 'device_lost' })]);
    expect(await controls(h, second).credentialStatus()).toMatchObject({ usable: false, reason: 'device_lost', credential: { status: 'revoked' } });
    expect((await h.platform.audit.search({ action: 'device.revoked', subject: subjectRef(await dekOf(bob)) })).map((e) => e.data['cause'])).toEqual(['device_lost']);
  });

  it('a locked 网证 is usable by no flow until unlocked: credential-status says locked', async () => {
    await me(carol).lock();
    expect(await controls(h, carol).credentialStatus()).toMatchObject({ usable: false, reason: 'locked', credential: { status: 'valid' } });
    await me(carol).unlock(PASSPHRASE);
    expect(await controls(h, carol).credentialStatus()).toMatchObject({ usable: true, reason: null });
  });

  it('re-enrollment says beforehand that it replaces the 网证 on the other device; declining issues nothing and the old one still works', async () => {
    let asked = 0;
    const first = adults(reg, 1, 3)[0]!;
    await h.enroll(first, { confirmReplacement: () => ++asked > 0 });
    expect(asked).toBe(0); // a first enrollment replaces nothing: not asked
    const declined = h.enroll(carol.person, { confirmReplacement: () => (++asked, false) });
    const err = await declined.catch((e: unknown) => e);
    expect(isWalletError(err, 'replacement_declined')).toBe(true);
    expect(asked).toBe(1);
    expect((await me(carol).status()).credential.status).toBe('valid');
  });

  it('accepting, the new enrollment revokes the other device’s 网证 (reenrolled), and that wallet learns why', async () => {
    const key = deviceKey();
    let asked = false;
    const issued = (await h.enroll(carol.person, { deviceKey: key, confirmReplacement: () => (asked = true) })) as Issued;
    expect(asked).toBe(true);
    expect(issued.netid).toBe(carol.netid);
    expect(await controls(h, carol).credentialStatus()).toMatchObject({ usable: false, reason: 'reenrolled', credential: { status: 'revoked' } });
    const now = await holderOf(h, issued, key);
    expect((await me(now).status()).credential.status).toBe('valid');
  });
});
