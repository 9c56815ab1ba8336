// `wangzheng wallet cancel`: a person cancels their 网号 (注销) from the command line (issue 7 §5;
// docs/person.md "Cancellation"), against a real platform and registry simulator (in-process,
// port 0). The command warns in Chinese and English what is lost, needs the typed confirmation
// (or --yes), sends the bound request with the passphrase, and deletes the keystore only once
// the platform confirms. Exit codes 0 (cancelled) / 1 (refused, with the exact stable code) /
// 2 (bad input or not confirmed); the terminal never shows the passphrase or the person's data.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Started } from '../src/commands/start.ts';
import { registryAdults, startTestSystem } from './support/system.ts';
import { walletRunner } from './support/wallet-runner.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'wz-wallet-cancel-'));
const env = { WZ_DATA_DIR: dir };
const PASS = '48273915';
let sys: Started;
const wallet = walletRunner(env);

interface Person {
  documentType: string;
  documentNumber: string;
  name: string;
  dir: string;
  netid: string;
}
let alice: Person;
let bob: Person;

const opts = (who: Person): string[] => ['--passphrase', PASS, '--wallet', who.dir, '--platform', sys.platformUrl];
const keystore = (who: Person): string => path.join(who.dir, 'wallet.json');

/** The terminal never shows the passphrase or the person's name or document number. */
function clean(who: Person, r: { out: string; err: string; prompts: string }): void {
  for (const secret of [PASS, who.name, who.documentNumber]) expect(r.out + r.err + r.prompts).not.toContain(secret);
}

beforeAll(async () => {
  sys = await startTestSystem(dir);
  const people = registryAdults(sys, 2) as Omit<Person, 'dir' | 'netid'>[];
  const enroll = async (p: Omit<Person, 'dir' | 'netid'>, name: string, phone: string): Promise<Person> => {
    const who = { ...p, dir: path.join(dir, name), netid: '' };
    const r = await wallet(['enroll', '--document-type', p.documentType, '--document-number', p.documentNumber, '--phone', phone, '--yes', '--registry', sys.registryUrl, ...opts(who)]);
    expect(r.code).toBe(0);
    who.netid = JSON.parse((await wallet(['status', '--json', ...opts(who)])).out).netid;
    return who;
  };
  alice = await enroll(people[0]!, 'alice', '13900007201');
  bob = await enroll(people[1]!, 'bob', '13900007202');
});
afterAll(async () => {
  await sys?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const exists = async (who: Person) => (await sys.platform.deps.store.persons.findByNetid(who.netid)) !== undefined;

describe('wallet cancel', () => {
  it('is in the wallet’s usage', async () => {
    const r = await wallet(['help']);
    expect(r.out).toMatch(/^ {2}cancel\s+cancel your 网号/m);
    expect((await wallet(['cancel', '--help'])).out).toContain('usage: wangzheng wallet cancel [--yes] [--keep-wallet]');
  });

  it('without a terminal and without --yes → exit 2 confirmation_required, before anything is opened or sent', async () => {
    const r = await wallet(['cancel', ...opts(alice)]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/pass --yes \[confirmation_required\]/);
    expect([await exists(alice), existsSync(keystore(alice))]).toEqual([true, true]);
  });

  it('the warning says what is lost, in Chinese and English; a wrong typed confirmation → exit 2, nothing changed', async () => {
    const r = await wallet(['cancel', ...opts(alice)], ['yes']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/not confirmed; nothing was changed \[confirmation_required\]/);
    expect(r.out).toContain('网证立即在所有平台失效');
    expect(r.out).toContain('your 网证 stops working everywhere');
    expect(r.out).toContain('every service that verified you is told');
    expect(r.out).toContain('to keep a copy, first run: npx wangzheng wallet export --out FILE');
    expect(r.prompts).toContain('type 注销 or CANCEL to confirm');
    expect([await exists(alice), existsSync(keystore(alice))]).toEqual([true, true]);
    clean(alice, r);
  });

  it('a wrong passphrase → exit 1 wrong_passphrase (the keystore refuses it first), nothing changed', async () => {
    const r = await wallet(['cancel', '--yes', '--passphrase', '11111111', '--wallet', alice.dir, '--platform', sys.platformUrl]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/\[wrong_passphrase\]$/m);
    expect(await exists(alice)).toBe(true);
  });

  it('typing 注销 cancels: the platform confirms, then the keystore is deleted from the device', async () => {
    const r = await wallet(['cancel', ...opts(alice)], ['注销']);
    expect([r.code, r.err]).toEqual([0, '']);
    expect(r.out).toMatch(/已注销 cancelled at \d{4}-\d\d-\d\dT/);
    expect(r.out).toContain('1 网证 revoked; 0 service(s) notified');
    expect(r.out).toContain('was deleted from this device');
    expect(await exists(alice)).toBe(false);
    expect(existsSync(keystore(alice))).toBe(false);
    clean(alice, r);
    // Nothing left to open.
    expect((await wallet(['status', ...opts(alice)])).err).toMatch(/\[keystore_missing\]$/m);
  });

  it('--yes --keep-wallet: cancelled, the keystore kept; cancelling again → exit 1 already_cancelled (told to the holder); --json for scripts', async () => {
    const r = await wallet(['cancel', '--yes', '--keep-wallet', '--json', ...opts(bob)]);
    expect([r.code, r.err]).toEqual([0, '']);
    expect(JSON.parse(r.out)).toMatchObject({ status: 'cancelled', credentialsRevoked: 1, relyingPartiesNotified: 0, keystore: 'kept' });
    expect([await exists(bob), existsSync(keystore(bob))]).toEqual([false, true]);
    const again = await wallet(['cancel', '--yes', ...opts(bob)]);
    expect(again.code).toBe(1);
    expect(again.err).toMatch(/\[already_cancelled\]$/m);
    // A refused cancellation deletes nothing locally either.
    expect(existsSync(keystore(bob))).toBe(true);
    expect((await wallet(['status', ...opts(bob)])).err).toMatch(/\[invalid_credential\]$/m);
    clean(bob, again);
  });
});
