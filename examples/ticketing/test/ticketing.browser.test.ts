// Issue #9 §3, end to end in real headless Chromium (Debian's, driven by playwright-core): a person
// books a ticket at the demo relying party (examples/ticketing), which talks to the platform only
// through OpenID Connect (openid-client) and @wangzheng/sdk.
//
// The platform is the web test system (four eyes on for bans); the demo is started as `npm start`
// starts it — its own process, through start.ts's startDemo — and registers itself as a sandbox RP
// and configures its Shared Signals push stream. A PHONE browser (the camera granted, playing QR
// codes as a video) enrolls in the web wallet; a DESKTOP browser visits the demo:
//   - logs in with 网证 across devices (by keyboard): demo → the platform's authorize page → its request's wallet
//     URL shown to the phone's camera → the phone scans and approves → back at the demo, signed in;
//   - registers its real name (an SDK receipt request, mode 网证): the site shows it received only
//     "passed", the mode, the time and its identifier for the person;
//   - buys a ticket: the site steps up with acr_values 网证+人脸 (prompt=login, max_age) and the
//     phone answers with its (simulated) face; the ticket is booked;
//   - the site flags the account (SDK re-verification): the request waits in the person's wallet,
//     the page shows it pending and refuses purchases until the person answers with their face;
//   - an operator bans the person (two operators: four eyes); the platform pushes an
//     account-disabled SET to the demo, which verifies it and deletes the person's sessions: the
//     desktop page shows them signed out, without reloading by hand.
// Every demo page is screenshotted (__screenshots__/ticketing-*.png beside the platform's web tests)
// and scanned with axe (no serious or critical violation); the demo's CSP blocks nothing; the
// desktop talks only to the demo and the platform, the phone only to the platform.
import { mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemo, type Demo } from '../../../packages/cli/src/commands/start.ts';
import { ADULT, VALID_DOC, launchChromium, startRegistry, startWebPlatform, writeQrVideo, type RegistryPerson, type SharedRegistry, type WebSystem } from '../../../packages/platform/test/web/harness.ts';
import { enrollOnPhone } from '../../../packages/platform/test/web/enroll-on-phone.ts';
import { axeViolations, guardOrigin, shot, watchConsole } from '../../../packages/platform/test/web/page-tools.ts';

const SITE = '云票务（网证示例）';
const PHONE_NUMBER = '13987654322';
const PASSPHRASE = '48273915';

let reg: SharedRegistry;
let sys: WebSystem;
let demo: Demo;
let person: RegistryPerson;
const demoLines: string[] = [];
const timings: string[] = [];

let desktopBrowser: Browser;
let desk: Page;
const deskRequests: string[] = [];
let deskProblems: string[];
let phoneBrowser: Browser;
let phoneContext: BrowserContext;
let phone: Page;
let phoneGuard: Awaited<ReturnType<typeof guardOrigin>>;
let phoneProblems: string[];

let netid = '';
let sub = '';

const tmp = mkdtempSync(join(tmpdir(), 'wz-ticketing-'));
const camera = join(tmp, 'qr.y4m');

/** A screenshot and axe on the page as it is now (soft: the flow goes on, a violation is reported). */
async function check(page: Page, name: string): Promise<void> {
  await shot(page, name);
  const v = await axeViolations(page);
  expect.soft(v, `${name}: ${JSON.stringify(v, null, 2)}`).toEqual([]);
}

const heading = async (page: Page): Promise<string> => (await page.locator('h1').first().innerText()).trim();

/** What the phone's camera shows next: written beside and renamed over, so the camera reads one whole video. */
function showToCamera(text: string): void {
  const next = join(tmp, 'next.y4m');
  writeQrVideo(text, next);
  renameSync(next, camera);
}

/** The phone's scanner reads `walletUrl` and opens the request from the demo. */
async function scan(walletUrl: string, name: string): Promise<void> {
  showToCamera(walletUrl);
  await phone.goto(`${sys.origin}/wallet/#/scan`);
  await expect.poll(() => heading(phone)).toBe('扫码核验');
  await phone.getByRole('button', { name: '打开摄像头' }).click();
  await expect.poll(() => phone.locator('.rp-name').isVisible(), { timeout: 20_000 }).toBe(true);
  expect(await phone.locator('.rp-name').innerText()).toBe(SITE);
  await check(phone, name);
}

async function approveOnPhone(): Promise<void> {
  await phone.getByRole('button', { name: '同意并核验' }).click();
  await expect.poll(() => phone.getByText(new RegExp(`^已完成：「${SITE}」获得了核验结果`)).isVisible(), { timeout: 20_000 }).toBe(true);
}

/** The desktop is on the platform's authorize page: the request's web-wallet URL (the QR code's content, the button's target made absolute). */
async function authorizePage(name: string, mode: string): Promise<string> {
  await desk.waitForURL(`${sys.origin}/oauth/authorize?**`);
  await expect.poll(() => desk.locator('main#wz-authorize').isVisible()).toBe(true);
  const text = await desk.locator('main').innerText();
  expect(text).toContain(SITE);
  expect(text).toContain(mode);
  expect(await desk.locator('.qr svg').count()).toBe(1);
  const button = (await desk.getByRole('link', { name: /在本机打开网证钱包/ }).getAttribute('href'))!;
  await shot(desk, name); // the platform's page: its own tests run axe on it
  return new URL(button, sys.origin).href;
}

/** The admin API as an operator: the development tokens of the two generated operators (four eyes). */
async function admin(operator: 0 | 1, path: string, body: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const token = Buffer.from(sys.platform.deps.secrets.admin[operator]!.key).toString('base64url');
  const res = await fetch(`${sys.origin}${path}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

beforeAll(async () => {
  const t0 = Date.now();
  reg = await startRegistry(300, 'ticketing');
  sys = await startWebPlatform(reg, { overrides: { 'lifecycle.fourEyes': 'on' } });
  person = reg.people(`d.type = 'resident_id_card' AND ${VALID_DOC} AND ${ADULT}`)[0]!;
  const t1 = Date.now();
  // As `npm start` does: its own process, the issuer passed in; port 0 here (any free port).
  demo = await startDemo({ issuer: sys.origin, dataDir: tmp, port: 0, io: { out: (l) => demoLines.push(l), err: (l) => demoLines.push(l) } });
  timings.push(`platform ${t1 - t0} ms, demo process ${Date.now() - t1} ms`);

  desktopBrowser = await launchChromium();
  const desktop = await desktopBrowser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN', deviceScaleFactor: 1 });
  desktop.on('request', (r) => deskRequests.push(r.url()));
  desk = await desktop.newPage();
  deskProblems = watchConsole(desk);

  writeQrVideo('about:blank', camera); // the fake camera's file must exist when the browser starts
  phoneBrowser = await launchChromium({ camera });
  phoneContext = await phoneBrowser.newContext({ viewport: { width: 390, height: 844 }, locale: 'zh-CN', deviceScaleFactor: 1, isMobile: true, hasTouch: true });
  phoneGuard = await guardOrigin(phoneContext, sys.origin);
  await phoneContext.grantPermissions(['camera'], { origin: sys.origin });
  phone = await phoneContext.newPage();
  phoneProblems = watchConsole(phone);
});

afterAll(async () => {
  await phoneBrowser?.close();
  await desktopBrowser?.close();
  await demo?.stop();
  await sys?.close();
  await reg?.close();
  rmSync(tmp, { recursive: true, force: true });
  if (timings.length) console.log(`ticketing.browser: ${timings.join('; ')}`);
});

describe('the demo ticket-booking site, in Chromium', () => {
  it('comes up as its own process: a sandbox RP with a Shared Signals push stream to its /ssf/events; strict CSP', async () => {
    expect(demo.url).toMatch(/^http:\/\/localhost:\d+$/);
    expect(demoLines.join('\n')).toMatch(/registered with .* as rp_\S+ \(sandbox\)/);
    const token = Buffer.from(sys.platform.deps.secrets.admin[0]!.key).toString('base64url');
    const streams = (await (await fetch(`${sys.origin}/v1/admin/ssf/streams`, { headers: { authorization: `Bearer ${token}` } })).json()) as { items: Record<string, unknown>[] };
    expect(streams.items).toEqual([expect.objectContaining({ method: 'urn:ietf:rfc:8935', endpointUrl: `${demo.url}/ssf/events`, status: 'enabled' })]);
    const home = await fetch(`${demo.url}/`);
    expect(home.status).toBe(200);
    expect(home.headers.get('content-security-policy')).toBe(
      `default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; form-action 'self' ${sys.origin}; base-uri 'none'; frame-ancestors 'none'`,
    );
    // A push without the configured bearer token is refused (401: the platform would retry).
    expect((await fetch(`${demo.url}/ssf/events`, { method: 'POST', headers: { 'content-type': 'application/secevent+jwt' }, body: 'x.y.z' })).status).toBe(401);
  });

  it('the phone enrolls in the web wallet', { timeout: 120_000 }, async () => {
    netid = await enrollOnPhone(phone, sys.origin, { person, phoneNumber: PHONE_NUMBER, passphrase: PASSPHRASE });
    expect(netid).toMatch(/^[0-9A-Z]{10}$/);
  });

  it('logs in with 网证 across devices: the platform’s QR page, the phone approves, the desktop is signed in at the demo', { timeout: 120_000 }, async () => {
    const t0 = Date.now();
    await desk.goto(`${demo.url}/`);
    expect(await heading(desk)).toContain('演出与赛事');
    await check(desk, 'ticketing-01-home');
    // By keyboard: the skip link first, then the header's links; Enter on "用网证登录".
    const focused = async (): Promise<string> => String(await desk.evaluate("document.activeElement?.textContent?.trim() ?? ''"));
    await desk.keyboard.press('Tab');
    expect(await focused()).toContain('跳到主要内容');
    for (let i = 0; i < 3; i++) await desk.keyboard.press('Tab');
    expect(await focused()).toContain('用网证登录');
    await desk.keyboard.press('Enter');
    const walletUrl = await authorizePage('ticketing-02-authorize-login', '网证');
    await scan(walletUrl, 'ticketing-03-phone-login-request');
    await approveOnPhone();
    await desk.waitForURL(`${demo.url}/account`, { timeout: 20_000 });
    expect(await heading(desk)).toContain('我的账户');
    sub = (await desk.locator('code.sub').innerText()).trim();
    expect(sub).toMatch(/^A[0-9A-Z]{25}$/);
    const text = await desk.locator('main').innerText();
    expect(text).toContain('已用网证登录');
    expect(text).toContain('未登记');
    for (const secret of [person.name, person.documentNumber, netid, PHONE_NUMBER]) expect(text).not.toContain(secret);
    await check(desk, 'ticketing-04-account');
    timings.push(`login ${Date.now() - t0} ms`);
  });

  it('real-name registration (SDK receipt, mode 网证): the site shows it received only “passed”, the mode, the time and its identifier', { timeout: 60_000 }, async () => {
    await desk.getByRole('link', { name: /去登记/ }).click();
    await desk.waitForURL(`${demo.url}/register`);
    await check(desk, 'ticketing-05-register');
    await desk.getByRole('button', { name: /用网证实名登记/ }).click();
    const open = desk.getByRole('link', { name: /在本机打开网证钱包/ });
    await expect.poll(() => open.isVisible()).toBe(true);
    expect(await desk.locator('.qr svg').count()).toBe(1); // a phone scans it; the same URL as the button
    await check(desk, 'ticketing-06-register-pending');
    const walletUrl = (await open.getAttribute('href'))!;
    expect(walletUrl).toMatch(new RegExp(`^${sys.origin}/wallet/#/verify\\?ref=`));
    await scan(walletUrl, 'ticketing-07-phone-register-request');
    // Result only: nothing to consent to beyond the result.
    expect(await phone.locator('.fields li').count()).toBe(1);
    await approveOnPhone();
    // The desktop page reloads by itself once the receipt is verified.
    await expect.poll(() => desk.getByText('实名登记已完成').isVisible(), { timeout: 20_000 }).toBe(true);
    const received = await desk.locator('.notice.ok dl').innerText();
    expect(received).toContain('通过');
    expect(received).toContain('网证');
    expect(received).toContain(sub); // the receipt's sub is the login's: the same pseudonym
    expect(await desk.locator('.notice.ok dt').count()).toBe(4);
    await check(desk, 'ticketing-08-registered');
  });

  it('buying a ticket steps up to 网证+人脸 (acr_values, prompt=login, max_age); the phone answers with its face', { timeout: 90_000 }, async () => {
    const t0 = Date.now();
    await desk.goto(`${demo.url}/`);
    await check(desk, 'ticketing-09-home-signed-in');
    await desk.getByRole('button', { name: /购票/ }).first().click();
    await desk.waitForURL(`${sys.origin}/oauth/authorize?**`);
    const asked = new URL(desk.url()).searchParams;
    expect([asked.get('acr_values'), asked.get('prompt'), asked.get('max_age'), asked.get('scope')]).toEqual(['urn:wangzheng:acr:wz+face', 'login', '300', 'openid']);
    const walletUrl = await authorizePage('ticketing-10-authorize-step-up', '网证+人脸');
    await scan(walletUrl, 'ticketing-11-phone-face-request');
    expect(await phone.locator('main').innerText()).toContain('现场人脸');
    await approveOnPhone();
    await desk.waitForURL(new RegExp(`^${demo.url}/orders/`), { timeout: 20_000 });
    expect(await heading(desk)).toContain('购票成功');
    const ticket = await desk.locator('.ticket').innerText();
    expect(ticket).toContain('图兰朵');
    expect(ticket).toContain('网证+人脸');
    await check(desk, 'ticketing-12-ticket');
    timings.push(`purchase with step-up ${Date.now() - t0} ms`);
  });

  it('a flagged account: the site asks for re-verification (SDK); pending, purchases refused, until the person answers with their face', { timeout: 90_000 }, async () => {
    await desk.goto(`${demo.url}/account`);
    expect(await desk.locator('main').innerText()).toContain('图兰朵');
    await desk.getByRole('button', { name: /模拟风控标记此账户/ }).click();
    await expect.poll(() => desk.getByText(/已请求网证平台对您重新核验/).isVisible()).toBe(true);
    await check(desk, 'ticketing-13-flagged');
    // A purchase now leads back to the account page, not to the platform.
    await desk.goto(`${demo.url}/`);
    await desk.getByRole('button', { name: /购票/ }).nth(1).click();
    await desk.waitForURL(`${demo.url}/account`);
    // The request waits in the person's own wallet (no QR: only they can see it).
    await phone.goto(`${sys.origin}/wallet/`);
    const pending = phone.locator('.card', { hasText: '等待您处理的请求' });
    await expect.poll(() => pending.isVisible(), { timeout: 20_000 }).toBe(true);
    expect(await pending.innerText()).toContain('账户重新核验');
    expect(await pending.innerText()).toContain('账户出现异常购票');
    await check(phone, 'ticketing-14-phone-pending-review');
    await pending.getByRole('link', { name: '查看并处理' }).click();
    await expect.poll(() => phone.locator('.rp-name').isVisible(), { timeout: 20_000 }).toBe(true);
    expect(await phone.locator('main').innerText()).toContain('重新核验');
    await check(phone, 'ticketing-15-phone-review-request');
    await approveOnPhone();
    await expect.poll(() => desk.getByText('已重新核验，账户恢复正常。').isVisible(), { timeout: 20_000 }).toBe(true);
    await check(desk, 'ticketing-16-reverified');
  });

  it('a nationwide ban (four eyes) arrives as a Shared Signals event: the desktop page shows the person signed out', { timeout: 60_000 }, async () => {
    await desk.goto(`${demo.url}/account`);
    const requested = await admin(0, '/v1/admin/bans', { netid, reason: 'fraud', legalRef: '《反电信网络诈骗法》第三十一条' });
    expect([requested.status, requested.body['state']]).toEqual([202, 'requested']);
    // Requested, not yet in force: nothing is sent, the person stays signed in.
    await new Promise((r) => setTimeout(r, 1_500));
    expect(desk.url()).toBe(`${demo.url}/account`);
    const t0 = Date.now();
    const approved = await admin(1, `/v1/admin/bans/${String(requested.body['id'])}/approve`, {});
    expect([approved.status, approved.body['state']]).toEqual([200, 'active']);
    // The page notices by itself (it polls the site's /state) and lands on the home page with the notice.
    const notice = desk.getByText('您已被登出：网证平台通知本站，此网证已被全国停用。');
    await expect.poll(() => notice.isVisible(), { timeout: 15_000 }).toBe(true);
    timings.push(`ban approved → page signed out ${Date.now() - t0} ms`);
    expect(new URL(desk.url()).pathname).toBe('/');
    expect(await desk.getByRole('link', { name: /我的账户/ }).count()).toBe(0);
    expect(await desk.getByRole('link', { name: /用网证登录/ }).count()).toBe(1);
    expect(demoLines.join('\n')).toMatch(/SET \S+: account_disabled, 1 session\(s\) signed out/);
    await check(desk, 'ticketing-17-signed-out');
    // The old session cookie is worth nothing now.
    expect(await (await desk.request.get(`${demo.url}/state`)).text()).toBe('out.-.-');
  });

  it('the desktop talked only to the demo and the platform, the phone only to the platform; no CSP violation', () => {
    expect(deskRequests.filter((u) => !u.startsWith(`${demo.url}/`) && !u.startsWith(`${sys.origin}/`))).toEqual([]);
    expect(deskProblems).toEqual([]);
    expect(phoneGuard.foreign).toEqual([]);
    expect(phoneProblems).toEqual([]);
  });
});
