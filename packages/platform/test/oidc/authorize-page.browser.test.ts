// The OpenID Connect authorize page in real headless Chromium (Debian's, driven by
// playwright-core): it shows who asks and what for, draws the QR code of the wallet link,
// polls while the person decides in the wallet, and takes the browser back to the relying
// party — with a code on approval, `access_denied` on decline. Its strict CSP must not block
// its own script (a blocked script would leave the browser stuck on the page).
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { PrivateKey } from '@wangzheng/core/crypto/index';
import type { Issued } from '@wangzheng/wallet/enroll/enroll';
import { answerVerification } from '@wangzheng/wallet/verify';
import { describeEachEngine } from '../support/engines.ts';
import { USCC } from '../rp/harness.ts';
import { ADULT, deviceKey, registerRp, startOidcPlatform, startRegistry, VALID_DOC, type Harness, type SharedRegistry, type TestRp } from './harness.ts';
import { nodeHolder } from '@wangzheng/wallet/holder/node';

export const CHROMIUM = process.env['WZ_CHROMIUM'] ?? '/usr/bin/chromium';
const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

let reg: SharedRegistry;
let browser: Browser;
const shots = mkdtempSync(path.join(tmpdir(), 'wz-page-'));
beforeAll(async () => {
  // No silent skip: without Chromium this suite fails and says how to install it.
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install -y --no-install-recommends chromium (or set WZ_CHROMIUM)`);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
  reg = await startRegistry();
});
afterAll(async () => {
  await browser?.close();
  await reg?.close();
  rmSync(shots, { recursive: true, force: true });
});

describeEachEngine('the authorize page in Chromium', (engine) => {
  let h: Harness;
  let rp: TestRp;
  let holder: { issued: Issued; key: PrivateKey };

  beforeAll(async () => {
    h = await startOidcPlatform(engine, reg);
    rp = await registerRp(h, { category: 'internet_service', uscc: USCC.internet, alg: 'ES256', host: 'shop.example.cn', name: '示例商城' });
    const person = reg.people(`d.type = 'resident_id_card' AND ${VALID_DOC} AND ${ADULT}`)[0]!;
    const key = deviceKey();
    holder = { key, issued: (await h.enroll(person, { deviceKey: key })) as Issued };
  });
  afterAll(async () => h?.close());

  function authorizeUrl(state: string): string {
    const verifier = randomBytes(32).toString('base64url');
    const q = new URLSearchParams({
      client_id: rp.clientId,
      redirect_uri: rp.redirectUri,
      response_type: 'code',
      scope: 'openid',
      state,
      nonce: randomBytes(12).toString('base64url'),
      code_challenge: createHash('sha256').update(verifier).digest('base64url'),
      code_challenge_method: 'S256',
      acr_values: 'urn:wangzheng:acr:wz',
    });
    return `${h.url}/oauth/authorize?${q}`;
  }

  async function openPage(state: string) {
    const context = await browser.newContext({ locale: 'zh-CN' });
    const page = await context.newPage();
    const blocked: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') blocked.push(m.text());
    });
    // The relying party's callback: the browser must arrive here, we answer it ourselves.
    await page.route('https://shop.example.cn/**', (route) => route.fulfill({ status: 200, contentType: 'text/plain', body: 'rp callback' }));
    const res = await page.goto(authorizeUrl(state));
    expect(res?.status()).toBe(200);
    return { context, page, blocked };
  }

  it('shows the RP, the mode and a QR code; after the wallet approves, the browser lands on the redirect URI with a code', async () => {
    const { context, page, blocked } = await openPage('st-approve');
    try {
      await expect.poll(() => page.locator('main#wz-authorize').isVisible()).toBe(true);
      const text = await page.locator('body').innerText();
      expect(text).toContain('示例商城');
      expect(text).toContain('网证');
      const qr = page.locator('svg').first();
      expect(await qr.isVisible()).toBe(true);
      const box = await qr.boundingBox();
      expect(box!.width).toBeGreaterThan(100);
      const shot = path.join(shots, `authorize-${engine.name}.png`);
      await page.screenshot({ path: shot, fullPage: true });
      expect(statSync(shot).size).toBeGreaterThan(5_000);

      const ref = (await page.locator('[data-ref]').getAttribute('data-ref'))!;
      expect(ref).toMatch(/^[A-Za-z0-9_-]{22}$/);
      const navigated = page.waitForURL(/^https:\/\/shop\.example\.cn\/oidc\/callback\?/, { timeout: 15_000 });
      expect((await answerVerification(h.client, { ref, holder: nodeHolder(holder.issued.credential, holder.key) })).status).toBe('approved');
      await navigated;
      const back = new URL(page.url());
      expect(back.searchParams.get('state')).toBe('st-approve');
      expect(back.searchParams.get('iss')).toBe(h.platform.deps.issuer);
      expect(back.searchParams.get('code')).toMatch(/^[A-Za-z0-9_-]{20,}$/);
      expect(blocked.filter((t) => /Content Security Policy|Refused to/.test(t))).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('when the person declines in the wallet, the browser returns with error=access_denied and the state', async () => {
    const { context, page } = await openPage('st-decline');
    try {
      const ref = (await page.locator('[data-ref]').getAttribute('data-ref'))!;
      const navigated = page.waitForURL(/^https:\/\/shop\.example\.cn\/oidc\/callback\?/, { timeout: 15_000 });
      expect((await answerVerification(h.client, { ref, holder: nodeHolder(holder.issued.credential, holder.key), approve: false })).status).toBe('declined');
      await navigated;
      const back = new URL(page.url());
      expect([back.searchParams.get('error'), back.searchParams.get('state'), back.searchParams.get('code')]).toEqual(['access_denied', 'st-decline', null]);
    } finally {
      await context.close();
    }
  });
});
