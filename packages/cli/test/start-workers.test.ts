// `wangzheng start --workers 2`: one primary (registry simulator, banner) and two platform
// processes sharing the port. Both serve; a worker killed with SIGKILL is replaced and the port
// keeps answering meanwhile; SIGTERM to the primary stops every process.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';

const ROOT = new URL('../../../', import.meta.url).pathname;
const dir = mkdtempSync(path.join(tmpdir(), 'wz-workers-'));
let child: ChildProcess | undefined;
afterAll(() => {
  child?.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

/** The primary's worker processes (its children running wangzheng.js; esbuild's service is a child too), via pgrep. */
function workersOf(pid: number): number[] {
  try {
    return execFileSync('pgrep', ['-P', String(pid), '-f', 'wangzheng.js'], { encoding: 'utf8' }).trim().split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

async function until<T>(what: string, f: () => T | undefined | Promise<T | undefined>, ms = 60_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

it('runs the platform as two worker processes, replaces one killed with SIGKILL, and stops them all on SIGTERM', async () => {
  child = spawn(process.execPath, ['bin/wangzheng.js', 'start', '--port', '0', '--registry-port', '0', '--no-demo', '--workers', '2'], {
    cwd: ROOT,
    env: { ...process.env, WZ_DATA_DIR: dir, WZ_REGISTRY_POPULATION: '200', WZ_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += String(d)));
  child.stderr!.on('data', (d: Buffer) => (out += String(d)));
  const url = await until('the banner', () => (out.includes('Press Ctrl-C') ? /listening on (http:\/\/[^\s,)]+), 2 worker processes/.exec(out)?.[1] : undefined), 90_000);
  const primary = child.pid!;
  const before = workersOf(primary);
  expect(before).toHaveLength(2);

  // Both workers answer: new connections go to each in turn, and each opened the same store.
  const answered = new Set<string>();
  for (let i = 0; i < 20; i++) {
    const r = await fetch(`${url}/healthz`, { headers: { connection: 'close' } });
    expect(r.status).toBe(200);
    answered.add(String((await r.json() as { store: string }).store));
  }
  expect([...answered]).toEqual(['sqlite']);

  process.kill(before[0]!, 'SIGKILL');
  await until('the replacement worker', () => {
    const now = workersOf(primary);
    return now.length === 2 && !now.includes(before[0]!) ? now : undefined;
  });
  // The primary's line comes through its stderr pipe, which may arrive after the new worker shows in the process table.
  const replaced = new RegExp(`platform worker ${before[0]} exited \\(SIGKILL\\); starting another`);
  await until('the primary saying it replaced the worker', () => (replaced.test(out) ? true : undefined));
  // The port kept answering (the surviving worker), and answers with the replacement too.
  for (let i = 0; i < 10; i++) expect((await fetch(`${url}/healthz`, { headers: { connection: 'close' } })).status).toBe(200);

  const workers = workersOf(primary);
  const exited = new Promise<number | null>((r) => child!.once('exit', (code) => r(code)));
  child.kill('SIGTERM');
  expect(await exited).toBe(0);
  for (const pid of workers) expect(() => process.kill(pid, 0)).toThrow();
  child = undefined;
}, 180_000);
