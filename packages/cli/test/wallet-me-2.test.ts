// `wangzheng wallet passphrase change|reset | phone | renew | move`, the enrollment wizard's
// warning before it replaces a 网证, and `wallet status` of a 网证 that stopped working (issue 7
// §3; docs/person.md) — against a real platform and registry simulator (in-process, port 0).
// Every call is a bound /v1/me request made by @wangzheng/wallet/me/controls; the CLI formats.
// Exit codes 0 (done) / 1 (refused, with the exact stable code) / 2 (bad input); no passphrase,
// full phone number or personal data on the terminal.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Started } from '../src/commands/start.ts';
import { registryAdults, startTestSystem } from './support/system.ts';
import { walletRunner } from './support/wallet-runner.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'wz-wallet-me-2-'));
const env = { WZ_DATA_DIR: dir };
const wallet = walletRunner(env);
let sys: Started;
let pass = '48273915';
const ALICE = path.join(dir, 'alice');
const ALICE_NEW_PHONE = path.join(dir, 'alice-new-phone');
const BOB = path.join(dir, 'bob');

type Person = { documentType: string; documentNumber: string; name: string };
let alice: Person;
let bob: Person;

const at = (w: string, p = pass): string[] => ['--passphrase', p, '--wallet', w, '--platform', sys.platformUrl];
const enroll = (who: Person, w: string, phone: string, extra: string[] = [], answers?: string[]) =>
  wallet(['enroll', '--document-type', who.documentType, '--document-number', who.documentNumber, '--phone', phone, '--registry', sys.registryUrl, ...extra, ...at(w, '48273915')], answers);

beforeAll(async () => {
  // 网证 valid 20 days: inside the 30-day renewal window from the start.
  sys = await startTestSystem(dir, { 'credential.validityDays': 20 });
  [alice, bob] = registryAdults(sys, 2) as [Person, Person];
  expect((await enroll(alice, ALICE, '13900007201', ['--yes'])).code).toBe(0);
  expect((await enroll(bob, BOB, '13900007301', ['--yes'])).code).toBe(0);
});
afterAll(async () => {
  await sys?.stop();
  rmSync(dir, { recursive: true, force: true });
});

function clean(r: { out: string; err: string }, ...secrets: string[]): void {
  for (const s of [pass, alice.name, alice.documentNumber, ...secrets]) expect(r.out + r.err).not.toContain(s);
}

describe('wallet passphrase change | reset', () => {
  it('change: the platform and the keystore both take the new passphrase; the old one no longer opens the wallet', async () => {
    const r = await wallet(['passphrase', 'change', '--new', '59381726', ...at(ALICE)]);
    expect([r.code, r.err]).toEqual([0, '']);
    expect(r.out).toContain('口令已更改 passphrase changed (with the old one 原口令)');
    clean(r, '59381726');
    const old = await wallet(['status', ...at(ALICE)]);
    expect(old.code).toBe(1);
    expect(old.err).toMatch(/\[wrong_passphrase\]$/m);
    pass = '59381726';
    expect((await wallet(['status', ...at(ALICE)])).code).toBe(0);
  });

  it('bad input → exit 2 before anything is sent: a weak new passphrase, no action, --face with change', async () => {
    const weak = await wallet(['passphrase', 'change', '--new', '12345678', ...at(ALICE)]);
    expect([weak.code, /\[weak_passphrase\]/.test(weak.err)]).toEqual([2, true]);
    expect((await wallet(['passphrase', ...at(ALICE)])).code).toBe(2);
    expect((await wallet(['passphrase', 'change', '--face', 'self', '--new', '70395128', ...at(ALICE)])).code).toBe(2);
  });

  it('reset with the live face (simulated camera); someone else’s face → face_mismatch (exit 1), nothing changed', async () => {
    const other = await wallet(['passphrase', 'reset', '--new', '70395128', '--face', 'other', '--registry', sys.registryUrl, ...at(ALICE)]);
    expect(other.code).toBe(1);
    expect(other.err).toMatch(/\[face_mismatch\]$/m);
    expect((await wallet(['status', ...at(ALICE)])).code).toBe(0);
    const r = await wallet(['passphrase', 'reset', '--new', '70395128', '--registry', sys.registryUrl, ...at(ALICE)]);
    expect([r.code, r.err]).toEqual([0, '']);
    expect(r.out).toContain('口令已重置 passphrase reset (with your face 人脸)');
    pass = '70395128';
    expect((await wallet(['status', ...at(ALICE)])).code).toBe(0);
  });
});

describe('wallet phone', () => {
  it('a code to the new number (read from the development outbox), then bound; only masked numbers printed', async () => {
    const r = await wallet(['phone', '139 0000 7202', ...at(ALICE)]);
    expect([r.code, r.err]).toEqual([0, '']);
    expect(r.out).toContain('验证码已发送 code sent to 139****7202');
    expect(r.out).toContain('手机号已更换 bound phone changed to 139****7202');
    clean(r, '13900007202');
  });

  it('a number bound to another person → phone_in_use (exit 1); not a mobile number → exit 2', async () => {
    const taken = await wallet(['phone', '13900007301', ...at(ALICE)]);
    expect(taken.code).toBe(1);
    expect(taken.err).toMatch(/\[phone_in_use\]$/m);
    const bad = await wallet(['phone', '12345', ...at(ALICE)]);
    expect([bad.code, /\[invalid_phone\]/.test(bad.err)]).toEqual([2, true]);
    expect((await wallet(['phone', ...at(ALICE)])).code).toBe(2);
  });
});

describe('wallet renew, wallet move, and the status of a 网证 that stopped working', () => {
  it('renew: a new 网证, same 网号, stored in the wallet; the old one is revoked', async () => {
    const before = JSON.parse((await wallet(['status', '--json', ...at(ALICE)])).out);
    const r = await wallet(['renew', ...at(ALICE)]);
    expect([r.code, r.err]).toEqual([0, '']);
    expect(r.out).toContain('网证已续期 renewed');
    expect(r.out).toContain(`the old one (${before.credential.id}) is revoked (renewed)`);
    const after = JSON.parse((await wallet(['status', '--json', ...at(ALICE)])).out);
    expect(after.netid).toBe(before.netid);
    expect(after.credential.id).not.toBe(before.credential.id);
  });

  it('move --to DIR: the new wallet works; the old one’s status says why it does not (transferred), in Chinese and English', async () => {
    const r = await wallet(['move', '--to', ALICE_NEW_PHONE, '--label', 'new phone', ...at(ALICE)]);
    expect([r.code, r.err]).toEqual([0, '']);
    expect(r.out).toContain('网证已迁移到新手机 moved to the new phone');
    expect((await wallet(['status', ...at(ALICE_NEW_PHONE)])).out).toMatch(/网证状态 status\s+正常 active/);
    const old = await wallet(['status', ...at(ALICE)]);
    expect(old.code).toBe(1);
    expect(old.out).toContain('网证状态 status   不可用 not usable');
    expect(old.out).toContain('网证已迁移到新手机，本设备不再可用');
    expect(old.out).toMatch(/the 网证 was moved to a new phone; this device no longer holds it \[transferred\]/);
    const j = JSON.parse((await wallet(['status', '--json', ...at(ALICE)])).out);
    expect(j).toMatchObject({ usable: false, reason: 'transferred' });
    const devices = await wallet(['devices', ...at(ALICE_NEW_PHONE)]);
    expect(devices.out).toMatch(/label\s+new phone/);
  });

  it('move refuses an existing wallet directory (keystore_exists) and a missing --to (exit 2)', async () => {
    const r = await wallet(['move', '--to', BOB, ...at(BOB, '48273915')]);
    expect(r.code).toBe(2);
    const exists = await wallet(['move', '--to', ALICE, ...at(BOB, '48273915')]);
    expect(exists.code).toBe(1);
    expect(exists.err).toMatch(/\[keystore_exists\]$/m);
    expect((await wallet(['move', ...at(BOB, '48273915')])).code).toBe(2);
    expect((await wallet(['status', ...at(BOB, '48273915')])).code).toBe(0);
  });
});

describe('wallet enroll again without the old phone', () => {
  it('the wizard says beforehand, in both languages, that it revokes the 网证 on the other device; answering no issues nothing', async () => {
    const dir2 = path.join(dir, 'bob-again-declined');
    const r = await enroll(bob, dir2, '13900007302', [], ['y', 'y', 'n']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/\[replacement_declined\]$/m);
    expect(r.out).toContain('继续申领将注销该设备上的网证');
    expect(r.out).toContain('Enrolling again revokes it there');
    expect(existsSync(path.join(dir2, 'wallet.json'))).toBe(false);
    expect((await wallet(['status', ...at(BOB, '48273915')])).code).toBe(0);
  });

  it('with --yes it says so and goes on; the old wallet’s status then says why (reenrolled)', async () => {
    const r = await enroll(bob, path.join(dir, 'bob-again'), '13900007303', ['--yes']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('Warning: you already hold a working 网证 on another device');
    const old = await wallet(['status', ...at(BOB, '48273915')]);
    expect(old.code).toBe(1);
    expect(old.out).toContain('您已重新申领，此网证已被新申领的网证替换');
    expect(old.out).toContain('[reenrolled]');
  });
});
