// Cancellation (注销) leaves nothing behind (issue 7 §5; the regulation: "cancelling the 网号/网证
// deletes all related personal information"), on SQLite and PostgreSQL. Three people are given a
// life first — two relying parties verified them, the bank with full name and ID number under a
// separate consent, a shop by OpenID Connect (an access token), a third RP too; history, consents,
// a second phone — then: Alice cancels through the wallet library, Carol (whose ban was lifted)
// over raw HTTP, Bob (banned: his 网证 is suspended, so he cannot) is cancelled by an operator.
// Afterwards no row, no database file (SQLite db, -wal, -shm), no pg_dump line and no log line
// holds their name, ID number, phone, birth date, 网号, application identifiers, device keys or
// any keyed digest that still matches them — except Bob's ban digest, on purpose. Dave, not
// cancelled, is the control: the same search finds his traces.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { getListFromStatusListJWT } from '@sd-jwt/jwt-status-list';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { PrivateKey } from '@wangzheng/core/crypto/index';
import { EVENT_TYPE_URIS, verifySet } from '@wangzheng/core/signals/index';
import type { Issued } from '@wangzheng/wallet/enroll/enroll';
import { CANCEL_CONFIRMATION, cancelNetid } from '@wangzheng/wallet/me/cancel';
import { answerVerification, listPendingRequests } from '@wangzheng/wallet/verify';
import { rejectionCode as codeOf } from '../../../../test/support/errors.ts';
import { Cancellation } from '../../src/lifecycle/cancel.ts';
import { Bans } from '../../src/lifecycle/index.ts';
import type { Store } from '../../src/store/index.ts';
import { wholeDump } from '../support/dump.ts';
import { describeEachEngine } from '../support/engines.ts';
import { PlaintextDetector, summarise, type Haystack } from '../support/plaintext.ts';
import { freshPhone } from '../enrollment/harness.ts';
import { ADULT, basic, deviceKey, registerRp, startOidcPlatform, startRegistry, VALID_DOC, type Harness, type RegistryPerson, type SharedRegistry, type TestRp } from '../oidc/harness.ts';
import { USCC } from '../rp/harness.ts';
import { claimsOf, startReceiver, type Receiver } from '../signals/harness.ts';
import { addDevice, boundFor, holderOf, me, oidcLogin, post, type TestHolder } from '../person/support.ts';
import { jobRows, vacuum } from './db-probes.ts';
import { findTraces, tracesOf, type PersonTraces } from './traces.ts';
import { nodeHolder } from '@wangzheng/wallet/holder/node';

const PASSPHRASE = '48273915';
const PURGED = EVENT_TYPE_URIS.account_purged;

let reg: SharedRegistry;
beforeAll(async () => {
  reg = await startRegistry(300, 'lifecycle-cancel');
});
afterAll(async () => reg?.close());

interface Someone extends TestHolder {
  registry: RegistryPerson;
  phone: string;
  keys: PrivateKey[];
  /** client id → the `sub` the RP received */
  subs: Record<string, string>;
  accessToken?: string;
  /** The second phone (a device row and a 网证 bound to its key). */
  second?: TestHolder;
  traces?: PersonTraces;
  /** Their verification requests and the OIDC authorizations issued from them, before cancelling. */
  requestIds?: string[];
  authorizationIds?: string[];
}

describeEachEngine('cancellation (注销): everything about the person is deleted, RPs are told, nothing links back (issue 7 §5)', (engine) => {
  let h: Harness;
  let store: Store;
  let bank: TestRp;
  let shop: TestRp;
  let news: TestRp;
  let bankRx: Receiver;
  let newsRx: Receiver;
  let alice: Someone;
  let bob: Someone;
  let carol: Someone;
  let dave: Someone;
  let seq = 0;
  /** jti → SET, as the shop's receiver polled them. */
  const shopSets = new Map<string, string>();

  const rpRecord = async (rp: TestRp) => (await store.relyingParties.findByClientId(rp.clientId))!;
  const userinfo = (token: string) => fetch(`${h.url}/oauth/userinfo`, { headers: { authorization: `Bearer ${token}` } });
  const call = async (rp: TestRp, path: string, body: unknown) => {
    const res = await fetch(`${h.url}${path}`, { method: 'POST', headers: { authorization: basic(rp), 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  /** A receipt verification at `rp` that the person approves (consenting to every field asked); the `sub` it received. */
  async function verify(rp: TestRp, who: Someone, scopes: string[] = []): Promise<Record<string, unknown>> {
    const req = await h.platform.verification.createReceiptRequest(await rpRecord(rp), { bizSeq: `cancel-${++seq}`, mode: 'wz', scopes });
    const a = await answerVerification(h.client, { ref: req.ref, holder: nodeHolder(who.credential, who.key), consent: (v) => v.scopes.filter((x) => x.scope !== 'result').map((x) => x.scope) });
    expect(a.status).toBe('approved');
    const claims = claimsOf((await h.platform.verification.fetchReceipt(await rpRecord(rp), req.requestId)).receipt) as Record<string, unknown> & { sub: string; claims?: Record<string, unknown> };
    who.subs[rp.clientId] = claims.sub;
    return claims;
  }

  async function enroll(p: RegistryPerson): Promise<Someone> {
    const key = deviceKey();
    const phone = freshPhone();
    const holder = await holderOf(h, (await h.enroll(p, { deviceKey: key, phone })) as Issued, key);
    return { ...holder, registry: p, phone, keys: [key], subs: {} };
  }

  /** A life to delete: verified at the bank (full name and ID number, separately consented), the news site, by OIDC at the shop; a second phone. */
  async function live(who: Someone): Promise<void> {
    const received = await verify(bank, who, ['full_name_and_id_number']);
    expect((received.claims as Record<string, string>).document_number).toBe(who.registry.documentNumber);
    await verify(news, who);
    const tokens = await oidcLogin(h, shop, 'openid wz:masked_name', (ref) => answerVerification(h.client, { ref, holder: nodeHolder(who.credential, who.key), consent: () => ['masked_name'] }));
    who.accessToken = tokens.access_token;
    who.subs[shop.clientId] = String(claimsOf(tokens.id_token!).sub);
    who.second = await addDevice(h, who);
    who.keys.push(who.second.key);
  }

  /** Until every purge SET was delivered (bank), refused for good (news), or polled and acknowledged (shop). */
  async function settleSignals(): Promise<void> {
    for (let i = 0; i < 200; i++) {
      // Acknowledge what came before (RFC 8936 §2.4: unacknowledged SETs come again).
      const poll = await call(shop, '/ssf/poll', { ack: [...shopSets.keys()], maxEvents: 50 });
      expect(poll.status).toBe(200);
      const fresh = Object.entries(poll.body['sets'] as Record<string, string>).filter(([jti]) => !shopSets.has(jti));
      for (const [jti, token] of fresh) shopSets.set(jti, token);
      const q = await store.reader.jobs.countByQueue([bank.clientId, news.clientId, shop.clientId]);
      if (fresh.length === 0 && (q[bank.clientId]?.pending ?? 0) === 0 && (q[news.clientId]?.pending ?? 0) === 0 && (q[shop.clientId]?.pending ?? 0) === 0) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error('signals did not settle');
  }

  beforeAll(async () => {
    h = await startOidcPlatform(engine, reg);
    store = h.platform.deps.store;
    bank = await registerRp(h, { category: 'bank', uscc: USCC.bank, alg: 'SM2', host: 'bank.example.cn', name: '示例银行', scopes: { full_name_and_id_number: '《反洗钱法》第二十九条' }, approve: ['full_name_and_id_number'] });
    shop = await registerRp(h, { category: 'internet_service', uscc: USCC.internet, alg: 'ES256', host: 'shop.example.cn', name: '示例商城', scopes: { masked_name: '实名注册' }, approve: ['masked_name'] });
    news = await registerRp(h, { category: 'internet_service', uscc: USCC.internet, alg: 'ES256', host: 'news.example.cn', name: '示例新闻' });
    bankRx = await startReceiver();
    newsRx = await startReceiver();
    // The news site's receiver refuses every SET (RFC 8935 §2.3): its jobs fail for good.
    newsRx.script(Array.from({ length: 100 }, () => ({ status: 400, body: { err: 'invalid_request', description: 'no' } })));
    const stream = (rp: TestRp, delivery: Record<string, unknown>) => call(rp, '/ssf/stream', { delivery, events_requested: [PURGED] });
    expect((await stream(bank, { method: 'urn:ietf:rfc:8935', endpoint_url: bankRx.url })).status).toBe(201);
    expect((await stream(news, { method: 'urn:ietf:rfc:8935', endpoint_url: newsRx.url })).status).toBe(201);
    expect((await stream(shop, { method: 'urn:ietf:rfc:8936' })).status).toBe(201);

    const people = reg.people(`d.type = 'resident_id_card' AND ${VALID_DOC} AND ${ADULT}`, [], 4);
    [alice, bob, carol, dave] = await Promise.all(people.map((p) => enroll(p))) as [Someone, Someone, Someone, Someone];
    for (const who of [alice, bob, carol]) await live(who);
    await verify(bank, dave, ['full_name_and_id_number']);
    // History: Alice locks and unlocks.
    await me(h, alice).lock();
    await me(h, alice).unlock(PASSPHRASE);
    // Each person's traces, from their own export (right of access), taken while they can still ask.
    for (const who of [alice, bob, carol, dave]) {
      who.traces = tracesOf(await me(h, who).export(), who.keys, h.platform.deps.blindIndexer);
      who.requestIds = (await store.verifications.listByPerson(who.personId)).map((r) => r.id);
      who.authorizationIds = (await Promise.all(who.requestIds.map((id) => store.oidc.findAuthorizationByRequest(id)))).flatMap((a) => (a ? [a.id] : []));
    }
    expect([alice.requestIds!.length, alice.authorizationIds!.length]).toEqual([3, 1]);
    // Bob is banned; Carol is banned and the ban lifted.
    const bans = new Bans({ store, protector: h.platform.deps.protector, blindIndexer: h.platform.deps.blindIndexer, audit: h.platform.audit, fourEyes: false });
    await bans.ban('admin:test', { netid: bob.netid, reason: 'fraud', legalRef: '《反电信网络诈骗法》第三十一条' });
    await bans.ban('admin:test', { netid: carol.netid, reason: 'fraud', legalRef: '《反电信网络诈骗法》第三十一条' });
    await bans.unban('admin:test', { netid: carol.netid, legalRef: '复核撤销' });
  }, 180_000);
  afterAll(async () => {
    await bankRx?.close();
    await newsRx?.close();
    await h?.close();
  });

  it('store.compact(): SQLite checkpoints and truncates its write-ahead log; PostgreSQL has nothing to do; never inside a transaction', async () => {
    expect(await store.compact()).toBe(true);
    if (h.storeConfig.engine === 'sqlite') {
      const wal = `${h.storeConfig.path}-wal`;
      await store.counters.increment('test.compact');
      expect(statSync(wal).size).toBeGreaterThan(0);
      // The worker may write in between; checkpoint again until the log is empty at this instant.
      expect(await store.compact()).toBe(true);
    }
    await expect(store.transaction(() => store.compact())).rejects.toThrow(TypeError);
  });

  it('refusals change nothing: no confirmation → confirmation_required; a wrong passphrase → wrong_passphrase; a banned person’s 网证 → credential_revoked (fraud_ban)', async () => {
    const noConfirm = await post(h, '/v1/me/cancel', await boundFor(h, alice, '/v1/me/cancel', { passphrase: PASSPHRASE }));
    expect([noConfirm.status, noConfirm.body.error]).toEqual([400, 'confirmation_required']);
    const wrongWord = await post(h, '/v1/me/cancel', await boundFor(h, alice, '/v1/me/cancel', { passphrase: PASSPHRASE, confirm: 'cancel' }));
    expect([wrongWord.status, wrongWord.body.error]).toEqual([400, 'confirmation_required']);
    expect(await codeOf(cancelNetid(me(h, alice), { passphrase: '11111111', confirm: CANCEL_CONFIRMATION }))).toBe('wrong_passphrase');
    await store.passphrases.resetFailures(alice.personId);
    const banned = await post(h, '/v1/me/cancel', await boundFor(h, bob, '/v1/me/cancel', { passphrase: PASSPHRASE, confirm: CANCEL_CONFIRMATION }));
    expect([banned.status, banned.body.error]).toEqual([403, 'credential_revoked']);
    expect(String(banned.body.message)).toContain('fraud_ban');
    for (const who of [alice, bob]) expect(await store.persons.findById(who.personId)).toBeDefined();
    expect(await store.counters.get('persons.cancelled')).toBe(0);
  });

  it('all or nothing: a failure at the last step leaves the person, their rows, the queued SETs, the audit head and the counter as they were', async () => {
    const before = {
      indexes: (await store.persons.listBlindIndexes(dave.personId)).length,
      requests: (await store.verifications.listByPerson(dave.personId)).length,
      jobs: await store.reader.jobs.countByQueue([bank.clientId]),
      head: (await store.reader.audit.head())?.seq,
    };
    // The store as the cancellation sees it, with a disk that fails at the very last write.
    const failing: Store = { ...store, transaction: (fn) => store.transaction((tx) => fn({ ...tx, counters: { ...tx.counters, increment: async () => Promise.reject(new Error('disk full')) } })) };
    const d = h.platform.deps;
    const c = new Cancellation({ store: failing, protector: d.protector, hasher: { verify: async () => true } as never, audit: h.platform.audit, signals: h.platform.signals, now: Date.now });
    const row = (await store.persons.findById(dave.personId))!;
    // The store reports the failure as its own (`internal_error`, the cause kept privately).
    expect(await codeOf(c.byPerson({ person: row, dek: d.protector.unwrapDataKey(row.id, row.wrappedDek, row.kekId) }, { passphrase: PASSPHRASE, confirm: CANCEL_CONFIRMATION }))).toBe('internal_error');
    expect(await store.persons.findById(dave.personId)).toMatchObject({ id: dave.personId, netid: dave.netid, status: 'active' });
    expect((await store.persons.listBlindIndexes(dave.personId)).length).toBe(before.indexes);
    expect((await store.verifications.listByPerson(dave.personId)).length).toBe(before.requests);
    expect((await store.devices.listByPerson(dave.personId)).length).toBe(1);
    expect(await store.reader.jobs.countByQueue([bank.clientId])).toEqual(before.jobs);
    expect((await store.reader.audit.head())?.seq).toBe(before.head);
    expect(await store.counters.get('persons.cancelled')).toBe(0);
    expect((await me(h, dave).status()).status).toBe('active');
  });

  it('Alice cancels with the wallet (from both phones at once: one wins, the other → already_cancelled or invalid_credential), Carol over HTTP, Bob (banned) by an operator; cancelling again cannot even authenticate → invalid_credential (400)', async () => {
    const both = await Promise.allSettled([alice, alice.second!].map((who) => cancelNetid(me(h, who), { passphrase: PASSPHRASE, confirm: CANCEL_CONFIRMATION })));
    const won = both.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    expect(won).toHaveLength(1);
    const lost = both.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    const loser = await codeOf(Promise.reject(lost.reason));
    console.log(`[cancel ${engine.name}] two cancellations at once: one cancelled, the other → ${loser}`);
    expect(['already_cancelled', 'invalid_credential']).toContain(loser);
    const a = won[0]!;
    // Two 网证 (two phones), and the three RPs that know her asked to hear of it.
    expect(a).toMatchObject({ status: 'cancelled', credentialsRevoked: 2, relyingPartiesNotified: 3 });
    expect(Date.parse(a.cancelledAt)).toBeGreaterThan(0);
    const again = await post(h, '/v1/me/cancel', await boundFor(h, alice, '/v1/me/cancel', { passphrase: PASSPHRASE, confirm: CANCEL_CONFIRMATION }));
    // Retried by its holder (lifecycle/cancel-again.ts): told it is done, once the device key signed the request.
    expect([again.status, again.body.error]).toEqual([409, 'already_cancelled']);
    // From her other phone too: its 网证 went with the rest.
    expect(await codeOf(cancelNetid(me(h, alice.second!), { passphrase: PASSPHRASE, confirm: CANCEL_CONFIRMATION }))).toBe('already_cancelled');

    const c = await post(h, '/v1/me/cancel', await boundFor(h, carol, '/v1/me/cancel', { passphrase: PASSPHRASE, confirm: CANCEL_CONFIRMATION }));
    expect([c.status, c.cacheControl, c.body.status, c.body.relyingPartiesNotified]).toEqual([200, 'no-store', 'cancelled', 3]);

    const b = await h.platform.cancellation.byOperator('admin:test', { netid: bob.netid, legalRef: '《反电信网络诈骗法》第三十一条 留存期满' });
    expect(b).toMatchObject({ status: 'cancelled', relyingPartiesNotified: 3 });
    expect(await codeOf(h.platform.cancellation.byOperator('admin:test', { netid: bob.netid, legalRef: '再次' }))).toBe('unknown_netid');
    for (const who of [alice, bob, carol]) expect(await store.persons.findById(who.personId)).toBeUndefined();
  });

  it('every RP that knew them got account-purged under its own identifier: pushed (job gone), polled and acknowledged (job gone), refused by the receiver (failed, no SET kept)', async () => {
    await settleSignals();
    const d = h.platform.deps;
    const purgedSubs = (tokens: string[], rp: TestRp, ring: typeof d.signing.gm) =>
      tokens
        .map((t) => verifySet(t, ring, { issuer: d.issuer, audience: rp.clientId, algorithms: [ring.signer.alg] }))
        .filter((v) => v.event.code === 'account_purged')
        .map((v) => v.subject.sub)
        .sort();
    const expected = (rp: TestRp) => [alice, bob, carol].map((w) => w.subs[rp.clientId]!).sort();
    expect(purgedSubs(bankRx.received.map((r) => r.body), bank, d.signing.gm)).toEqual(expected(bank));
    expect(purgedSubs(newsRx.received.map((r) => r.body), news, d.signing.intl)).toEqual(expected(news));
    expect(purgedSubs([...shopSets.values()], shop, d.signing.intl)).toEqual(expected(shop));
    for (const r of [...bankRx.received, ...newsRx.received]) expect(r.body).not.toContain(alice.netid);

    const q = await store.reader.jobs.countByQueue([bank.clientId, news.clientId, shop.clientId]);
    expect([q[bank.clientId], q[shop.clientId]]).toEqual([undefined, undefined]);
    expect(q[news.clientId]).toEqual({ pending: 0, failed: 3 });
    expect(await jobRows(h.storeConfig, news.clientId)).toEqual([
      { state: 'failed', sealed: false },
      { state: 'failed', sealed: false },
      { state: 'failed', sealed: false },
    ]);
  });

  it('the 网证 is refused everywhere: person API, receipts, re-verification, the old OIDC access token; the status list says REVOKED', async () => {
    expect(await codeOf(me(h, alice).status())).toBe('invalid_credential');
    const req = await h.platform.verification.createReceiptRequest(await rpRecord(bank), { bizSeq: `cancel-${++seq}`, mode: 'wz' });
    for (const who of [alice, bob, carol]) {
      expect(await codeOf(answerVerification(h.client, { ref: req.ref, holder: nodeHolder(who.credential, who.key) }))).toBe('invalid_credential');
      expect(await codeOf(listPendingRequests(h.client, nodeHolder(who.credential, who.key)))).toBe('invalid_credential');
      expect((await userinfo(who.accessToken!)).status).toBe(401);
    }
    // The bank asks to re-verify "its" customer by the identifier it holds: nobody has it any more.
    const reverify = await call(bank, '/v1/reverifications', { sub: alice.subs[bank.clientId], bizSeq: `cancel-${++seq}`, bindingMessage: '账户异常复核' });
    expect([reverify.status, reverify.body.error]).toEqual([404, 'unknown_subject']);
    const { idx, uri } = JSON.parse(Buffer.from(alice.credential.split('~')[0]!.split('.')[1]!, 'base64url').toString('utf8')).status.status_list;
    const list = await (await fetch(`${h.url}${new URL(uri).pathname}`)).text();
    expect(getListFromStatusListJWT(list).getStatus(idx)).toBe(1);
  });

  it('no row, database file (db, -wal, -shm), pg_dump line or log line holds their data, 网号, application identifiers, device keys or a digest that matches them — Bob’s ban digest is the one remnant; Dave (control) is found', async () => {
    if (h.storeConfig.engine === 'postgres') await vacuum(h.storeConfig.url, h.storeConfig.schema!);
    const haystacks: Haystack[] = [...(await wholeDump(h.storeConfig)), { where: 'log', data: h.logs() }];
    if (h.storeConfig.engine === 'sqlite') {
      const shm = `${h.storeConfig.path}-shm`;
      if (existsSync(shm)) haystacks.push({ where: 'sqlite -shm file', data: readFileSync(shm) });
    } else {
      expect(haystacks.some((x) => x.where === 'pg_dump')).toBe(true);
    }
    const gone = [alice, bob, carol];
    // Plaintext: nobody's, anywhere (Dave's is sealed too).
    expect(summarise(new PlaintextDetector([...gone, dave].map((w) => w.traces!.person)).scan(haystacks))).toEqual([]);
    for (const who of gone) expect(findTraces(haystacks, who.traces!.traces)).toEqual([]);
    // The ban digest: Bob's stays (in the bans table only), Carol's lifted ban took hers along.
    const ban = (who: Someone) => [{ what: 'digest:ban', value: who.traces!.banDigest }];
    expect(findTraces(haystacks, ban(bob)).filter((w) => !w.startsWith('log')).every((w) => /bans|file|pg_dump/.test(w))).toBe(true);
    expect(findTraces(haystacks, ban(bob)).some((w) => /bans/.test(w))).toBe(true);
    expect(findTraces(haystacks, ban(carol))).toEqual([]);
    // The control: the same search finds a live person's 网号, device key and digests.
    const control = findTraces(haystacks, dave.traces!.traces).join('\n');
    for (const what of ['netid', 'thumbprint', 'device x', 'digest:person_ref', 'digest:phone', 'digest:rp']) expect(control).toContain(`: ${what}`);
    expect(control).toContain(h.storeConfig.engine === 'sqlite' ? 'checkpointed db file: digest:phone' : 'pg_dump: digest:phone');
  });

  it('what stays: the audit chain verifies, its person.cancelled entries name nobody; the counter; the revoked 网证 pointing at no one; Bob’s ban without a person', async () => {
    const report = await h.platform.audit.verify();
    expect(report.findings).toEqual([]);
    expect(report.ok).toBe(true);
    const cancelled = (await store.reader.audit.list({ action: 'person.cancelled', limit: 10 })).map((e) => ({ actor: e.actor, data: e.data, subject: e.subject?.length }));
    expect(cancelled).toEqual([
      { actor: 'person', data: { initiator: 'person' }, subject: 43 },
      { actor: 'person', data: { initiator: 'person' }, subject: 43 },
      { actor: 'admin:test', data: { initiator: 'operator', legalRef: expect.stringMatching(/^[0-9a-f]{64}$/) }, subject: 43 },
    ]);
    expect(await store.counters.get('persons.cancelled')).toBe(3);
    // Gone with them: verification requests (not merely detached), OIDC authorizations and access tokens.
    for (const who of [alice, bob, carol]) {
      for (const id of who.requestIds!) expect(await store.verifications.findById(id)).toBeUndefined();
      for (const id of who.authorizationIds!) {
        expect(await store.oidc.findAuthorization(id)).toBeUndefined();
        expect(await store.oidc.listAccessTokens(id)).toEqual([]);
      }
    }
    expect((await store.verifications.listByPerson(dave.personId)).length).toBe(dave.requestIds!.length);
    const credential = (await store.credentials.findById(credentialIdOf(alice.credential)))!;
    expect(credential).toMatchObject({ personId: null, deviceId: null, status: 'revoked', reason: 'cancelled' });
    const bans = await store.reader.bans.list({});
    expect(bans.map((b) => [b.state, b.personId])).toEqual([['active', null]]);
  });

  it('enrolling again: the banned-then-cancelled person is refused (netid_banned); the others enroll, Alice with her old phone, and get the SAME 网号 — and the same identifier at a bank that knew her', async () => {
    expect(await codeOf(h.enroll(bob.registry))).toBe('netid_banned');
    const key = deviceKey();
    const again = (await h.enroll(alice.registry, { phone: alice.phone, deviceKey: key })) as Issued;
    expect(again.netid).toBe(alice.netid);
    const returned: Someone = { ...(await holderOf(h, again, key)), registry: alice.registry, phone: alice.phone, keys: [key], subs: {} };
    expect((await verify(bank, returned)).sub).toBe(alice.subs[bank.clientId]);
    expect(((await h.enroll(carol.registry)) as Issued).netid).toBe(carol.netid);
  });

  /** The credential id (`jti`) of a 网证. */
  function credentialIdOf(sdJwt: string): string {
    return JSON.parse(Buffer.from(sdJwt.split('~')[0]!.split('.')[1]!, 'base64url').toString('utf8')).jti as string;
  }
});

