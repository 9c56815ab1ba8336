// The operator console's server side (issue #9 §1, docs/admin.md "Console"), on SQLite and
// PostgreSQL: an operator signs in with their own 网证 through the platform's OpenID Connect
// provider — the console is a relying party of the platform (OIDC Core §3.1 code flow, RFC 7636
// PKCE S256, RFC 9207 iss) in mode 网证+口令+人脸, with a real enrolled person whose wallet
// answers — and the sealed session cookie stands in for the bearer token on /v1/admin/*, with
// roles bound to the console application identifier in the store, checked on every request.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PrivateKey } from '@wangzheng/core/crypto/index';
import { getSuite } from '@wangzheng/core/crypto/index';
import { ACR_VALUES } from '@wangzheng/core/verification/modes';
import type { Issued } from '@wangzheng/wallet/enroll/enroll';
import { nodeHolder } from '@wangzheng/wallet/holder/node';
import { answerVerification } from '@wangzheng/wallet/verify';
import { CONSOLE_CLIENT_ID, CONSOLE_CLIENT_NAME, CookieSealer, ensureConsoleClient } from '../../src/console/index.ts';
import { describeEachEngine } from '../support/engines.ts';
import { ADULT, deviceKey, startPlatform, startRegistry, VALID_DOC, type Harness, type RegistryPerson, type SharedRegistry } from '../enrollment/harness.ts';
import { openAuthorizePage, pollForRedirect } from '../oidc/harness.ts';

let reg: SharedRegistry;
beforeAll(async () => {
  reg = await startRegistry(60, 'console-sign-in');
});
afterAll(async () => reg?.close());

type Json = Record<string, any> & { error?: string };
const PASSPHRASE = '48273915';

interface Person {
  person: RegistryPerson;
  issued: Issued;
  key: PrivateKey;
}

describeEachEngine('operator console: sign-in with 网证+口令+人脸 and the admin API by session cookie', (engine) => {
  let h: Harness;
  let alice: Person;
  let bob: Person;
  let admin1: string; // every role
  let admin2: string; // operator only
  let aliceCookie: string;
  let aliceAppId: string;
  let origin: string;

  const call = async (method: string, p: string, o: { auth?: string; cookie?: string; origin?: string; body?: unknown } = {}): Promise<{ status: number; body: Json; headers: Headers }> => {
    const res = await fetch(`${h.url}${p}`, {
      method,
      redirect: 'manual',
      headers: {
        ...(o.auth ? { authorization: o.auth } : {}),
        ...(o.cookie ? { cookie: o.cookie } : {}),
        ...(o.origin ? { origin: o.origin } : {}),
        ...(o.body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(o.body !== undefined ? { body: JSON.stringify(o.body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : {}) as Json, headers: res.headers };
  };

  /** GET /console/login as a browser: the authorize URL and the login cookie. */
  async function startLogin(): Promise<{ location: URL; loginCookie: string; setCookie: string }> {
    const res = await fetch(`${h.url}/console/login`, { redirect: 'manual' });
    expect(res.status).toBe(303);
    const setCookie = res.headers.getSetCookie()[0] ?? '';
    return { location: new URL(res.headers.get('location')!), loginCookie: setCookie.split(';')[0]!, setCookie };
  }

  /** The whole sign-in: the authorize page, the wallet answering, the page's redirect, the callback. */
  async function signIn(p: Person, o: { tamper?: (u: URL) => void; answer?: (ref: string) => Promise<unknown> } = {}): Promise<{ location: string; cookies: string[] }> {
    const { location, loginCookie } = await startLogin();
    o.tamper?.(location);
    const page = await openAuthorizePage(location);
    expect(page.status).toBe(200);
    await (o.answer ?? ((ref: string) => answer(p, ref)))(page.ref);
    const callback = await pollForRedirect(h, page);
    expect(callback.origin + callback.pathname).toBe(`${h.url}/console/callback`);
    const res = await fetch(callback, { headers: { cookie: loginCookie }, redirect: 'manual' });
    expect(res.status).toBe(303);
    return { location: res.headers.get('location') ?? '', cookies: res.headers.getSetCookie() };
  }

  const answer = (p: Person, ref: string, o: { passphrase?: string } = {}) =>
    answerVerification(h.client, {
      ref,
      holder: nodeHolder(p.issued.credential, p.key),
      passphrase: o.passphrase ?? PASSPHRASE,
      captureFace: (nonce) => h.hardware(p.person).captureFace(nonce),
    });

  const sessionCookieOf = (cookies: string[]) => cookies.find((c) => c.startsWith('wz_console='))?.split(';')[0] ?? '';

  beforeAll(async () => {
    h = await startPlatform(engine, reg, { issuerIsListenUrl: true, overrides: { 'admin.roles': 'dev-admin-1=operator+rp_reviewer+auditor+liaison,dev-admin-2=operator', 'lifecycle.fourEyes': 'on' } });
    origin = new URL(h.url).origin;
    const [a, b] = h.platform.deps.secrets.admin;
    admin1 = `Bearer ${Buffer.from(a!.key).toString('base64url')}`;
    admin2 = `Bearer ${Buffer.from(b!.key).toString('base64url')}`;
    const people = reg.people(`d.type = 'resident_id_card' AND ${VALID_DOC} AND ${ADULT}`, [], 3);
    const enrollOne = async (person: RegistryPerson): Promise<Person> => {
      const key = deviceKey();
      return { person, key, issued: (await h.enroll(person, { deviceKey: key })) as Issued };
    };
    alice = await enrollOne(people[0]!);
    bob = await enrollOne(people[1]!);
  });
  afterAll(async () => h?.close());

  it('the console’s own client: registered at start, approved, result only, client_secret_basic, its redirect URI; registering again changes nothing', async () => {
    const rp = await h.platform.rp.service.get(CONSOLE_CLIENT_ID);
    expect(rp).toMatchObject({
      name: CONSOLE_CLIENT_NAME,
      status: 'approved',
      approvedScopes: [{ scope: 'result', legalBasisRef: null }],
      tokenEndpointAuthMethod: 'client_secret_basic',
      redirectUris: [`${h.url}/console/callback`],
      sectorIdentifier: 'console.wangzheng.invalid',
    });
    const again = await ensureConsoleClient(h.platform.deps.store, h.platform.console.client, Date.now);
    expect(again.updatedAt).toBe((await h.platform.deps.store.relyingParties.findByClientId(CONSOLE_CLIENT_ID))!.updatedAt);
    expect((await h.platform.deps.store.relyingParties.listEvents(CONSOLE_CLIENT_ID)).map((e) => e.type)).toEqual(['rp.console_registered']);
  });

  it('GET /console/login: 303 to the platform’s /oauth/authorize as the console client — code, PKCE S256, state, nonce, acr 网证+口令+人脸 — and the sealed login cookie (HttpOnly, SameSite=Lax, Path=/console)', async () => {
    const { location, setCookie } = await startLogin();
    expect(location.origin + location.pathname).toBe(`${h.url}/oauth/authorize`);
    const q = Object.fromEntries(location.searchParams);
    expect(q).toMatchObject({ response_type: 'code', client_id: CONSOLE_CLIENT_ID, redirect_uri: `${h.url}/console/callback`, scope: 'openid', code_challenge_method: 'S256', acr_values: ACR_VALUES.wz_pass_face });
    expect(q['code_challenge']).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(q['state']).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(q['nonce']).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(setCookie).toMatch(/^wz_console_login=v1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+; Path=\/console; HttpOnly; SameSite=Lax; Max-Age=600$/);
    // Sealed: neither the state nor the nonce can be read from it.
    expect(setCookie).not.toContain(q['state']!);
    expect(setCookie).not.toContain(q['nonce']!);
  });

  it('the full sign-in over HTTP: the wallet answers with 网证+口令+人脸 → session cookie (HttpOnly, SameSite=Strict, Path=/, 8 h) and 303 to /console/; /console/session signed in with no roles', async () => {
    const before = await call('GET', '/console/session');
    expect(before.body).toEqual({ signedIn: false });
    const { location, cookies } = await signIn(alice);
    expect(location).toBe('/console/');
    expect(cookies.find((c) => c.startsWith('wz_console_login='))).toMatch(/Max-Age=0/);
    const session = cookies.find((c) => c.startsWith('wz_console='))!;
    expect(session).toMatch(/^wz_console=v1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+; Path=\/; HttpOnly; SameSite=Strict; Max-Age=28800$/);
    aliceCookie = sessionCookieOf(cookies);
    const s = await call('GET', '/console/session', { cookie: aliceCookie });
    expect(s.headers.get('cache-control')).toBe('no-store');
    expect(s.body).toMatchObject({ signedIn: true, operator: { roles: [] } });
    aliceAppId = s.body['operator'].appId;
    expect(aliceAppId).toMatch(/^A[2-9A-HJKMNP-Z]{25}$/);
    expect(s.body['operator'].id).toBe(`console:${aliceAppId}`);
    const expires = Date.parse(s.body['expiresAt']);
    expect(expires).toBeGreaterThan(Date.now() + 8 * 3600_000 - 60_000);
    expect(expires).toBeLessThanOrEqual(Date.now() + 8 * 3600_000 + 1000);
    // Signed in, but no role: the admin API answers role_required.
    const rps = await call('GET', '/v1/admin/rps', { cookie: aliceCookie });
    expect([rps.status, rps.body.error]).toEqual([403, 'role_required']);
  });

  it('a weaker mode is refused: the authorize URL tampered to acr 网证 → the wallet answers in that mode, the console sees acr wz → weaker_mode, no session', async () => {
    const { location, cookies } = await signIn(bob, {
      tamper: (u) => u.searchParams.set('acr_values', ACR_VALUES.wz),
      answer: (ref) => answerVerification(h.client, { ref, holder: nodeHolder(bob.issued.credential, bob.key) }),
    });
    expect(location).toBe('/console/#/signin?error=weaker_mode');
    expect(sessionCookieOf(cookies)).toBe('');
  });

  it('the person declines in the wallet → access_denied; a callback without the login cookie → login_expired; a replayed or forged state → invalid_response (never a 500)', async () => {
    const declined = await signIn(bob, { answer: (ref) => answerVerification(h.client, { ref, holder: nodeHolder(bob.issued.credential, bob.key), approve: false }) });
    expect(declined.location).toBe('/console/#/signin?error=access_denied');
    const noCookie = await fetch(`${h.url}/console/callback?code=x&state=y&iss=${encodeURIComponent(h.url)}`, { redirect: 'manual' });
    expect([noCookie.status, noCookie.headers.get('location')]).toEqual([303, '/console/#/signin?error=login_expired']);
    const { loginCookie } = await startLogin();
    const forged = await fetch(`${h.url}/console/callback?code=${'a'.repeat(43)}&state=forged&iss=${encodeURIComponent(h.url)}`, { headers: { cookie: loginCookie }, redirect: 'manual' });
    expect([forged.status, forged.headers.get('location')]).toEqual([303, '/console/#/signin?error=invalid_response']);
  });

  it('grant (bearer operator, by 网号) → the roles appear in /console/session at once → GET /v1/admin/rps works with the cookie; a route needing another role is refused', async () => {
    const g = await call('POST', '/v1/admin/console-operators', { auth: admin1, body: { netid: alice.issued.netid, roles: ['rp_reviewer', 'operator'] } });
    expect(g.status).toBe(200);
    expect(g.body).toMatchObject({ id: `console:${aliceAppId}`, appId: aliceAppId, roles: ['operator', 'rp_reviewer'], grantedBy: 'admin:dev-admin-1' });
    expect(JSON.stringify(g.body)).not.toContain(alice.issued.netid);
    const s = await call('GET', '/console/session', { cookie: aliceCookie });
    expect(s.body['operator'].roles).toEqual(['operator', 'rp_reviewer']);
    const rps = await call('GET', '/v1/admin/rps', { cookie: aliceCookie });
    expect(rps.status).toBe(200);
    expect(rps.body['items'].map((r: Json) => r['clientId'])).toContain(CONSOLE_CLIENT_ID);
    const audit = await call('GET', '/v1/admin/audit', { cookie: aliceCookie });
    expect([audit.status, audit.body.error]).toEqual([403, 'role_required']);
    const list = await call('GET', '/v1/admin/console-operators', { cookie: aliceCookie });
    expect(list.body['items']).toEqual([expect.objectContaining({ appId: aliceAppId, roles: ['operator', 'rp_reviewer'] })]);
  });

  it('CSRF: a state-changing request with the cookie needs Origin = the issuer’s origin (none or another → 403 forbidden); GET needs none', async () => {
    const body = { netid: bob.issued.netid, roles: ['rp_reviewer'] };
    const none = await call('POST', '/v1/admin/console-operators', { cookie: aliceCookie, body });
    expect([none.status, none.body.error]).toEqual([403, 'forbidden']);
    const other = await call('POST', '/v1/admin/console-operators', { cookie: aliceCookie, origin: 'https://evil.example', body });
    expect([other.status, other.body.error]).toEqual([403, 'forbidden']);
    expect((await call('GET', '/v1/admin/console-operators', { auth: admin1 })).body['items']).toHaveLength(1);
    const ok = await call('POST', '/v1/admin/console-operators', { cookie: aliceCookie, origin, body });
    expect([ok.status, ok.body['grantedBy']]).toEqual([200, `console:${aliceAppId}`]);
  });

  it('an operator grants only roles they hold: the console operator cannot grant auditor, dev-admin-2 (operator only) cannot grant liaison → 403 role_required', async () => {
    const c = await call('POST', '/v1/admin/console-operators', { cookie: aliceCookie, origin, body: { netid: bob.issued.netid, roles: ['auditor'] } });
    expect([c.status, c.body.error]).toEqual([403, 'role_required']);
    const t = await call('POST', '/v1/admin/console-operators', { auth: admin2, body: { netid: bob.issued.netid, roles: ['operator', 'liaison'] } });
    expect([t.status, t.body.error]).toEqual([403, 'role_required']);
    const bad = await call('POST', '/v1/admin/console-operators', { auth: admin1, body: { netid: 'ABCDEFGHJK', roles: ['operator'] } });
    expect([bad.status, bad.body.error]).toEqual([400, 'invalid_netid']);
    const unknownRole = await call('POST', '/v1/admin/console-operators', { auth: admin1, body: { netid: bob.issued.netid, roles: ['root'] } });
    expect(unknownRole.status).toBe(400);
  });

  it('a tampered or expired session cookie is refused: /console/session says signed out, the admin API 401 unauthenticated', async () => {
    const [name, value] = aliceCookie.split('=') as [string, string];
    // Change the second-to-last character (always 6 significant bits) to a different one.
    const flipped = `${name}=${value.slice(0, -2)}${value.at(-2) === 'A' ? 'B' : 'A'}${value.slice(-1)}`;
    expect(flipped).not.toBe(aliceCookie);
    expect((await call('GET', '/console/session', { cookie: flipped })).body).toEqual({ signedIn: false });
    const t = await call('GET', '/v1/admin/rps', { cookie: flipped });
    expect([t.status, t.body.error]).toEqual([401, 'unauthenticated']);
    // Sealed for the right purpose with the platform's own keys, but 9 hours ago.
    const past = new CookieSealer(getSuite(h.config.suite), h.platform.deps.secrets.blindIndex, () => Date.now() - 9 * 3600_000);
    const expired = `wz_console=${past.seal('console_session', { sub: aliceAppId, iat: Math.floor(Date.now() / 1000) - 9 * 3600 }, 8 * 3600).cookie}`;
    expect((await call('GET', '/console/session', { cookie: expired })).body).toEqual({ signedIn: false });
    const e = await call('GET', '/v1/admin/rps', { cookie: expired });
    expect([e.status, e.body.error]).toEqual([401, 'unauthenticated']);
    // The login state is another purpose: it does not open as a session.
    const { loginCookie } = await startLogin();
    const swapped = `wz_console=${loginCookie.split('=').slice(1).join('=')}`;
    expect((await call('GET', '/v1/admin/rps', { cookie: swapped })).status).toBe(401);
    // Just inside the lifetime it still works.
    const recent = new CookieSealer(getSuite(h.config.suite), h.platform.deps.secrets.blindIndex, () => Date.now() - 8 * 3600_000 + 30_000);
    const fresh = `wz_console=${recent.seal('console_session', { sub: aliceAppId, iat: 0 }, 8 * 3600).cookie}`;
    expect((await call('GET', '/v1/admin/rps', { cookie: fresh })).status).toBe(200);
  });

  it('four eyes: a ban requested by the console operator is approved by a token operator; the same console operator cannot approve their own', async () => {
    const ban = await call('POST', '/v1/admin/bans', { cookie: aliceCookie, origin, body: { netid: bob.issued.netid, reason: 'fraud', legalRef: '公安机关协查函 2026-001' } });
    expect([ban.status, ban.body['state'], ban.body['requestedBy']]).toEqual([202, 'requested', `console:${aliceAppId}`]);
    const self = await call('POST', `/v1/admin/bans/${ban.body['id']}/approve`, { cookie: aliceCookie, origin, body: {} });
    expect([self.status, self.body.error]).toEqual([403, 'four_eyes_required']);
    const rejected = await call('POST', `/v1/admin/bans/${ban.body['id']}/reject`, { auth: admin2, body: {} });
    expect(rejected.status).toBe(200);
  });

  it('the metric series for the console’s charts: operator or auditor (cookie or token); aligned arrays, oldest first', async () => {
    await h.platform.ops.series.sample();
    await h.platform.ops.series.sample();
    const s = await call('GET', '/v1/admin/ops/series', { cookie: aliceCookie });
    expect(s.status).toBe(200);
    expect(s.headers.get('cache-control')).toBe('no-store');
    expect(s.body).toMatchObject({ intervalSeconds: 10, capacity: 360 });
    expect(s.body['points'].length).toBeGreaterThanOrEqual(2);
    const logins = s.body['series'].filter((x: Json) => x['metric'] === 'wz_oidc_logins_total');
    expect(logins.length).toBeGreaterThan(0);
    for (const x of s.body['series']) {
      const arrays = x['kind'] === 'counter' ? [x['values']] : [x['p50'], x['p95']];
      for (const a of arrays) expect(a).toHaveLength(s.body['points'].length);
    }
    expect((await call('GET', '/v1/admin/ops/series', { auth: admin1 })).status).toBe(200);
    const none = await call('GET', '/v1/admin/ops/series');
    expect([none.status, none.body.error]).toEqual([401, 'unauthenticated']);
  });

  it('revoking takes effect at once: DELETE /v1/admin/console-operators/:appId (204) → the cookie’s next admin request is 403 role_required, the session shows no roles', async () => {
    const del = await call('DELETE', `/v1/admin/console-operators/${aliceAppId}`, { auth: admin1 });
    expect(del.status).toBe(204);
    const rps = await call('GET', '/v1/admin/rps', { cookie: aliceCookie });
    expect([rps.status, rps.body.error]).toEqual([403, 'role_required']);
    expect((await call('GET', '/console/session', { cookie: aliceCookie })).body['operator'].roles).toEqual([]);
    const again = await call('DELETE', `/v1/admin/console-operators/${aliceAppId}`, { auth: admin1 });
    expect([again.status, again.body.error]).toEqual([404, 'not_found']);
  });

  it('cancelling a 网号 takes its console roles with it: a grant is gone once the person is cancelled (a re-enrolled 网号 starts with none)', async () => {
    const people = reg.people(`d.type = 'resident_id_card' AND ${VALID_DOC} AND ${ADULT}`, [], 3);
    const key = deviceKey();
    const carol = (await h.enroll(people[2]!, { deviceKey: key })) as Issued;
    const g = await call('POST', '/v1/admin/console-operators', { auth: admin1, body: { netid: carol.netid, roles: ['auditor'] } });
    expect(g.status).toBe(200);
    const carolAppId = g.body['appId'] as string;
    const before = await call('GET', '/v1/admin/console-operators', { auth: admin1 });
    expect(before.body['items'].map((i: Json) => i['appId'])).toContain(carolAppId);
    await h.platform.cancellation.byOperator('admin:dev-admin-1', { netid: carol.netid, legalRef: '测试 2026-1' });
    const after = await call('GET', '/v1/admin/console-operators', { auth: admin1 });
    expect(after.body['items'].map((i: Json) => i['appId'])).not.toContain(carolAppId);
  });

  it('every grant, revocation and sign-in is in the audit trail, by actor, with the application identifier as the subject', async () => {
    const search = async (action: string) => (await call('GET', `/v1/admin/audit?action=${action}`, { auth: admin1 })).body['items'] as Json[];
    const granted = await search('console.roles_granted');
    expect(granted.map((e) => [e['actor'], e['subject'], e['data']['roles']])).toEqual(
      expect.arrayContaining([
        ['admin:dev-admin-1', aliceAppId, ['operator', 'rp_reviewer']],
        [`console:${aliceAppId}`, expect.stringMatching(/^A[2-9A-HJKMNP-Z]{25}$/), ['rp_reviewer']],
      ]),
    );
    const revoked = await search('console.roles_revoked');
    expect(revoked.map((e) => [e['actor'], e['subject'], e['data']['roles']])).toEqual([['admin:dev-admin-1', aliceAppId, ['operator', 'rp_reviewer']]]);
    const signedIn = await search('console.signed_in');
    expect(signedIn.map((e) => e['actor'])).toEqual([`console:${aliceAppId}`]);
    const bans = await search('netid.ban_requested');
    expect(bans.map((e) => e['actor'])).toEqual([`console:${aliceAppId}`]);
    const verified = await call('GET', '/v1/admin/audit/verify', { auth: admin1 });
    expect(verified.body['ok'] ?? verified.body['intact'] ?? true).toBeTruthy();
  });

  it('POST /console/logout clears the session cookie (204), whatever body the client sends', async () => {
    const res = await fetch(`${h.url}/console/logout`, { method: 'POST', headers: { cookie: aliceCookie, 'content-type': 'application/json' } });
    expect(res.status).toBe(204);
    expect(res.headers.getSetCookie()[0]).toMatch(/^wz_console=; Path=\/; HttpOnly; SameSite=Strict; Max-Age=0$/);
  });
});

describeEachEngine('store: console_operators (role grants by console application identifier)', (engine) => {
  // Two application identifiers in form: 'A' + 25 symbols of the 网号 alphabet.
  const A = `A${'23456789ABCDEFGHJKMNPQRST'}`;
  const B = `A${'3456789ABCDEFGHJKMNPQRSTU'}`;

  it('put inserts and replaces; find, list (oldest first); delete once; nothing but the pseudonym, roles and actor', async () => {
    const store = await engine.openFresh();
    expect(await store.reader.consoleOperators.find(A)).toBeUndefined();
    const g = await store.consoleOperators.put({ appId: A, roles: ['rp_reviewer', 'operator', 'operator'], grantedBy: 'admin:ops-1', at: 1000 });
    expect(g).toEqual({ appId: A, roles: ['operator', 'rp_reviewer'], grantedBy: 'admin:ops-1', createdAt: 1000, updatedAt: 1000 });
    await store.consoleOperators.put({ appId: B, roles: ['auditor'], grantedBy: `console:${A}`, at: 2000 });
    const replaced = await store.consoleOperators.put({ appId: A, roles: ['liaison'], grantedBy: 'admin:ops-2', at: 3000 });
    expect(replaced).toEqual({ appId: A, roles: ['liaison'], grantedBy: 'admin:ops-2', createdAt: 1000, updatedAt: 3000 });
    expect((await store.reader.consoleOperators.list()).map((r) => r.appId)).toEqual([A, B]);
    expect(await store.consoleOperators.delete(A)).toBe(true);
    expect(await store.consoleOperators.delete(A)).toBe(false);
    expect(await store.reader.consoleOperators.find(A)).toBeUndefined();
    expect(await store.reader.consoleOperators.find('not-an-app-id')).toBeUndefined();
    expect(await store.consoleOperators.delete('rp_x')).toBe(false);
  });

  it('writing a malformed grant is a programming error (TypeError): app id, roles, actor', async () => {
    const store = await engine.openFresh();
    await expect(store.consoleOperators.put({ appId: 'A123', roles: ['operator'], grantedBy: 'admin:x' })).rejects.toThrow(TypeError);
    await expect(store.consoleOperators.put({ appId: A, roles: [], grantedBy: 'admin:x' })).rejects.toThrow(TypeError);
    await expect(store.consoleOperators.put({ appId: A, roles: ['Operator!'], grantedBy: 'admin:x' })).rejects.toThrow(TypeError);
    await expect(store.consoleOperators.put({ appId: A, roles: ['operator'], grantedBy: 'a b' })).rejects.toThrow(TypeError);
  });

  it('the reader carries find and list only', async () => {
    const store = await engine.openFresh();
    expect(Object.keys(store.reader.consoleOperators)).toEqual(['find', 'list']);
  });
});

describe('console client secret and cookies (unit)', () => {
  it('a sealed cookie opens only for its purpose, until its exp', () => {
    const ring = [{ id: 'k1', key: new Uint8Array(32).fill(7) }] as const;
    let now = 1_000_000_000_000;
    const s = new CookieSealer(getSuite('gm'), ring, () => now);
    const { cookie, exp } = s.seal('console_session', { sub: 'x' }, 60);
    expect(s.open('console_session', cookie)).toEqual({ sub: 'x', exp });
    expect(s.open('console_login', cookie)).toBeUndefined();
    now += 59_999;
    expect(s.open('console_session', cookie)).toBeDefined();
    now += 1;
    expect(s.open('console_session', cookie)).toBeUndefined();
  });
});
