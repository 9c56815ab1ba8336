/**
 * A person's enrollment in a phone's web wallet (`/wallet/`), through its six steps as a person
 * does them — notice and consents, the simulated NFC read, the simulated camera, the SMS code
 * read from the "simulated text message" panel, the passphrase, the device key — for the browser
 * tests that need an enrolled person on a phone (login, console, the demo site).
 */
import type { Page } from 'playwright-core';
import { expect } from 'vitest';

/** The steps a test may look at (a screenshot, axe) before the step's button is pressed. */
export type EnrollStep = 'no-wallet' | 'notice' | 'chip' | 'face' | 'sms' | 'passphrase' | 'device' | 'done';

export interface PhoneEnrollment {
  readonly person: { readonly documentType: string; readonly documentNumber: string };
  readonly phoneNumber: string;
  readonly passphrase: string;
  readonly deviceName?: string;
  /** Called at each step, on the phone's page. */
  readonly at?: (step: EnrollStep, phone: Page) => Promise<void>;
}

/** Enrolls on `phone` at the platform `origin`; returns the 网号 the wallet shows. */
export async function enrollOnPhone(phone: Page, origin: string, e: PhoneEnrollment): Promise<string> {
  const at = e.at ?? (async () => {});
  await phone.goto(`${origin}/wallet/`);
  await expect.poll(async () => (await phone.locator('h1').first().innerText()).trim()).toBe('此浏览器中没有网证');
  await at('no-wallet', phone);
  await phone.getByRole('link', { name: '申领网证' }).click();
  await expect.poll(() => phone.getByText('个人信息处理告知').first().isVisible()).toBe(true);
  await phone.getByLabel('我已阅读并同意本告知所述的个人信息处理。').check();
  await phone.getByLabel('我单独同意处理我的人脸信息和身份证件信息。').check();
  await at('notice', phone);
  await phone.getByRole('button', { name: '同意并继续' }).click();

  await expect.poll(() => phone.getByRole('button', { name: '模拟 NFC 读卡' }).isVisible()).toBe(true);
  await phone.getByLabel('证件类型').selectOption(e.person.documentType);
  await phone.getByLabel('证件号码').fill(e.person.documentNumber);
  await at('chip', phone);
  await phone.getByRole('button', { name: '模拟 NFC 读卡' }).click();

  const capture = phone.getByRole('button', { name: '模拟摄像头：开始人脸识别' });
  await expect.poll(() => capture.isVisible(), { timeout: 20_000 }).toBe(true);
  await at('face', phone);
  await capture.click();

  await expect.poll(() => phone.getByLabel('手机号码').isVisible(), { timeout: 20_000 }).toBe(true);
  await phone.getByLabel('手机号码').fill(e.phoneNumber);
  await phone.getByRole('button', { name: '发送验证码' }).click();
  await expect.poll(() => phone.getByLabel('短信验证码').isVisible(), { timeout: 20_000 }).toBe(true);
  await phone.getByRole('button', { name: '查看模拟短信' }).click();
  await expect.poll(() => phone.locator('.sms-message').isVisible()).toBe(true);
  await phone.getByLabel('短信验证码').fill(/(\d{6})/.exec(await phone.locator('.sms-message').innerText())![1]!);
  await at('sms', phone);
  await phone.getByRole('button', { name: '验证', exact: true }).click();

  const pass1 = phone.getByLabel('口令（8 位数字）', { exact: true });
  await expect.poll(() => pass1.isVisible(), { timeout: 20_000 }).toBe(true);
  await pass1.fill(e.passphrase);
  await phone.getByLabel('再次输入口令').fill(e.passphrase);
  await at('passphrase', phone);
  await phone.getByRole('button', { name: '设置口令' }).click();

  const bind = phone.getByRole('button', { name: '生成密钥并领取网证' });
  await expect.poll(() => bind.isVisible(), { timeout: 20_000 }).toBe(true);
  await phone.getByLabel('设备名称').fill(e.deviceName ?? '我的手机');
  await at('device', phone);
  await bind.click();
  await expect.poll(() => phone.getByRole('heading', { name: '网证已签发' }).isVisible(), { timeout: 30_000 }).toBe(true);
  const netid = (await phone.locator('.netid').first().innerText()).trim();
  expect(netid).toMatch(/^[0-9A-Z]{10}$/);
  await at('done', phone);
  return netid;
}
