// A renewal or a move asked again after it committed (its answer lost: lifecycle/reissue-again.ts,
// docs/faults.md), on SQLite and PostgreSQL. The retry gets the 网证 the first request made — the
// same id, position, expiry, device key and claims, signed again — and it verifies at a relying
// party; nothing is written a second time (credentials, devices, history, audit, SETs). A retry
// is refused as before when that 网证 was replaced since, after the window, with another new key,
// or (a move) with a wrong passphrase, which is counted.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { subjectRef } from '@wangzheng/core/audit/index';
import { decodeDisclosure } from '@wangzheng/core/credential/disclosure';
import { credentialIdOf } from '@wangzheng/wallet/me/controls';
import { keySigner } from '@wangzheng/wallet/holder/node';
import { AGAIN_WINDOW_MS, renewalAgain } from '../../src/lifecycle/reissue-again.ts';
import { describeEachEngine } from '../support/engines.ts';
import { deviceKey, startRegistry, type Harness, type SharedRegistry } from '../enrollment/harness.ts';
import type { TestRp } from '../oidc/harness.ts';
import { adults, codeOf, controls, enrollHolder, PASSPHRASE, pollSets, signalRp, startControlsPlatform, verifyAt, type Holder } from './controls-harness.ts';
import { boundFor } from './support.ts';

let reg: SharedRegistry;
beforeAll(async () => {
  reg = await startRegistry(120, 'person-again');
});
afterAll(async () => reg?.close());

/** The issuer-signed payload and the disclosed claims of an SD-JWT VC (what a wallet stores). */
function opened(sdJwt: string): { payload: Record<string, unknown>; claims: Record<string, unknown> } {
  const [jwt, ...disclosures] = sdJwt.split('~').filter((p) => p !== '');
  const payload = JSON.parse(Buffer.from(jwt!.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
  const claims = Object.fromEntries(disclosures.map((d) => decodeDisclosure(d)).map((d) => [d.name, d.value]));
  return { payload, claims };
}

describeEachEngine('a renewal or a move asked again after it committed: the same 网证 (lifecycle/reissue-again.ts)', (engine) => {
  let h: Harness;
  let shop: TestRp;
  let alice: Holder;
  let bob: Holder;
  let carol: Holder;

  const dekOf = async (who: Holder) => {
    const p = (await h.platform.deps.store.persons.findById(who.personId))!;
    return h.platform.deps.protector.unwrapDataKey(p.id, p.wrappedDek, p.kekId);
  };
  /** What the platform holds about a person: rows that a second renewal or move would add to. */
  const footprint = async (who: Holder) => {
    const store = h.platform.deps.store;
    const subject = subjectRef(await dekOf(who));
    return {
      credentials: (await store.credentials.listByPerson(who.personId)).length,
      devices: (await store.devices.listByPerson(who.personId)).length,
      events: (await store.events.listByPerson(who.personId)).length,
      audit: (await h.platform.audit.search({ subject })).length,
    };
  };

  beforeAll(async () => {
    // Valid 20 days, renewable in the last 30: every fresh 网证 is due.
    h = await startControlsPlatform(engine, reg, { 'credential.validityDays': 20 });
    const [a, b, c] = adults(reg, 3);
    alice = await enrollHolder(h, a!);
    bob = await enrollHolder(h, b!);
    carol = await enrollHolder(h, c!);
    shop = await signalRp(h, `again-${engine.name}.example.cn`);
  });
  afterAll(async () => h?.close());

  it('renewal: the retry with the old 网证 gets the same new 网证, signed again; it verifies as the same person; nothing is written twice', async () => {
    const before = await verifyAt(h, shop, alice);
    await pollSets(h, shop);
    const first = await controls(h, alice).renew(); // its answer is lost: the wallet still holds the old 网证
    const after = await footprint(alice);
    const again = await controls(h, alice).renew();

    expect(again).toEqual({ ...first, credential: expect.any(String) });
    expect(again.credential).not.toBe(first.credential); // new salts and signature
    const [a, f] = [opened(again.credential), opened(first.credential)];
    expect(a.payload['jti']).toBe(credentialIdOf(first.credential));
    const same = ['iss', 'jti', 'iat', 'exp', 'cnf', 'status', 'vct'];
    expect(Object.fromEntries(same.map((k) => [k, a.payload[k]]))).toEqual(Object.fromEntries(same.map((k) => [k, f.payload[k]])));
    expect(a.claims).toEqual(f.claims);

    expect(await footprint(alice)).toEqual(after);
    expect((await pollSets(h, shop)).length).toBe(1); // the renewal's one SET, none for the retry
    alice = { ...alice, credential: again.credential };
    expect(await verifyAt(h, shop, alice)).toEqual({ status: 'approved', sub: before.sub });
  });

  it('renewal: once the new 网证 is itself replaced, the old one’s retry is refused as before (credential_revoked)', async () => {
    const old = alice;
    const second = await controls(h, old).renew();
    alice = { ...alice, credential: second.credential };
    // `old` holds the 网证 of the first test's retry: its successor is `second`, still valid — answered.
    expect((await controls(h, old).renew()).credentialId).toBe(second.credentialId);
    const third = await controls(h, alice).renew();
    alice = { ...alice, credential: third.credential };
    expect(await codeOf(controls(h, old).renew())).toBe('credential_revoked');
  });

  it(`renewal: after ${AGAIN_WINDOW_MS / 3_600_000} h the retry is refused (the rule, with the clock moved on)`, async () => {
    const old = carol;
    const first = await controls(h, old).renew();
    carol = { ...carol, credential: first.credential };
    const deps = { store: h.platform.deps.store, protector: h.platform.deps.protector, signing: h.platform.deps.signing.gm, issuerUrl: h.platform.deps.issuer };
    const identified = async () => h.platform.person.auth.identify({ method: 'POST', path: '/v1/me/renew', body: await boundFor(h, old, '/v1/me/renew') });
    const revokedAt = (await h.platform.deps.store.credentials.findById(credentialIdOf(old.credential)))!.revokedAt!;
    expect((await renewalAgain({ ...deps, now: () => revokedAt + AGAIN_WINDOW_MS }, await identified()))?.credentialId).toBe(first.credentialId);
    expect(await renewalAgain({ ...deps, now: () => revokedAt + AGAIN_WINDOW_MS + 1 }, await identified())).toBeUndefined();
  });

  it('move: the retry from the old phone with the same new key gets the same 网证; it verifies on the new key; nothing is written twice', async () => {
    const before = await verifyAt(h, shop, bob);
    await pollSets(h, shop);
    const newKey = deviceKey();
    const first = await controls(h, bob).transfer(keySigner(newKey), { passphrase: PASSPHRASE, label: 'new phone' });
    const after = await footprint(bob);
    const again = await controls(h, bob).transfer(keySigner(newKey), { passphrase: PASSPHRASE, label: 'new phone' });

    expect(again).toEqual({ ...first, credential: expect.any(String) });
    expect(opened(again.credential).claims).toEqual(opened(first.credential).claims);
    const cnf = opened(again.credential).payload['cnf'] as { jwk: Record<string, unknown> };
    expect(cnf).toEqual(opened(first.credential).payload['cnf']);
    expect([cnf.jwk['x'], cnf.jwk['y']]).toEqual([newKey.publicKey.toJwk()['x'], newKey.publicKey.toJwk()['y']]);
    expect(await footprint(bob)).toEqual(after);
    expect((await pollSets(h, shop)).length).toBe(1);
    expect(await verifyAt(h, shop, { credential: again.credential, key: newKey })).toEqual({ status: 'approved', sub: before.sub });

    // Another new key, or a wrong passphrase (counted), is refused; the right one again still answers.
    expect(await codeOf(controls(h, bob).transfer(keySigner(deviceKey()), { passphrase: PASSPHRASE }))).toBe('device_revoked');
    expect(await codeOf(controls(h, bob).transfer(keySigner(newKey), { passphrase: '11112222' }))).toBe('wrong_passphrase');
    expect((await h.platform.deps.store.passphrases.find(bob.personId))!.failures).toBe(1);
    expect((await controls(h, bob).transfer(keySigner(newKey), { passphrase: PASSPHRASE })).credentialId).toBe(first.credentialId);
    expect((await h.platform.deps.store.passphrases.find(bob.personId))!.failures).toBe(0);
  });
});
