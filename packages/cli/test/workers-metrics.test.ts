// `wangzheng start --workers 2`, one scrape of /metrics answers for both workers (issue 10 §2):
// a counter that both workers increment (/healthz answers, new connections handed to each in
// turn) appears once, summed; the process figures stay one series per worker (`worker` label);
// the platform's info gauge is merged, not doubled; `wz_metrics_workers` says both answered.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { parsePrometheusText, valueOf, type Sample } from '../../platform/test/ops/support.ts';

const ROOT = new URL('../../../', import.meta.url).pathname;
const dir = mkdtempSync(path.join(tmpdir(), 'wz-workers-metrics-'));
let child: ChildProcess | undefined;
afterAll(() => {
  child?.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

async function until<T>(what: string, f: () => T | undefined, ms: number): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = f();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function scrape(url: string): Promise<Sample[]> {
  const r = await fetch(`${url}/metrics`, { headers: { connection: 'close' } });
  expect(r.status).toBe(200);
  return parsePrometheusText(await r.text()).samples;
}

it('one scrape: a counter incremented in both workers is summed; process figures per worker', async () => {
  child = spawn(process.execPath, ['bin/wangzheng.js', 'start', '--port', '0', '--registry-port', '0', '--no-demo', '--workers', '2'], {
    cwd: ROOT,
    env: { ...process.env, WZ_DATA_DIR: dir, WZ_REGISTRY_POPULATION: '200', WZ_LOG_LEVEL: 'warn', WZ_JOBS_INTERVAL_MS: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += String(d)));
  child.stderr!.on('data', (d: Buffer) => (out += String(d)));
  const url = await until('the banner', () => (out.includes('Press Ctrl-C') ? /listening on (http:\/\/[^\s,)]+), 2 worker processes/.exec(out)?.[1] : undefined), 90_000);

  const healthz = (s: Sample[]) => valueOf(s, 'wz_http_requests_total', { route: '/healthz', status: '200' });
  const before = healthz(await scrape(url));
  // New connections go to the workers in turn: each answers about half of these.
  const N = 24;
  for (let i = 0; i < N; i++) expect((await fetch(`${url}/healthz`, { headers: { connection: 'close' } })).status).toBe(200);

  // Two scrapes (served by one worker and then, in turn, the other): both see all N.
  for (let k = 0; k < 2; k++) {
    const s = await scrape(url);
    expect(healthz(s) - before).toBe(N);
    // Both registries are in the scrape: the process figures carry two worker ids.
    const workers = new Set(s.filter((x) => x.name === 'process_resident_memory_bytes').map((x) => x.labels['worker']));
    expect(workers.size).toBe(2);
    expect([...workers].every((w) => /^\d+$/.test(w ?? ''))).toBe(true);
    expect(valueOf(s, 'wz_metrics_workers', { state: 'answered' })).toBe(2);
    expect(valueOf(s, 'wz_metrics_workers', { state: 'missing' })).toBe(0);
    // Merged by max, not summed: 1, not 2.
    expect(valueOf(s, 'wz_platform_info', { store: 'sqlite' })).toBe(1);
  }
  // The scrapes themselves were answered by the workers and counted (each after it rendered).
  expect(valueOf(await scrape(url), 'wz_http_requests_total', { route: '/metrics', status: '200' })).toBeGreaterThanOrEqual(3);

  const exited = new Promise<number | null>((r) => child!.once('exit', (code) => r(code)));
  child.kill('SIGTERM');
  expect(await exited).toBe(0);
  child = undefined;
}, 180_000);
