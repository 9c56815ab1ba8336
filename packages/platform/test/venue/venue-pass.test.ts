// Venue passes end to end (docs/venue.md), on SQLite and PostgreSQL, gm and intl platforms:
// people enrolled through the wallet get a pass over a bound `/v1/me` request that discloses
// exactly age_over_18 and name; the pass carries the 网证's status entry, the device key and the
// platform key's kid; the wallet shows it as a QR code for each disclosure choice and an OFFLINE
// checker — holding only the JWKS and the status list fetched beforehand — accepts it, with the
// masked name (刘*) and age_over_18 of the person; a ban shows as `venue_suspended` and a
// revocation as `venue_revoked` once the checker's list says so (an old list says `stale`); a
// locked person, a child under 14, a presentation disclosing too little or too much, a replayed
// nonce, an unknown field get no pass; the history shows "venue pass issued" and nothing
// personal is written to the database.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { generateKey, type PrivateKey } from '@wangzheng/core/crypto/index';
import { joinBoundNonce, requestBindingText } from '@wangzheng/core/person/request-binding';
import { maskName } from '@wangzheng/core/verification/disclosure';
import {
  b64uDecode,
  decodePass,
  MemoryReplayCache,
  StatusListCache,
  verifyStatusListToken,
  verifyVenuePresentation,
  type VenueCheckResult,
  type VerifiedStatusList,
} from '@wangzheng/core/venue/index';
import { nodeVenueCrypto } from '@wangzheng/core/venue/node';
import type { Issued } from '@wangzheng/wallet/enroll/enroll';
import { issuerOf, presentCredential } from '@wangzheng/wallet/holder/credential';
import { b64uEncode, utf8 } from '@wangzheng/wallet/holder/encoding';
import type { Holder } from '@wangzheng/wallet/holder/ports';
import { keySigner, nodeDigest, nodeHolder } from '@wangzheng/wallet/holder/node';
import { presentVenuePass, requestVenuePass, type VenuePassGrant } from '@wangzheng/wallet/venue/index';
import { rejectionCode } from '../../../../test/support/errors.ts';
import { Bans } from '../../src/lifecycle/index.ts';
import { describeEachEngine } from '../support/engines.ts';
import { ADULT, startPlatform, startRegistry, UNDER_14, VALID_DOC, type Harness, type RegistryPerson, type SharedRegistry } from '../enrollment/harness.ts';
import { plaintextIn } from '../person/controls-harness.ts';

let reg: SharedRegistry;
beforeAll(async () => {
  reg = await startRegistry(400, 'venue-pass');
});
afterAll(async () => reg?.close());

const PATH = '/v1/me/venue-pass';
const nowS = () => Math.floor(Date.now() / 1000);

interface Person {
  readonly person: RegistryPerson;
  readonly personId: string;
  readonly credentialId: string;
  readonly holder: Holder;
}

function codeOf(r: VenueCheckResult): string {
  return r.ok ? 'ok' : r.code;
}

describeEachEngine('venue pass: POST /v1/me/venue-pass and the offline check', (engine) => {
  let gm: Harness;
  let intl: Harness;
  let people: RegistryPerson[];
  let alice: Person; // gm, SM2 device
  let bob: Person; // gm, EdDSA device
  let carol: Person; // gm, to be banned
  let dave: Person; // gm, to be revoked
  let erin: Person; // intl, ES256 device

  async function enrolled(h: Harness, person: RegistryPerson, key: PrivateKey): Promise<Person> {
    const issued = (await h.enroll(person, { deviceKey: key })) as Issued;
    const p = await h.platform.deps.store.persons.findByNetid(issued.netid);
    return { person, personId: p!.id, credentialId: issued.credentialId, holder: nodeHolder(issued.credential, key) };
  }

  /** What an offline checker downloads beforehand: the JWKS and the status list(s). */
  async function download(h: Harness, lists: readonly number[]): Promise<{ keys: unknown[]; cache: StatusListCache; lists: VerifiedStatusList[] }> {
    const keys = ((await (await fetch(`${h.url}/.well-known/jwks.json`)).json()) as { keys: unknown[] }).keys;
    const cache = new StatusListCache();
    const out: VerifiedStatusList[] = [];
    for (const id of new Set(lists)) {
      const token = await (await fetch(`${h.url}/status-lists/${id}`)).text();
      const l = await verifyStatusListToken(token, { keys, crypto: nodeVenueCrypto, issuer: h.platform.deps.issuer });
      if ('error' in l) throw new Error(l.error);
      cache.put(l);
      out.push(l);
    }
    return { keys, cache, lists: out };
  }

  async function check(text: string, offline: { keys: unknown[]; cache: StatusListCache }, now = nowS(), seen = new MemoryReplayCache(() => now)): Promise<VenueCheckResult> {
    return verifyVenuePresentation(text, { now, keys: offline.keys, statusLookup: offline.cache.lookup, seen, crypto: nodeVenueCrypto });
  }

  function passOf(g: VenuePassGrant) {
    const p = decodePass(b64uDecode(g.pass)!);
    if ('error' in p) throw new Error(p.error);
    return p;
  }

  /** A venue-pass body as the wallet builds it, but disclosing `disclose` (to test the platform's refusal). */
  async function bodyDisclosing(h: Harness, who: Person, disclose: readonly string[], extra: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
    const { nonce } = await h.client.get<{ nonce: string }>('/v1/me/nonce');
    const body = { nonce, ...extra };
    const digest = b64uEncode(await who.holder.digest('sm3', utf8(requestBindingText({ method: 'POST', path: PATH, body }))));
    const presentation = await presentCredential(who.holder, { disclose, audience: issuerOf(who.holder.credential), nonce: joinBoundNonce(nonce, digest) });
    return { ...body, presentation };
  }

  async function post(h: Harness, path: string, body: unknown): Promise<{ status: number; body: Record<string, unknown>; cacheControl: string | null }> {
    const res = await fetch(`${h.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: res.status, body: (await res.json()) as Record<string, unknown>, cacheControl: res.headers.get('cache-control') };
  }

  beforeAll(async () => {
    gm = await startPlatform(engine, reg, { suite: 'gm' });
    intl = await startPlatform(engine, reg, { suite: 'intl' });
    people = reg.people(`d.type = 'resident_id_card' AND ${VALID_DOC} AND ${ADULT}`, [], 5);
    alice = await enrolled(gm, people[0]!, generateKey('SM2'));
    bob = await enrolled(gm, people[1]!, generateKey('EdDSA'));
    carol = await enrolled(gm, people[2]!, generateKey('SM2'));
    dave = await enrolled(gm, people[3]!, generateKey('ES256'));
    erin = await enrolled(intl, people[4]!, generateKey('ES256'));
  }, 180_000);
  afterAll(async () => {
    await gm?.close();
    await intl?.close();
  });

  it('issues a pass: the 网证’s status entry, this device’s key, the platform key’s kid, 24 h; age_over_18 and the masked name from the 网证', async () => {
    for (const [h, who, suite] of [[gm, alice, 'gm'], [gm, bob, 'gm'], [intl, erin, 'intl']] as const) {
      const before = nowS();
      const grant = await requestVenuePass(h.client, who.holder);
      const pass = passOf(grant);
      const cred = (await h.platform.deps.store.credentials.findById(who.credentialId))!;
      const ring = suite === 'gm' ? h.platform.deps.signing.gm : h.platform.deps.signing.intl;
      expect(pass.suite).toBe(suite);
      expect(Buffer.from(pass.kid)).toEqual(Buffer.from(ring.kid, 'base64url').subarray(0, 8));
      expect([String(pass.statusList), pass.statusIndex]).toEqual([cred.statusList, cred.statusIndex]);
      expect(pass.deviceAlg).toBe(who.holder.signer.alg);
      expect(pass.issuedAt).toBeGreaterThanOrEqual(before);
      expect(pass.expiresAt - pass.issuedAt).toBe(86_400);
      expect(grant.expiresAt).toBe(new Date(pass.expiresAt * 1000).toISOString());
      expect(grant.claims.age_over_18.value).toBe(true);
      expect(grant.claims.masked_name.value).toBe(maskName(who.person.name));
      expect(grant.claims.masked_name.value).toMatch(new RegExp(`^${[...who.person.name][0]}\\*+$`, 'u'));
      expect(b64uDecode(grant.claims.masked_name.salt)).toHaveLength(16);
      // A new pass each time: new salts, new signature, the same device key and status entry.
      const again = passOf(await requestVenuePass(h.client, who.holder));
      expect(Buffer.from(again.deviceKey)).toEqual(Buffer.from(pass.deviceKey));
      expect(again.statusIndex).toBe(pass.statusIndex);
      expect(Buffer.from(again.digests.masked_name)).not.toEqual(Buffer.from(pass.digests.masked_name));
    }
  });

  it('the offline checker accepts each disclosure choice with the cached JWKS and status list, and refuses a replay; both suites', async () => {
    for (const [h, who] of [[gm, alice], [gm, bob], [gm, dave], [intl, erin]] as const) {
      const grant = await requestVenuePass(h.client, who.holder);
      const offline = await download(h, [passOf(grant).statusList]);
      const now = nowS();
      const seen = new MemoryReplayCache(() => now);
      const masked = maskName(who.person.name);
      for (const [reveal, revealed] of [
        [[], {}],
        [['age_over_18'], { age_over_18: true }],
        [['age_over_18', 'masked_name'], { age_over_18: true, masked_name: masked }],
      ] as const) {
        const text = await presentVenuePass(grant, { reveal, signer: who.holder.signer, digest: who.holder.digest, now });
        const r = await check(text, offline, now, seen);
        expect(r).toEqual({ ok: true, revealed, passExpiresAt: passOf(grant).expiresAt, presentedAt: now, statusStale: false });
        expect(codeOf(await check(text, offline, now, seen))).toBe('venue_replayed');
      }
      // Another platform's keys (both suites) do not verify this pass.
      const strangers = [generateKey('SM2').publicKey.toJwk(), generateKey('ES256').publicKey.toJwk()];
      const text = await presentVenuePass(grant, { reveal: [], signer: who.holder.signer, digest: who.holder.digest, now });
      expect(codeOf(await check(text, { keys: strangers, cache: offline.cache }, now))).toBe('venue_unknown_key');
    }
  });

  it('ttl: a list older than its ttl still answers, flagged stale; a ban shows as venue_suspended once the checker refreshes, and no new pass is issued', async () => {
    const grant = await requestVenuePass(gm.client, carol.holder);
    const before = await download(gm, [passOf(grant).statusList]);
    const ttl = before.lists[0]!.ttl!;
    expect(ttl).toBe(60);
    const bans = new Bans({ store: gm.platform.deps.store, protector: gm.platform.deps.protector, blindIndexer: gm.platform.deps.blindIndexer, audit: gm.platform.audit, fourEyes: false });
    const netid = (await gm.platform.deps.store.persons.findById(carol.personId))!.netid;
    await bans.ban('admin:test', { netid, reason: 'fraud', legalRef: '《反电信网络诈骗法》第三十一条' });

    // An offline checker whose list predates the ban: accepted, but the answer says the list is stale.
    const later = before.lists[0]!.iat + ttl + 5;
    const text = await presentVenuePass(grant, { reveal: ['age_over_18'], signer: carol.holder.signer, digest: carol.holder.digest, now: later });
    const stale = await check(text, before, later);
    expect(stale.ok && stale.statusStale).toBe(true);
    expect(before.cache.staleLists(later).map((l) => l.listId)).toEqual([String(passOf(grant).statusList)]);
    // Refreshed: suspended.
    const after = await download(gm, [passOf(grant).statusList]);
    const now = nowS();
    const fresh = await presentVenuePass(grant, { reveal: ['age_over_18'], signer: carol.holder.signer, digest: carol.holder.digest, now });
    expect(codeOf(await check(fresh, after, now))).toBe('venue_suspended');
    expect(await rejectionCode(requestVenuePass(gm.client, carol.holder))).toBe('credential_revoked');
  });

  it('GET /status-lists names every list there is (what an offline checker downloads ahead of time), each one fetchable, with the ttl', async () => {
    const index = (await (await fetch(`${gm.url}/status-lists`)).json()) as { lists: string[]; ttl: number };
    expect(index.ttl).toBe(60);
    expect(index.lists).toContain(`${gm.platform.deps.issuer}/status-lists/1`);
    for (const uri of index.lists) {
      const r = await fetch(`${gm.url}${new URL(uri).pathname}`);
      expect([uri, r.status]).toEqual([uri, 200]);
    }
  });

  it('a revoked 网证 (a lost phone) → venue_revoked once the status lookup says revoked', async () => {
    const grant = await requestVenuePass(gm.client, dave.holder);
    expect(await gm.platform.deps.store.credentials.setStatus(dave.credentialId, 'revoked', { reason: 'device_lost' })).toBe(true);
    const offline = await download(gm, [passOf(grant).statusList]);
    const now = nowS();
    const text = await presentVenuePass(grant, { reveal: [], signer: dave.holder.signer, digest: dave.holder.digest, now });
    expect(codeOf(await check(text, offline, now))).toBe('venue_revoked');
  });

  it('the request: exactly age_over_18 and name disclosed, strict body, single-use nonce, no-store', async () => {
    const refused = async (disclose: string[]) => post(gm, PATH, await bodyDisclosing(gm, alice, disclose));
    for (const d of [[], ['age_over_18'], ['name'], ['age_over_18', 'name', 'document_number']]) {
      const r = await refused(d);
      expect([r.status, r.body['error']], d.join(',')).toEqual([400, 'venue_disclosure_required']);
    }
    const extra = await post(gm, PATH, await bodyDisclosing(gm, alice, ['age_over_18', 'name'], { reveal: 'all' }));
    expect([extra.status, extra.body['error']]).toEqual([400, 'invalid_request']);
    const body = await bodyDisclosing(gm, alice, ['name', 'age_over_18']);
    const ok = await post(gm, PATH, body);
    expect(ok.status).toBe(200);
    expect(ok.cacheControl).toBe('no-store');
    expect(Object.keys(ok.body).sort()).toEqual(['claims', 'expiresAt', 'issuedAt', 'pass']);
    const replay = await post(gm, PATH, body);
    expect([replay.status, replay.body['error']]).toEqual([409, 'nonce_replayed']);
    // Another device's key signing alice's 网证 presentation: refused by authentication.
    const thief: Holder = { ...alice.holder, signer: keySigner(generateKey('SM2')) };
    expect(await rejectionCode(requestVenuePass(gm.client, thief))).toBe('invalid_presentation');
  });

  it('a locked person gets no pass (person_status_conflict) until unlocked', async () => {
    const store = gm.platform.deps.store;
    expect(await store.persons.updateStatus(bob.personId, 'locked')).toBe(true);
    expect(await rejectionCode(requestVenuePass(gm.client, bob.holder))).toBe('person_status_conflict');
    expect(await store.persons.updateStatus(bob.personId, 'active')).toBe(true);
    expect(await rejectionCode(requestVenuePass(gm.client, bob.holder))).toBe('no error');
  });

  it('a child under 14 gets no pass (guardian_required): each use of a child’s 网证 needs a guardian', async () => {
    const child = reg.people(
      `d.type = 'resident_id_card' AND ${VALID_DOC} AND ${UNDER_14} AND EXISTS (SELECT 1 FROM guardianships g JOIN documents gd ON gd.person_id = g.guardian_id WHERE g.child_id = p.id AND gd.type = 'resident_id_card' AND gd.lost_on IS NULL AND (gd.valid_until IS NULL OR gd.valid_until >= date('now')))`,
    )[0]!;
    const guardian = reg.people(`d.type = 'resident_id_card' AND ${VALID_DOC} AND p.id IN (SELECT g.guardian_id FROM guardianships g JOIN documents cd ON cd.person_id = g.child_id WHERE cd.number = ?)`, [child.documentNumber])[0]!;
    const gKey = generateKey('SM2');
    const g = (await gm.enroll(guardian, { deviceKey: gKey })) as Issued;
    const cKey = generateKey('SM2');
    const c = (await gm.enroll(child, { deviceKey: cKey, guardian: nodeHolder(g.credential, gKey) })) as Issued;
    expect(c.status).toBe('issued');
    expect(await rejectionCode(requestVenuePass(gm.client, { credential: c.credential, signer: keySigner(cKey), digest: nodeDigest }))).toBe('guardian_required');
  });

  it('the history says "venue pass issued" (ids and expiry only); nothing personal is in the database', async () => {
    const events = await gm.platform.deps.store.reader.events.listByPerson(alice.personId);
    const issued = events.filter((e) => e.type === 'venue_pass_issued');
    expect(issued.length).toBeGreaterThanOrEqual(2);
    const { nonce } = await gm.client.get<{ nonce: string }>('/v1/me/nonce');
    const body = { nonce };
    const digest = b64uEncode(await alice.holder.digest('sm3', utf8(requestBindingText({ method: 'POST', path: '/v1/me/history', body }))));
    const presentation = await presentCredential(alice.holder, { disclose: [], audience: issuerOf(alice.holder.credential), nonce: joinBoundNonce(nonce, digest) });
    const history = (await post(gm, '/v1/me/history', { ...body, presentation })).body['history'] as { type: string; kind?: string; details?: Record<string, unknown> }[];
    const entry = history.find((e) => e.kind === 'venue_pass_issued')!;
    expect(Object.keys(entry.details!).sort()).toEqual(['claims', 'credentialId', 'deviceId', 'expiresAt']);
    expect(entry.details!['credentialId']).toBe(alice.credentialId);
    expect(JSON.stringify(entry)).not.toContain(maskName(alice.person.name));
    for (const e of issued) expect(Buffer.from(e.data!).toString('utf8')).not.toContain(maskName(alice.person.name));
    expect(await plaintextIn(gm, [alice, bob, carol, dave].map((p) => ({ person: p.person, phones: ['13800000000'] })))).toEqual([]);
  });
});
