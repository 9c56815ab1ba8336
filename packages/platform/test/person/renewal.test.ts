// Renewing the 网证 before it expires (issue 7 §3; docs/person.md), on SQLite and PostgreSQL:
// the same person (same 网号) and device get a new 网证 through enrollment's issuance code; the
// old one is revoked with reason `renewed` — refused by a receipt verification and shown revoked
// in the Token Status List (decoded with @sd-jwt/jwt-status-list) — while the new one verifies
// with the same application identifier; the relying party that knows the person gets a CAEP
// credential-change SET (cause renewal); the audit trail has it; the old wallet learns why its
// 网证 stopped working. Only within WZ_RENEWAL_WINDOW_DAYS of expiry (boundary pair), and never
// when the new one would not last longer.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { subjectRef } from '@wangzheng/core/audit/index';
import { MeClient } from '@wangzheng/wallet/me/client';
import { credentialIdOf } from '@wangzheng/wallet/me/controls';
import { Renewal } from '../../src/lifecycle/renewal.ts';
import type { AuthenticatedPerson } from '../../src/person/auth.ts';
import { describeEachEngine } from '../support/engines.ts';
import { startRegistry, type Harness, type SharedRegistry } from '../enrollment/harness.ts';
import type { TestRp } from '../oidc/harness.ts';
import { adults, codeOf, controls, enrollHolder, listStatus, pollSets, signalRp, startControlsPlatform, verifyAt, type Holder } from './controls-harness.ts';
import { boundFor, post } from './support.ts';
import { nodeHolder } from '@wangzheng/wallet/holder/node';

let reg: SharedRegistry;
beforeAll(async () => {
  reg = await startRegistry(120, 'person-renewal');
});
afterAll(async () => reg?.close());

const DAY = 86_400_000;

describeEachEngine('renewal: a new 网证, same 网号 and device, the old one revoked (issue 7 §3)', (engine) => {
  // 网证 valid 20 days, renewable in the last 30: every fresh 网证 is due.
  let h: Harness;
  let shop: TestRp;
  let alice: Holder;
  let bob: Holder;
  let dave: Holder;
  let renewedFrom: Holder;

  /** The authenticated person behind a holder, as the platform sees them on a /v1/me request. */
  const authenticated = async (who: Holder): Promise<AuthenticatedPerson> =>
    h.platform.person.auth.authenticate({ method: 'POST', path: '/v1/me/renew', body: await boundFor(h, who, '/v1/me/renew') });
  const renewalAt = (now: number, o: { windowDays?: number; validityDays?: number } = {}) =>
    new Renewal({
      store: h.platform.deps.store,
      protector: h.platform.deps.protector,
      signing: h.platform.deps.signing.gm,
      issuerUrl: h.platform.deps.issuer,
      validityDays: o.validityDays ?? 20,
      windowDays: o.windowDays ?? 30,
      now: () => now,
    });

  beforeAll(async () => {
    h = await startControlsPlatform(engine, reg, { 'credential.validityDays': 20 });
    const [a, b, d] = adults(reg, 3);
    alice = await enrollHolder(h, a!);
    bob = await enrollHolder(h, b!);
    dave = await enrollHolder(h, d!);
    shop = await signalRp(h, `renew-${engine.name}.example.cn`);
  });
  afterAll(async () => h?.close());

  it('renew: same 网号 and device, a new 网证 id and expiry; the old one revoked (renewed) and refused; the new one verifies with the same application identifier', async () => {
    const before = await verifyAt(h, shop, alice);
    expect(before.status).toBe('approved');
    await pollSets(h, shop); // nothing before the renewal is of interest
    const old = { ...alice };
    const r = await controls(h, alice).renew();
    const device = (await h.platform.deps.store.devices.listByPerson(alice.personId))[0]!;
    expect(r).toMatchObject({ status: 'renewed', netid: alice.netid, deviceId: device.id, revokedCredentialId: credentialIdOf(old.credential) });
    expect(r.credentialId).not.toBe(r.revokedCredentialId);
    renewedFrom = old;
    alice = { ...alice, credential: r.credential };

    const store = h.platform.deps.store;
    expect(await store.credentials.findById(r.revokedCredentialId)).toMatchObject({ status: 'revoked', reason: 'renewed' });
    expect(await store.credentials.findById(r.credentialId)).toMatchObject({ status: 'valid', deviceId: device.id, personId: alice.personId });
    expect(await listStatus(h, old.credential)).toBe(1);
    expect(await listStatus(h, r.credential)).toBe(0);

    expect((await verifyAt(h, shop, old)).status).toBe('credential_revoked');
    const after = await verifyAt(h, shop, alice);
    expect(after).toEqual({ status: 'approved', sub: before.sub });
    expect(await codeOf(new MeClient(h.client, nodeHolder(old.credential, old.key)).status())).toBe('credential_revoked');
    expect((await new MeClient(h.client, nodeHolder(alice.credential, alice.key)).status()).credential.id).toBe(r.credentialId);
  });

  it('the RP that knows the person gets one credential-change SET (cause renewal) naming them by its own identifier; the audit trail and history have it', async () => {
    const sets = await pollSets(h, shop);
    expect(sets).toHaveLength(1);
    expect(sets[0]!.event).toMatchObject({ code: 'credential_revoked', cause: 'renewal' });
    const sub = (await verifyAt(h, shop, alice)).sub;
    expect(sets[0]!.subject).toMatchObject({ format: 'iss_sub', sub });
    const person = (await h.platform.deps.store.persons.findById(alice.personId))!;
    const dek = h.platform.deps.protector.unwrapDataKey(person.id, person.wrappedDek, person.kekId);
    const audited = await h.platform.audit.search({ action: 'credential.renewed', subject: subjectRef(dek) });
    expect(audited).toHaveLength(1);
    expect(audited[0]).toMatchObject({ actor: 'person', data: { cause: 'renewal' } });
    const ev = (await new MeClient(h.client, nodeHolder(alice.credential, alice.key)).history()).find((e) => e.type === 'event' && e.kind === 'credential_renewed');
    expect(ev).toBeDefined();
  });

  it('the old wallet asks why: credential-status answers revoked, reason renewed — for that 网证 only', async () => {
    const s = await controls(h, renewedFrom).credentialStatus();
    expect(s).toMatchObject({ usable: false, reason: 'renewed', credential: { status: 'revoked', reason: 'renewed' } });
    expect(JSON.stringify(s)).not.toContain(alice.netid);
    expect(await controls(h, alice).credentialStatus()).toMatchObject({ usable: true, reason: null, credential: { status: 'valid', reason: null } });
    // It is bound like every /v1/me call: a replay is refused.
    const body = await boundFor(h, renewedFrom, '/v1/me/credential-status');
    expect((await post(h, '/v1/me/credential-status', body)).status).toBe(200);
    expect((await post(h, '/v1/me/credential-status', body)).body.error).toBe('nonce_replayed');
  });

  it('the window, a boundary pair: one millisecond before it opens → renewal_not_due (409), nothing changed; at the opening → renewed', async () => {
    // The renewal service on a clock of its own (a 网证 issued at that clock is not used afterwards).
    const me = await authenticated(dave);
    const opens = me.credential.expiresAt - 5 * DAY;
    const code = await codeOf(renewalAt(opens - 1, { windowDays: 5 }).renew(me));
    expect(code).toBe('renewal_not_due');
    expect((await h.platform.deps.store.credentials.findById(me.credential.id))!.status).toBe('valid');
    const r = await renewalAt(opens, { windowDays: 5 }).renew(me);
    expect(r.revokedCredentialId).toBe(me.credential.id);
    expect((await h.platform.deps.store.credentials.findById(r.credentialId))!.expiresAt).toBe(opens + 20 * DAY);
  });

  it('a renewal that would not last longer than the current 网证 → renewal_not_extended; nothing changed', async () => {
    const me = await authenticated(bob);
    expect(await codeOf(renewalAt(Date.now(), { validityDays: 1 }).renew(me))).toBe('renewal_not_extended');
    expect((await h.platform.deps.store.credentials.findById(me.credential.id))!.status).toBe('valid');
  });

  it('two renewals at the same instant: exactly one new 网证, and both answers carry it (the later one is a renewal asked again: reissue-again.ts)', async () => {
    const answers = await Promise.all([controls(h, bob).renew(), controls(h, bob).renew()]);
    expect(answers[0].credentialId).toBe(answers[1].credentialId);
    const valid = (await h.platform.deps.store.credentials.listByPerson(bob.personId)).filter((c) => c.status === 'valid');
    expect(valid.map((c) => c.id)).toEqual([answers[0].credentialId]);
  });

  it('a banned 网证: renewing it is refused; its wallet learns why (fraud_ban)', async () => {
    const admin = `Bearer ${Buffer.from(h.platform.deps.secrets.admin[0]!.key).toString('base64url')}`;
    const res = await fetch(`${h.url}/v1/admin/bans`, {
      method: 'POST',
      headers: { authorization: admin, 'content-type': 'application/json' },
      body: JSON.stringify({ netid: alice.netid, reason: 'fraud', legalRef: '《反电信网络诈骗法》第三十一条' }),
    });
    expect(res.status).toBe(201);
    expect(await codeOf(controls(h, alice).renew())).toBe('credential_revoked');
    expect(await controls(h, alice).credentialStatus()).toMatchObject({ usable: false, reason: 'fraud_ban', credential: { status: 'suspended' } });
  });
});

describeEachEngine('renewal outside the window, as deployed (WZ_CREDENTIAL_DAYS 365, WZ_RENEWAL_WINDOW_DAYS 30)', (engine) => {
  let h: Harness;
  let carol: Holder;
  beforeAll(async () => {
    h = await startControlsPlatform(engine, reg);
    carol = await enrollHolder(h, adults(reg, 1, 4)[0]!);
  });
  afterAll(async () => h?.close());

  it('a fresh 网证 → 409 renewal_not_due with the date renewal opens; nothing changed', async () => {
    const r = await post(h, '/v1/me/renew', await boundFor(h, carol, '/v1/me/renew'));
    expect([r.status, r.body.error]).toEqual([409, 'renewal_not_due']);
    expect(r.body.message).toMatch(/from \d{4}-\d{2}-\d{2}T/);
    const creds = await h.platform.deps.store.credentials.listByPerson(carol.personId);
    expect(creds.map((c) => c.status)).toEqual(['valid']);
  });
});
