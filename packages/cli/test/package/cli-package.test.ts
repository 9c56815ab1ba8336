// @wangzheng/cli as an RP developer or an operator installs it (issue #9 §4, docs/packages.md):
// built, packed with `npm pack`, installed from the tarball into a fresh project outside the
// repository (no workspace, no repository node_modules on the resolution path, no network).
// There `npx wangzheng` runs the installed bin — offline, so a registry lookup could only fail,
// never answer — and the commands the package carries work against a platform this test runs:
// the wallet enrolls a person (SM2 device key on the JavaScript backend, Argon2id from the
// prebuilt @node-rs/argon2), the operators' `admin rps` lists an application with the
// development token. The commands that are the platform itself say where to run them instead.
import { mkdtempSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCli, CLI_DIR } from '../../build.ts';
import type { Started } from '../../src/commands/start.ts';
import { registryAdults, startTestSystem } from '../support/system.ts';
import { cleanEnv, freshProject, isRealDirectory, outsideNodeModules, pack, run, type FreshProject, type Packed } from '../../../sdk/test/package/fresh-project.ts';

const work = mkdtempSync(join(tmpdir(), 'wz-cli-package-'));
const dataDir = join(work, 'data');
const PASS = '48273915';
let sys: Started;
let packed: Packed;
let project: FreshProject;
let clientId: string;

/** `npx wangzheng …` in the fresh project, offline, with the development data directory. */
function npx(args: string[]) {
  return run('npx', ['--offline', 'wangzheng', ...args], { cwd: project.dir, env: cleanEnv({ WZ_DATA_DIR: dataDir }) });
}

/** The installed bin run by node directly (what npx runs, without npm's start-up time). */
function bin(args: string[]) {
  return run(process.execPath, [join(project.dir, 'node_modules', '.bin', 'wangzheng'), ...args], { cwd: project.dir, env: cleanEnv({ WZ_DATA_DIR: dataDir }) });
}

beforeAll(async () => {
  await buildCli();
  [, sys] = await Promise.all([
    (async () => {
      packed = await pack(CLI_DIR, work);
      project = await freshProject({ tarballs: { '@wangzheng/cli': packed.tarball }, seed: ['sm-crypto-v2', '@node-rs/argon2'] });
    })(),
    startTestSystem(dataDir),
  ]);
  const res = await fetch(`${sys.platformUrl}/v1/rp/applications`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      name: '安装包测试银行',
      uscc: '91110000802100433B',
      contactEmail: 'identity@example.cn',
      category: 'bank',
      purpose: '开户时核验您的身份',
      redirectUris: ['https://bank.example.cn/cb'],
      tokenEndpointAuthMethod: 'client_secret_basic',
      scopes: { masked_name: '客户身份识别' },
    }),
  });
  expect(res.status).toBe(201);
  clientId = ((await res.json()) as { clientId: string }).clientId;
});

afterAll(async () => {
  await sys?.stop();
  rmSync(work, { recursive: true, force: true });
  if (project) rmSync(project.dir, { recursive: true, force: true });
});

describe('the tarball (npm pack)', () => {
  it('holds package.json and dist/: the `wangzheng` bin with a node shebang, executable, and the bundled commands', () => {
    const byPath = new Map(packed.files.map((f) => [f.path, f]));
    expect([...byPath.keys()].filter((p) => !/^dist\/.+\.js$/.test(p))).toEqual(['package.json']);
    expect(byPath.get('dist/wangzheng.js')!.mode & 0o111).not.toBe(0);
    expect(readFileSync(join(CLI_DIR, 'dist', 'wangzheng.js'), 'utf8')).toMatch(/^#!\/usr\/bin\/env node\n/);
    const m = packed.manifest;
    expect(m['private']).toBeUndefined();
    expect([m['name'], m['license'], m['bin']]).toEqual(['@wangzheng/cli', 'Apache-2.0', { wangzheng: 'dist/wangzheng.js' }]);
    expect(m['dependencies']).toEqual({ '@node-rs/argon2': '2.2.1', 'sm-crypto-v2': '1.15.1' });
  });
});

describe('installed into a fresh project outside the repository', () => {
  it('npm install --offline from the tarball links node_modules/.bin/wangzheng to the installed package', () => {
    expect(project.install.code, project.install.stderr).toBe(0);
    expect(outsideNodeModules(project.dir)).toEqual([]);
    expect(isRealDirectory(join(project.dir, 'node_modules', '@wangzheng', 'cli'))).toBe(true);
    const bin = join(project.dir, 'node_modules', '.bin', 'wangzheng');
    expect(resolve(join(project.dir, 'node_modules', '.bin'), readlinkSync(bin))).toBe(join(project.dir, 'node_modules', '@wangzheng', 'cli', 'dist', 'wangzheng.js'));
  });

  it('npx wangzheng --help (offline) runs the installed bin: our usage, exit 0', async () => {
    const r = await npx(['--help']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^usage: wangzheng <command> \[options\]\n/);
    for (const c of ['wallet', 'admin', 'keys']) expect(r.stdout).toMatch(new RegExp(`^  ${c} +\\S`, 'm'));
  });

  it('wangzheng wallet enroll, then status: a 网号 from the running platform (SM2 device key, Argon2id keystore)', async () => {
    const adult = registryAdults(sys, 1)[0]!;
    const wallet = ['--passphrase', PASS, '--wallet', join(project.dir, 'alice'), '--platform', sys.platformUrl];
    const enrolled = await bin(['wallet', 'enroll', '--document-type', adult.documentType, '--document-number', adult.documentNumber, '--phone', '13900007199', '--yes', '--registry', sys.registryUrl, ...wallet]);
    expect(enrolled.code, enrolled.stderr).toBe(0);
    const status = await bin(['wallet', 'status', '--json', ...wallet]);
    expect(status.code, status.stderr).toBe(0);
    expect((JSON.parse(status.stdout) as { netid: string }).netid).toMatch(/^[0-9A-Z]{10}$/);
  });

  it('wangzheng admin rps (the development operator token from WZ_DATA_DIR): the pending application', async () => {
    const r = await npx(['admin', 'rps', '--url', sys.platformUrl, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const { items } = JSON.parse(r.stdout) as { items: { clientId: string; status: string }[] };
    expect(items.find((x) => x.clientId === clientId)?.status).toBe('pending');
  });

  it('the commands that are the platform (start, registry, audit, config) say to run them from a platform checkout: exit 2', async () => {
    for (const c of ['start', 'registry', 'audit', 'config']) {
      const r = await bin([c]);
      expect([r.code, r.stdout]).toEqual([2, '']);
      expect(r.stderr).toContain(`wangzheng ${c}: not part of the installed @wangzheng/cli`);
      expect(r.stderr).toContain('platform checkout');
    }
  });
});
