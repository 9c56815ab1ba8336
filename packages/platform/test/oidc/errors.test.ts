// The OpenID Connect provider refusing what it must refuse, each with its exact RFC error code,
// on SQLite and PostgreSQL: redirect URIs (RFC 6749 §4.1.2.1, RFC 9700 §4.1.3), PKCE (RFC 7636),
// code replay (RFC 6749 §4.1.2, §10.5), PAR single use (RFC 9126), client authentication (RFC 6749
// §2.3, §5.2), scopes beyond approval, `alg` substitution (RFC 8725 §3.1: the RP pins its
// algorithm), bearer tokens (RFC 6750 §3.1).
import { createHash, randomBytes } from 'node:crypto';
import { Script } from 'node:vm';
import { createLocalJWKSet, jwtVerify, SignJWT, UnsecuredJWT, type JSONWebKeySet } from 'jose';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { verifyJws, type PrivateKey } from '@wangzheng/core/crypto/index';
import { ACR_VALUES } from '@wangzheng/core/verification/modes';
import type { Issued } from '@wangzheng/wallet/enroll/enroll';
import { answerVerification } from '@wangzheng/wallet/verify';
import { describeEachEngine } from '../support/engines.ts';
import { USCC } from '../rp/harness.ts';
import {
  ADULT,
  basic,
  claimsOf,
  deviceKey,
  headerOf,
  openAuthorizePage,
  pollForRedirect,
  registerRp,
  startOidcPlatform,
  startRegistry,
  VALID_DOC,
  type Harness,
  type SharedRegistry,
  type TestRp,
} from './harness.ts';
import { nodeHolder } from '@wangzheng/wallet/holder/node';

let reg: SharedRegistry;
beforeAll(async () => {
  reg = await startRegistry(300, 'oidc-errors');
});
afterAll(async () => reg?.close());

interface Answer {
  status: number;
  body: Record<string, unknown>;
  headers: Headers;
}

describeEachEngine('OAuth 2.0 / OIDC errors', (engine) => {
  let h: Harness;
  let holder: { issued: Issued; key: PrivateKey };
  let shop: TestRp;
  // The platform's clock runs `skew` ms ahead of the real one (expiry tests set it, then reset it).
  let skew = 0;

  beforeAll(async () => {
    h = await startOidcPlatform(engine, reg, { now: () => Date.now() + skew });
    const person = reg.people(`d.type = 'resident_id_card' AND ${VALID_DOC} AND ${ADULT}`)[0]!;
    const key = deviceKey();
    holder = { key, issued: (await h.enroll(person, { deviceKey: key })) as Issued };
    shop = await registerRp(h, { category: 'internet_service', uscc: USCC.internet, alg: 'ES256', host: 'shop.example.cn' });
  });
  afterAll(async () => h?.close());

  const approve = (ref: string, o: Partial<Parameters<typeof answerVerification>[1]> = {}) =>
    answerVerification(h.client, { ref, holder: nodeHolder(holder.issued.credential, holder.key), ...o });

  function authorizeUrl(rp: TestRp, over: Record<string, string | undefined> = {}): { url: string; verifier: string } {
    const verifier = randomBytes(32).toString('base64url');
    const p: Record<string, string | undefined> = {
      client_id: rp.clientId,
      redirect_uri: rp.redirectUri,
      response_type: 'code',
      scope: 'openid',
      code_challenge: createHash('sha256').update(verifier).digest('base64url'),
      code_challenge_method: 'S256',
      state: 'state-1',
      nonce: 'nonce-1',
      ...over,
    };
    const q = new URLSearchParams(Object.entries(p).filter((e): e is [string, string] => e[1] !== undefined));
    return { url: `${h.url}/oauth/authorize?${q}`, verifier };
  }

  /** The redirect an authorization request answers with at once (an error), or fails the test. */
  async function redirectOf(url: string): Promise<URL> {
    const res = await fetch(url, { redirect: 'manual' });
    expect(res.status).toBe(303);
    return new URL(res.headers.get('location')!);
  }

  async function approvedCode(rp: TestRp = shop): Promise<{ code: string; verifier: string }> {
    const { url, verifier } = authorizeUrl(rp);
    const page = await openAuthorizePage(url);
    await approve(page.ref);
    const cb = await pollForRedirect(h, page);
    return { code: cb.searchParams.get('code')!, verifier };
  }

  async function post(p: string, form: Record<string, string>, headers: Record<string, string> = {}): Promise<Answer> {
    const res = await fetch(`${h.url}${p}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: new URLSearchParams(form).toString() });
    return { status: res.status, body: (await res.json()) as Record<string, unknown>, headers: res.headers };
  }

  const token = (form: Record<string, string>, rp: TestRp = shop) => post('/oauth/token', { grant_type: 'authorization_code', redirect_uri: rp.redirectUri, ...form }, { authorization: basic(rp) });

  async function userinfo(accessToken: string): Promise<Answer> {
    const res = await fetch(`${h.url}/oauth/userinfo`, { headers: { authorization: `Bearer ${accessToken}` } });
    return { status: res.status, body: (await res.json()) as Record<string, unknown>, headers: res.headers };
  }

  it('RFC 6749 §4.1.2.1: an unregistered or near-miss redirect_uri gets an error page, never a redirect', async () => {
    for (const redirect of ['https://evil.example/cb', `${shop.redirectUri}/`, `${shop.redirectUri}?x=1`, shop.redirectUri.toUpperCase(), undefined]) {
      const res = await fetch(authorizeUrl(shop, { redirect_uri: redirect }).url, { redirect: 'manual' });
      expect(res.status).toBe(400);
      expect(res.headers.get('location')).toBeNull();
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      expect(await res.text()).toContain('<code id="wz-error">invalid_request</code>');
    }
    const unknown = await fetch(authorizeUrl({ ...shop, clientId: 'rp_AAAAAAAAAAAAAAAAAAAAAA' }).url, { redirect: 'manual' });
    expect([unknown.status, unknown.headers.get('location')]).toEqual([400, null]);
    expect(await unknown.text()).toContain('<code id="wz-error">invalid_client</code>');
  });

  it('RFC 7636 §4.4.1: no code_challenge, method plain, or no method → invalid_request at the redirect URI, with state and iss', async () => {
    for (const over of [{ code_challenge: undefined }, { code_challenge_method: 'plain' }, { code_challenge_method: undefined }]) {
      const cb = await redirectOf(authorizeUrl(shop, over).url);
      expect(cb.origin + cb.pathname).toBe(shop.redirectUri);
      expect(Object.fromEntries(cb.searchParams)).toMatchObject({ error: 'invalid_request', state: 'state-1', iss: h.url });
      expect(cb.searchParams.get('error_description')).toMatch(/code_challenge/);
    }
  });

  it('OIDC Core §3.1.2.1 here: nonce is required; unknown acr_values alone → invalid_request; prompt=none → login_required; response_type=token → unsupported_response_type', async () => {
    const err = async (over: Record<string, string | undefined>) => (await redirectOf(authorizeUrl(shop, over).url)).searchParams.get('error');
    expect(await err({ nonce: undefined })).toBe('invalid_request');
    expect(await err({ acr_values: 'urn:example:loa:4' })).toBe('invalid_request');
    expect(await err({ prompt: 'none' })).toBe('login_required');
    expect(await err({ response_type: 'token' })).toBe('unsupported_response_type');
  });

  it('scopes are never trimmed: beyond the approval, unknown, or without openid → invalid_scope', async () => {
    for (const scope of ['openid wz:masked_name', 'openid profile', 'wz:age_band']) {
      const cb = await redirectOf(authorizeUrl(shop, { scope }).url);
      expect(cb.searchParams.get('error')).toBe('invalid_scope');
    }
  });

  it('RFC 7636 §4.6: a wrong code_verifier → invalid_grant; a missing one too; the right one still works', async () => {
    const { code, verifier } = await approvedCode();
    const wrong = await token({ code, code_verifier: randomBytes(32).toString('base64url') });
    expect([wrong.status, wrong.body.error]).toEqual([400, 'invalid_grant']);
    expect((await token({ code })).body.error).toBe('invalid_grant');
    expect((await token({ code, code_verifier: verifier })).status).toBe(200);
  });

  it('RFC 6749 §4.1.2: a replayed code → invalid_grant, and the access token it gave is revoked', async () => {
    const { code, verifier } = await approvedCode();
    const first = await token({ code, code_verifier: verifier });
    expect(first.status).toBe(200);
    const at = first.body.access_token as string;
    expect((await userinfo(at)).status).toBe(200);
    const again = await token({ code, code_verifier: verifier });
    expect([again.status, again.body.error]).toEqual([400, 'invalid_grant']);
    const after = await userinfo(at);
    expect([after.status, after.body.error]).toEqual([401, 'invalid_token']);
    expect(after.headers.get('www-authenticate')).toMatch(/^Bearer realm="wangzheng", error="invalid_token"/);
  });

  it('RFC 6749 §4.1.3: redirect_uri must equal the request’s; grant_type other than authorization_code → unsupported_grant_type; a JSON body → invalid_request', async () => {
    const { code, verifier } = await approvedCode();
    expect((await token({ code, code_verifier: verifier, redirect_uri: 'https://shop.example.cn/other' })).body.error).toBe('invalid_grant');
    expect((await post('/oauth/token', { grant_type: 'authorization_code', code, code_verifier: verifier }, { authorization: basic(shop) })).body.error).toBe('invalid_request');
    expect((await token({ code, code_verifier: verifier, grant_type: 'refresh_token' })).body.error).toBe('unsupported_grant_type');
    const res = await fetch(`${h.url}/oauth/token`, { method: 'POST', headers: { authorization: basic(shop), 'content-type': 'application/json' }, body: JSON.stringify({ grant_type: 'authorization_code', code }) });
    expect([res.status, ((await res.json()) as { error: string }).error]).toEqual([400, 'invalid_request']);
    const dup = await fetch(`${h.url}/oauth/token`, { method: 'POST', headers: { authorization: basic(shop), 'content-type': 'application/x-www-form-urlencoded' }, body: `grant_type=authorization_code&code=${code}&code=${code}` });
    expect([dup.status, ((await dup.json()) as { error: string }).error]).toEqual([400, 'invalid_request']);
    // None of these consumed the code.
    expect((await token({ code, code_verifier: verifier })).status).toBe(200);
  });

  it('RFC 6749 §5.2: wrong client authentication → 401 invalid_client with a Basic challenge (token and PAR endpoints)', async () => {
    const { code, verifier } = await approvedCode();
    const wrong = basic({ ...shop, secret: randomBytes(32).toString('base64url') });
    for (const p of ['/oauth/token', '/oauth/par']) {
      const r = await post(p, { grant_type: 'authorization_code', code, code_verifier: verifier, redirect_uri: shop.redirectUri }, { authorization: wrong });
      expect([r.status, r.body.error]).toEqual([401, 'invalid_client']);
      expect(r.headers.get('www-authenticate')).toBe('Basic realm="wangzheng"');
      expect(Object.keys(r.body).sort()).toEqual(['error', 'error_description']);
    }
    const none = await post('/oauth/token', { grant_type: 'authorization_code', code });
    expect([none.status, none.body.error]).toEqual([401, 'invalid_client']);
    // Another approved client cannot redeem this client's code.
    const other = await registerRp(h, { category: 'internet_service', uscc: USCC.internet, alg: 'ES256', host: 'other.example.cn' });
    expect((await token({ code, code_verifier: verifier, redirect_uri: shop.redirectUri }, other)).body.error).toBe('invalid_grant');
  });

  it('RFC 9126 §4: a request_uri is used once, by its own client only', async () => {
    const { url } = authorizeUrl(shop);
    const params = Object.fromEntries(new URL(url).searchParams);
    const pushed = await post('/oauth/par', params, { authorization: basic(shop) });
    expect([pushed.status, pushed.body.expires_in]).toEqual([201, 60]);
    const uri = pushed.body.request_uri as string;
    const at = (clientId: string) => `${h.url}/oauth/authorize?${new URLSearchParams({ client_id: clientId, request_uri: uri })}`;
    expect((await openAuthorizePage(at(shop.clientId))).status).toBe(200);
    const replay = await fetch(at(shop.clientId), { redirect: 'manual' });
    expect([replay.status, replay.headers.get('location')]).toEqual([400, null]);
    expect(await replay.text()).toContain('<code id="wz-error">invalid_request_uri</code>');
    const second = await post('/oauth/par', params, { authorization: basic(shop) });
    const stolen = await fetch(`${h.url}/oauth/authorize?${new URLSearchParams({ client_id: 'rp_AAAAAAAAAAAAAAAAAAAAAA', request_uri: second.body.request_uri as string })}`, { redirect: 'manual' });
    expect(await stolen.text()).toContain('<code id="wz-error">invalid_request_uri</code>');
    // A pushed request is checked when pushed: errors are the JSON answer.
    const bad = await post('/oauth/par', { ...params, scope: 'openid wz:sex' }, { authorization: basic(shop) });
    expect([bad.status, bad.body.error]).toEqual([400, 'invalid_scope']);
  });

  it('RFC 8725 §3.1: the id_token header alg is the RP’s registered one; re-signed with none or HS256 (public key as secret), pinned verifiers refuse it', async () => {
    const { code, verifier } = await approvedCode();
    const idToken = (await token({ code, code_verifier: verifier })).body.id_token as string;
    expect(headerOf(idToken).alg).toBe('ES256');
    const jwksJson = (await (await fetch(`${h.url}/.well-known/jwks.json`)).json()) as JSONWebKeySet;
    const jwks = createLocalJWKSet(jwksJson);
    const payload = claimsOf(idToken);
    const none = new UnsecuredJWT(payload).encode();
    const publicBytes = new TextEncoder().encode(h.platform.deps.signing.intl.signer.publicKey.toPem());
    const hs256 = await new SignJWT(payload).setProtectedHeader({ alg: 'HS256', kid: headerOf(idToken).kid as string }).sign(publicBytes);
    for (const forged of [none, hs256]) {
      await expect(jwtVerify(forged, jwks, { algorithms: ['ES256'] })).rejects.toMatchObject({ code: expect.stringMatching(/^ERR_JOSE_ALG_NOT_ALLOWED|ERR_JWS_INVALID$/) });
      expect(() => verifyJws(forged, h.platform.deps.signing.intl.verifiers, { algorithms: ['ES256'] })).toThrow();
    }
    // The genuine one verifies with the same pinned settings.
    await expect(jwtVerify(idToken, jwks, { algorithms: ['ES256'] })).resolves.toBeTruthy();
  });

  it('declined in the wallet → access_denied at the redirect URI, the reason first in error_description', async () => {
    const page = await openAuthorizePage(authorizeUrl(shop, { acr_values: ACR_VALUES.wz }).url);
    await approve(page.ref, { approve: false });
    const cb = await pollForRedirect(h, page);
    expect(Object.fromEntries(cb.searchParams)).toMatchObject({ error: 'access_denied', state: 'state-1', iss: h.url });
    expect(cb.searchParams.get('error_description')).toMatch(/^declined: /);
    expect(cb.searchParams.has('code')).toBe(false);
  });

  it('the authorize page: its one inline script and style carry the CSP nonce, the script compiles, the RP’s own text is escaped', async () => {
    const hostile = '<img src=x onerror=alert(1)>"\'&';
    const rp = await registerRp(h, { category: 'other', uscc: USCC.internet, alg: 'ES256', host: 'xss.example.cn', name: hostile, purpose: `</main><script>alert(2)</script>` });
    const page = await openAuthorizePage(authorizeUrl(rp).url);
    const csp = page.headers.get('content-security-policy')!;
    const nonce = /script-src 'nonce-([A-Za-z0-9_-]+)'/.exec(csp)![1]!;
    expect(csp).toBe(`default-src 'none'; script-src 'nonce-${nonce}'; style-src 'nonce-${nonce}'; img-src data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`);
    expect(page.html.match(/<script[^>]*>/g)).toEqual([`<script nonce="${nonce}">`]);
    expect(page.html.match(/<style[^>]*>/g)).toEqual([`<style nonce="${nonce}">`]);
    expect(page.html).not.toContain('<img');
    expect(page.html).toContain('&lt;img src=x onerror=alert(1)&gt;&quot;&#39;&amp;');
    expect(page.html).toContain('&lt;/main&gt;&lt;script&gt;alert(2)&lt;/script&gt;');
    expect(page.html).not.toMatch(/\s(src|href)="https?:/);
    const script = /<script nonce="[^"]+">([\s\S]*?)<\/script>/.exec(page.html)![1]!;
    expect(() => new Script(script)).not.toThrow();
    expect(page.html).toContain('data-status="authorize/status"');
    expect([page.headers.get('x-frame-options'), page.headers.get('referrer-policy'), page.headers.get('cache-control')]).toEqual(['DENY', 'no-referrer', 'no-store']);
    // A link previewer's HEAD starts nothing.
    expect((await fetch(authorizeUrl(rp).url, { method: 'HEAD' })).status).toBe(404);
  });

  it('expiry: a request nobody answers in time → access_denied ("expired: …"); a code not redeemed within 60 s → invalid_grant', async () => {
    try {
      const page = await openAuthorizePage(authorizeUrl(shop).url);
      skew = 5 * 60_000 + 1;
      const cb = await pollForRedirect(h, page);
      expect(Object.fromEntries(cb.searchParams)).toMatchObject({ error: 'access_denied', state: 'state-1', iss: h.url });
      expect(cb.searchParams.get('error_description')).toMatch(/^expired: /);
      skew = 0;
      const { code, verifier } = await approvedCode();
      skew = 60_000;
      expect((await token({ code, code_verifier: verifier })).body.error).toBe('invalid_grant');
    } finally {
      skew = 0;
    }
  });

  it('the status endpoint answers only the browser that opened the page; the code is handed out once', async () => {
    const page = await openAuthorizePage(authorizeUrl(shop).url);
    expect(page.cookie).toMatch(/^wz_oidc_browser=[A-Za-z0-9_-]{43}$/);
    await approve(page.ref);
    const stranger = await fetch(`${h.url}/oauth/authorize/status?ref=${page.ref}`, { headers: { cookie: `wz_oidc_browser=${randomBytes(32).toString('base64url')}` } });
    expect([stranger.status, ((await stranger.json()) as { error: string }).error]).toEqual([404, 'invalid_request']);
    expect((await fetch(`${h.url}/oauth/authorize/status?ref=${page.ref}`)).status).toBe(404);
    const cb = await pollForRedirect(h, page);
    expect(cb.searchParams.get('code')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const again = await fetch(`${h.url}/oauth/authorize/status?ref=${page.ref}`, { headers: { cookie: page.cookie } });
    expect(await again.json()).toEqual({ status: 'done' });
  });

  it('RFC 6750 §3.1: userinfo without a token → 401 with a bare Bearer challenge; an unknown token → invalid_token', async () => {
    const res = await fetch(`${h.url}/oauth/userinfo`);
    expect([res.status, res.headers.get('www-authenticate')]).toEqual([401, 'Bearer realm="wangzheng"']);
    const r = await userinfo(randomBytes(32).toString('base64url'));
    expect([r.status, r.body.error]).toEqual([401, 'invalid_token']);
  });

  it('no log line carries a code, token, secret or the person’s data', async () => {
    const logs = h.logs();
    expect(logs.match(/.{0,120}(code=|access_token|"id_token|client_secret|eyJ[A-Za-z0-9_-]{8}).{0,60}/)?.[0]).toBeUndefined();
    expect(logs).not.toContain(shop.secret);
    expect(logs).not.toContain(holder.issued.netid);
    expect(logs).toMatch(/"code":"invalid_grant"/);
  });
});
