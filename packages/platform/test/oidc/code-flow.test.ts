// OpenID Connect Core §3.1 (authorization code flow) with RFC 7636 PKCE, RFC 9126 PAR and
// RFC 9207 `iss`, driven by `openid-client` 6 — a client nobody here wrote — as the relying party
// against the running server, on SQLite and PostgreSQL. The person approves in the wallet
// (`answerVerification`); the test plays the browser: it opens the authorize page, reads the
// wallet reference from `data-ref`, polls the status endpoint with the page's cookie and hands
// the redirect to the client. `jose` verifies ES256 id_tokens against the JWKS; `openssl`
// verifies SM2 ones. Art. 8: result only by default; a pairwise `sub` per RP.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runInNewContext } from 'node:vm';
import { createLocalJWKSet, exportJWK, generateKeyPair, jwtVerify, type JSONWebKeySet } from 'jose';
import * as client from 'openid-client';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { fromB64u, rawToDer, type PrivateKey } from '@wangzheng/core/crypto/index';
import { ACR_VALUES, MODES } from '@wangzheng/core/verification/modes';
import type { Issued } from '@wangzheng/wallet/enroll/enroll';
import { answerVerification } from '@wangzheng/wallet/verify';
import { rejectionCode as codeOf } from '../../../../test/support/errors.ts';
import { describeEachEngine } from '../support/engines.ts';
import { USCC } from '../rp/harness.ts';
import {
  ADULT,
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
  type RegistryPerson,
  type SharedRegistry,
  type TestRp,
} from './harness.ts';
import { nodeHolder } from '@wangzheng/wallet/holder/node';

let reg: SharedRegistry;
const dir = mkdtempSync(path.join(tmpdir(), 'wz-oidc-'));
beforeAll(async () => {
  reg = await startRegistry(300, 'oidc-code-flow');
});
afterAll(async () => {
  await reg?.close();
  rmSync(dir, { recursive: true, force: true });
});

const RESULT_ONLY_CLAIMS = ['acr', 'aud', 'auth_time', 'exp', 'iat', 'iss', 'nonce', 'sub'];

describeEachEngine('OpenID Connect Core §3.1 code flow with openid-client', (engine) => {
  let h: Harness;
  let person: RegistryPerson;
  let holder: { issued: Issued; key: PrivateKey };
  let shop: TestRp;
  let news: TestRp;
  let bank: TestRp;
  let jwks: ReturnType<typeof createLocalJWKSet>;

  const approve = (ref: string, o: Partial<Parameters<typeof answerVerification>[1]> = {}) =>
    answerVerification(h.client, { ref, holder: nodeHolder(holder.issued.credential, holder.key), ...o });

  async function discover(rp: TestRp, auth: client.ClientAuth = client.ClientSecretBasic(rp.secret)): Promise<client.Configuration> {
    return client.discovery(new URL(h.url), rp.clientId, undefined, auth, { execute: [client.allowInsecureRequests] });
  }

  /** The whole flow as an RP runs it; `answer` is what the person does in the wallet. */
  async function login(rp: TestRp, o: { scope?: string; acr?: string; par?: boolean; auth?: client.ClientAuth; answer?: (ref: string) => Promise<unknown> } = {}) {
    const config = await discover(rp, o.auth);
    const verifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const nonce = client.randomNonce();
    const params: Record<string, string> = {
      redirect_uri: rp.redirectUri,
      scope: o.scope ?? 'openid',
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      nonce,
      ...(o.acr ? { acr_values: o.acr } : {}),
    };
    const url = o.par ? await client.buildAuthorizationUrlWithPAR(config, params) : client.buildAuthorizationUrl(config, params);
    const page = await openAuthorizePage(url);
    expect(page.status).toBe(200);
    await (o.answer ?? ((ref) => approve(ref)))(page.ref);
    const callback = await pollForRedirect(h, page);
    const tokens = await client.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce, idTokenExpected: true });
    return { config, tokens, callback, url, page };
  }

  beforeAll(async () => {
    h = await startOidcPlatform(engine, reg);
    person = reg.people(`d.type = 'resident_id_card' AND ${VALID_DOC} AND ${ADULT}`)[0]!;
    const key = deviceKey();
    holder = { key, issued: (await h.enroll(person, { deviceKey: key })) as Issued };
    shop = await registerRp(h, { category: 'internet_service', uscc: USCC.internet, alg: 'ES256', host: 'shop.example.cn' });
    news = await registerRp(h, { category: 'internet_service', uscc: USCC.internet, alg: 'ES256', host: 'news.example.cn' });
    bank = await registerRp(h, {
      category: 'bank',
      uscc: USCC.bank,
      alg: 'SM2',
      host: 'bank.example.cn',
      scopes: { masked_name: '客户身份识别', masked_id_number: '《反洗钱法》' },
      approve: ['masked_name', 'masked_id_number'],
    });
    jwks = createLocalJWKSet((await (await fetch(`${h.url}/.well-known/jwks.json`)).json()) as JSONWebKeySet);
  });
  afterAll(async () => h?.close());

  it('OpenID Connect Discovery 1.0: the metadata names our endpoints, S256 only, pairwise subjects, the four acr values, SM2 and ES256', async () => {
    const m = (await (await fetch(`${h.url}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    expect(m).toMatchObject({
      issuer: h.url,
      authorization_endpoint: `${h.url}/oauth/authorize`,
      token_endpoint: `${h.url}/oauth/token`,
      userinfo_endpoint: `${h.url}/oauth/userinfo`,
      pushed_authorization_request_endpoint: `${h.url}/oauth/par`,
      jwks_uri: `${h.url}/.well-known/jwks.json`,
      response_types_supported: ['code'],
      grant_types_supported: ['authorization_code'],
      code_challenge_methods_supported: ['S256'],
      subject_types_supported: ['pairwise'],
      id_token_signing_alg_values_supported: ['SM2', 'ES256'],
      token_endpoint_auth_methods_supported: ['private_key_jwt', 'client_secret_basic'],
      require_pushed_authorization_requests: false,
      authorization_response_iss_parameter_supported: true,
      acr_values_supported: MODES.map((x) => ACR_VALUES[x]),
    });
    expect(m.scopes_supported).toEqual(['openid', 'wz:age_band', 'wz:sex', 'wz:masked_name', 'wz:masked_id_number', 'wz:masked_phone', 'wz:document_type', 'wz:full_name_and_id_number']);
    expect(m.claims_supported).toEqual(expect.arrayContaining([...RESULT_ONLY_CLAIMS, 'masked_name', 'masked_document_number']));
  });

  it('the whole flow (PKCE S256, state, nonce, iss): id_token verified by jose against the JWKS (ES256 pinned), userinfo by openid-client', async () => {
    const { config, tokens, callback, page } = await login(shop);
    // The authorize page: the RP's registered name, a QR code of the wallet link, strict CSP.
    expect(page.html).toContain('shop.example.cn 测试机构');
    expect(page.html).toMatch(/<svg[^>]*viewBox/);
    expect(page.html).toContain(`href="/wallet/#/verify?ref=${page.ref}&amp;iss=`);
    expect(page.html).toMatch(/<time datetime="[^"]+Z">\d{4}-\d{2}-\d{2} \d{2}:\d{2} \(北京时间 UTC\+8\)<\/time>/);
    expect(page.headers.get('content-security-policy')).toMatch(/default-src 'none'; script-src 'nonce-[A-Za-z0-9_-]+'/);
    expect(callback.searchParams.get('iss')).toBe(h.url);
    expect(tokens.token_type).toBe('bearer');
    expect(tokens.scope).toBe('openid');
    const { payload, protectedHeader } = await jwtVerify(tokens.id_token!, jwks, { algorithms: ['ES256'], issuer: h.url, audience: shop.clientId });
    expect(protectedHeader).toMatchObject({ alg: 'ES256', kid: h.platform.deps.signing.intl.kid });
    expect(payload.acr).toBe(ACR_VALUES.wz);
    expect(payload.sub).toMatch(/^A[0-9A-Z]{25}$/);
    const claims = tokens.claims()!;
    const info = await client.fetchUserInfo(config, tokens.access_token, claims.sub);
    expect(info).toEqual({ sub: claims.sub });
  });

  it('the authorize page’s own script polls the status endpoint every second and navigates to the redirect (run against the server, DOM stubbed)', async () => {
    const config = await discover(shop);
    const verifier = client.randomPKCECodeVerifier();
    const url = client.buildAuthorizationUrl(config, { redirect_uri: shop.redirectUri, scope: 'openid', code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', nonce: 'n', state: 's' });
    const page = await openAuthorizePage(url);
    const script = /<script nonce="[^"]+">([\s\S]*?)<\/script>/.exec(page.html)![1]!;
    const attrs: Record<string, string> = { 'data-ref': page.ref, 'data-status': /data-status="([^"]+)"/.exec(page.html)![1]! };
    const shown: string[] = [];
    const navigated = new Promise<string>((resolve) => {
      runInNewContext(script, {
        document: { getElementById: (id: string) => (id === 'wz-authorize' ? { getAttribute: (n: string) => attrs[n] } : { set textContent(t: string) { shown.push(t); } }) },
        // The browser's fetch: relative to the page, with its cookie.
        fetch: (u: string, init: RequestInit) => fetch(new URL(u, url), { ...init, headers: { ...(init.headers as Record<string, string>), cookie: page.cookie } }),
        setTimeout,
        encodeURIComponent,
        window: { location: { replace: resolve } },
      });
    });
    await approve(page.ref);
    const target = new URL(await navigated);
    expect(target.origin + target.pathname).toBe(shop.redirectUri);
    expect(Object.fromEntries(target.searchParams)).toMatchObject({ state: 's', iss: h.url, code: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) });
    const tokens = await client.authorizationCodeGrant(config, target, { pkceCodeVerifier: verifier, expectedState: 's', expectedNonce: 'n' });
    expect(tokens.claims()?.nonce).toBe('n');
  });

  it('RFC 9126: the same flow through a pushed authorization request (client_id + request_uri only in the browser)', async () => {
    const { url, tokens } = await login(shop, { par: true });
    expect([...url.searchParams.keys()].sort()).toEqual(['client_id', 'request_uri']);
    expect(url.searchParams.get('request_uri')).toMatch(/^urn:ietf:params:oauth:request_uri:[A-Za-z0-9_-]{43}$/);
    expect(tokens.claims()?.aud).toBe(shop.clientId);
  });

  it('RFC 7523 private_key_jwt: openid-client signs its client assertions (ES256), at the PAR and the token endpoint', async () => {
    const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
    const jwk = { ...(await exportJWK(publicKey)), kid: 'rp-key-1', alg: 'ES256', use: 'sig' };
    const rp = await registerRp(h, { category: 'internet_service', uscc: USCC.internet, alg: 'ES256', host: 'jwt.example.cn', jwks: { keys: [jwk] } });
    const { config, tokens } = await login(rp, { par: true, auth: client.PrivateKeyJwt({ key: privateKey, kid: 'rp-key-1' }) });
    const { payload } = await jwtVerify(tokens.id_token!, jwks, { algorithms: ['ES256'], issuer: h.url, audience: rp.clientId });
    expect(await client.fetchUserInfo(config, tokens.access_token, payload.sub!)).toEqual({ sub: payload.sub });
  });

  it('Art. 8, result only: the id_token and userinfo carry no personal field, nothing but the protocol claims', async () => {
    const { config, tokens } = await login(news);
    const c = claimsOf(tokens.id_token!);
    expect(Object.keys(c).sort()).toEqual(RESULT_ONLY_CLAIMS);
    const info = await client.fetchUserInfo(config, tokens.access_token, c.sub as string);
    expect(Object.keys(info)).toEqual(['sub']);
    const text = `${Buffer.from(tokens.id_token!.split('.')[1]!, 'base64url').toString('utf8')}${JSON.stringify(info)}`;
    for (const v of [person.name, person.documentNumber, person.birthDate, holder.issued.netid]) expect(text).not.toContain(v);
  });

  it('pairwise subjects: two RPs get different subs for one person, one RP the same sub every time', async () => {
    const a1 = (await login(shop)).tokens.claims()!.sub;
    const b = (await login(news)).tokens.claims()!.sub;
    const a2 = (await login(shop)).tokens.claims()!.sub;
    expect(a1).toBe(a2);
    expect(b).not.toBe(a1);
  });

  it('SM2 id_token with consented fields (网证+口令): header alg is the RP’s registered SM2, openssl verifies SM3 with the distinguishing ID', async () => {
    const { config, tokens } = await login(bank, {
      scope: 'openid wz:masked_name wz:masked_id_number',
      acr: ACR_VALUES.wz_pass,
      answer: (ref) => approve(ref, { passphrase: '48273915', consent: (v) => v.scopes.filter((s) => s.scope !== 'result').map((s) => s.scope) }),
    });
    const token = tokens.id_token!;
    expect(headerOf(token)).toEqual({ alg: 'SM2', kid: h.platform.deps.signing.gm.kid, typ: 'JWT' });
    const c = claimsOf(token);
    expect(c).toMatchObject({ acr: ACR_VALUES.wz_pass, masked_name: expect.stringMatching(/^.\*+$/u), masked_document_number: `${person.documentNumber.slice(0, 4)}**********${person.documentNumber.slice(-4)}` });
    expect(tokens.scope).toBe('openid wz:masked_name wz:masked_id_number');
    const [hd, pl, sg] = token.split('.') as [string, string, string];
    writeFileSync(path.join(dir, 'in'), `${hd}.${pl}`);
    writeFileSync(path.join(dir, 'sig'), rawToDer(fromB64u(sg)!));
    writeFileSync(path.join(dir, 'pub.pem'), h.platform.deps.signing.gm.signer.publicKey.toPem());
    const out = execFileSync('openssl', ['dgst', '-sm3', '-verify', path.join(dir, 'pub.pem'), '-sigopt', 'distid:1234567812345678', '-signature', path.join(dir, 'sig'), path.join(dir, 'in')], { encoding: 'utf8' });
    expect(out).toMatch(/Verified OK/);
    const info = await client.fetchUserInfo(config, tokens.access_token, c.sub as string);
    expect(info).toEqual({ sub: c.sub, masked_name: c.masked_name, masked_document_number: c.masked_document_number });
  });

  it('acr_values asks for 网证+口令: the wallet must give the passphrase (without it: wrong_passphrase), and the id_token acr is exactly that mode', async () => {
    const { tokens } = await login(shop, {
      acr: `${ACR_VALUES.wz_pass} ${ACR_VALUES.wz}`,
      answer: async (ref) => {
        expect(await codeOf(approve(ref))).toBe('wrong_passphrase');
        return approve(ref, { passphrase: '48273915' });
      },
    });
    expect(tokens.claims()?.acr).toBe(ACR_VALUES.wz_pass);
  });
});
