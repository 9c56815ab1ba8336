// The compiled production build (scripts/build-server.ts, docs/deployment.md): one JavaScript
// file that runs the whole system without tsx. Built here as `npm run build:server` builds it,
// then run as an operator runs it — two worker processes — and used as a person and a relying
// party use it: enroll in the CLI wallet, a receipt verification, the receipt fetched. Fault
// points stay the test build's: the compiled build refuses WZ_FAULT_POINT.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildServer, SERVER_BIN, SERVER_DIST } from '../../scripts/build-server.ts';
import { freePort } from '../support/ports.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const dir = mkdtempSync(path.join(tmpdir(), 'wz-server-build-'));
let child: ChildProcess | undefined;

beforeAll(async () => {
  await buildServer();
}, 120_000);
afterAll(() => {
  child?.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

/** The environment of a fresh shell: no WZ_ settings, no loader in NODE_OPTIONS. */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('WZ_') && !k.startsWith('VITEST') && k !== 'NODE_OPTIONS') env[k] = v;
  return { ...env, ...extra };
}

it('bundles the workspaces, imports no tsx, and points every source’s own URL at a file that is there', () => {
  const js = readFileSync(SERVER_BIN, 'utf8');
  expect(js.startsWith('#!/usr/bin/env node')).toBe(true);
  expect(js).not.toMatch(/from\s*["']tsx|import\(\s*["']tsx/);
  expect(js).not.toMatch(/from\s*["']@wangzheng\//);
  const own = [...js.matchAll(/new URL\("([^"]+)", import\.meta\.url\)/g)].map((m) => m[1]!);
  expect(own.length).toBeGreaterThan(5);
  for (const rel of own) expect(existsSync(path.join(SERVER_DIST, rel)), rel).toBe(true);
  // The one bare `import.meta.url` left is the fault points' test-build check.
  expect([...js.matchAll(/import\.meta\.url/g)].length - own.length).toBe(1);
});

it('runs the system as two workers: enroll, verify, fetch the receipt — and refuses to arm a fault point', async () => {
  const [port, registryPort] = [await freePort(), await freePort()];
  const env = cleanEnv({ WZ_DATA_DIR: dir, WZ_REGISTRY_POPULATION: '200', WZ_LOG_LEVEL: 'warn' });
  child = spawn(process.execPath, [SERVER_BIN, 'start', '--port', String(port), '--registry-port', String(registryPort), '--no-demo', '--workers', '2'], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += String(d)));
  child.stderr!.on('data', (d: Buffer) => (out += String(d)));
  const deadline = Date.now() + 90_000;
  while (!out.includes('Press Ctrl-C')) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`the compiled build did not start:\n${out}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  expect(out).toMatch(/2 worker processes/);
  // The workers run the same file (cluster forks the primary's script).
  const workers = spawnSync('pgrep', ['-P', String(child.pid), '-f', 'wangzheng.mjs'], { encoding: 'utf8' }).stdout.trim().split('\n').filter(Boolean);
  expect(workers).toHaveLength(2);
  const url = `http://localhost:${port}`;
  expect((await fetch(`${url}/readyz`)).status).toBe(200);

  // The person, with the repository's CLI wallet (a client of the platform like any other).
  const cli = (args: string[]) => spawnSync(process.execPath, [path.join(ROOT, 'bin/wangzheng.js'), ...args], { cwd: dir, env: cleanEnv({ WZ_DATA_DIR: dir, WZ_PORT: String(port) }), encoding: 'utf8', timeout: 120_000 });
  const samples = cli(['registry', 'samples', '--json', '--db', path.join(dir, 'registry.db')]);
  expect(samples.status, samples.stderr).toBe(0);
  const adult = (JSON.parse(samples.stdout) as { label: string; documentNumber: string }[]).find((s) => s.label === 'adult')!;
  const enrolled = cli(['wallet', 'enroll', '--document-type', 'resident_id_card', '--document-number', adult.documentNumber, '--phone', '13800138000', '--passphrase', '48273915', '--yes', '--registry', `http://127.0.0.1:${registryPort}`]);
  expect(enrolled.status, enrolled.stdout + enrolled.stderr).toBe(0);

  // A relying party (development sandbox) asks; the person approves; the receipt says pass.
  const rp = (await (await fetch(`${url}/v1/rp/sandbox`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'Build check', redirectUris: ['http://localhost:3000/cb'], tokenEndpointAuthMethod: 'client_secret_basic' }) })).json()) as { clientId: string; clientSecret: string };
  const auth = { authorization: `Basic ${Buffer.from(`${rp.clientId}:${rp.clientSecret}`).toString('base64')}`, 'content-type': 'application/json' };
  const req = (await (await fetch(`${url}/v1/receipt-requests`, { method: 'POST', headers: auth, body: JSON.stringify({ bizSeq: 'build-1', mode: 'wz_pass' }) })).json()) as { requestId: string; ref: string };
  const verified = cli(['wallet', 'verify', '--ref', req.ref, '--passphrase', '48273915', '--yes']);
  expect(verified.status, verified.stdout + verified.stderr).toBe(0);
  const fetched = await fetch(`${url}/v1/receipt-requests/${req.requestId}/receipt`, { method: 'POST', headers: auth, body: '{}' });
  expect(fetched.status).toBe(200);
  const receipt = ((await fetched.json()) as { receipt: string }).receipt;
  expect(JSON.parse(Buffer.from(receipt.split('.')[1]!, 'base64url').toString('utf8'))).toMatchObject({ result: 'pass', mode: 'wz_pass', aud: rp.clientId });

  const exited = new Promise<number | null>((r) => child!.once('exit', (code) => r(code)));
  child.kill('SIGTERM');
  expect(await exited).toBe(0);
  child = undefined;

  const armed = spawnSync(process.execPath, [SERVER_BIN, 'start', '--port', String(port), '--registry-port', String(registryPort), '--no-demo'], {
    cwd: dir,
    env: cleanEnv({ WZ_DATA_DIR: dir, WZ_FAULT_POINT: 'oidc.token.before-commit' }),
    encoding: 'utf8',
    timeout: 60_000,
  });
  expect(armed.status).not.toBe(0);
  expect(armed.stderr).toMatch(/WZ_FAULT_POINT is set, but fault points are armed only when the platform runs from its sources/);
}, 240_000);
