// Issue #9 §1, the operator console's web UI, end to end in real headless Chromium (Debian's,
// driven by playwright-core). Two operators, each a person with a 网证 in the web wallet of their
// own PHONE browser (the camera granted, playing the QR code the test shows it), sign in to the
// console on their own DESKTOP browser context: /console/login → the platform's authorize page
// (mode 网证+口令+人脸) → the phone scans its QR code and approves with the passphrase and the
// (simulated) face → the desktop lands on /console/ with the session cookie. Before any role is
// granted the console says so and shows the operator's application identifier; the roles come
// from the admin API with the development bearer token (POST /v1/admin/console-operators).
//
// Then, with four eyes on: operator A approves an RP application (made with POST
// /v1/rp/applications) with a legal basis for the scope it asked; requests a ban of a third
// person (enrolled and verified at a bank RP with a Shared Signals push stream, in Node), cannot
// approve it herself (four_eyes_required, shown with its code); operator B approves it; the
// bank's receiver gets the SET and the delivery page shows it delivered; the audit trail finds the
// ban and its chain verifies; the dashboard draws the platform's series with uPlot.
// Every screen: a screenshot (__screenshots__/console-*.png), axe (no serious or critical
// violation), no CSP violation, no request off the platform's origin.
import { mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKey } from '@wangzheng/core/crypto/index';
import { PlatformClient } from '@wangzheng/wallet/enroll/client';
import { enroll } from '@wangzheng/wallet/enroll/enroll';
import type { Issued } from '@wangzheng/wallet/enroll/enroll';
import { keySigner, nodeDigest, nodeHolder } from '@wangzheng/wallet/holder/node';
import { answerVerification } from '@wangzheng/wallet/verify';
import { USCC } from '../rp/harness.ts';
import { ALL_EVENTS, claimsOf, startReceiver, type Receiver } from '../signals/harness.ts';
import { ADULT, VALID_DOC, launchChromium, startConsoleWebPlatform, startRegistry, writeQrVideo, type RegistryPerson, type SharedRegistry, type WebSystem } from './harness.ts';
import { axeViolations, guardOrigin, shot, watchConsole } from './page-tools.ts';
import { enrollOnPhone } from './enroll-on-phone.ts';

const PASSPHRASE = '48273915';
const APPLICANT = '示例证券';
const BANK = '示例银行';
const started = Date.now();

let reg: SharedRegistry;
let sys: WebSystem;
let people: RegistryPerson[];
let token = '';
let desktopBrowser: Browser;
let phoneBrowser: Browser;
const tmp = mkdtempSync(join(tmpdir(), 'wz-web-console-'));
const camera = join(tmp, 'qr.y4m');

/** One operator: a desktop context for the console, a phone context holding their 网证. */
interface Operator {
  name: string;
  person: RegistryPerson;
  phoneNumber: string;
  desk: Page;
  phone: Page;
  contexts: BrowserContext[];
  /** CSP violations and script errors of both pages. */
  problems(): string[];
  /** Requests that left the platform's origin, from either context. */
  foreign(): string[];
  netid: string;
}
const ops: Operator[] = [];
let bank: { clientId: string; auth: string; rx: Receiver; sub: string };
let banned: Issued;
let applicant = '';

async function check(page: Page, name: string): Promise<void> {
  await shot(page, name);
  const v = await axeViolations(page);
  expect.soft(v, `${name}: ${JSON.stringify(v, null, 2)}`).toEqual([]);
}

const heading = async (page: Page): Promise<string> => (await page.locator('h1').first().innerText()).trim();

function showToCamera(text: string): void {
  const next = join(tmp, 'next.y4m');
  writeQrVideo(text, next);
  renameSync(next, camera);
}

async function admin<T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(`${sys.origin}${path}`, { method, headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  return { status: res.status, body: (res.status === 204 ? {} : await res.json()) as T };
}

/**
 * The console's sign-in, cross-device: the desktop follows 用网证登录 to the platform's authorize
 * page; its "open the wallet on this device" link is the request's web-wallet URL (the QR code's
 * content), which the phone's camera reads; the phone approves with passphrase and face; the
 * desktop comes back to /console/.
 */
async function signIn(o: Operator, shots: { authorize?: string; consent?: string } = {}): Promise<void> {
  await o.desk.goto(`${sys.origin}/console/`);
  const button = o.desk.getByRole('link', { name: /用网证登录/ });
  await expect.poll(() => button.isVisible(), { timeout: 20_000 }).toBe(true);
  await button.click();
  await o.desk.waitForURL(`${sys.origin}/oauth/authorize?**`);
  await expect.poll(() => o.desk.locator('main#wz-authorize').isVisible()).toBe(true);
  expect(await o.desk.locator('main').innerText()).toContain('网证+口令+人脸');
  if (shots.authorize) await shot(o.desk, shots.authorize); // the platform's page: its own tests run axe on it
  const walletUrl = new URL((await o.desk.getByRole('link', { name: /在本机打开网证钱包/ }).getAttribute('href'))!, sys.origin).href;
  showToCamera(walletUrl);
  await o.phone.goto(`${sys.origin}/wallet/#/scan`);
  await expect.poll(() => heading(o.phone)).toBe('扫码核验');
  await o.phone.getByRole('button', { name: '打开摄像头' }).click();
  await expect.poll(() => o.phone.locator('.rp-name').isVisible(), { timeout: 20_000 }).toBe(true);
  await o.phone.getByLabel('口令（8 位数字）').fill(PASSPHRASE);
  if (shots.consent) await shot(o.phone, shots.consent);
  await o.phone.getByRole('button', { name: '同意并核验' }).click();
  await o.desk.waitForURL(`${sys.origin}/console/**`, { timeout: 30_000 });
  expect(new URL(o.desk.url()).hash).not.toMatch(/error=/);
}

/** The third person, banned later: enrolled in Node against the same platform, verified once at the bank (so the bank knows them). */
async function enrollAndVerifyAtBank(person: RegistryPerson): Promise<void> {
  const sim = new PlatformClient(reg.url);
  const platform = new PlatformClient(sys.origin);
  const key = generateKey('SM2');
  const phone = '13700000003';
  banned = (await enroll({
    platform,
    hardware: {
      readChip: async () => (await sim.post<{ chip: unknown }>('/sim/nfc/read', { documentType: person.documentType, documentNumber: person.documentNumber })).chip,
      captureFace: async (nonce) => (await sim.post<{ probe: number[] }>('/sim/camera', { documentType: person.documentType, documentNumber: person.documentNumber, subject: 'self', nonce })).probe,
      readSmsCode: async () => (await platform.get<{ message: { code: string } | null }>(`/sim/sms?phone=${phone}`)).message?.code ?? '',
    },
    documentType: person.documentType,
    phone,
    passphrase: PASSPHRASE,
    signer: keySigner(key),
    digest: nodeDigest,
    label: 'test phone',
  })) as Issued;
  const call = async <T>(path: string, body: unknown): Promise<T> => {
    const res = await fetch(`${sys.origin}${path}`, { method: 'POST', headers: { authorization: bank.auth, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(res.status, path).toBeLessThan(300);
    return (await res.json()) as T;
  };
  const req = await call<{ requestId: string; ref: string }>('/v1/receipt-requests', { bizSeq: 'account-1', mode: 'wz' });
  await answerVerification(platform, { ref: req.ref, holder: nodeHolder(banned.credential, key) });
  const receipt = await call<{ receipt: string }>(`/v1/receipt-requests/${req.requestId}/receipt`, {});
  bank.sub = claimsOf(receipt.receipt).sub as string;
}

beforeAll(async () => {
  reg = await startRegistry(300, 'web-console');
  sys = await startConsoleWebPlatform(reg, { overrides: { 'lifecycle.fourEyes': 'on' } });
  token = Buffer.from(sys.platform.deps.secrets.admin[0]!.key).toString('base64url');
  people = reg.people(`d.type = 'resident_id_card' AND ${VALID_DOC} AND ${ADULT}`, [], 3);
  expect(people).toHaveLength(3);

  // The bank: approved, with a push stream to a receiver here; it knows the third person.
  const s = sys.platform.rp.service;
  const b = await s.apply({ name: BANK, uscc: USCC.bank, contactEmail: 'identity@bank.example.cn', category: 'bank', purpose: '开户时核验身份', redirectUris: ['https://bank.example.cn/cb'], tokenEndpointAuthMethod: 'client_secret_basic', idTokenSigningAlg: 'ES256' });
  await s.approve(b.clientId, 'admin:test', { scopes: [] });
  bank = { clientId: b.clientId, auth: `Basic ${Buffer.from(`${b.clientId}:${b.clientSecret}`).toString('base64')}`, rx: await startReceiver(), sub: '' };
  const stream = await fetch(`${sys.origin}/ssf/stream`, { method: 'POST', headers: { authorization: bank.auth, 'content-type': 'application/json' }, body: JSON.stringify({ delivery: { method: 'urn:ietf:rfc:8935', endpoint_url: bank.rx.url }, events_requested: ALL_EVENTS }) });
  expect(stream.status).toBe(201);
  await enrollAndVerifyAtBank(people[2]!);

  // The application the console approves: made as an applicant makes it, over HTTP.
  const app = await fetch(`${sys.origin}/v1/rp/applications`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: APPLICANT, uscc: USCC.telecom, contactEmail: 'kyc@sec.example.cn', category: 'payment_institution', purpose: '开立证券账户时核验客户身份', redirectUris: ['https://sec.example.cn/cb'], tokenEndpointAuthMethod: 'client_secret_basic', idTokenSigningAlg: 'ES256', scopes: { masked_name: '《证券期货投资者适当性管理办法》第六条：了解客户' } }),
  });
  expect(app.status).toBe(201);
  applicant = ((await app.json()) as { clientId: string }).clientId;

  desktopBrowser = await launchChromium();
  phoneBrowser = await launchChromium({ camera });
  showToCamera('nothing yet');
  for (const [i, name] of ['a', 'b'].entries()) {
    const deskContext = await desktopBrowser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN', deviceScaleFactor: 1 });
    const phoneContext = await phoneBrowser.newContext({ viewport: { width: 390, height: 844 }, locale: 'zh-CN', isMobile: true, hasTouch: true, deviceScaleFactor: 1, permissions: ['camera'] });
    const dg = await guardOrigin(deskContext, sys.origin);
    const pg = await guardOrigin(phoneContext, sys.origin);
    const desk = await deskContext.newPage();
    const phone = await phoneContext.newPage();
    const dp = watchConsole(desk);
    const pp = watchConsole(phone);
    ops.push({
      name,
      person: people[i]!,
      phoneNumber: `1390000000${i + 1}`,
      desk,
      phone,
      contexts: [deskContext, phoneContext],
      problems: () => [...dp, ...pp],
      foreign: () => [...dg.foreign, ...pg.foreign],
      netid: '',
    });
  }
}, 120_000);

afterAll(async () => {
  for (const o of ops) for (const c of o.contexts) await c.close();
  await phoneBrowser?.close();
  await desktopBrowser?.close();
  await bank?.rx.close();
  await sys?.close();
  await reg?.close();
  rmSync(tmp, { recursive: true, force: true });
  console.log(`[console.browser] ${Math.round((Date.now() - started) / 1000)} s`);
});

describe('the operator console in Chromium', () => {
  it('is served from the platform’s origin with the strict CSP; signed out, it shows the sign-in screen (zh-CN first), and a failed sign-in’s code', async () => {
    const a = ops[0]!;
    const res = await a.desk.goto(`${sys.origin}/console/`);
    expect(res?.status()).toBe(200);
    expect(res?.headers()['content-security-policy']).toContain("script-src 'self'");
    await expect.poll(() => heading(a.desk)).toBe('登录运营控制台');
    // The sign-in screen renders as soon as the session is known to be absent; the hash follows in an effect.
    await expect.poll(() => new URL(a.desk.url()).hash).toBe('#/signin');
    expect(await a.desk.getByRole('link', { name: /用网证登录/ }).getAttribute('href')).toBe('/console/login');
    await check(a.desk, 'console-01-signin');
    // Keyboard: the first Tab reaches the skip link, which moves focus into the main content.
    await a.desk.keyboard.press('Tab');
    expect(await a.desk.evaluate('document.activeElement?.className')).toBe('skip');
    await a.desk.keyboard.press('Enter');
    expect(await a.desk.evaluate('document.activeElement?.id')).toBe('main');

    await a.desk.goto(`${sys.origin}/console/#/signin?error=weaker_mode`);
    await a.desk.reload();
    await expect.poll(() => a.desk.locator('[data-code="weaker_mode"]').isVisible()).toBe(true);
    expect(await a.desk.getByRole('alert').innerText()).toContain('控制台需要网证 + 口令 + 人脸核验');
    await check(a.desk, 'console-02-signin-error');

    await a.desk.getByRole('button', { name: /English/ }).click();
    await expect.poll(() => heading(a.desk)).toBe('Sign in to the operator console');
    await check(a.desk, 'console-03-signin-en');
    await a.desk.getByRole('button', { name: /中文|切换/ }).click();
    await expect.poll(() => heading(a.desk)).toBe('登录运营控制台');
  });

  it('two operators enroll in their phones’ web wallets', { timeout: 180_000 }, async () => {
    for (const o of ops) o.netid = await enrollOnPhone(o.phone, sys.origin, { person: o.person, phoneNumber: o.phoneNumber, passphrase: PASSPHRASE });
    expect(ops[0]!.netid).not.toBe(ops[1]!.netid);
  });

  it('an operator without roles signs in with 网证 (cross-device) and is told to ask for them, with their application identifier', { timeout: 90_000 }, async () => {
    const b = ops[1]!;
    await signIn(b, { authorize: 'console-04-authorize', consent: 'console-05-phone-consent' });
    await expect.poll(() => heading(b.desk), { timeout: 20_000 }).toBe('您还没有任何角色');
    const appId = (await b.desk.getByTestId('operator-app-id').innerText()).trim();
    expect(appId.length).toBeGreaterThan(10);
    expect(await b.desk.locator('main').innerText()).toContain('wangzheng admin console-grant');
    expect(await b.desk.getByTestId('operator-roles').innerText()).toContain('无角色');
    expect(await b.desk.locator('nav.console-nav').count()).toBe(0);
    await check(b.desk, 'console-06-no-roles');
  });

  it('roles granted through the admin API; each operator sees the screens their roles allow', { timeout: 90_000 }, async () => {
    const [a, b] = [ops[0]!, ops[1]!];
    expect((await admin('POST', '/v1/admin/console-operators', { netid: a.netid, roles: ['rp_reviewer', 'operator', 'auditor'] })).status).toBe(200);
    expect((await admin('POST', '/v1/admin/console-operators', { netid: b.netid, roles: ['operator'] })).status).toBe(200);
    await signIn(a);
    await b.desk.goto(`${sys.origin}/console/`);
    await b.desk.reload();
    const navOf = async (p: Page) => (await p.locator('nav.console-nav a').allInnerTexts()).map((s) => s.trim());
    await expect.poll(() => navOf(a.desk), { timeout: 20_000 }).toEqual(['概览', '依赖方申请', '封禁', '审计日志', '事件送达']);
    await expect.poll(() => navOf(b.desk), { timeout: 20_000 }).toEqual(['概览', '封禁', '事件送达']);
    expect(await a.desk.getByTestId('operator-roles').innerText()).toContain('依赖方审核');
    // A screen the roles do not allow says so (the platform would refuse it anyway).
    await b.desk.goto(`${sys.origin}/console/#/audit`);
    await expect.poll(() => b.desk.locator('main .message.warn').innerText()).toContain('auditor');
  });

  it('the dashboard draws the platform’s series with uPlot: counters and four charts', { timeout: 60_000 }, async () => {
    const a = ops[0]!;
    // The series samples every 10 s; two samples now, so the charts have points without waiting.
    await sys.platform.ops.series.sample();
    await sys.platform.ops.series.sample();
    await a.desk.goto(`${sys.origin}/console/#/`);
    await expect.poll(() => heading(a.desk)).toBe('概览');
    await expect.poll(() => a.desk.locator('figure.chart canvas').count(), { timeout: 20_000 }).toBe(4);
    const counters = await a.desk.locator('.counters').innerText();
    expect(counters).toContain('申领');
    expect(Number((await a.desk.locator('[data-counter="enrollments"] dd').innerText()).replace(/\D/g, ''))).toBeGreaterThanOrEqual(3);
    expect(await a.desk.getByTestId('chart-verifications').locator('.u-legend').innerText()).toContain('网证+口令+人脸');
    await check(a.desk, 'console-07-dashboard');
  });

  it('approves an RP application: each requested scope beside the applicant’s legal basis; the approval gives its own', { timeout: 60_000 }, async () => {
    const a = ops[0]!;
    await a.desk.goto(`${sys.origin}/console/#/rps?status=pending`);
    await expect.poll(() => a.desk.locator(`tr[data-client-id="${applicant}"]`).isVisible(), { timeout: 20_000 }).toBe(true);
    await check(a.desk, 'console-08-rps-pending');
    await a.desk.getByRole('link', { name: `查看「${APPLICANT}」` }).click();
    await expect.poll(() => heading(a.desk)).toBe(APPLICANT);
    expect(await a.desk.locator('[data-scope="masked_name"]').innerText()).toContain('《证券期货投资者适当性管理办法》第六条');
    await a.desk.getByLabel('批准：姓名（部分隐藏）').check();
    // No legal basis: refused here, before the platform.
    await a.desk.getByRole('button', { name: '批准申请' }).click();
    await expect.poll(() => a.desk.locator('.field-error').innerText()).toContain('请填写「姓名（部分隐藏）」的法律依据');
    await a.desk.getByLabel('「姓名（部分隐藏）」的法律依据').fill('《证券期货投资者适当性管理办法》第六条');
    await check(a.desk, 'console-09-rp-review');
    await a.desk.getByRole('button', { name: '批准申请' }).click();
    await expect.poll(() => a.desk.getByRole('status').filter({ hasText: '已批准' }).isVisible(), { timeout: 20_000 }).toBe(true);
    await expect.poll(() => a.desk.locator('[data-approved-scope="masked_name"]').innerText()).toContain('第六条');
    await check(a.desk, 'console-10-rp-approved');
    const rp = await admin<{ status: string; approvedScopes: { scope: string; legalBasisRef: string | null }[] }>('GET', `/v1/admin/rps/${applicant}`);
    expect(rp.body.status).toBe('approved');
    expect(rp.body.approvedScopes).toContainEqual({ scope: 'masked_name', legalBasisRef: '《证券期货投资者适当性管理办法》第六条' });
  });

  it('bans with four eyes: the requester cannot approve (four_eyes_required shown); the second operator approves', { timeout: 60_000 }, async () => {
    const [a, b] = [ops[0]!, ops[1]!];
    await a.desk.goto(`${sys.origin}/console/#/bans`);
    await expect.poll(() => heading(a.desk)).toBe('封禁');
    await a.desk.locator('#ban-netid').fill(banned.netid);
    await a.desk.locator('#ban-reason').selectOption('fraud');
    await a.desk.locator('#ban-legal-ref').fill('公安机关协查函 2026-001');
    await check(a.desk, 'console-11-ban-request');
    await a.desk.getByRole('button', { name: '提交封禁申请' }).click();
    await expect.poll(() => a.desk.getByRole('status').filter({ hasText: '封禁申请已提交' }).isVisible(), { timeout: 20_000 }).toBe(true);
    const row = a.desk.locator('tr[data-state="requested"]').first();
    await expect.poll(() => row.isVisible()).toBe(true);
    const banId = (await row.getAttribute('data-ban-id'))!;
    expect(await row.innerText()).toContain('需要另一位运营人员批准');
    await row.getByRole('button', { name: /批准封禁/ }).click();
    await expect.poll(() => a.desk.locator('[data-code="four_eyes_required"]').isVisible(), { timeout: 20_000 }).toBe(true);
    expect(await a.desk.locator('[data-code="four_eyes_required"]').innerText()).toContain('四眼原则');
    await check(a.desk, 'console-12-ban-four-eyes');

    await b.desk.goto(`${sys.origin}/console/#/bans?state=requested`);
    const theirs = b.desk.locator(`tr[data-ban-id="${banId}"]`);
    await expect.poll(() => theirs.isVisible(), { timeout: 20_000 }).toBe(true);
    await theirs.getByRole('button', { name: /批准封禁/ }).click();
    await expect.poll(() => b.desk.getByRole('status').filter({ hasText: '已封禁' }).isVisible(), { timeout: 20_000 }).toBe(true);
    await b.desk.goto(`${sys.origin}/console/#/bans?state=active`);
    await expect.poll(() => b.desk.locator(`tr[data-ban-id="${banId}"]`).isVisible(), { timeout: 20_000 }).toBe(true);
    await check(b.desk, 'console-13-ban-approved');
  });

  it('the ban’s Shared Signals event reaches the bank; the delivery page shows it delivered', { timeout: 60_000 }, async () => {
    const b = ops[1]!;
    await expect.poll(() => bank.rx.received.length, { timeout: 20_000 }).toBeGreaterThanOrEqual(1);
    expect(claimsOf(bank.rx.received[0]!.body).sub_id).toMatchObject({ sub: bank.sub });
    await b.desk.goto(`${sys.origin}/console/#/delivery`);
    await expect.poll(() => heading(b.desk)).toBe('事件送达');
    const row = b.desk.locator(`tr[data-client-id="${bank.clientId}"]`);
    await expect
      .poll(
        async () => {
          await b.desk.getByRole('button', { name: '刷新' }).click();
          return Number((await row.locator('[data-field="delivered"]').innerText().catch(() => '0')).trim());
        },
        { timeout: 20_000 },
      )
      .toBeGreaterThanOrEqual(1);
    expect(await row.locator('[data-field="failed"]').innerText()).toBe('0');
    expect(await row.innerText()).toContain('推送');
    await check(b.desk, 'console-14-delivery');
  });

  it('the audit trail: search finds the ban and who approved it; the chain verifies intact', { timeout: 60_000 }, async () => {
    const a = ops[0]!;
    await a.desk.goto(`${sys.origin}/console/#/audit`);
    await expect.poll(() => heading(a.desk)).toBe('审计日志');
    await a.desk.getByLabel('动作').selectOption('netid.banned');
    await a.desk.getByRole('button', { name: '查询', exact: true }).click();
    await expect.poll(() => a.desk.locator('tr[data-action="netid.banned"]').count(), { timeout: 20_000 }).toBe(1);
    await a.desk.getByRole('button', { name: '校验哈希链' }).click();
    await expect.poll(() => a.desk.locator('[data-verdict]').getAttribute('data-verdict'), { timeout: 20_000 }).toBe('intact');
    await check(a.desk, 'console-15-audit');
  });

  it('in English, then signing out returns to the sign-in screen; no CSP violation, no request off the origin', { timeout: 60_000 }, async () => {
    const a = ops[0]!;
    await a.desk.goto(`${sys.origin}/console/#/`);
    await a.desk.getByRole('button', { name: /English/ }).click();
    await expect.poll(() => heading(a.desk)).toBe('Overview');
    await expect.poll(() => a.desk.locator('figure.chart canvas').count(), { timeout: 20_000 }).toBe(4);
    await check(a.desk, 'console-16-dashboard-en');
    await a.desk.getByRole('button', { name: /中文|切换/ }).click();
    await a.desk.getByRole('button', { name: '退出登录' }).click();
    await expect.poll(() => heading(a.desk)).toBe('登录运营控制台');
    const session = await a.desk.evaluate(() => fetch('/console/session').then((r) => r.json()));
    expect(session).toEqual({ signedIn: false });
    for (const o of ops) {
      expect(o.problems()).toEqual([]);
      expect(o.foreign()).toEqual([]);
    }
  });
});
