// The relying-party developer portal (开发者门户, docs/developers.md) in real headless Chromium,
// served under /developers/ from the platform's own origin with its strict CSP:
//
// an organisation applies (the unified social credit code refused in the page by the same
// GB 32100 check as the platform's, then accepted) → pending, the secret shown once, gone after a
// reload; a developer gets sandbox credentials at once and uses them in "My integration" (kept in
// sessionStorage only: not in localStorage, not in the URL); the registration record; a poll
// Shared Signals stream configured, its delivery counters shown; the curl snippet read from the
// page and from the clipboard (the copy button) is run with bash, CLIENT_SECRET in the
// environment → HTTP 201 and a requestId, which then appears in the page's request log; a JWKS
// registered (the explicit switch), after which the secret stops working and the page forgets
// it; a platform without sandboxes (404) said plainly; the overview in English; keyboard use.
// Every screen: screenshots in __screenshots__/, no serious or critical axe violation, no CSP
// violation, no request off the origin.
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { generateKey } from '@wangzheng/core/crypto/index';
import { buildDevelopers } from '../../../web/build.ts';
import { launchChromium, startRegistry, startWebPlatform, type SharedRegistry, type WebSystem } from './harness.ts';
import { axeViolations, guardOrigin, shot, watchConsole } from './page-tools.ts';

const USCC_OK = '914403001922038216';
/** The same code with its check character changed: one substitution, caught by GB 32100. */
const USCC_TYPO = '914403001922038217';

let reg: SharedRegistry;
let sys: WebSystem;
let browser: Browser;
let ctx: BrowserContext;
let page: Page;
let guard: { requests: string[]; foreign: string[] };
let problems: string[];
/** The sandbox credentials the page showed. */
let sandbox: { clientId: string; clientSecret: string };

/**
 * Runs a shell snippet with bash (no rc files), asynchronously: the platform answering it lives
 * in this same process, so a synchronous spawn would block it.
 */
function bash(script: string, env: Record<string, string>): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['--norc', '--noprofile', '-c', script], { env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString('utf8')));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

async function basicGet(path: string, clientId: string, secret: string): Promise<number> {
  const auth = Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(secret)}`).toString('base64');
  return (await fetch(`${sys.origin}${path}`, { headers: { authorization: `Basic ${auth}` } })).status;
}

async function checkScreen(name: string): Promise<void> {
  await shot(page, name);
  const v = await axeViolations(page);
  expect(v, JSON.stringify(v, null, 1)).toEqual([]);
  expect(problems).toEqual([]);
  expect(guard.foreign).toEqual([]);
}

async function open(hash: string): Promise<void> {
  await page.goto(`${sys.origin}/developers/${hash}`);
  await page.locator('main h1').waitFor();
}

beforeAll(async () => {
  reg = await startRegistry(20, 'web-developers');
  await buildDevelopers();
  sys = await startWebPlatform(reg);
  browser = await launchChromium();
  ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN', deviceScaleFactor: 1 });
  await ctx.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: sys.origin });
  guard = await guardOrigin(ctx, sys.origin);
  page = await ctx.newPage();
  problems = watchConsole(page);
}, 240_000);

afterAll(async () => {
  await ctx?.close();
  await browser?.close();
  await sys?.close();
  await reg?.close();
});

describe('the developer portal, in Chromium', () => {
  it('is served under /developers/ with the strict CSP; the overview links every part', async () => {
    const res = await page.goto(`${sys.origin}/developers/`);
    expect(res?.status()).toBe(200);
    const csp = res?.headers()['content-security-policy'] ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    await expect.poll(() => page.locator('main h1').textContent()).toBe('依赖方开发者门户');
    expect(await page.locator('nav.portal-nav a').allTextContents()).toEqual(['概览', '申请接入', '沙箱', '我的接入', '接入代码']);
    await checkScreen('developers-01-overview');
  });

  it('申请接入: the USCC is checked in the page (GB 32100); the application is pending and the secret shown once', async () => {
    await open('#/apply');
    await page.fill('#name', '示例网络科技有限公司');
    await page.fill('#uscc', USCC_TYPO);
    await page.fill('#email', 'identity@example.cn');
    await page.fill('#purpose', '注册账号时核验您的身份');
    await page.fill('#redirects', 'https://app.example.cn/callback');
    await page.check('#scope-age_band');
    await page.fill('#basis-age_band', '《未成年人保护法》第七十四条');
    await page.click('button[type=submit]');
    // Refused in the page, before anything is sent: the field says why and takes the focus.
    await expect.poll(() => page.locator('#uscc-error').textContent()).toContain('check character');
    expect(await page.evaluate('document.activeElement && document.activeElement.id')).toBe('uscc');
    expect(await page.locator('#uscc').getAttribute('aria-invalid')).toBe('true');
    await checkScreen('developers-02-apply-uscc-invalid');

    await page.fill('#uscc', USCC_OK);
    await page.click('button[type=submit]');
    const done = page.locator('[data-testid=registered]');
    await done.waitFor();
    expect(await done.locator('[data-status]').getAttribute('data-status')).toBe('pending');
    const clientId = (await page.locator('#client-id').textContent()) ?? '';
    const secret = (await page.locator('#client-secret').textContent()) ?? '';
    expect(clientId).toMatch(/^rp_[A-Za-z0-9_-]{22}$/);
    expect(secret.length).toBeGreaterThan(20);
    expect(await page.locator('.message.warn').textContent()).toContain('只显示这一次');
    // The platform has it as pending, with the requested scope and its legal basis.
    const rp = await sys.platform.deps.store.relyingParties.findByClientId(clientId);
    expect(rp).toMatchObject({ status: 'pending', uscc: USCC_OK, requestedScopes: [{ scope: 'result' }, { scope: 'age_band', legalBasis: '《未成年人保护法》第七十四条' }] });
    // Copy buttons: the clipboard then holds the secret exactly.
    await page.locator('.copy-value', { has: page.locator('#client-secret') }).locator('button').click();
    expect(await page.evaluate('navigator.clipboard.readText()')).toBe(secret);
    await checkScreen('developers-03-apply-pending-secret-once');
    // Nothing kept it: not the URL, not either storage; a reload shows the empty form.
    expect(page.url()).not.toContain(secret);
    expect(await page.evaluate('JSON.stringify(localStorage) + JSON.stringify(sessionStorage)')).not.toContain(secret);
    await page.reload();
    await page.locator('#uscc').waitFor();
    expect(await page.content()).not.toContain(secret);
  });

  it('沙箱: approved sandbox credentials at once, then used in “My integration” (sessionStorage of this tab only)', async () => {
    await open('#/sandbox');
    // Keyboard only: type the name, Enter submits.
    await page.focus('#sb-name');
    await page.keyboard.type('票务网站（开发）');
    await page.keyboard.press('Enter');
    const done = page.locator('[data-testid=registered]');
    await done.waitFor();
    expect(await done.locator('[data-status]').getAttribute('data-status')).toBe('approved');
    sandbox = { clientId: (await page.locator('#client-id').textContent()) ?? '', clientSecret: (await page.locator('#client-secret').textContent()) ?? '' };
    expect(sandbox.clientId).toMatch(/^rp_/);
    await checkScreen('developers-04-sandbox-credentials');

    await page.click('text=在“我的接入”中使用这些凭据');
    await page.locator('[data-testid=record]').waitFor();
    expect(page.url()).toMatch(/#\/integration$/);
    const stored = (await page.evaluate('sessionStorage.getItem("wangzheng-developer-credentials")')) as string;
    expect(JSON.parse(stored)).toEqual(sandbox);
    expect(await page.evaluate('JSON.stringify(localStorage)')).not.toContain(sandbox.clientSecret);
    expect(page.url()).not.toContain(sandbox.clientSecret);
  });

  it('我的接入: the record; a poll Shared Signals stream configured, with its delivery counters', async () => {
    const record = page.locator('[data-testid=record]');
    expect(await record.locator('[data-status]').getAttribute('data-status')).toBe('approved');
    expect(await record.textContent()).toContain('http://localhost:3000/callback');
    const stream = page.locator('[data-testid=stream]');
    await expect.poll(() => stream.textContent()).toContain('尚未配置事件流');
    expect(await page.isChecked('#m-poll')).toBe(true);
    await stream.locator('button[type=submit]').click();
    await stream.locator('[data-testid=stream-id]').waitFor();
    const streamId = await stream.locator('[data-testid=stream-id]').textContent();
    const saved = await sys.platform.deps.store.ssfStreams.findByClientId(sandbox.clientId);
    expect(saved).toMatchObject({ streamId, method: 'urn:ietf:rfc:8936', status: 'enabled' });
    expect(saved!.eventsRequested).toHaveLength(5);
    await stream.locator('[data-testid=delivery]').waitFor();
    expect(await stream.locator('[data-testid=delivered]').textContent()).toBe('0');
    await expect.poll(() => page.locator('[data-testid=requests]').textContent()).toContain('还没有请求');
    await checkScreen('developers-05-integration-stream');
  });

  it('接入代码: the curl snippet copied from the page works (bash, CLIENT_SECRET from the environment): 201 and a requestId', async () => {
    await open('#/snippets');
    const pre = page.locator('#snippet-curl');
    await pre.waitFor();
    const fromDom = (await pre.textContent()) ?? '';
    expect(fromDom).toContain(sandbox.clientId);
    expect(fromDom).toContain(`${sys.origin}/v1/receipt-requests`);
    expect(fromDom).not.toContain(sandbox.clientSecret);
    for (const id of ['#snippet-sdk', '#snippet-oidc']) {
      const text = (await page.locator(id).textContent()) ?? '';
      expect(text).toContain(sandbox.clientId);
      expect(text).toContain(sys.origin);
      expect(text).toContain('process.env.CLIENT_SECRET');
      expect(text).not.toContain(sandbox.clientSecret);
    }
    expect(await page.locator('#snippet-oidc').textContent()).toContain("'http://localhost:3000/callback'");
    await page.locator('.code-block', { has: pre }).locator('button').click();
    const copied = (await page.evaluate('navigator.clipboard.readText()')) as string;
    expect(copied).toBe(fromDom);
    await checkScreen('developers-06-snippets');

    const run = await bash(copied, { CLIENT_SECRET: sandbox.clientSecret });
    expect(run.status, run.stderr).toBe(0);
    const [json, status] = run.stdout.trim().split('\n');
    expect(status).toBe('HTTP 201');
    const body = JSON.parse(json!) as { requestId: string; link: string };
    expect(body.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(body.link).toMatch(/^wangzheng:\/\/verify\?ref=/);

    // Without CLIENT_SECRET the snippet stops before calling anything.
    const bare = await bash(copied, {});
    expect(bare.status).not.toBe(0);
    expect(bare.stderr).toContain('set CLIENT_SECRET');

    // The request appears in the page's request log.
    await open('#/integration');
    const row = page.locator(`[data-testid=requests] tr[data-request-id="${body.requestId}"]`);
    await row.waitFor();
    expect(await row.locator('[data-status]').getAttribute('data-status')).toBe('pending');
    await checkScreen('developers-07-integration-request-log');
  });

  it('我的接入: registering a JWKS switches to private_key_jwt — the secret stops working and the page forgets it', async () => {
    const key = generateKey('ES256');
    expect(await page.locator('#jwks-text').isVisible()).toBe(true);
    await page.fill('#jwks-text', JSON.stringify({ ...key.publicKey.toJwk(), kid: 'portal-1' }));
    // The switch needs the explicit confirmation.
    expect(await page.isDisabled('text=登记公钥 >> xpath=ancestor-or-self::button')).toBe(true);
    await checkScreen('developers-08-jwks-before-switch');
    await page.check('#jwks-confirm');
    await page.locator('button', { hasText: '登记公钥' }).click();
    await page.locator('.message.ok').waitFor();
    expect(await page.locator('.message.ok').textContent()).toContain('client_secret 已失效');
    expect(await page.evaluate('sessionStorage.getItem("wangzheng-developer-credentials")')).toBeNull();
    await page.locator('#si-id').waitFor();
    expect(await basicGet(`/v1/rp/clients/${sandbox.clientId}`, sandbox.clientId, sandbox.clientSecret)).toBe(401);
    const rp = await sys.platform.deps.store.relyingParties.findByClientId(sandbox.clientId);
    expect(rp).toMatchObject({ tokenEndpointAuthMethod: 'private_key_jwt', secretHash: null });
    await checkScreen('developers-09-jwks-switched-signed-out');

    // Signing in with the old secret: the platform's refusal, message and code, no crash.
    await page.fill('#si-id', sandbox.clientId);
    await page.fill('#si-secret', sandbox.clientSecret);
    await page.click('text=打开我的接入');
    const err = page.locator('.message.error');
    await err.waitFor();
    expect(await err.getAttribute('data-code')).toBe('invalid_client');
    expect(await err.textContent()).toContain('invalid_client');
    await checkScreen('developers-10-signin-refused');
  });

  it('沙箱 on a platform without sandboxes (404): said plainly, with the platform’s message and code', async () => {
    await page.route('**/v1/rp/sandbox', (route) => route.fulfill({ status: 404, contentType: 'application/json', body: JSON.stringify({ error: 'not_found', message: 'no such route' }) }));
    await open('#/sandbox');
    await page.fill('#sb-name', 'x');
    await page.click('button[type=submit]');
    const err = page.locator('.message.error');
    await err.waitFor();
    expect(await err.textContent()).toContain('沙箱只在开发模式下开启');
    expect(await err.getAttribute('data-code')).toBe('not_found');
    await checkScreen('developers-11-sandbox-unavailable');
    await page.unroute('**/v1/rp/sandbox');
  });

  it('in English, and usable by keyboard: skip link, navigation, language switch', async () => {
    await open('#/');
    // The skip link (first in the page) moves the focus to the content.
    await page.locator('a.skip').focus();
    await page.keyboard.press('Enter');
    expect(await page.evaluate('document.activeElement && document.activeElement.id')).toBe('main');
    await page.locator('button.lang').focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('main h1').textContent()).toBe('Relying-party developer portal');
    expect(await page.evaluate('document.documentElement.lang')).toBe('en');
    await checkScreen('developers-12-overview-en');
    await page.locator('nav.portal-nav a', { hasText: 'Apply' }).focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('main h1').textContent()).toBe('Apply');
    // The heading takes the focus in an effect after the screen renders: wait for it as for the text.
    await expect.poll(() => page.evaluate('document.activeElement && document.activeElement.tagName')).toBe('H1');
    await checkScreen('developers-13-apply-en');
    await open('#/snippets');
    await checkScreen('developers-14-snippets-en-no-credentials');
  });
});
