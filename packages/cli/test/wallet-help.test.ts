// `wangzheng wallet <subcommand> --help` on every subcommand, and the commands the wallet's
// hints name: `wangzheng …` only when that executable is on the person's PATH, `npx wangzheng …`
// otherwise (a checkout). No platform needed: nothing here reaches the network.
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../src/main.ts';
import { cliName } from '../src/util/invocation.ts';
import { walletRunner } from './support/wallet-runner.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'wz-wallet-help-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A directory holding a file `wangzheng`, executable or not. */
function binDir(name: string, executable: boolean): string {
  const d = path.join(dir, name);
  mkdirSync(d, { recursive: true });
  const f = path.join(d, 'wangzheng');
  writeFileSync(f, '#!/bin/sh\n');
  chmodSync(f, executable ? 0o755 : 0o644);
  return d;
}

const SUBCOMMANDS = [
  'enroll', 'approve', 'collect', 'show', 'verify', 'requests', 'status', 'lock', 'unlock', 'devices', 'history',
  'authorizations', 'withdraw', 'export', 'passphrase', 'phone', 'renew', 'move', 'cancel',
];

describe('--help on every wallet subcommand', () => {
  const wallet = walletRunner({ WZ_DATA_DIR: dir });

  it('prints that subcommand’s usage and exits 0, also with other flags and on a terminal', async () => {
    for (const sub of SUBCOMMANDS) {
      for (const args of [[sub, '--help'], [sub, '-h'], [sub, '--yes', '--help']]) {
        const r = await wallet(args);
        expect([args.join(' '), r.code, r.err]).toEqual([args.join(' '), 0, '']);
        expect(r.out).toMatch(new RegExp(`^usage: wangzheng wallet ${sub}\\b`));
      }
      const asked = await wallet([sub, '--help'], []);
      expect([sub, asked.code, asked.prompts]).toEqual([sub, 0, '']);
    }
  });

  it('`wallet help <subcommand>` prints that usage; `wallet --help` lists every subcommand', async () => {
    const r = await wallet(['help', 'verify']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^usage: wangzheng wallet verify --ref REF/);
    const all = await wallet(['--help']);
    expect(all.code).toBe(0);
    for (const sub of SUBCOMMANDS) expect(all.out).toMatch(new RegExp(`^usage: wangzheng wallet ${sub}\\b`, 'm'));
  });

  it('a name that is not a subcommand is refused as unknown (not an inherited property)', async () => {
    for (const sub of ['constructor', 'toString', '__proto__']) {
      const r = await wallet([sub]);
      expect([sub, r.code, r.err.split('\n')[0]]).toEqual([sub, 2, `wangzheng wallet: unknown subcommand '${sub}'`]);
    }
  });

  it('the top-level `wangzheng --help` and `wangzheng wallet enroll --help` exit 0', async () => {
    let out = '';
    const io = { out: (s: string) => (out += `${s}\n`), err: () => {} };
    expect(await main(['--help'], io)).toBe(0);
    expect(out).toMatch(/--help` for a command's options\./);
    expect(await main(['wallet', 'enroll', '--help'], io)).toBe(0);
    expect(out).toContain('usage: wangzheng wallet enroll');
  });
});

describe('hints name the command the way it runs here', () => {
  it('`wangzheng` when an executable of that name is on PATH; `npx wangzheng` otherwise', () => {
    const bin = binDir('bin', true);
    const plain = binDir('plain', false);
    const npmBin = binDir(path.join('project', 'node_modules', '.bin'), true);
    expect(cliName({ PATH: [path.join(dir, 'nowhere'), bin].join(path.delimiter) })).toBe('wangzheng');
    expect(cliName({ PATH: '' })).toBe('npx wangzheng');
    expect(cliName({})).toBe('npx wangzheng');
    // A file that is not executable does not run when typed.
    expect(cliName({ PATH: plain })).toBe('npx wangzheng');
    // npm and npx put node_modules/.bin on PATH for their own run: not the person's shell.
    expect(cliName({ PATH: npmBin })).toBe('npx wangzheng');
    // A directory named wangzheng is not an executable either.
    mkdirSync(path.join(dir, 'dirs', 'wangzheng'), { recursive: true });
    expect(cliName({ PATH: path.join(dir, 'dirs') })).toBe('npx wangzheng');
  });

  it('the wallet’s hints use it (no network, no keystore needed for these)', async () => {
    const args = ['withdraw', '--wallet', path.join(dir, 'w')];
    const checkout = await walletRunner({ WZ_DATA_DIR: dir, PATH: '' })(args);
    expect(checkout.code).toBe(2);
    expect(checkout.err).toMatch(/^wangzheng wallet withdraw: give exactly one client id: npx wangzheng wallet withdraw <client id>$/m);
    const installed = await walletRunner({ WZ_DATA_DIR: dir, PATH: binDir('installed', true) })(args);
    expect(installed.err).toMatch(/^wangzheng wallet withdraw: give exactly one client id: wangzheng wallet withdraw <client id>$/m);
    const devices = await walletRunner({ WZ_DATA_DIR: dir })(['devices', 'revoke', 'not-a-uuid']);
    expect(devices.err).toMatch(/a device id is the UUID `npx wangzheng wallet devices` lists/);
  });
});
