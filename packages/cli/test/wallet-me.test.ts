// `wangzheng wallet status | lock | unlock | devices | history | authorizations | withdraw |
// export`: a person's own controls from the command line (issue 7 §3, §4; docs/person.md),
// against a real platform and registry simulator (in-process, port 0). Every call is a bound
// request over /v1/me made by @wangzheng/wallet/me; the CLI only formats. Exit codes 0 (done) /
// 1 (refused, with the exact stable code) / 2 (bad input); no passphrase or personal data on the
// terminal except in what the person asked to see.
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Started } from '../src/commands/start.ts';
import { registryAdults, startTestSystem } from './support/system.ts';
import { walletRunner } from './support/wallet-runner.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'wz-wallet-me-'));
const env = { WZ_DATA_DIR: dir };
const PASS = '48273915';
const WALLET = path.join(dir, 'alice');
let sys: Started;
const wallet = walletRunner(env);
const mine = (): string[] => ['--passphrase', PASS, '--wallet', WALLET, '--platform', sys.platformUrl];
const run = (...args: string[]) => wallet([...args, ...mine()]);

let person: { documentType: string; documentNumber: string; name: string };
let bank: { clientId: string; name: string };

beforeAll(async () => {
  sys = await startTestSystem(dir);
  person = registryAdults(sys, 1)[0]! as typeof person;
  const enrolled = await wallet(['enroll', '--document-type', person.documentType, '--document-number', person.documentNumber, '--phone', '13900007101', '--yes', '--registry', sys.registryUrl, ...mine()]);
  expect(enrolled.code).toBe(0);
  const s = sys.platform.rp.service;
  const r = await s.apply({
    name: '示例银行 CLI',
    uscc: '91110000802100433B',
    contactEmail: 'identity@example.cn',
    category: 'bank',
    purpose: '开户时核验您的身份',
    redirectUris: ['https://bank.example.cn/cb'],
    tokenEndpointAuthMethod: 'client_secret_basic',
    idTokenSigningAlg: 'SM2',
    scopes: { masked_name: '客户身份识别' },
  });
  await s.approve(r.clientId, 'admin:test', { scopes: ['masked_name'], legalBasis: { masked_name: '反洗钱法 第二十九条' } });
  bank = { clientId: r.clientId, name: '示例银行 CLI' };
});
afterAll(async () => {
  await sys?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** The terminal never shows the passphrase or, outside what was asked for, the person's data. */
function clean(r: { out: string; err: string }): void {
  for (const secret of [PASS, person.name, person.documentNumber]) expect(r.out + r.err).not.toContain(secret);
}

describe('wallet status, lock, unlock', () => {
  it('status: active, with the 网号 and this device; --json for scripts', async () => {
    const r = await run('status');
    expect([r.code, r.err]).toEqual([0, '']);
    expect(r.out).toMatch(/网证状态 status\s+正常 active/);
    expect(r.out).toMatch(/网号 netid\s+[0-9A-Z]{10}/);
    const j = JSON.parse((await run('status', '--json')).out);
    expect(j.status).toBe('active');
    clean(r);
  });

  it('without --platform the wallet talks to the platform that issued its 网证, never to what answers on the default port; a --platform that is another platform is refused (exit 2)', async () => {
    // Another "platform" on the port WZ_PORT names: the wallet must not ask it anything.
    let asked = 0;
    const other = createServer((_req, res) => {
      asked++;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ issuer: 'http://localhost:1' }));
    });
    await new Promise<void>((ok) => other.listen(0, '127.0.0.1', ok));
    const port = (other.address() as AddressInfo).port;
    try {
      const own = await walletRunner({ ...env, WZ_PORT: String(port) })(['status', '--passphrase', PASS, '--wallet', WALLET]);
      expect([own.code, own.err]).toEqual([0, '']);
      expect(own.out).toMatch(/网证状态 status\s+正常 active/);
      expect(asked).toBe(0);
      const wrong = await wallet(['status', '--passphrase', PASS, '--wallet', WALLET, '--platform', `http://127.0.0.1:${port}`]);
      expect(wrong.code).toBe(2);
      expect(wrong.err).toContain("is the platform http://localhost:1, but this wallet's 网证 was issued by");
      expect(asked).toBe(1);
    } finally {
      await new Promise((ok) => other.close(ok));
    }
  });

  it('lock → locked, a verification fails (exit 1); unlock → active; unlock again → person_status_conflict (exit 1)', async () => {
    const l = await run('lock');
    expect(l.code).toBe(0);
    expect(l.out).toContain('已锁定 locked');
    expect((await run('status')).out).toMatch(/已锁定 locked/);
    const req = await sys.platform.verification.createReceiptRequest((await sys.platform.deps.store.relyingParties.findByClientId(bank.clientId))!, { bizSeq: 'cli-me-1', mode: 'wz' });
    expect((await wallet(['verify', '--ref', req.ref, '--yes', '--registry', sys.registryUrl, ...mine()])).code).toBe(1);
    const u = await run('unlock');
    expect([u.code, u.out.includes('已解锁 unlocked')]).toEqual([0, true]);
    const again = await run('unlock');
    expect(again.code).toBe(1);
    expect(again.err).toMatch(/\[person_status_conflict\]$/m);
    clean(l);
    clean(u);
  });
});

describe('wallet devices', () => {
  it('lists this device with its label; revoking an unknown device → device_not_found (exit 1); bad input → exit 2', async () => {
    const r = await run('devices');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^1 device 设备/m);
    expect(r.out).toMatch(/\* [0-9a-f-]{36}\s+本设备 this device/);
    const unknown = await run('devices', 'revoke', '00000000-0000-4000-8000-000000000000');
    expect(unknown.code).toBe(1);
    expect(unknown.err).toMatch(/\[device_not_found\]$/m);
    const own = JSON.parse((await run('devices', '--json')).out).devices[0].id as string;
    expect((await run('devices', 'revoke', own)).err).toMatch(/\[device_in_use\]$/m);
    expect((await run('devices', 'revoke', 'not-a-uuid')).code).toBe(2);
    expect((await run('devices', 'revoke')).code).toBe(2);
    expect((await run('devices', 'forget', own)).code).toBe(2);
  });
});

describe('wallet history, authorizations, withdraw', () => {
  it('history shows a verification with the service’s name, the mode and exactly what it received', async () => {
    const req = await sys.platform.verification.createReceiptRequest((await sys.platform.deps.store.relyingParties.findByClientId(bank.clientId))!, { bizSeq: 'cli-me-2', mode: 'wz_pass', scopes: ['masked_name'] });
    expect((await wallet(['verify', '--ref', req.ref, '--yes', '--consent', 'masked_name', '--registry', sys.registryUrl, ...mine()])).code).toBe(0);
    const h = await run('history');
    expect(h.code).toBe(0);
    expect(h.out).toMatch(/通过 passed {2}示例银行 CLI/);
    expect(h.out).toMatch(/mode\s+网证\+口令 \(credential \+ passphrase\)/);
    expect(h.out).toMatch(/received\s+result pass; your identifier there A[0-9A-Z]{25}; masked_name=\S*\*/);
    expect(h.out).toContain('锁定网证 locked');
    expect(h.out).toContain('申领网证 enrolled');
    const j = JSON.parse((await run('history', '--json', '--limit', '50')).out);
    expect(j.history.some((e: { type: string; outcome?: string }) => e.type === 'verification' && e.outcome === 'passed')).toBe(true);
    expect((await run('history', '--limit', '0')).code).toBe(2);
    expect(h.out + h.err).not.toContain(PASS);
  });

  it('authorizations lists the bank and the consented field; withdraw ends it; again → consent_not_found (exit 1); a malformed id → exit 2', async () => {
    const a = await run('authorizations');
    expect(a.code).toBe(0);
    expect(a.out).toContain('示例银行 CLI (银行 bank)');
    expect(a.out).toMatch(/consented\s+masked_name/);
    expect(a.out).toContain(`withdraw        npx wangzheng wallet withdraw ${bank.clientId}`);
    const w = await run('withdraw', bank.clientId);
    expect([w.code, w.err]).toEqual([0, '']);
    expect(w.out).toContain('1 consent(s) withdrawn, 0 access token(s) revoked');
    expect((await run('authorizations')).out).toContain('no service holds an authorization from you');
    const again = await run('withdraw', bank.clientId);
    expect(again.code).toBe(1);
    expect(again.err).toMatch(/\[consent_not_found\]$/m);
    expect((await run('withdraw', 'bank')).code).toBe(2);
    expect((await run('withdraw')).code).toBe(2);
  });
});

describe('wallet export', () => {
  it('--out FILE: the whole document in a 0600 file, nothing personal on the terminal; an existing file is never overwritten', async () => {
    const out = path.join(dir, 'export.json');
    const r = await run('export', '--out', out);
    expect([r.code, r.err]).toEqual([0, '']);
    expect(r.out).toMatch(/^exported 已导出 to .*export\.json: 1 device\(s\), 1 网证/);
    clean(r);
    expect(statSync(out).mode & 0o777).toBe(0o600);
    const doc = JSON.parse(readFileSync(out, 'utf8'));
    expect(doc.format).toBe('wangzheng-person-export/v1');
    expect(doc.profile.name).toBe(person.name);
    expect(doc.applicationIdentifiers.map((x: { clientId: string }) => x.clientId)).toEqual([bank.clientId]);
    const again = await run('export', '--out', out);
    expect(again.code).toBe(2);
  });

  it('without --out the document is the output, for the person who asked', async () => {
    const r = await run('export');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).profile.name).toBe(person.name);
  });

  it('the subcommands are in the wallet’s usage', async () => {
    const r = await wallet(['help']);
    for (const sub of ['status', 'lock', 'devices', 'history', 'authorizations', 'export']) expect(r.out).toMatch(new RegExp(`^  ${sub}\\s`, 'm'));
  });
});
