// Issue #8, end to end in real headless Chromium (Debian's, driven by playwright-core): a person
// signs in at a relying party with OpenID Connect across two devices, both on the platform's own
// origin. The RP (openid-client, authorization code flow with PKCE, asking for the masked name)
// sends a DESKTOP browser (1280×800) to the authorize page, which shows a QR code; the QR the page
// itself drew is rasterised in a blank page's canvas and decoded with jsQR — it is the request's
// web-wallet URL, the page's button made absolute — and played as Chromium's fake camera to a
// PHONE browser (390×844, the camera granted). On the phone the person enrolls through the web
// wallet's six steps, opens the scanner, which reads the code and opens the consent screen, and
// approves; the desktop page (polling) goes to the RP's redirect URI with a code, and the RP
// exchanges it and checks the id_token. Then: the login is in the person's history; withdrawing
// the RP's authorization revokes its access token (userinfo refuses it) and the authorizations
// screen no longer lists the RP; a locked 网证 cannot sign in (the consent screen warns before
// approving, the wallet shows the platform's refusal with the way to unlock; the platform leaves
// the request pending, so the desktop page keeps waiting and the RP gets no code), and after
// unlocking with the passphrase a new login passes. The phone that scanned is never offered
// "back to the service" (that is the same-device path): it is told it is done and to go back. Each login's QR code
// replaces the camera's video (the scanner opens the camera anew each time).
// Every request of both browsers stays on the platform's origin (the RP's redirect URI, answered
// here, is the one exception); axe finds no serious or critical violation on any screen (checked
// softly, so one finding does not hide the rest of the flow); screenshots of every step are
// __screenshots__/login-*.png.
import { mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from 'jose';
import jsQRModule from 'jsqr';
import * as client from 'openid-client';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maskName } from '@wangzheng/core/verification/disclosure';
import { ADULT, VALID_DOC, launchChromium, startRegistry, startWebPlatform, writeQrVideo, type RegistryPerson, type SharedRegistry, type WebSystem } from './harness.ts';
import { axeViolations, guardOrigin, shot, watchConsole } from './page-tools.ts';
import { enrollOnPhone, type EnrollStep } from './enroll-on-phone.ts';

type JsQr = (data: Uint8ClampedArray, width: number, height: number) => { data: string } | null;
// jsqr is CommonJS: module.exports is the function (which also carries itself as `default`).
const jsQR = ((jsQRModule as unknown as { default?: JsQr }).default ?? jsQRModule) as unknown as JsQr;

const PHONE_NUMBER = '13987654321';
const PASSPHRASE = '48273915';
const RP_NAME = '示例商城';
const REDIRECT_URI = 'https://shop.example.cn/oidc/callback';
const CALLBACK = /^https:\/\/shop\.example\.cn\/oidc\/callback\?/;

let reg: SharedRegistry;
let sys: WebSystem;
let person: RegistryPerson;
let rp: { clientId: string; secret: string };
let config: client.Configuration;
let jwks: ReturnType<typeof createLocalJWKSet>;

let desktopBrowser: Browser;
let desktop: BrowserContext;
let desk: Page;
let deskGuard: Awaited<ReturnType<typeof guardOrigin>>;
let deskProblems: string[];

let phoneBrowser: Browser | undefined;
let phoneContext: BrowserContext;
let phone: Page;
let phoneGuard: Awaited<ReturnType<typeof guardOrigin>>;
let phoneProblems: string[];

const tmp = mkdtempSync(join(tmpdir(), 'wz-web-login-'));
const camera = join(tmp, 'qr.y4m');

/** One login as the RP starts it: PKCE, state, nonce, asking for the masked name. */
interface Login {
  url: URL;
  verifier: string;
  state: string;
  nonce: string;
  startedAt: number;
}
let first: Login;
let firstRef = '';
let firstTokens: client.TokenEndpointResponse & client.TokenEndpointResponseHelpers;
let firstSub = '';

async function startLogin(): Promise<Login> {
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: REDIRECT_URI,
    scope: 'openid wz:masked_name',
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    nonce,
    acr_values: 'urn:wangzheng:acr:wz',
  });
  return { url, verifier, state, nonce, startedAt: Date.now() };
}

/** A screenshot, and axe on the screen as it is now (soft: the flow goes on, the failure is reported). */
async function check(page: Page, name: string): Promise<void> {
  await shot(page, name);
  const v = await axeViolations(page);
  expect.soft(v, `${name}: ${JSON.stringify(v, null, 2)}`).toEqual([]);
}

async function heading(page: Page): Promise<string> {
  return (await page.locator('h1').first().innerText()).trim();
}

const CANVAS = 360;
const QR_SIZE = 320;
/**
 * The QR code the authorize page drew, read back as a camera would: its own <svg> rasterised in a
 * blank page's canvas (white quiet zone around it), the pixels decoded with jsQR here in Node.
 */
async function decodePageQr(page: Page): Promise<string> {
  const svg = (await page.locator('.qr').innerHTML()).trim();
  expect(svg).toMatch(/^<svg [^>]*viewBox="0 0 \d+ \d+"/);
  const blank = await page.context().newPage();
  try {
    // The canvas's pixels come back as one grey byte each (base64): far less to carry than RGBA numbers.
    const grey = (await blank.evaluate(`new Promise((resolve, reject) => {
      const svg = ${JSON.stringify(svg)}.replace('<svg ', '<svg width="${QR_SIZE}" height="${QR_SIZE}" ');
      const img = new Image();
      img.onerror = () => reject(new Error('the QR svg did not load as an image'));
      img.onload = () => {
        const c = document.createElement('canvas');
        c.width = ${CANVAS}; c.height = ${CANVAS};
        const ctx = c.getContext('2d');
        ctx.fillStyle = '#fff'; ctx.fillRect(0, 0, ${CANVAS}, ${CANVAS});
        ctx.drawImage(img, ${(CANVAS - QR_SIZE) / 2}, ${(CANVAS - QR_SIZE) / 2}, ${QR_SIZE}, ${QR_SIZE});
        const rgba = ctx.getImageData(0, 0, ${CANVAS}, ${CANVAS}).data;
        let s = '';
        for (let i = 0; i < rgba.length; i += 4) s += String.fromCharCode(rgba[i + 1]);
        resolve(btoa(s));
      };
      img.src = 'data:image/svg+xml;base64,' + btoa(svg);
    })`)) as string;
    const g = Buffer.from(grey, 'base64');
    expect(g.length).toBe(CANVAS * CANVAS);
    const rgba = new Uint8ClampedArray(g.length * 4);
    for (let i = 0; i < g.length; i++) rgba.set([g[i]!, g[i]!, g[i]!, 255], i * 4);
    const code = jsQR(rgba, CANVAS, CANVAS);
    if (!code) throw new Error('jsQR found no QR code in the authorize page’s <svg>');
    return code.data;
  } finally {
    await blank.close();
  }
}

/**
 * The desktop opens the RP's authorize URL; returns the web-wallet URL its QR code holds (checked
 * against the button). `axe`: the first time only — later openings are the same screen.
 */
async function openAuthorizePage(login: Login, name: string, o: { axe: boolean }): Promise<{ walletUrl: string; ref: string }> {
  const res = await desk.goto(login.url.href);
  expect(res?.status()).toBe(200);
  await expect.poll(() => desk.locator('main#wz-authorize').isVisible()).toBe(true);
  const text = await desk.locator('main').innerText();
  expect(text).toContain(RP_NAME);
  expect(text).toContain('姓名（部分隐藏）');
  expect(await desk.locator('#wz-state').innerText()).toContain('等待您在钱包中确认');
  const ref = (await desk.locator('[data-ref]').getAttribute('data-ref'))!;
  expect(ref).toMatch(/^[A-Za-z0-9_-]{22}$/);
  // The button: the same-origin path of the request's page in the web wallet.
  const button = (await desk.getByRole('link', { name: /在本机打开网证钱包/ }).getAttribute('href'))!;
  expect(button).toBe(`/wallet/#/verify?ref=${ref}&iss=${encodeURIComponent(sys.origin)}`);
  // The QR: that URL made absolute, as the page really drew it.
  const walletUrl = await decodePageQr(desk);
  expect(walletUrl).toBe(new URL(button, sys.origin).href);
  expect(walletUrl).toBe(`${sys.origin}/wallet/#/verify?ref=${ref}&iss=${encodeURIComponent(sys.origin)}`);
  if (o.axe) await check(desk, name);
  else await shot(desk, name);
  return { walletUrl, ref };
}

/** What the fake camera shows: written beside and renamed over, so a camera opened later reads one whole video. */
function showToCamera(text: string): void {
  const next = join(tmp, 'next.y4m');
  writeQrVideo(text, next);
  renameSync(next, camera);
}

/** The phone's scanner: the camera reads the QR code and the wallet opens the request's consent screen. */
async function scan(ref: string, name: string): Promise<void> {
  await phone.goto(`${sys.origin}/wallet/#/scan`);
  await expect.poll(() => heading(phone)).toBe('扫码核验');
  await check(phone, `${name}a-scanner`);
  await phone.getByRole('button', { name: '打开摄像头' }).click();
  await expect.poll(() => phone.locator('.rp-name').isVisible(), { timeout: 20_000 }).toBe(true);
  expect(new URLSearchParams(new URL(phone.url()).hash.split('?')[1]).get('ref')).toBe(ref);
  expect(await phone.locator('.rp-name').innerText()).toBe(RP_NAME);
  // The consent screen: the value that would be sent, and its legal basis.
  expect(await phone.locator('.field-value .value').nth(1).innerText()).toBe(maskName(person.name));
  expect(await phone.locator('main').innerText()).toContain('法规依据 masked_name');
  await check(phone, `${name}b-consent`);
}

/** Consents to the masked name and approves. */
async function approveOnPhone(): Promise<void> {
  await phone.getByLabel(new RegExp(`^我同意向「${RP_NAME}」提供：姓名（部分隐藏）`)).check();
  await phone.getByRole('button', { name: '同意并核验' }).click();
}

/** The desktop page goes to the RP's redirect URI; the RP exchanges the code (openid-client checks state, nonce, PKCE, iss). */
async function finishAtRp(login: Login): Promise<client.TokenEndpointResponse & client.TokenEndpointResponseHelpers> {
  await desk.waitForURL(CALLBACK, { timeout: 20_000 });
  const callback = new URL(desk.url());
  expect(callback.origin + callback.pathname).toBe(REDIRECT_URI);
  expect([callback.searchParams.get('state'), callback.searchParams.get('iss'), callback.searchParams.get('error')]).toEqual([login.state, sys.origin, null]);
  expect(callback.searchParams.get('code')).toMatch(/^[A-Za-z0-9_-]{43}$/);
  return client.authorizationCodeGrant(config, callback, { pkceCodeVerifier: login.verifier, expectedState: login.state, expectedNonce: login.nonce, idTokenExpected: true });
}

/** The id_token: signed by the platform (ES256 pinned, as registered), for this RP, a pairwise sub, the consented masked name. */
async function checkIdToken(tokens: client.TokenEndpointResponse & client.TokenEndpointResponseHelpers, login: Login, netid: string): Promise<string> {
  const { payload, protectedHeader } = await jwtVerify(tokens.id_token!, jwks, { algorithms: ['ES256'], issuer: sys.origin, audience: rp.clientId });
  expect(protectedHeader.alg).toBe('ES256');
  expect(tokens.claims()).toMatchObject({ iss: sys.origin, aud: rp.clientId, nonce: login.nonce, acr: 'urn:wangzheng:acr:wz', masked_name: maskName(person.name) });
  expect(payload.masked_name).toBe(maskName(person.name));
  const sub = payload.sub!;
  // Pseudonymous: the RP's application identifier, neither the 网号 nor anything of the person's.
  expect(sub).toMatch(/^A[0-9A-Z]{25}$/);
  for (const v of [netid, person.name, person.documentNumber, PHONE_NUMBER]) expect(sub).not.toContain(v);
  expect(Object.keys(payload).sort()).toEqual(['acr', 'aud', 'auth_time', 'exp', 'iat', 'iss', 'masked_name', 'nonce', 'sub']);
  expect(tokens.scope).toBe('openid wz:masked_name');
  return sub;
}

const ENROLL_SHOTS: Record<EnrollStep, string> = {
  'no-wallet': 'login-04-phone-no-wallet',
  notice: 'login-05-enroll-notice',
  chip: 'login-06-enroll-chip',
  face: 'login-07-enroll-face',
  sms: 'login-08-enroll-sms',
  passphrase: 'login-09-enroll-passphrase',
  device: 'login-10-enroll-device',
  done: 'login-11-enroll-done',
};

/** The person's enrollment in the phone's wallet, through its six steps, each screen looked at. */
async function enrollPerson(): Promise<string> {
  return enrollOnPhone(phone, sys.origin, { person, phoneNumber: PHONE_NUMBER, passphrase: PASSPHRASE, at: (step, page) => check(page, ENROLL_SHOTS[step]) });
}

beforeAll(async () => {
  reg = await startRegistry(300, 'web-login');
  sys = await startWebPlatform(reg);
  person = reg.people(`d.type = 'resident_id_card' AND ${VALID_DOC} AND ${ADULT}`)[0]!;
  // The relying party: applied for and approved (the masked name, with its legal basis) as the OIDC tests do.
  const s = sys.platform.rp.service;
  const app = await s.apply({
    name: RP_NAME,
    uscc: '914403001922038216',
    contactEmail: 'identity@example.cn',
    category: 'internet_service',
    purpose: '登录时核验您的身份',
    redirectUris: [REDIRECT_URI],
    tokenEndpointAuthMethod: 'client_secret_basic',
    idTokenSigningAlg: 'ES256',
    scopes: { masked_name: '收货人称呼' },
  });
  await s.approve(app.clientId, 'admin:test', { scopes: ['masked_name'], legalBasis: { masked_name: '法规依据 masked_name' } });
  rp = { clientId: app.clientId, secret: app.clientSecret ?? '' };
  // The RP's back end: discovers the issuer (http://localhost:<port>, development only, hence allowInsecureRequests).
  config = await client.discovery(new URL(sys.origin), rp.clientId, undefined, client.ClientSecretBasic(rp.secret), { execute: [client.allowInsecureRequests] });
  expect(config.serverMetadata().issuer).toBe(sys.origin);
  jwks = createLocalJWKSet((await (await fetch(`${sys.origin}/.well-known/jwks.json`)).json()) as JSONWebKeySet);

  desktopBrowser = await launchChromium();
  desktop = await desktopBrowser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN', deviceScaleFactor: 1 });
  deskGuard = await guardOrigin(desktop, sys.origin, { serviceReturn: CALLBACK });
  desk = await desktop.newPage();
  deskProblems = watchConsole(desk);
});

afterAll(async () => {
  await phoneContext?.close();
  await phoneBrowser?.close();
  await desktop?.close();
  await desktopBrowser?.close();
  await sys?.close();
  await reg?.close();
  rmSync(tmp, { recursive: true, force: true });
});

describe('signing in at a relying party across two devices, in Chromium', () => {
  let netid = '';

  it('the RP starts a code flow (PKCE); the desktop’s authorize page shows the request’s web-wallet URL as its QR code', async () => {
    first = await startLogin();
    expect(first.url.origin + first.url.pathname).toBe(`${sys.origin}/oauth/authorize`);
    const { walletUrl, ref } = await openAuthorizePage(first, 'login-01-authorize-desktop', { axe: true });
    // What the phone's camera will see.
    showToCamera(walletUrl);
    firstRef = ref;
  });

  it('the phone (camera granted) enrolls through the web wallet', async () => {
    phoneBrowser = await launchChromium({ camera });
    phoneContext = await phoneBrowser.newContext({ viewport: { width: 390, height: 844 }, locale: 'zh-CN', deviceScaleFactor: 1, isMobile: true, hasTouch: true });
    phoneGuard = await guardOrigin(phoneContext, sys.origin);
    await phoneContext.grantPermissions(['camera'], { origin: sys.origin });
    phone = await phoneContext.newPage();
    phoneProblems = watchConsole(phone);
    netid = await enrollPerson();
    await phone.getByRole('button', { name: '进入我的网证' }).click();
    await expect.poll(() => heading(phone)).toBe('我的网证');
    await expect.poll(() => phone.locator('.idcard .badge').innerText(), { timeout: 20_000 }).toBe('可用');
    await check(phone, 'login-12-phone-home');
  });

  it('the phone scans the desktop’s QR code, the person consents to the masked name and approves; the desktop lands at the RP with a code; the id_token is right', async () => {
    // Still waiting on the desktop.
    expect(desk.url()).toBe(first.url.href);
    await scan(firstRef, 'login-13');
    await approveOnPhone();
    await expect.poll(() => phone.getByText(new RegExp(`^已完成：「${RP_NAME}」获得了核验结果`)).isVisible(), { timeout: 20_000 }).toBe(true);
    expect(await phone.locator('main').innerText()).toContain('以及：姓名（部分隐藏）。');
    await expect.poll(() => phone.getByText('已完成，请回到原来的网页或应用继续。').isVisible()).toBe(true);
    await check(phone, 'login-14-phone-approved');

    firstTokens = await finishAtRp(first);
    await shot(desk, 'login-15-desktop-at-rp'); // the RP's page is this test's stand-in: no axe
    expect(deskGuard.returned).toHaveLength(1);
    firstSub = await checkIdToken(firstTokens, first, netid);
    // openid-client's userinfo with the access token: the same sub and the consented claim.
    expect(await client.fetchUserInfo(config, firstTokens.access_token, firstSub)).toEqual({ sub: firstSub, masked_name: maskName(person.name) });

    // The phone scanned: this browser did not open the authorize page (its status endpoint does not
    // answer it), so there is no "back to the service" here — the person is told to go back to the other screen.
    expect(await phone.getByText('已完成，请回到原来的网页或应用继续。').isVisible()).toBe(true);
    expect(await phone.getByRole('button', { name: `返回「${RP_NAME}」` }).count()).toBe(0);
    expect(phone.url().startsWith(`${sys.origin}/wallet/`)).toBe(true);
  });

  it('the login is in the person’s history: the RP’s name, the time, what it received', async () => {
    await phone.goto(`${sys.origin}/wallet/#/history`);
    await expect.poll(() => phone.locator('.timeline > li').count(), { timeout: 20_000 }).toBeGreaterThan(1);
    const newest = phone.locator('.timeline > li').first();
    expect(await newest.locator('.entry-title').innerText()).toBe(RP_NAME);
    const at = Date.parse((await newest.locator('time').getAttribute('datetime'))!);
    expect(at).toBeGreaterThanOrEqual(first.startedAt - 1_000);
    expect(at).toBeLessThanOrEqual(Date.now());
    // Shown in Beijing time, to the minute.
    expect((await newest.locator('time').innerText()).trim()).toBe(
      new Date(at).toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' }),
    );
    const text = await newest.innerText();
    for (const s of ['通过', '网证', '姓名（部分隐藏）', maskName(person.name), firstSub]) expect(text).toContain(s);
    await check(phone, 'login-17-history');
  });

  it('withdrawing the RP’s authorization revokes its access token (userinfo refuses it) and the RP is no longer listed', async () => {
    await phone.goto(`${sys.origin}/wallet/#/authorizations`);
    await expect.poll(() => phone.locator('.timeline > li').count(), { timeout: 20_000 }).toBe(1);
    const entry = phone.locator('.timeline > li').first();
    const text = await entry.innerText();
    expect(text).toContain(RP_NAME);
    expect(text).toContain(firstSub); // the person sees the identifier the RP knows them by
    expect(text).toContain('姓名（部分隐藏）');
    expect(text).toMatch(/有效访问令牌\s+1 个/);
    // The RP by its registered name; its client id only in the small detail line.
    expect(await entry.locator('.entry-detail').innerText()).toContain(rp.clientId);
    expect(await entry.locator('dl').innerText()).not.toContain(rp.clientId);
    await check(phone, 'login-18-authorizations');
    await entry.getByRole('button', { name: '撤回授权' }).click();
    await expect.poll(() => phone.getByText(`确定撤回对「${RP_NAME}」的全部授权吗？`).isVisible()).toBe(true);
    await check(phone, 'login-19-withdraw-confirm');
    await phone.getByRole('button', { name: '确定撤回' }).click();
    await expect.poll(() => phone.getByText(`已撤回对「${RP_NAME}」的授权：1 项同意，1 个访问令牌。`).isVisible(), { timeout: 20_000 }).toBe(true);
    await check(phone, 'login-20-withdrawn');

    // The RP's access token no longer works: openid-client's userinfo gets 401 invalid_token.
    const refused = await client.fetchUserInfo(config, firstTokens.access_token, firstSub).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(refused).toBeInstanceOf(client.WWWAuthenticateChallengeError);
    const challenge = refused as client.WWWAuthenticateChallengeError;
    expect(challenge.status).toBe(401);
    expect(challenge.cause[0]?.parameters.error).toBe('invalid_token');

    // From the platform again (not just the screen's own list): nothing active for the RP.
    await phone.reload();
    await expect.poll(() => phone.getByText('没有服务持有您的授权。').isVisible(), { timeout: 20_000 }).toBe(true);
    expect(await phone.locator('main').innerText()).not.toContain(RP_NAME);
    await check(phone, 'login-21-authorizations-empty');
    await phone.goto(`${sys.origin}/wallet/#/history`);
    await expect.poll(() => phone.locator('.timeline > li').first().locator('.entry-title').innerText(), { timeout: 20_000 }).toBe('撤回授权');
    expect(await phone.locator('.timeline > li').first().innerText()).toContain(RP_NAME);
  });

  it('locked: answering a login in the wallet fails with a message, the RP gets no code; unlocked with the passphrase, a new login passes', async () => {
    await phone.goto(`${sys.origin}/wallet/#/lock`);
    await expect.poll(() => phone.getByRole('button', { name: '立即锁定' }).isVisible(), { timeout: 20_000 }).toBe(true);
    await phone.getByRole('button', { name: '立即锁定' }).click();
    await expect.poll(() => phone.getByText('网证已锁定。').first().isVisible(), { timeout: 20_000 }).toBe(true);
    await check(phone, 'login-22-locked');

    const second = await startLogin();
    const opened = await openAuthorizePage(second, 'login-23-authorize-desktop-2', { axe: false });
    showToCamera(opened.walletUrl);
    await scan(opened.ref, 'login-24');
    // The wallet saw the 网证 locked (the lock screen): the consent screen says so before the person approves.
    expect(await phone.locator('main').innerText()).toContain('您的网证目前已锁定：现在同意，核验也不会通过。请先解锁。');
    await approveOnPhone();
    // The platform refuses a locked person's presentation (credential_locked): the wallet says so, with the way to unlock; nothing is approved.
    const alert = phone.locator('.message.error[role="alert"]');
    await expect.poll(() => alert.isVisible(), { timeout: 20_000 }).toBe(true);
    const said = await alert.innerText();
    expect(said).toContain('网证已锁定：请先在钱包中解锁后再使用。');
    expect(await alert.getByRole('link', { name: '去解锁' }).getAttribute('href')).toBe('#/lock');
    expect(await phone.getByText(/^已完成：/).count()).toBe(0);
    await check(phone, 'login-25-locked-refused');
    // What the platform does with the request: nothing — it stays pending (until it expires, 5 minutes), so the
    // desktop page keeps polling and still says it is waiting; the RP receives no code and no error meanwhile.
    const polls = (): number => deskGuard.requests.filter((u) => u.startsWith(`${sys.origin}/oauth/authorize/status?ref=${opened.ref}`)).length;
    const seen = polls();
    await expect.poll(polls, { timeout: 10_000 }).toBeGreaterThanOrEqual(seen + 2);
    expect(desk.url()).toBe(second.url.href);
    expect(await desk.locator('#wz-state').innerText()).toContain('等待您在钱包中确认');
    expect(deskGuard.returned).toHaveLength(1);
    await shot(desk, 'login-26-desktop-still-waiting');

    // Unlock with the passphrase.
    await phone.goto(`${sys.origin}/wallet/#/lock`);
    await expect.poll(() => phone.getByLabel('口令（8 位数字）').isVisible(), { timeout: 20_000 }).toBe(true);
    await check(phone, 'login-27-unlock');
    await phone.getByLabel('口令（8 位数字）').fill(PASSPHRASE);
    await phone.getByRole('button', { name: '解锁' }).click();
    await expect.poll(() => phone.getByText('网证已解锁，可以正常使用。').isVisible(), { timeout: 20_000 }).toBe(true);
    await check(phone, 'login-28-unlocked');

    // A new login passes: same RP, same pairwise sub.
    const third = await startLogin();
    const again = await openAuthorizePage(third, 'login-29-authorize-desktop-3', { axe: false });
    showToCamera(again.walletUrl);
    await scan(again.ref, 'login-30');
    expect(await phone.locator('main').innerText()).not.toContain('您的网证目前已锁定');
    await approveOnPhone();
    await expect.poll(() => phone.getByText(new RegExp(`^已完成：「${RP_NAME}」获得了核验结果`)).isVisible(), { timeout: 20_000 }).toBe(true);
    const tokens = await finishAtRp(third);
    await shot(desk, 'login-31-desktop-at-rp-again');
    expect(await checkIdToken(tokens, third, netid)).toBe(firstSub);
    expect(await client.fetchUserInfo(config, tokens.access_token, firstSub)).toEqual({ sub: firstSub, masked_name: maskName(person.name) });
    expect(deskGuard.returned).toHaveLength(2);
    await phone.goto(`${sys.origin}/wallet/#/history`);
    await expect.poll(() => phone.locator('.timeline > li').first().locator('.entry-title').innerText(), { timeout: 20_000 }).toBe(RP_NAME);
    const history = await phone.locator('.timeline').innerText();
    for (const s of ['锁定网证', '解锁网证', '撤回授权']) expect(history).toContain(s);
    await check(phone, 'login-32-history-after');
  });

  it('no request of either browser left the platform’s origin (but the RP’s redirects), and the CSP blocked nothing', async () => {
    expect(deskGuard.foreign).toEqual([]);
    expect(deskGuard.requests.every((u) => u.startsWith(`${sys.origin}/`))).toBe(true);
    expect(deskGuard.returned.every((u) => CALLBACK.test(u))).toBe(true);
    expect(phoneGuard.foreign).toEqual([]);
    expect(phoneGuard.returned).toEqual([]);
    expect(phoneGuard.requests.length).toBeGreaterThan(20);
    expect(phoneGuard.requests.every((u) => u.startsWith(`${sys.origin}/`))).toBe(true);
    expect(deskProblems).toEqual([]);
    expect(phoneProblems).toEqual([]);
  });
});
