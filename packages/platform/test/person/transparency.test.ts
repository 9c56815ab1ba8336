// Transparency and consent over the person-authenticated API (issue 7 §4; PIPL Art. 15, 45), on
// SQLite and PostgreSQL: the person's history shows every verification attempt with the RP's
// registered name, the mode and exactly what it received; the RPs holding an authorization are
// listed and each can be withdrawn (consents withdrawn, OIDC access tokens revoked, the RP told,
// the next request asks again); the export holds everything about the person and nothing of
// anyone else; nothing the person API writes holds plaintext personal data.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { answerVerification } from '@wangzheng/wallet/verify';
import type { Issued } from '@wangzheng/wallet/enroll/enroll';
import { WzError } from '@wangzheng/core/errors';
import type { VerificationHistoryEntry } from '@wangzheng/core/person/views';
import { rejectionCode as codeOf } from '../../../../test/support/errors.ts';
import { createPersonApi, type ConsentWithdrawnNotice } from '../../src/person/index.ts';
import { PassphraseHasher } from '../../src/passphrase/hasher.ts';
import { wholeDump } from '../support/dump.ts';
import { describeEachEngine } from '../support/engines.ts';
import type { SyntheticPerson } from '../support/people.ts';
import { PlaintextDetector, summarise } from '../support/plaintext.ts';
import { freshPhone } from '../enrollment/harness.ts';
import { USCC } from '../rp/harness.ts';
import { EVENT_TYPE_URIS } from '@wangzheng/core/signals/index';
import { ADULT, basic, claimsOf, deviceKey, registerRp, startOidcPlatform, startRegistry, VALID_DOC, type Harness, type RegistryPerson, type SharedRegistry, type TestRp } from '../oidc/harness.ts';
import { boundFor, holderOf, me, oidcLogin, openLogin, post, type TestHolder } from './support.ts';
import { nodeHolder } from '@wangzheng/wallet/holder/node';

let reg: SharedRegistry;
beforeAll(async () => {
  reg = await startRegistry(300, 'person-transparency');
});
afterAll(async () => reg?.close());

const PASSPHRASE = '48273915';

describeEachEngine('person API: history, authorizations and withdrawal, export (issue 7 §4)', (engine) => {
  let h: Harness;
  let people: (RegistryPerson & { phone: string })[];
  let alice: TestHolder;
  let bob: TestHolder;
  let shop: TestRp;
  let bank: TestRp;
  let news: TestRp;
  let seq = 0;
  let passedId = '';
  let declinedId = '';
  let bankSub = '';

  const receiptRequest = async (rp: TestRp, mode: string, scopes: string[] = []) => {
    const record = (await h.platform.deps.store.relyingParties.findByClientId(rp.clientId))!;
    return h.platform.verification.createReceiptRequest(record, { bizSeq: `tr-${++seq}`, mode, scopes });
  };
  const userinfo = (token: string) => fetch(`${h.url}/oauth/userinfo`, { headers: { authorization: `Bearer ${token}` } });

  beforeAll(async () => {
    h = await startOidcPlatform(engine, reg);
    people = reg.people(`d.type = 'resident_id_card' AND ${VALID_DOC} AND ${ADULT}`, [], 2).map((p) => ({ ...p, phone: freshPhone() }));
    const enroll = async (p: RegistryPerson & { phone: string }): Promise<TestHolder> => {
      const key = deviceKey();
      return holderOf(h, (await h.enroll(p, { deviceKey: key, phone: p.phone })) as Issued, key);
    };
    alice = await enroll(people[0]!);
    bob = await enroll(people[1]!);
    shop = await registerRp(h, { category: 'internet_service', uscc: USCC.internet, alg: 'ES256', host: 'shop.example.cn', name: '示例商城', scopes: { masked_name: '实名注册' }, approve: ['masked_name'] });
    bank = await registerRp(h, { category: 'bank', uscc: USCC.bank, alg: 'SM2', host: 'bank.example.cn', name: '示例银行', scopes: { masked_name: '客户身份识别' }, approve: ['masked_name'] });
    news = await registerRp(h, { category: 'internet_service', uscc: USCC.internet, alg: 'ES256', host: 'news.example.cn', name: '示例新闻' });

    // Alice: passes at the bank (网证+口令, masked name consented), declines the news site.
    const a = await receiptRequest(bank, 'wz_pass', ['masked_name']);
    passedId = a.requestId;
    await answerVerification(h.client, { ref: a.ref, holder: nodeHolder(alice.credential, alice.key), passphrase: PASSPHRASE, consent: () => ['masked_name'] });
    const rp = (await h.platform.deps.store.relyingParties.findByClientId(bank.clientId))!;
    bankSub = String(claimsOf((await h.platform.verification.fetchReceipt(rp, a.requestId)).receipt).sub);
    const d = await receiptRequest(news, 'wz');
    declinedId = d.requestId;
    await answerVerification(h.client, { ref: d.ref, holder: nodeHolder(alice.credential, alice.key), approve: false });
    // Bob verifies at the news site: none of it may show in Alice's answers.
    const b = await receiptRequest(news, 'wz');
    await answerVerification(h.client, { ref: b.ref, holder: nodeHolder(bob.credential, bob.key) });
  });
  afterAll(async () => h?.close());

  it('history: a passed and a declined verification, each with time, the RP’s registered name, the mode and exactly what the RP received', async () => {
    const history = await me(h, alice).history();
    const byId = (id: string) => history.find((e): e is VerificationHistoryEntry => e.type === 'verification' && e.requestId === id);
    const passed = byId(passedId)!;
    expect(passed).toMatchObject({ rp: { clientId: bank.clientId, name: '示例银行' }, kind: 'receipt', mode: 'wz_pass', scopes: ['result', 'masked_name'], outcome: 'passed' });
    expect(passed.disclosed?.result).toBe('pass');
    expect(passed.disclosed?.appId).toBe(bankSub);
    expect(Object.keys(passed.disclosed?.claims ?? {})).toEqual(['masked_name']);
    expect(passed.disclosed?.claims['masked_name']).toMatch(/\*/);
    expect(Date.parse(passed.at)).toBeGreaterThan(Date.now() - 600_000);
    const declined = byId(declinedId)!;
    expect(declined).toMatchObject({ rp: { clientId: news.clientId, name: '示例新闻' }, mode: 'wz', scopes: ['result'], outcome: 'declined', disclosed: { result: 'fail', claims: {} } });
    // Folded: no separate `verified` / `verification_declined` events for listed requests; the enrollment is there.
    expect(history.filter((e) => e.type === 'event').map((e) => e.kind)).toEqual(['enrolled']);
    // Only Alice's own attempts.
    expect(history.filter((e) => e.type === 'verification')).toHaveLength(2);
    expect((await me(h, bob).history()).filter((e) => e.type === 'verification').map((e) => (e as VerificationHistoryEntry).outcome)).toEqual(['passed']);
  });

  it('authorizations: each RP holding a consent or an access token, with what was consented and when', async () => {
    const tokens = await oidcLogin(h, shop, 'openid wz:masked_name', (ref) =>
      answerVerification(h.client, { ref, holder: nodeHolder(alice.credential, alice.key), consent: () => ['masked_name'] }),
    );
    expect((await userinfo(tokens.access_token)).status).toBe(200);
    const list = await me(h, alice).authorizations();
    const names = list.map((a) => a.rp.name).sort();
    expect(names).toEqual(['示例商城', '示例银行']);
    const atShop = list.find((a) => a.clientId === shop.clientId)!;
    expect(atShop).toMatchObject({ rp: { name: '示例商城', category: 'internet_service' }, activeAccessTokens: 1, consents: [{ kind: 'rp', clientId: shop.clientId, sensitive: false, scopes: ['masked_name'], withdrawnAt: null }] });
    expect(atShop.appId).toMatch(/^A[0-9A-Z]{25}$/);
    const atBank = list.find((a) => a.clientId === bank.clientId)!;
    expect(atBank).toMatchObject({ appId: bankSub, activeAccessTokens: 0, consents: [{ scopes: ['masked_name'] }] });
    expect(Date.parse(atBank.consents[0]!.grantedAt)).toBeGreaterThan(0);
    // The news site was declined, never consented to: it holds nothing.
    expect(list.some((a) => a.clientId === news.clientId)).toBe(false);

    // Withdrawal at the shop: consent withdrawn, token revoked (userinfo refuses it), history records it.
    const w = await me(h, alice).withdraw(shop.clientId);
    expect(w).toMatchObject({ clientId: shop.clientId, accessTokensRevoked: 1, rpNotified: false });
    expect(w.consentsWithdrawn).toHaveLength(1);
    const res = await userinfo(tokens.access_token);
    expect(res.status).toBe(401);
    const stored = await h.platform.deps.store.consents.findById(w.consentsWithdrawn[0]!);
    expect(stored!.withdrawnAt).not.toBeNull();
    expect((await me(h, alice).authorizations()).map((a) => a.clientId)).toEqual([bank.clientId]);
    const ev = (await me(h, alice).history()).find((e) => e.type === 'event' && e.kind === 'consent_withdrawn');
    expect(ev).toMatchObject({ details: { clientId: shop.clientId, rp: '示例商城', accessTokensRevoked: 1 } });

    // The next request for the field asks again: without consent it is refused (consent_required).
    const ref = await openLogin(h, shop, 'openid wz:masked_name');
    expect(await codeOf(answerVerification(h.client, { ref, holder: nodeHolder(alice.credential, alice.key) }))).toBe('consent_required');
  });

  it('withdrawing what does not exist → consent_not_found (404), nothing changed', async () => {
    for (const clientId of [news.clientId, shop.clientId, 'rp_AAAAAAAAAAAAAAAAAAAAAA', 'not-a-client']) {
      const r = await post(h, '/v1/me/authorizations/withdraw', await boundFor(h, alice, '/v1/me/authorizations/withdraw', { clientId }));
      expect([clientId, r.status, r.body.error]).toEqual([clientId, 404, 'consent_not_found']);
    }
    // Bob cannot withdraw Alice's consent at the bank: he holds none there.
    expect(await codeOf(me(h, bob).withdraw(bank.clientId))).toBe('consent_not_found');
    expect((await me(h, alice).authorizations()).map((a) => a.clientId)).toEqual([bank.clientId]);
  });

  it('the RP is told: onConsentWithdrawn runs once, in the withdrawal’s transaction, with the RP’s own application identifier; if it fails nothing is withdrawn', async () => {
    const d = h.platform.deps;
    const make = (hook: (n: ConsentWithdrawnNotice) => Promise<boolean>) =>
      createPersonApi({
        store: d.store,
        suite: d.suite,
        protector: d.protector,
        hasher: new PassphraseHasher(d.config.passphrase),
        signing: [d.signing.gm, d.signing.intl],
        issuerUrl: d.issuer,
        nonceKeys: d.secrets.blindIndex,
        now: Date.now,
        onConsentWithdrawn: async (tx, n) => {
          // Inside the transaction: the withdrawal is visible to it.
          expect((await tx.consents.listByPerson(n.personId)).filter((c) => c.subject === `rp:${bank.clientId}` && c.withdrawnAt === null)).toEqual([]);
          return hook(n);
        },
      });
    const path = '/v1/me/authorizations/withdraw';
    const authenticate = async (api: ReturnType<typeof make>) => api.auth.authenticate({ method: 'POST', path, body: await boundFor(h, alice, path, { clientId: bank.clientId }) });

    const failing = make(async () => {
      throw new WzError('temporarily_unavailable', 'transmitter down');
    });
    expect(await codeOf(failing.service.withdraw(await authenticate(failing), bank.clientId))).toBe('temporarily_unavailable');
    expect((await me(h, alice).authorizations()).map((a) => a.clientId)).toEqual([bank.clientId]);

    const told: ConsentWithdrawnNotice[] = [];
    const api = make(async (n) => {
      told.push(n);
      return true;
    });
    const w = await api.service.withdraw(await authenticate(api), bank.clientId);
    expect(w.rpNotified).toBe(true);
    expect(told).toHaveLength(1);
    expect(told[0]).toMatchObject({ personId: alice.personId, clientId: bank.clientId, appId: bankSub });
    expect(told[0]!.dek).toBeInstanceOf(Uint8Array);
    expect(await me(h, alice).authorizations()).toEqual([]);
  });

  it('through the platform the RP is told (OpenID SSF): a consent-withdrawn SET naming its own application identifier, polled per RFC 8936', async () => {
    const auth = { authorization: basic(bank), 'content-type': 'application/json' };
    const created = await fetch(`${h.url}/ssf/stream`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ delivery: { method: 'urn:ietf:rfc:8936' }, events_requested: [EVENT_TYPE_URIS.consent_withdrawn] }),
    });
    expect(created.status).toBe(201);
    const a = await receiptRequest(bank, 'wz', ['masked_name']);
    await answerVerification(h.client, { ref: a.ref, holder: nodeHolder(alice.credential, alice.key), consent: () => ['masked_name'] });
    const w = await me(h, alice).withdraw(bank.clientId);
    expect(w).toMatchObject({ clientId: bank.clientId, rpNotified: true });
    const polled = (await (await fetch(`${h.url}/ssf/poll`, { method: 'POST', headers: auth, body: JSON.stringify({ maxEvents: 10, returnImmediately: true }) })).json()) as { sets: Record<string, string> };
    const sets = Object.values(polled.sets).map(claimsOf);
    expect(sets).toHaveLength(1);
    expect(Object.keys(sets[0]!.events as object)).toEqual([EVENT_TYPE_URIS.consent_withdrawn]);
    expect(sets[0]).toMatchObject({ aud: bank.clientId, sub_id: { format: 'iss_sub', sub: bankSub } });
    expect(JSON.stringify(sets[0])).not.toContain(alice.netid);
  });

  it('export: everything the platform holds about the person, nothing of anyone else, no-store (PIPL Art. 45)', async () => {
    const r = await post(h, '/v1/me/export', await boundFor(h, alice, '/v1/me/export'));
    expect(r.status).toBe(200);
    expect(r.cacheControl).toBe('no-store');
    const x = r.body as Record<string, any>;
    const p = people[0]!;
    expect(x.format).toBe('wangzheng-person-export/v1');
    expect(x.person).toMatchObject({ netid: alice.netid, status: 'active' });
    expect(x.profile).toMatchObject({ name: p.name, birthDate: p.birthDate, phone: p.phone });
    expect(x.profile.documents.map((doc: { number: string }) => doc.number)).toContain(p.documentNumber);
    expect(x.applicationIdentifiers.map((a: { rp: string }) => a.rp).sort()).toEqual(['示例商城', '示例银行']);
    expect(x.applicationIdentifiers.find((a: { clientId: string }) => a.clientId === bank.clientId).appId).toBe(bankSub);
    expect(x.devices).toHaveLength(1);
    expect(x.credentials).toHaveLength(1);
    expect(x.consents.map((c: { kind: string }) => c.kind)).toEqual(expect.arrayContaining(['notice', 'rp']));
    expect(x.passphrase).toMatchObject({ set: true, failures: 0 });
    expect(x.lookupIndexes.map((b: { kind: string }) => b.kind)).toEqual(expect.arrayContaining(['phone', 'document:resident_id_card']));
    expect(x.history.length).toBeGreaterThanOrEqual(4);
    const text = JSON.stringify(x);
    const q = people[1]!;
    for (const other of [q.name, q.documentNumber, q.phone, bob.netid, bob.personId]) expect(text).not.toContain(other);
    expect(text).not.toMatch(/\$argon2/);
  });

  it('no plaintext personal data in the rows the person API writes or reads back (spent_nonces, events, consents, devices, credentials, persons)', async () => {
    const dump = await wholeDump(h.storeConfig as never);
    expect(dump.some((d) => d.where.includes('spent_nonces'))).toBe(true);
    const mine = dump.filter((d) => /spent_nonces|events|consents|devices|credentials|persons|pg_dump|file/.test(d.where));
    const detector = new PlaintextDetector(people.map((p) => ({ ...p, documentType: 'resident_id' }) as unknown as SyntheticPerson));
    expect(summarise(detector.scan(mine))).toEqual([]);
  });
});
