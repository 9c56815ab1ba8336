// Changing the passphrase (口令) with the old one, and resetting it with a live face match
// (issue 7 §3; docs/person.md), on SQLite and PostgreSQL. The old passphrase is checked under
// the verification lockout — every wrong one counts, the fifth locks; the new one must pass
// enrollment's rules, checked before anything is counted; a reset needs the registry's liveness
// challenge and a probe of the holder's own face, works without the old passphrase and clears a
// lock. Every refusal has its stable code and changes nothing.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { MeClient } from '@wangzheng/wallet/me/client';
import { describeEachEngine } from '../support/engines.ts';
import { startRegistry, type Harness, type SharedRegistry } from '../enrollment/harness.ts';
import { adults, camera, codeOf, controls, enrollHolder, PASSPHRASE, startControlsPlatform, type Holder } from './controls-harness.ts';
import { boundFor, post } from './support.ts';
import { nodeHolder } from '@wangzheng/wallet/holder/node';

let reg: SharedRegistry;
beforeAll(async () => {
  reg = await startRegistry(120, 'person-passphrase');
});
afterAll(async () => reg?.close());

describeEachEngine('passphrase: change with the old one, reset with the face (issue 7 §3)', (engine) => {
  let h: Harness;
  let alice: Holder;
  let bob: Holder;

  const me = (who: Holder) => new MeClient(h.client, nodeHolder(who.credential, who.key));
  const record = async (who: Holder) => (await h.platform.deps.store.passphrases.find(who.personId))!;
  /** The platform's passphrase is `p`: lock, then unlock with it (unlock checks it under lockout). */
  const unlocksWith = async (who: Holder, p: string) => {
    await me(who).lock();
    const code = await codeOf(me(who).unlock(p));
    if (code !== 'no error') await me(who).unlock(await current(who)); // leave it unlocked for the next test
    return code === 'no error';
  };
  const known = new Map<string, string>();
  const current = async (who: Holder) => known.get(who.personId) ?? PASSPHRASE;

  beforeAll(async () => {
    h = await startControlsPlatform(engine, reg);
    const [a, b] = adults(reg, 2);
    alice = await enrollHolder(h, a!);
    bob = await enrollHolder(h, b!);
  });
  afterAll(async () => h?.close());

  it('change: with the right old passphrase the new one holds, the old one no longer does; history says so', async () => {
    const r = await controls(h, alice).changePassphrase(PASSPHRASE, '59381726');
    expect(r.method).toBe('passphrase');
    known.set(alice.personId, '59381726');
    expect(await unlocksWith(alice, PASSPHRASE)).toBe(false);
    expect(await unlocksWith(alice, '59381726')).toBe(true);
    const ev = (await me(alice).history()).find((e) => e.type === 'event' && e.kind === 'passphrase_changed');
    expect(ev).toMatchObject({ details: { method: 'passphrase' } });
  });

  it('a weak new passphrase → weak_passphrase, the same one → passphrase_unchanged; neither counts as a wrong try', async () => {
    const before = (await record(bob)).failures;
    expect(await codeOf(controls(h, bob).changePassphrase(PASSPHRASE, '12345678'))).toBe('weak_passphrase');
    expect(await codeOf(controls(h, bob).changePassphrase(PASSPHRASE, '11111111'))).toBe('weak_passphrase');
    // The birth date, as at enrollment (YYYYMMDD).
    expect(await codeOf(controls(h, bob).changePassphrase(PASSPHRASE, bob.person.birthDate.replaceAll('-', '')))).toBe('weak_passphrase');
    expect(await codeOf(controls(h, bob).changePassphrase(PASSPHRASE, PASSPHRASE))).toBe('passphrase_unchanged');
    expect((await record(bob)).failures).toBe(before);
  });

  it('a wrong old passphrase → wrong_passphrase and counted; the fifth locks (passphrase_locked, 423), then even the right one is refused', async () => {
    const hashBefore = (await record(bob)).hash;
    for (let i = 1; i <= 4; i++) {
      expect(await codeOf(controls(h, bob).changePassphrase('20481937', '69204815'))).toBe('wrong_passphrase');
      expect((await record(bob)).failures).toBe(i);
    }
    const body = await boundFor(h, bob, '/v1/me/passphrase', { old: '20481937', new: '69204815' });
    const fifth = await post(h, '/v1/me/passphrase', body);
    expect([fifth.status, fifth.body.error]).toEqual([423, 'passphrase_locked']);
    expect((await record(bob)).lockedUntil).toBeGreaterThan(Date.now());
    expect(await codeOf(controls(h, bob).changePassphrase(PASSPHRASE, '69204815'))).toBe('passphrase_locked');
    expect((await record(bob)).hash).toBe(hashBefore);
  });

  it('reset with the holder’s live face: works without the old passphrase, clears the lock, the new one holds', async () => {
    const r = await controls(h, bob).resetPassphrase('70395128', camera(reg, bob.person));
    expect(r.method).toBe('face');
    known.set(bob.personId, '70395128');
    expect(await record(bob)).toMatchObject({ failures: 0, lockedUntil: null });
    expect(await unlocksWith(bob, '70395128')).toBe(true);
    expect(await unlocksWith(bob, PASSPHRASE)).toBe(false);
    const ev = (await me(bob).history()).find((e) => e.type === 'event' && e.kind === 'passphrase_changed');
    expect(ev).toMatchObject({ details: { method: 'face' } });
  });

  it('reset with someone else’s face → face_mismatch; nothing changes', async () => {
    const hash = (await record(alice)).hash;
    expect(await codeOf(controls(h, alice).resetPassphrase('81402639', camera(reg, alice.person, 'other')))).toBe('face_mismatch');
    expect((await record(alice)).hash).toBe(hash);
  });

  it('a liveness challenge is single use (challenge_expired), a weak new passphrase is refused before the face is compared', async () => {
    const c = controls(h, alice);
    const ch = await c.faceChallenge();
    const probe = await camera(reg, alice.person)(ch.nonce);
    expect(await codeOf(c.call('/v1/me/passphrase/reset', { challenge: ch.nonce, probe, new: '12345678' }))).toBe('weak_passphrase');
    await c.call('/v1/me/passphrase/reset', { challenge: ch.nonce, probe, new: '81402639' });
    known.set(alice.personId, '81402639');
    expect(await codeOf(c.call('/v1/me/passphrase/reset', { challenge: ch.nonce, probe, new: '92513740' }))).toBe('challenge_expired');
    expect(await unlocksWith(alice, '81402639')).toBe(true);
  });

  it('the new passphrase is bound: a body altered after signing → request_binding_mismatch, replayed → nonce_replayed', async () => {
    const body = await boundFor(h, alice, '/v1/me/passphrase', { old: '81402639', new: '30571942' });
    const altered = await post(h, '/v1/me/passphrase', { ...body, new: '41682053' });
    expect([altered.status, altered.body.error]).toEqual([400, 'request_binding_mismatch']);
    const ok = await post(h, '/v1/me/passphrase', body);
    expect([ok.status, ok.cacheControl]).toEqual([200, 'no-store']);
    known.set(alice.personId, '30571942');
    const replay = await post(h, '/v1/me/passphrase', body);
    expect([replay.status, replay.body.error]).toEqual([409, 'nonce_replayed']);
    // Unknown fields are refused before anything else.
    const extra = await post(h, '/v1/me/passphrase', { ...(await boundFor(h, alice, '/v1/me/passphrase', { old: 'x', new: 'y' })), hint: 'z' });
    expect([extra.status, extra.body.error]).toEqual([400, 'invalid_request']);
  });

  it('nothing of either passphrase reaches the logs', () => {
    for (const p of ['59381726', '70395128', '81402639', '30571942', '20481937']) expect(h.logs()).not.toContain(p);
  });
});
