// The person's web wallet in real headless Chromium (Debian's, driven by playwright-core), at a
// phone's 390×844 and a desktop's 1280×800, served by the platform from its own origin with its
// real Content-Security-Policy: a person enrolls through the six steps in the page (simulated
// chip reader, camera and SMS inbox through the platform's development proxy; a wrong SMS code
// and a passphrase the platform refuses are asked again), sees the home screen, locks and
// unlocks, answers a bank's verification request opened by a link (the consent screen shows
// each field's value) and another by scanning its QR code with the camera (Chromium's fake
// camera plays a video of the code; refused until the site is granted the camera), and finds
// all of it in the history. A forgotten passphrase, locked out, is reset in 更多设置 with the
// simulated camera (a mismatch first); then the old one is refused and the new one unlocks. The
// browser's store refuses the first write of the issued 网证
// (a QuotaExceededError injected into IDBObjectStore.put, once): the page keeps it, says so, and
// "retry saving" stores it. Along the way: the device key is
// non-extractable, no request leaves the platform's origin, axe finds no serious or critical
// violation on any screen, the shell opens offline from the service worker, an offline action
// says so, and a cleared browser store shows "no wallet here". Screenshots of every screen go to
// __screenshots__/ (git-ignored).
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { maskIdNumber, maskName } from '@wangzheng/core/verification/disclosure';
import { ADULT, VALID_DOC, launchChromium, startRegistry, startWebPlatform, writeQrVideo, type RegistryPerson, type SharedRegistry, type WebSystem } from './harness.ts';
import { axeViolations, guardOrigin, shot, watchConsole } from './page-tools.ts';

const PHONE = '13912345678';
const PASSPHRASE = '48273915';
/** Set by the reset with the face (更多设置 → forgot the passphrase). */
const NEW_PASSPHRASE = '70395128';

let reg: SharedRegistry;
let sys: WebSystem;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let guard: { requests: string[]; foreign: string[]; returned: string[] };
let problems: string[];
let person: RegistryPerson;
let netid = '';
let bank: { auth: string; clientId: string };
let scanned: { requestId: string; ref: string; link: string; walletUrl: string };
const tmp = mkdtempSync(join(tmpdir(), 'wz-web-cam-'));

/** A relying party's back end: its own HTTP calls to the platform, authenticated with its secret. */
async function rp<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(`${sys.origin.replace('localhost', '127.0.0.1')}${path}`, {
    method,
    headers: { authorization: bank.auth, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, body: (await res.json()) as T };
}

/** Every screen: a screenshot, and axe must find nothing serious. */
async function check(name: string): Promise<void> {
  await shot(page, name);
  const v = await axeViolations(page);
  expect(v, `${name}: ${JSON.stringify(v, null, 2)}`).toEqual([]);
}

async function heading(): Promise<string> {
  return (await page.locator('h1').first().innerText()).trim();
}

beforeAll(async () => {
  reg = await startRegistry(300, 'web-wallet');
  sys = await startWebPlatform(reg);
  person = reg.people(`d.type = 'resident_id_card' AND ${VALID_DOC} AND ${ADULT}`)[0]!;
  // A bank approved for two masked fields, with their legal basis.
  const s = sys.platform.rp.service;
  const app = await s.apply({
    name: '示例银行',
    uscc: '91110000802100433B',
    contactEmail: 'identity@example.cn',
    category: 'bank',
    purpose: '开户时核验您的身份',
    redirectUris: ['https://bank.example.cn/cb'],
    tokenEndpointAuthMethod: 'client_secret_basic',
    idTokenSigningAlg: 'SM2',
    scopes: { masked_name: '客户身份识别', masked_id_number: '《反洗钱法》' },
  });
  await s.approve(app.clientId, 'admin:test', { scopes: ['masked_name', 'masked_id_number'], legalBasis: { masked_name: '《反洗钱法》第二十九条', masked_id_number: '《反洗钱法》第二十九条' } });
  bank = { auth: `Basic ${Buffer.from(`${app.clientId}:${app.clientSecret}`).toString('base64')}`, clientId: app.clientId };
  // The request the fake camera will show as a QR code (cross-device): made now, answered later (5 minutes).
  const made = await rp<{ requestId: string; ref: string; link: string; walletUrl: string }>('POST', '/v1/receipt-requests', { bizSeq: 'web-scan', mode: 'wz' });
  expect(made.status).toBe(201);
  scanned = made.body;
  const video = join(tmp, 'qr.y4m');
  // What an RP's page shows as the QR code: the request's page in the web wallet.
  expect(scanned.walletUrl).toBe(`${sys.origin}/wallet/#/verify?ref=${scanned.ref}&iss=${encodeURIComponent(sys.origin)}`);
  writeQrVideo(scanned.walletUrl, video);
  browser = await launchChromium({ camera: video });
  context = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'zh-CN', deviceScaleFactor: 1 });
  guard = await guardOrigin(context, sys.origin, { serviceReturn: /^https:\/\/shop\.example\.cn\/oidc\/callback\?/ });
  page = await context.newPage();
  problems = watchConsole(page);
});

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await sys?.close();
  await reg?.close();
  rmSync(tmp, { recursive: true, force: true });
});

describe('the web wallet in Chromium', () => {
  it('says there is no wallet here, and offers enrollment', async () => {
    const res = await page.goto(`${sys.origin}/wallet/`);
    expect(res?.status()).toBe(200);
    await expect.poll(heading).toBe('此浏览器中没有网证');
    await check('01-no-wallet-390');
  });

  it('enrolls through the six steps, with a progress indicator; the store refusing the issued 网证 once loses nothing', async () => {
    await page.getByRole('link', { name: '申领网证' }).click();
    // 1 notice and the two consents, before anything is read
    await expect.poll(() => page.getByText('个人信息处理告知').first().isVisible()).toBe(true);
    await expect.poll(() => page.locator('.progress li[aria-current="step"]').innerText()).toContain('告知与同意');
    await check('02-enroll-1-notice-390');
    await page.getByRole('button', { name: '同意并继续' }).click();
    await expect.poll(() => page.getByRole('alert').innerText()).toContain('请勾选两项同意');
    await page.getByLabel('我已阅读并同意本告知所述的个人信息处理。').check();
    await page.getByLabel('我单独同意处理我的人脸信息和身份证件信息。').check();
    await page.getByRole('button', { name: '同意并继续' }).click();

    // 2 the chip (simulated NFC reader)
    await expect.poll(() => page.getByRole('button', { name: '模拟 NFC 读卡' }).isVisible()).toBe(true);
    await page.getByLabel('证件类型').selectOption(person.documentType);
    await page.getByLabel('证件号码').fill('12345');
    await page.getByRole('button', { name: '模拟 NFC 读卡' }).click();
    await expect.poll(() => page.locator('#document-number-error').innerText()).not.toBe('');
    await page.getByLabel('证件号码').fill(person.documentNumber);
    await check('03-enroll-2-chip-390');
    await page.getByRole('button', { name: '模拟 NFC 读卡' }).click();

    // 3 the face (simulated camera)
    const capture = page.getByRole('button', { name: '模拟摄像头：开始人脸识别' });
    await expect.poll(() => capture.isVisible(), { timeout: 20_000 }).toBe(true);
    await check('04-enroll-3-face-390');
    await capture.click();

    // 4 the phone number and its SMS code: a wrong code is asked again
    await expect.poll(() => page.getByLabel('手机号码').isVisible(), { timeout: 20_000 }).toBe(true);
    expect(await page.getByText(/人脸比对通过（相似度 0\.\d\d）/).isVisible()).toBe(true);
    await check('05-enroll-4-phone-390');
    await page.getByLabel('手机号码').fill(PHONE);
    await page.getByRole('button', { name: '发送验证码' }).click();
    await expect.poll(() => page.getByLabel('短信验证码').isVisible(), { timeout: 20_000 }).toBe(true);
    await page.getByRole('button', { name: '查看模拟短信' }).click();
    await expect.poll(() => page.locator('.sms-message').isVisible()).toBe(true);
    const code = /(\d{6})/.exec(await page.locator('.sms-message').innerText())![1]!;
    expect(await page.getByText('验证码已发送至 139****5678。').isVisible()).toBe(true);
    await check('06-enroll-4-code-390');
    const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, '0');
    await page.getByLabel('短信验证码').fill(wrong);
    await page.getByRole('button', { name: '验证', exact: true }).click();
    await expect.poll(() => page.getByRole('alert').first().innerText(), { timeout: 20_000 }).toContain('验证码不正确');
    await check('07-enroll-4-wrong-code-390');
    await page.getByLabel('短信验证码').fill(code);
    await page.getByRole('button', { name: '验证', exact: true }).click();

    // 5 the passphrase: the rules are checked before sending; the platform's birth-date rule asks again
    const pass1 = page.getByLabel('口令（8 位数字）', { exact: true });
    await expect.poll(() => pass1.isVisible(), { timeout: 20_000 }).toBe(true);
    await pass1.fill('12345678');
    await page.getByLabel('再次输入口令').fill('12345678');
    await page.getByRole('button', { name: '设置口令' }).click();
    await expect.poll(() => page.locator('#passphrase-1-error').innerText()).toContain('不能是连续数字');
    await check('08-enroll-5-passphrase-rules-390');
    const birth = person.birthDate.replaceAll('-', '');
    await pass1.fill(birth);
    await page.getByLabel('再次输入口令').fill(birth);
    await page.getByRole('button', { name: '设置口令' }).click();
    await expect.poll(() => page.getByRole('alert').first().innerText(), { timeout: 20_000 }).toContain('口令不符合规则');
    await pass1.fill(PASSPHRASE);
    await page.getByLabel('再次输入口令').fill(PASSPHRASE);
    await page.getByRole('button', { name: '设置口令' }).click();

    // 6 this device: a non-extractable key, then the 网证
    const bind = page.getByRole('button', { name: '生成密钥并领取网证' });
    await expect.poll(() => bind.isVisible(), { timeout: 20_000 }).toBe(true);
    await check('09-enroll-6-device-390');
    await page.getByLabel('设备名称').fill('测试手机 Chromium');
    // The browser's storage is full when the wallet is saved: the next IndexedDB write throws
    // QuotaExceededError, once (as a full disk makes the real one fail).
    await page.evaluate(`(() => {
      const put = IDBObjectStore.prototype.put;
      let refused = false;
      IDBObjectStore.prototype.put = function (...args) {
        if (!refused) {
          refused = true;
          throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
        }
        return put.apply(this, args);
      };
    })()`);
    await bind.click();
    await expect.poll(() => page.getByRole('heading', { name: '网证已签发' }).isVisible(), { timeout: 30_000 }).toBe(true);
    // Issued, not saved: said plainly, with what leaving would mean; the 网证 and its key are kept in the page.
    const unsaved = page.locator('[data-unsaved="full"]');
    await expect.poll(() => unsaved.isVisible()).toBe(true);
    const said = await unsaved.innerText();
    for (const s of ['网证已签发，但没有保存在本浏览器中', '浏览器的存储空间已满', '只要不关闭或刷新本页，就不会丢失', '可以重新申领，新的网证会替换它']) expect(said).toContain(s);
    expect(await page.getByText('您的网号和网证已保存在本浏览器中。').count()).toBe(0);
    const storedRecord = `new Promise((resolve, reject) => {
      const open = indexedDB.open('wangzheng-wallet');
      open.onerror = () => reject(open.error);
      open.onsuccess = () => {
        const get = open.result.transaction('wallet').objectStore('wallet').get('wallet/v1');
        get.onsuccess = () => { resolve(get.result === undefined ? null : get.result.netid); open.result.close(); };
        get.onerror = () => reject(get.error);
      };
    })`;
    expect(await page.evaluate(storedRecord)).toBe(null);
    await check('10a-enroll-not-saved-390');
    // Space freed: "retry saving" stores the same 网证 and key.
    await unsaved.getByRole('button', { name: '重新保存' }).click();
    await expect.poll(() => page.getByText('您的网号和网证已保存在本浏览器中。').isVisible(), { timeout: 20_000 }).toBe(true);
    expect(await unsaved.count()).toBe(0);
    netid = (await page.locator('.netid').first().innerText()).trim();
    expect(netid).toMatch(/^[0-9A-Z]{10}$/);
    expect(await page.evaluate(storedRecord)).toBe(netid);
    await check('10-enroll-done-390');
  });

  it('keeps the device key non-extractable in IndexedDB, bound to the 网证 as ES256', async () => {
    const key = (await page.evaluate(`new Promise((resolve, reject) => {
      const open = indexedDB.open('wangzheng-wallet');
      open.onerror = () => reject(open.error);
      open.onsuccess = () => {
        const get = open.result.transaction('wallet').objectStore('wallet').get('wallet/v1');
        get.onsuccess = async () => {
          const w = get.result;
          let exported = 'exported';
          try { await crypto.subtle.exportKey('pkcs8', w.privateKey); } catch (e) { exported = e.name; }
          resolve({ extractable: w.privateKey.extractable, type: w.privateKey.type, alg: w.privateKey.algorithm.name, curve: w.privateKey.algorithm.namedCurve, usages: w.privateKey.usages, exported, crv: w.publicJwk.crv, hasD: 'd' in w.publicJwk });
        };
      };
    })`)) as Record<string, unknown>;
    expect(key).toEqual({ extractable: false, type: 'private', alg: 'ECDSA', curve: 'P-256', usages: ['sign'], exported: 'InvalidAccessError', crv: 'P-256', hasD: false });
  });

  it('home: the 网号 masked until revealed, the status from the platform', async () => {
    await page.getByRole('button', { name: '进入我的网证' }).click();
    await expect.poll(heading).toBe('我的网证');
    await expect.poll(() => page.locator('.idcard .badge').innerText(), { timeout: 20_000 }).toBe('可用');
    const shown = await page.locator('.idcard .netid').innerText();
    expect(shown).not.toBe(netid);
    expect(shown.slice(0, 2) + shown.slice(-2)).toBe(netid.slice(0, 2) + netid.slice(-2));
    await check('11-home-390');
    await page.getByRole('button', { name: '显示完整网号' }).click();
    expect(await page.locator('.idcard .netid').innerText()).toBe(netid);
    expect(await page.getByRole('button', { name: '隐藏网号' }).getAttribute('aria-pressed')).toBe('true');
  });

  it('locks, then unlocks with the passphrase (a wrong one is refused)', async () => {
    await page.getByRole('link', { name: '锁定网证' }).click();
    await expect.poll(heading).toBe('锁定与解锁');
    await expect.poll(() => page.getByRole('button', { name: '立即锁定' }).isVisible(), { timeout: 20_000 }).toBe(true);
    await check('12-lock-390');
    await page.getByRole('button', { name: '立即锁定' }).click();
    await expect.poll(() => page.getByText('网证已锁定。').first().isVisible(), { timeout: 20_000 }).toBe(true);
    await page.getByLabel('口令（8 位数字）').fill('59371846');
    await page.getByRole('button', { name: '解锁' }).click();
    await expect.poll(() => page.getByRole('alert').first().innerText(), { timeout: 20_000 }).toContain('口令不正确');
    await check('13-unlock-390');
    await page.getByLabel('口令（8 位数字）').fill(PASSPHRASE);
    await page.getByRole('button', { name: '解锁' }).click();
    await expect.poll(() => page.getByText('网证已解锁，可以正常使用。').isVisible(), { timeout: 20_000 }).toBe(true);
    const status = await sys.platform.app.inject({ method: 'GET', url: '/healthz' });
    expect(status.statusCode).toBe(200);
  });

  it('answers a bank’s request opened by a link: the consent screen shows each value, the bank gets them', async () => {
    const created = await rp<{ requestId: string; ref: string; link: string }>('POST', '/v1/receipt-requests', { bizSeq: 'web-1', mode: 'wz_pass', scopes: ['masked_name', 'masked_id_number'] });
    expect(created.status).toBe(201);
    const link = new URL(created.body.link);
    await page.goto(`${sys.origin}/wallet/#/verify?ref=${created.body.ref}&iss=${encodeURIComponent(link.searchParams.get('iss')!)}`);
    await expect.poll(() => page.locator('.rp-name').isVisible(), { timeout: 20_000 }).toBe(true);
    const text = await page.locator('main').innerText();
    expect(text).toContain('示例银行');
    expect(text).toContain('银行');
    expect(text).toContain('开户时核验您的身份');
    expect(text).toContain('网证+口令');
    expect(text).toContain('《反洗钱法》第二十九条');
    expect(await page.locator('.field-value .value').nth(1).innerText()).toBe(maskName(person.name));
    expect(await page.locator('.field-value .value').nth(2).innerText()).toBe(maskIdNumber(person.documentNumber));
    await check('14-verify-consent-390');
    await page.getByLabel(/^我同意向「示例银行」提供/).check();
    await page.getByLabel(/^我单独同意向「示例银行」提供敏感个人信息/).check();
    await page.getByLabel('口令（8 位数字）').fill(PASSPHRASE);
    await page.getByRole('button', { name: '同意并核验' }).click();
    await expect.poll(() => page.getByText(/^已完成：「示例银行」获得了核验结果/).isVisible(), { timeout: 20_000 }).toBe(true);
    await check('15-verify-done-390');
    const receipt = await rp<{ receipt: string }>('POST', `/v1/receipt-requests/${created.body.requestId}/receipt`);
    const claims = JSON.parse(Buffer.from(receipt.body.receipt.split('.')[1]!, 'base64url').toString('utf8')) as { result: string; claims: Record<string, string> };
    expect(claims.result).toBe('pass');
    expect(claims.claims).toEqual({ masked_name: maskName(person.name), masked_document_number: maskIdNumber(person.documentNumber) });
  });

  it('same device: the authorize page’s button opens this wallet; after approving, the browser goes back to the service with a code', async () => {
    const s = sys.platform.rp.service;
    const app = await s.apply({
      name: '示例商城',
      uscc: '914403001922038216',
      contactEmail: 'identity@example.cn',
      category: 'internet_service',
      purpose: '登录时核验您的身份',
      redirectUris: ['https://shop.example.cn/oidc/callback'],
      tokenEndpointAuthMethod: 'client_secret_basic',
      idTokenSigningAlg: 'ES256',
      scopes: {},
    });
    await s.approve(app.clientId, 'admin:test', { scopes: [] });
    const q = new URLSearchParams({
      client_id: app.clientId,
      redirect_uri: 'https://shop.example.cn/oidc/callback',
      response_type: 'code',
      scope: 'openid',
      state: 'st-web',
      nonce: randomBytes(12).toString('base64url'),
      code_challenge: createHash('sha256').update(randomBytes(32).toString('base64url')).digest('base64url'),
      code_challenge_method: 'S256',
      acr_values: 'urn:wangzheng:acr:wz',
    });
    await page.goto(`${sys.origin}/oauth/authorize?${q}`);
    await page.getByRole('link', { name: /在本机打开网证钱包/ }).click();
    await expect.poll(() => page.locator('.rp-name').isVisible(), { timeout: 20_000 }).toBe(true);
    expect(await page.locator('.rp-name').innerText()).toBe('示例商城');
    await page.getByRole('button', { name: '同意并核验' }).click();
    const back = page.getByRole('button', { name: '返回「示例商城」' });
    await expect.poll(() => back.isVisible(), { timeout: 20_000 }).toBe(true);
    await check('15b-verify-oidc-done-390');
    await back.click();
    await page.waitForURL(/^https:\/\/shop\.example\.cn\/oidc\/callback\?/, { timeout: 20_000 });
    const u = new URL(page.url());
    expect([u.searchParams.get('state'), u.searchParams.get('iss')]).toEqual(['st-web', sys.platform.deps.issuer]);
    expect(u.searchParams.get('code')).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    expect(guard.returned).toHaveLength(1);
  });

  it('history shows the enrollment, the lock, the unlock and the bank’s verification with what it received', async () => {
    await page.goto(`${sys.origin}/wallet/#/history`);
    await expect.poll(() => page.locator('.timeline > li').count(), { timeout: 20_000 }).toBeGreaterThan(3);
    const text = await page.locator('.timeline').innerText();
    for (const s of ['申领网证', '锁定网证', '解锁网证', '示例银行', '示例商城', maskName(person.name), '通过']) expect(text).toContain(s);
    await check('16-history-390');
  });

  it('the other screens: authorizations, devices, more settings, scanning (camera not granted: the paste fallback)', async () => {
    await page.goto(`${sys.origin}/wallet/#/authorizations`);
    await expect.poll(() => page.locator('.timeline > li').count(), { timeout: 20_000 }).toBeGreaterThan(0);
    expect(await page.locator('.timeline').innerText()).toContain('示例银行');
    // Named by the RP's registered name; its client id only in the small detail line.
    const bankEntry = page.locator('.timeline > li', { hasText: '示例银行' });
    expect(await bankEntry.locator('.entry-detail').innerText()).toContain(bank.clientId);
    expect(await bankEntry.locator('.entry-head').innerText()).not.toContain(bank.clientId);
    expect(await bankEntry.locator('dl').innerText()).not.toContain(bank.clientId);
    await check('17-authorizations-390');

    await page.goto(`${sys.origin}/wallet/#/devices`);
    await expect.poll(() => page.locator('.timeline > li').count(), { timeout: 20_000 }).toBe(1);
    expect(await page.locator('.timeline').innerText()).toContain('测试手机 Chromium');
    await check('18-devices-390');

    await page.goto(`${sys.origin}/wallet/#/more`);
    await expect.poll(heading).toBe('更多设置');
    await page.getByRole('heading', { name: '注销网号' }).click();
    await check('19-more-390');

    await page.goto(`${sys.origin}/wallet/#/scan`);
    await expect.poll(heading).toBe('扫码核验');
    await page.getByRole('button', { name: '打开摄像头' }).click();
    // Not granted to this site (headless Chromium refuses the prompt): said plainly, with the paste fallback.
    await expect.poll(() => page.getByRole('alert').first().innerText(), { timeout: 10_000 }).toContain('摄像头权限被拒绝');
    await page.getByLabel('或粘贴链接、请求编号').fill('https://example.com/not-ours');
    await page.getByRole('button', { name: '打开请求' }).click();
    await expect.poll(() => page.locator('#paste-link-error').innerText()).toContain('不是网证核验请求');
    await check('20-scan-390');
    // The app link pasted (what a native app would be handed) opens the request here.
    const pasted = await rp<{ ref: string; link: string }>('POST', '/v1/receipt-requests', { bizSeq: 'web-paste', mode: 'wz' });
    await page.getByLabel('或粘贴链接、请求编号').fill(pasted.body.link);
    await page.getByRole('button', { name: '打开请求' }).click();
    await expect.poll(() => page.locator('.rp-name').isVisible(), { timeout: 20_000 }).toBe(true);
    expect(new URLSearchParams(new URL(page.url()).hash.split('?')[1]).get('ref')).toBe(pasted.body.ref);
  });

  it('forgot the passphrase: with the 网证 locked and the passphrase locked out, a face check (simulated camera; a mismatch first) resets it; then the old one is refused and the new one unlocks', async () => {
    // The 网证 locked by the person…
    await page.goto(`${sys.origin}/wallet/#/lock`);
    await expect.poll(heading).toBe('锁定与解锁');
    await expect.poll(() => page.getByRole('button', { name: '立即锁定' }).isVisible(), { timeout: 20_000 }).toBe(true);
    await page.getByRole('button', { name: '立即锁定' }).click();
    await expect.poll(() => page.getByText('网证已锁定。').first().isVisible(), { timeout: 20_000 }).toBe(true);
    // …and the passphrase locked out, as five wrong tries would leave it (the store's own counter, past its threshold).
    const found = await sys.platform.deps.store.persons.findByNetid(netid);
    const lockedOut = await sys.platform.deps.store.passphrases.recordFailure(found!.id, { lockAfter: 1, lockMs: 15 * 60_000, at: Date.now() });
    expect(lockedOut?.lockedUntil).toBeGreaterThan(Date.now());
    await page.getByLabel('口令（8 位数字）').fill(PASSPHRASE);
    await page.getByRole('button', { name: '解锁' }).click();
    await expect.poll(() => page.getByRole('alert').first().innerText(), { timeout: 20_000 }).toContain('口令错误次数过多');

    // 更多设置 → forgot the passphrase: a new one (enrollment's rules, asked twice), then the face.
    await page.goto(`${sys.origin}/wallet/#/more`);
    await expect.poll(heading).toBe('更多设置');
    const reset = page.locator('#passphrase-reset');
    await reset.getByRole('heading', { name: '忘记口令：通过人脸核验重置' }).click();
    await reset.getByLabel('新口令（8 位数字）', { exact: true }).fill(NEW_PASSPHRASE);
    await reset.getByLabel('再次输入新口令').fill(PASSPHRASE);
    await reset.getByRole('button', { name: '下一步：人脸核验' }).click();
    await expect.poll(() => reset.locator('#reset-new-2-error').innerText()).not.toBe('');
    await reset.getByLabel('再次输入新口令').fill(NEW_PASSPHRASE);
    await reset.getByRole('button', { name: '下一步：人脸核验' }).click();
    const capture = reset.getByRole('button', { name: '模拟摄像头：核验人脸并重置口令' });
    await expect.poll(() => capture.isVisible()).toBe(true);
    expect(await reset.locator('.sim-badge').first().isVisible()).toBe(true);
    expect(await reset.innerText()).toContain('模拟摄像头：开发环境不使用真实摄像头');
    // The document is read from the 网证's own disclosures for the camera, never shown.
    expect(await page.locator('main').innerText()).not.toContain(person.documentNumber);
    // Somebody else's face: refused, the platform's own message beneath; nothing changed.
    await reset.getByLabel('模拟另一个人的脸（用于测试比对失败）').check();
    await capture.click();
    const refused = reset.getByRole('alert').first();
    await expect.poll(() => refused.innerText(), { timeout: 20_000 }).toContain('人脸比对未通过，口令没有更改。');
    expect(await refused.innerText()).toContain('平台说明：');
    await check('19b-more-reset-mismatch-390');
    await reset.getByLabel('模拟另一个人的脸（用于测试比对失败）').uncheck();
    await capture.click();
    await expect.poll(() => reset.getByText('口令已通过人脸核验重置，请使用新口令。').isVisible(), { timeout: 20_000 }).toBe(true);
    expect(await page.locator('main').innerText()).not.toContain(person.documentNumber);
    await check('19c-more-reset-done-390');

    // Still locked (a reset does not unlock the 网证); the old passphrase is refused now, the new one unlocks.
    await page.goto(`${sys.origin}/wallet/#/lock`);
    await expect.poll(heading).toBe('锁定与解锁');
    const unlockField = page.getByLabel('口令（8 位数字）');
    await expect.poll(() => unlockField.isVisible(), { timeout: 20_000 }).toBe(true);
    await unlockField.fill(PASSPHRASE);
    await page.getByRole('button', { name: '解锁' }).click();
    await expect.poll(() => page.getByRole('alert').first().innerText(), { timeout: 20_000 }).toContain('口令不正确');
    await unlockField.fill(NEW_PASSPHRASE);
    await page.getByRole('button', { name: '解锁' }).click();
    await expect.poll(() => page.getByText('网证已解锁，可以正常使用。').isVisible(), { timeout: 20_000 }).toBe(true);
  });

  it('scans a relying party’s QR code with the camera (granted) and answers the request it names', async () => {
    await context.grantPermissions(['camera'], { origin: sys.origin });
    await page.goto(`${sys.origin}/wallet/#/scan`);
    await expect.poll(heading).toBe('扫码核验');
    await page.getByRole('button', { name: '打开摄像头' }).click();
    await expect.poll(() => page.locator('.rp-name').isVisible(), { timeout: 20_000 }).toBe(true);
    expect(new URLSearchParams(new URL(page.url()).hash.split('?')[1]).get('ref')).toBe(scanned.ref);
    expect(await page.locator('.rp-name').innerText()).toBe('示例银行');
    await page.getByRole('button', { name: '同意并核验' }).click();
    await expect.poll(() => page.getByText(/^已完成：「示例银行」获得了核验结果/).isVisible(), { timeout: 20_000 }).toBe(true);
    const receipt = await rp<{ receipt: string }>('POST', `/v1/receipt-requests/${scanned.requestId}/receipt`);
    expect(JSON.parse(Buffer.from(receipt.body.receipt.split('.')[1]!, 'base64url').toString('utf8')).result).toBe('pass');
    await context.clearPermissions();
  });

  it('switches to English and back', async () => {
    await page.goto(`${sys.origin}/wallet/#/`);
    await page.getByRole('button', { name: /Switch to English/ }).click();
    await expect.poll(heading).toBe('My 网证');
    expect(await page.evaluate('document.documentElement.lang')).toBe('en');
    await check('21-home-en-390');
    await page.getByRole('button', { name: /Switch to Chinese/ }).click();
    await expect.poll(heading).toBe('我的网证');
  });

  it('at 1280×800 every screen fits and passes axe', async () => {
    await page.setViewportSize({ width: 1280, height: 800 });
    for (const [route, name] of [
      ['#/', '31-home-1280'],
      ['#/history', '32-history-1280'],
      ['#/authorizations', '33-authorizations-1280'],
      ['#/devices', '34-devices-1280'],
      ['#/lock', '35-lock-1280'],
      ['#/more', '36-more-1280'],
      ['#/scan', '37-scan-1280'],
      ['#/enroll', '38-enroll-existing-1280'],
    ] as const) {
      await page.goto(`${sys.origin}/wallet/${route}`);
      await expect.poll(() => page.locator('.busy').count(), { timeout: 20_000 }).toBe(0);
      const overflow = await page.evaluate('document.documentElement.scrollWidth > document.documentElement.clientWidth');
      expect(overflow, name).toBe(false);
      await check(name);
    }
    await page.setViewportSize({ width: 390, height: 844 });
  });

  it('offline: the shell opens from the service worker, an online action says it needs the network', async () => {
    await page.goto(`${sys.origin}/wallet/#/`);
    await expect.poll(() => page.evaluate('navigator.serviceWorker.controller !== null'), { timeout: 20_000 }).toBe(true);
    await context.setOffline(true);
    try {
      await page.reload();
      await expect.poll(heading, { timeout: 20_000 }).toBe('我的网证');
      expect(await page.locator('.offline').innerText()).toContain('您已离线');
      await page.goto(`${sys.origin}/wallet/#/history`);
      await expect.poll(() => page.getByRole('alert').first().innerText(), { timeout: 20_000 }).toContain('此操作需要联网');
      await check('22-offline-history-390');
    } finally {
      await context.setOffline(false);
    }
  });

  it('a cleared browser store shows "no wallet here", not a crash', async () => {
    await page.goto(`${sys.origin}/wallet/#/`);
    await page.evaluate(`new Promise((resolve) => { const r = indexedDB.deleteDatabase('wangzheng-wallet'); r.onsuccess = r.onerror = r.onblocked = () => resolve(true); })`);
    await page.reload();
    await expect.poll(heading, { timeout: 20_000 }).toBe('此浏览器中没有网证');
    await page.goto(`${sys.origin}/wallet/#/history`);
    await expect.poll(heading).toBe('此浏览器中没有网证');
  });

  it('made no request outside the platform’s origin, and the CSP blocked nothing of the page’s own', async () => {
    expect(guard.requests.length).toBeGreaterThan(20);
    expect(guard.foreign).toEqual([]);
    expect(guard.requests.every((u) => u.startsWith(`${sys.origin}/`))).toBe(true);
    expect(problems).toEqual([]);
  });
});
