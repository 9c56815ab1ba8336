// The venue code (场所码, docs/venue.md) in real headless Chromium: the person's web wallet shows
// a dynamic QR code instead of the ID card, and the venue checker page (/venue/, a second app on
// the platform's origin) reads it with the camera and checks it OFFLINE.
//
// A person is enrolled through the platform's API with a P-256 key, which the test then puts
// into the browser's store as the web wallet keeps it (a non-extractable CryptoKey): the venue
// screen itself is driven in the page. At 390×844: the wallet's venue screen (offline without a
// pass: said so; locked: the platform's refusal; then a QR code that changes every 30 s, for the
// disclosure the person chose; the rendered QR reads back as the same text; a pass the browser's
// store refuses — a QuotaExceededError injected once — is shown anyway, said so, and saved on
// "retry saving"). The checker (another
// browser context, the camera granted) caches the JWKS and every status list, goes offline,
// reloads from its service worker and reads the wallet's QR code through Chromium's fake camera
// (a video written from the QR text the wallet page shows) → PASS with 18+ and the masked name;
// the same code again → replayed (also after a reload: the replay cache is in IndexedDB); another
// kind of QR code → not a venue code; tampered codes → refused; SM2 and Ed25519 device keys (CLI
// wallets) pasted → PASS. The person is banned: the offline checker's old lists turn stale after
// the ttl (waited for, no clock hook) and a PASS says so; online again, "update now", a fresh code
// of the banned person → FAIL (suspended). A camera refused → a message and the paste box. The
// checker and the wallet's venue screen at 1280×800 too, each in English once. Every request stays on the platform's origin, axe finds
// nothing serious or critical on any screen, no CSP violation; screenshots in __screenshots__/.
import { webcrypto } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { generateKey } from '@wangzheng/core/crypto/index';
import type { PublicJwk } from '@wangzheng/core/crypto/types';
import { maskName } from '@wangzheng/core/verification/disclosure';
import { base45Decode, base45Encode } from '@wangzheng/core/venue/index';
import { enroll, type Issued } from '@wangzheng/wallet/enroll/enroll';
import { PlatformClient } from '@wangzheng/wallet/enroll/client';
import { credentialClaims } from '@wangzheng/wallet/holder/credential';
import { keySigner, nodeDigest, nodeHolder } from '@wangzheng/wallet/holder/node';
import type { HolderSigner } from '@wangzheng/wallet/holder/ports';
import { presentVenuePass, requestVenuePass, type VenuePassGrant } from '@wangzheng/wallet/venue/index';
import { Bans } from '../../src/lifecycle/index.ts';
import { freshPhone } from '../enrollment/harness.ts';
import { ADULT, VALID_DOC, launchChromium, startRegistry, startVenueWebPlatform, writeQrVideo, type RegistryPerson, type SharedRegistry, type WebSystem } from './harness.ts';
import { axeViolations, guardOrigin, shot, watchConsole } from './page-tools.ts';

const require = createRequire(import.meta.url);
/** jsQR (CommonJS, `exports.default`) and pngjs (qrcode's dependency; no types here): to read the QR code the page drew. */
const jsQR = (require('jsqr') as { default: typeof import('jsqr').default }).default;
const { PNG } = require('pngjs') as { PNG: { sync: { read(b: Buffer): { width: number; height: number; data: Buffer } } } };

const PASSPHRASE = '48273915';
const nowS = (): number => Math.floor(Date.now() / 1000);

let reg: SharedRegistry;
let sys: WebSystem;
let api: PlatformClient;
let browser: Browser;
let walletCtx: BrowserContext;
let checkerCtx: BrowserContext;
let wallet: Page;
let checker: Page;
const guards: { requests: string[]; foreign: string[] }[] = [];
const problems: string[][] = [];
let alice: { person: RegistryPerson; issued: Issued; personId: string };
/** What the page needs to hold alice's wallet: the record and the private JWK (imported non-extractable in the page). */
let seed: { record: Record<string, unknown>; privateJwk: webcrypto.JsonWebKey };
/** CLI-style wallets: an SM2 and an Ed25519 device key, presenting from Node. */
let others: { alg: string; grant: VenuePassGrant; holder: ReturnType<typeof nodeHolder> }[] = [];
const tmp = mkdtempSync(join(tmpdir(), 'wz-web-venue-'));
const video = join(tmp, 'camera.y4m');

/** The hardware of an enrollment through the API: the registry simulator's chip and face, the platform's development SMS outbox. */
function hardware(person: RegistryPerson) {
  const sim = new PlatformClient(reg.url);
  return {
    readChip: async () => (await sim.post<{ chip: unknown }>('/sim/nfc/read', { documentType: person.documentType, documentNumber: person.documentNumber })).chip,
    captureFace: async (nonce: string) => (await sim.post<{ probe: number[] }>('/sim/camera', { documentType: person.documentType, documentNumber: person.documentNumber, subject: 'self', nonce })).probe,
    readSmsCode: async (phone: string) => {
      const r = await api.get<{ message: { code: string } | null }>(`/sim/sms?phone=${phone}`);
      if (!r.message) throw new Error('no SMS code');
      return r.message.code;
    },
  };
}

async function enrollWith(person: RegistryPerson, signer: HolderSigner): Promise<Issued> {
  const r = await enroll({ platform: api, hardware: hardware(person), documentType: person.documentType, phone: freshPhone(), passphrase: PASSPHRASE, signer, digest: nodeDigest, label: 'test phone' });
  if (r.status !== 'issued') throw new Error(r.status);
  return r;
}

/** Every screen: a screenshot, and axe must find nothing serious or critical. */
async function check(page: Page, name: string): Promise<void> {
  await shot(page, name);
  const v = await axeViolations(page);
  expect(v, `${name}: ${JSON.stringify(v, null, 2)}`).toEqual([]);
}

/** The QR text the wallet's venue screen shows right now (and when it was made). */
async function walletCode(): Promise<{ text: string; at: number }> {
  const fig = wallet.locator('figure.venue-qr');
  await expect.poll(() => fig.getAttribute('data-qr-text'), { timeout: 20_000 }).toMatch(/^WZV:/);
  return { text: (await fig.getAttribute('data-qr-text'))!, at: Number(await fig.getAttribute('data-qr-at')) };
}

/** A code the wallet made after `after` (epoch seconds): the screen makes one every 30 s, and on every change of choice. */
async function newWalletCode(after: number): Promise<{ text: string; at: number }> {
  await expect.poll(async () => Number(await wallet.locator('figure.venue-qr').getAttribute('data-qr-at')), { timeout: 45_000 }).toBeGreaterThan(after);
  return walletCode();
}

type Verdict = { verdict: string; code: string | null; stale: string | null; text: string };

/** The number of the verdict on screen (each check shows a new one), 0 if none. */
async function shownN(): Promise<number> {
  const v = checker.locator('[data-verdict]');
  return (await v.count()) === 0 ? 0 : Number(await v.getAttribute('data-n'));
}

/** The next verdict after the one numbered `n`. */
async function verdictAfter(n: number): Promise<Verdict> {
  const v = checker.locator('[data-verdict]');
  await expect.poll(shownN, { timeout: 20_000 }).toBeGreaterThan(n);
  return { verdict: (await v.getAttribute('data-verdict'))!, code: await v.getAttribute('data-code'), stale: await v.getAttribute('data-stale'), text: await v.innerText() };
}

/** Shows `text` to the checker's camera (a new video for Chromium's fake camera) and scans it. */
async function scan(text: string, button: '开始扫描' | '扫描下一个' = '开始扫描'): Promise<Verdict> {
  writeQrVideo(text, video);
  const n = await shownN();
  await checker.getByRole('button', { name: button }).click();
  return verdictAfter(n);
}

/** Pastes `text` into the checker's paste box and checks it. */
async function paste(text: string): Promise<Verdict> {
  const n = await shownN();
  await checker.getByLabel('或粘贴二维码内容').fill(text);
  await checker.getByRole('button', { name: '核验', exact: true }).click();
  return verdictAfter(n);
}

/** A new code from the wallet at once: the person changes what the venue sees. */
async function chooseAndShow(label: string | RegExp): Promise<{ text: string; at: number }> {
  const before = await walletCode();
  await wallet.getByLabel(label).check();
  await expect.poll(() => wallet.locator('figure.venue-qr').getAttribute('data-qr-text')).not.toBe(before.text);
  return walletCode();
}

/** One byte of a venue code changed (offset into the binary presentation), still valid base45. */
function tamper(text: string, offset: number): string {
  const bytes = base45Decode(text.slice(4))!;
  bytes[offset] = bytes[offset]! ^ 0x01;
  return `WZV:${base45Encode(bytes)}`;
}

async function heading(page: Page): Promise<string> {
  return (await page.locator('h1').first().innerText()).trim();
}

beforeAll(async () => {
  reg = await startRegistry(300, 'web-venue');
  sys = await startVenueWebPlatform(reg);
  api = new PlatformClient(sys.origin.replace('localhost', '127.0.0.1'));
  const people = reg.people(`d.type = 'resident_id_card' AND ${VALID_DOC} AND ${ADULT}`, [], 3);

  // Alice: a P-256 key as the web wallet makes one; the private half goes into the page, non-extractable.
  const pair = (await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const pub = await webcrypto.subtle.exportKey('jwk', pair.publicKey);
  const publicJwk: PublicJwk = { kty: 'EC', crv: 'P-256', x: pub.x!, y: pub.y! };
  const signer: HolderSigner = { alg: 'ES256', publicJwk, sign: async (d) => new Uint8Array(await webcrypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, pair.privateKey, d)) };
  const issued = await enrollWith(people[0]!, signer);
  const found = await sys.platform.deps.store.persons.findByNetid(issued.netid);
  alice = { person: people[0]!, issued, personId: found!.id };
  const c = credentialClaims(issued.credential);
  const record = {
    v: 1,
    publicJwk,
    credential: issued.credential,
    netid: issued.netid,
    credentialId: issued.credentialId,
    issuer: c['iss'],
    issuedAt: new Date((c['iat'] as number) * 1000).toISOString(),
    expiresAt: new Date((c['exp'] as number) * 1000).toISOString(),
    label: 'test phone',
    maskedPhone: null,
    storedAt: new Date().toISOString(),
  };
  seed = { record, privateJwk: await webcrypto.subtle.exportKey('jwk', pair.privateKey) };

  // Two CLI-style wallets: an SM2 and an Ed25519 device key.
  for (const [i, alg] of [[1, 'SM2'], [2, 'EdDSA']] as const) {
    const key = generateKey(alg);
    const iss = await enrollWith(people[i]!, keySigner(key));
    const holder = nodeHolder(iss.credential, key);
    others.push({ alg, grant: await requestVenuePass(api, holder), holder });
  }

  writeQrVideo('not yet', video);
  browser = await launchChromium({ camera: video });
  walletCtx = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'zh-CN', deviceScaleFactor: 1 });
  checkerCtx = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'zh-CN', deviceScaleFactor: 1 });
  await checkerCtx.grantPermissions(['camera'], { origin: sys.origin });
  for (const ctx of [walletCtx, checkerCtx]) guards.push(await guardOrigin(ctx, sys.origin));
  wallet = await walletCtx.newPage();
  checker = await checkerCtx.newPage();
  problems.push(watchConsole(wallet), watchConsole(checker));
}, 240_000);

afterAll(async () => {
  await walletCtx?.close();
  await checkerCtx?.close();
  await browser?.close();
  await sys?.close();
  await reg?.close();
  rmSync(tmp, { recursive: true, force: true });
});

describe('the venue code in Chromium: the wallet shows it, the checker checks it offline', () => {
  it('a wallet in this browser, as the web wallet keeps it (enrolled through the API; the key imported non-extractable)', async () => {
    expect((await wallet.goto(`${sys.origin}/wallet/`))?.status()).toBe(200);
    await expect.poll(() => heading(wallet), { timeout: 20_000 }).toBe('此浏览器中没有网证');
    await wallet.evaluate(`(async () => {
      const jwk = ${JSON.stringify({ kty: seed.privateJwk.kty, crv: seed.privateJwk.crv, x: seed.privateJwk.x, y: seed.privateJwk.y, d: seed.privateJwk.d })};
      const privateKey = await crypto.subtle.importKey('jwk', jwk, { name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign']);
      const record = Object.assign(${JSON.stringify(seed.record)}, { privateKey });
      await new Promise((resolve, reject) => {
        const open = indexedDB.open('wangzheng-wallet');
        open.onupgradeneeded = () => open.result.createObjectStore('wallet');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const tx = open.result.transaction('wallet', 'readwrite');
          tx.objectStore('wallet').put(record, 'wallet/v1');
          tx.oncomplete = () => { open.result.close(); resolve(true); };
          tx.onerror = () => reject(tx.error);
        };
      });
    })()`);
    await wallet.reload();
    await expect.poll(() => heading(wallet), { timeout: 20_000 }).toBe('我的网证');
    const extractable = await wallet.evaluate(`new Promise((resolve) => { const o = indexedDB.open('wangzheng-wallet'); o.onsuccess = () => { const g = o.result.transaction('wallet').objectStore('wallet').get('wallet/v1'); g.onsuccess = () => { resolve(g.result.privateKey.extractable); o.result.close(); }; }; })`);
    expect(extractable).toBe(false);
  });

  it('wallet: home links to the venue code; a locked 网证 gets the platform’s refusal; offline with no pass, it says a pass needs the network once', async () => {
    await expect.poll(() => wallet.locator('.idcard .badge').innerText(), { timeout: 20_000 }).toBe('可用');
    await check(wallet, 'v01-wallet-home-390');
    const store = sys.platform.deps.store;
    expect(await store.persons.updateStatus(alice.personId, 'locked')).toBe(true);
    await wallet.getByRole('link', { name: '场所码' }).click();
    await expect.poll(() => heading(wallet)).toBe('场所码');
    const alert = wallet.getByRole('alert').first();
    await expect.poll(() => alert.innerText(), { timeout: 20_000 }).toContain('网证已锁定，不能领取场所码');
    expect(await alert.innerText()).toContain('Your 网证 is locked: unlock it to get a venue pass.');
    await check(wallet, 'v02-wallet-venue-locked-390');

    expect(await store.persons.updateStatus(alice.personId, 'active')).toBe(true);
    await walletCtx.setOffline(true);
    try {
      await wallet.getByRole('button', { name: '重试' }).click();
      await expect.poll(() => wallet.getByRole('alert').first().innerText(), { timeout: 20_000 }).toContain('您已离线，本机还没有场所码');
      await check(wallet, 'v03-wallet-venue-offline-no-pass-390');
    } finally {
      await walletCtx.setOffline(false);
    }
  });

  it('wallet: fetches the pass, shows a QR code for what the person chose (result only by default; then 18+ and the masked name)', async () => {
    await wallet.getByRole('button', { name: '重试' }).click();
    const first = await walletCode();
    expect(await wallet.locator('figure.venue-qr').getAttribute('data-choice')).toBe('result');
    expect(await wallet.getByLabel('仅核验结果（推荐）').isChecked()).toBe(true);
    const main = await wallet.locator('main').innerText();
    expect(main).toContain('网证有效（未注销、未暂停使用）');
    expect(await wallet.locator('.venue-sees').innerText()).not.toContain(maskName(alice.person.name));
    expect(main).toMatch(/\d+ 秒后更换二维码/);
    expect(main).toContain('出示场所码不需要联网');
    await check(wallet, 'v04-wallet-venue-result-only-390');

    // The rendered QR code reads back (jsQR, from the page's pixels) as the very text, in alphanumeric mode.
    const png = PNG.sync.read(await wallet.locator('.venue-qr-img').screenshot());
    const read = jsQR(new Uint8ClampedArray(png.data.buffer, png.data.byteOffset, png.data.length), png.width, png.height);
    expect(read?.data).toBe(first.text);
    expect(read!.chunks.every((c) => c.type === 'alphanumeric')).toBe(true);
    expect(read!.version).toBeLessThanOrEqual(13);

    await chooseAndShow(/^核验结果 \+ 是否已满18周岁（是）\+ 姓名/);
    expect(await wallet.locator('figure.venue-qr').getAttribute('data-choice')).toBe('age_name');
    const sees = await wallet.locator('.venue-sees').innerText();
    expect(sees).toContain('是否已满18周岁：是');
    expect(sees).toContain(`姓名（部分隐藏）：${maskName(alice.person.name)}`);
    await check(wallet, 'v05-wallet-venue-age-name-390');
  });

  it('wallet: a new pass the browser will not store (storage full) is still shown, said so, and saved on "retry saving"', async () => {
    const storedPass = `new Promise((resolve, reject) => {
      const open = indexedDB.open('wangzheng-wallet');
      open.onerror = () => reject(open.error);
      open.onsuccess = () => {
        const get = open.result.transaction('wallet').objectStore('wallet').get('venue-pass/v1');
        get.onsuccess = () => { resolve(get.result === undefined ? null : get.result.grant.pass); open.result.close(); };
        get.onerror = () => reject(get.error);
      };
    })`;
    const before = await wallet.evaluate(storedPass);
    expect(before).toMatch(/.+/);
    // No stored pass (the screen fetches a new one when it opens), and the browser's next write fails: quota exceeded, once.
    await wallet.evaluate(`new Promise((resolve, reject) => {
      const open = indexedDB.open('wangzheng-wallet');
      open.onerror = () => reject(open.error);
      open.onsuccess = () => {
        const tx = open.result.transaction('wallet', 'readwrite');
        tx.objectStore('wallet').delete('venue-pass/v1');
        tx.oncomplete = () => {
          open.result.close();
          const put = IDBObjectStore.prototype.put;
          let refused = false;
          IDBObjectStore.prototype.put = function (...args) {
            if (!refused) {
              refused = true;
              throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
            }
            return put.apply(this, args);
          };
          resolve(true);
        };
        tx.onerror = () => reject(tx.error);
      };
    })`);
    await wallet.getByRole('link', { name: '返回', exact: true }).click();
    await expect.poll(() => heading(wallet)).toBe('我的网证');
    await wallet.getByRole('link', { name: '场所码' }).click();
    await walletCode();
    const notice = wallet.locator('.message.warn', { hasText: '场所码已领取，但没有保存在本机' });
    await expect.poll(() => notice.isVisible(), { timeout: 20_000 }).toBe(true);
    expect(await notice.innerText()).toContain('浏览器的存储空间已满');
    expect(await wallet.evaluate(storedPass)).toBe(null);
    await check(wallet, 'v05b-wallet-venue-not-saved-390');
    await notice.getByRole('button', { name: '重新保存' }).click();
    await expect.poll(() => wallet.getByText('场所码已保存在本机。').isVisible(), { timeout: 20_000 }).toBe(true);
    const after = await wallet.evaluate(storedPass);
    expect(after).toMatch(/.+/);
    expect(after).not.toBe(before);
    // Back to what the venue is shown next: 18+ and the masked name.
    await chooseAndShow(/^核验结果 \+ 是否已满18周岁（是）\+ 姓名/);
  });

  it('checker: loads and caches the platform keys and every status list (fresh), and installs its service worker', async () => {
    expect((await checker.goto(`${sys.origin}/venue/`))?.status()).toBe(200);
    await expect.poll(() => heading(checker)).toBe('核验场所码');
    await expect.poll(() => checker.locator('[data-freshness]').getAttribute('data-freshness'), { timeout: 20_000 }).toBe('fresh');
    const card = await checker.locator('.cache-card').innerText();
    expect(card).toMatch(/平台公钥\s+\d+ 个，下载于/);
    expect(card).toMatch(/状态列表\s+1 个，签发于/);
    expect(card).toContain('60 秒');
    await expect.poll(() => checker.evaluate('navigator.serviceWorker.controller !== null'), { timeout: 20_000 }).toBe(true);
    await check(checker, 'v10-checker-fresh-390');
  });

  it('checker OFFLINE (reloaded from its service worker and its cache): the wallet’s code through the camera → PASS with 18+ and the masked name', async () => {
    await checkerCtx.setOffline(true);
    await checker.reload();
    await expect.poll(() => heading(checker), { timeout: 20_000 }).toBe('核验场所码');
    await expect.poll(() => checker.locator('.offline-strip').isVisible()).toBe(true);
    await expect.poll(() => checker.locator('[data-freshness]').getAttribute('data-freshness'), { timeout: 20_000 }).toMatch(/^(fresh|stale)$/);
    const code = await walletCode();
    const r = await scan(code.text);
    expect([r.verdict, r.code]).toEqual(['pass', null]);
    expect(r.text).toContain('通过');
    expect(r.text).toContain('已满18周岁');
    expect(r.text).toContain(`姓名：${maskName(alice.person.name)}`);
    await check(checker, 'v11-checker-pass-offline-390');
  });

  it('the same code again → refused as replayed, also after a reload (the replay cache is kept in IndexedDB)', async () => {
    const code = await walletCode();
    const again = await scan(code.text, '扫描下一个');
    expect([again.verdict, again.code]).toEqual(['fail', 'venue_replayed']);
    expect(again.text).toContain('二维码已使用过');
    await check(checker, 'v12-checker-replayed-390');
    await checker.reload();
    await expect.poll(() => checker.locator('[data-freshness]').getAttribute('data-freshness'), { timeout: 20_000 }).toMatch(/^(fresh|stale)$/);
    const reloaded = await scan(code.text);
    expect(reloaded.code).toBe('venue_replayed');
  });

  it('the person is banned; the wallet, offline, still makes a new code every 30 s', async () => {
    const bans = new Bans({ store: sys.platform.deps.store, protector: sys.platform.deps.protector, blindIndexer: sys.platform.deps.blindIndexer, audit: sys.platform.audit, fourEyes: false });
    await bans.ban('admin:test', { netid: alice.issued.netid, reason: 'fraud', legalRef: '《反电信网络诈骗法》第三十一条' });
    await walletCtx.setOffline(true);
    const before = await walletCode();
    const next = await newWalletCode(before.at);
    expect(next.text).not.toBe(before.text);
    expect(await wallet.locator('.offline').isVisible()).toBe(true);
    await check(wallet, 'v06-wallet-venue-offline-390');
  });

  it('another kind of QR code → not a venue code; tampered codes → refused; SM2 and Ed25519 phones (pasted) → PASS', async () => {
    const link = await scan(`wangzheng://verify?ref=${'A'.repeat(22)}&iss=${encodeURIComponent(sys.origin)}`, '扫描下一个');
    expect([link.verdict, link.code]).toEqual(['fail', 'venue_not_a_pass']);
    expect(link.text).toContain('不是场所码');
    await check(checker, 'v13-checker-not-a-venue-code-390');

    // Offsets into the presentation: 1 + 70 is inside the pass's platform-signed body (the
    // age_over_18 digest); 157 + 3 is the low byte of "presented at" (device-signed).
    const fresh = await walletCode();
    const pass = await paste(tamper(fresh.text, 1 + 70));
    expect([pass.verdict, pass.code]).toEqual(['fail', 'venue_pass_signature_invalid']);
    const device = await paste(tamper(fresh.text, 157 + 3));
    expect([device.verdict, device.code]).toEqual(['fail', 'venue_device_signature_invalid']);
    expect(device.text).toContain('签名无效');
    await check(checker, 'v14-checker-tampered-390');
    expect((await paste('hello')).code).toBe('venue_not_a_pass');

    for (const o of others) {
      const text = await presentVenuePass(o.grant, { reveal: ['age_over_18'], signer: o.holder.signer, digest: o.holder.digest, now: nowS() });
      const r = await paste(text);
      expect([o.alg, r.verdict, r.code], r.text).toEqual([o.alg, 'pass', null]);
      expect(r.text).toContain('已满18周岁');
    }
  });

  it('after the ttl, the offline checker says its lists are out of date, and a PASS of the banned person says so', async () => {
    const bar = checker.locator('[data-freshness]');
    await expect.poll(() => bar.getAttribute('data-freshness'), { timeout: 90_000, interval: 1000 }).toBe('stale');
    expect(await bar.innerText()).toMatch(/状态列表已过期：\d+ 秒前更新（超过 60 秒）/);
    await check(checker, 'v15-checker-stale-390');
    const code = await walletCode();
    const r = await scan(code.text, '扫描下一个');
    expect([r.verdict, r.stale]).toEqual(['pass', 'true']);
    expect(r.text).toMatch(/注意：本机的状态列表已 \d+ 秒 未更新/);
    await check(checker, 'v16-checker-pass-stale-390');
  }, 120_000);

  it('online again, "update now": a fresh code of the banned person → FAIL (suspended)', async () => {
    await checkerCtx.setOffline(false);
    await expect.poll(() => checker.locator('.offline-strip').count()).toBe(0);
    await expect.poll(() => checker.getByRole('button', { name: '立即更新' }).isEnabled(), { timeout: 20_000 }).toBe(true);
    await checker.getByRole('button', { name: '立即更新' }).click();
    await expect.poll(() => checker.locator('[data-freshness]').getAttribute('data-freshness'), { timeout: 20_000 }).toBe('fresh');
    // A fresh code: the person changes the choice (a new code at once).
    const code = await chooseAndShow('仅核验结果（推荐）');
    const r = await scan(code.text, '扫描下一个');
    expect([r.verdict, r.code]).toEqual(['fail', 'venue_suspended']);
    expect(r.text).toContain('网证已暂停使用（封禁）');
    await check(checker, 'v17-checker-suspended-390');
    await walletCtx.setOffline(false);
  });

  it('a camera that is refused: said plainly, and the paste box is there', async () => {
    const ctx = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'zh-CN', deviceScaleFactor: 1 });
    const g = await guardOrigin(ctx, sys.origin);
    try {
      const page = await ctx.newPage();
      const p = watchConsole(page);
      await page.goto(`${sys.origin}/venue/`);
      await expect.poll(() => page.locator('[data-freshness]').getAttribute('data-freshness'), { timeout: 20_000 }).toBe('fresh');
      await page.getByRole('button', { name: '开始扫描' }).click();
      await expect.poll(() => page.getByRole('alert').first().innerText(), { timeout: 10_000 }).toContain('摄像头权限被拒绝');
      expect(await page.getByLabel('或粘贴二维码内容').isVisible()).toBe(true);
      await check(page, 'v18-checker-camera-denied-390');
      expect(g.foreign).toEqual([]);
      expect(p).toEqual([]);
    } finally {
      await ctx.close();
    }
  });

  it('at 1280×800 the checker fits, in Chinese and in English', async () => {
    await checker.setViewportSize({ width: 1280, height: 800 });
    await checker.reload();
    await expect.poll(() => checker.locator('[data-freshness]').getAttribute('data-freshness'), { timeout: 20_000 }).toBe('fresh');
    expect(await checker.evaluate('document.documentElement.scrollWidth > document.documentElement.clientWidth')).toBe(false);
    await check(checker, 'v20-checker-1280');
    const code = await chooseAndShow(/^核验结果 \+ 是否已满18周岁（是）$/);
    const r = await scan(code.text);
    expect(r.code).toBe('venue_suspended');
    expect(await checker.evaluate('document.documentElement.scrollWidth > document.documentElement.clientWidth')).toBe(false);
    await check(checker, 'v21-checker-suspended-1280');
    await checker.getByRole('button', { name: /Switch to English/ }).click();
    await expect.poll(() => heading(checker)).toBe('Check a venue code');
    expect(await checker.locator('[data-verdict]').innerText()).toContain('网证 suspended (banned)');
    await check(checker, 'v22-checker-suspended-en-1280');
    await checker.getByRole('button', { name: /Switch to Chinese/ }).click();
    await expect.poll(() => heading(checker)).toBe('核验场所码');
  }, 90_000);

  it('at 1280×800 the wallet’s venue screen fits, in Chinese and in English', async () => {
    await wallet.setViewportSize({ width: 1280, height: 800 });
    try {
      await walletCode();
      expect(await wallet.evaluate('document.documentElement.scrollWidth > document.documentElement.clientWidth')).toBe(false);
      await check(wallet, 'v07-wallet-venue-1280');
      await wallet.getByRole('button', { name: /Switch to English/ }).click();
      await expect.poll(() => heading(wallet)).toBe('Venue code');
      await walletCode();
      const main = await wallet.locator('main').innerText();
      expect(main).toMatch(/new QR code in \d+ s/i);
      expect(await wallet.evaluate('document.documentElement.scrollWidth > document.documentElement.clientWidth')).toBe(false);
      await check(wallet, 'v08-wallet-venue-en-1280');
      await wallet.getByRole('button', { name: /Switch to Chinese/ }).click();
      await expect.poll(() => heading(wallet)).toBe('场所码');
    } finally {
      await wallet.setViewportSize({ width: 390, height: 844 });
    }
  });

  it('made no request outside the platform’s origin, and the CSP blocked nothing of the pages’ own', async () => {
    for (const g of guards) {
      expect(g.requests.length).toBeGreaterThan(5);
      expect(g.foreign).toEqual([]);
      expect(g.requests.every((u) => u.startsWith(`${sys.origin}/`))).toBe(true);
    }
    expect(guards[1]!.requests.some((u) => u.endsWith('/status-lists'))).toBe(true);
    expect(guards[1]!.requests.some((u) => /\/status-lists\/\d+$/.test(u))).toBe(true);
    expect(problems.flat()).toEqual([]);
  });
});
