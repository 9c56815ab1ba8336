/**
 * The platform as a child process of a benchmark, and what it costs: `startChild` starts
 * `wangzheng start` (SQLite or PostgreSQL by environment, one process or `--workers`), and the CPU
 * time of it, its workers and the local PostgreSQL server is read from /proc, so that a benchmark
 * measures the server apart from its own load. Used by the verification, passphrase, peer and
 * paired (`ab`) benchmarks.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { buildServer, SERVER_BIN } from '../scripts/build-server.ts';
import { bannerUrls } from '../test/support/banner.ts';
import { GcLog } from './runtime.ts';

const ROOT = new URL('..', import.meta.url).pathname;

export function cpuMsOf(pid: number): number {
  // utime + stime, in clock ticks (USER_HZ = 100 on Linux).
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(f[11]) + Number(f[12])) * 10;
}

export function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}

/** The worker processes of the started platform (`start --workers`); none when it is one process. */
export function workerPids(pid: number): number[] {
  try {
    return execFileSync('pgrep', ['-P', String(pid), '-f', 'wangzheng\\.m?js'], { encoding: 'utf8' }).trim().split('\n').filter(Boolean).map(Number);
  } catch {
    return []; // no workers: one process
  }
}

/** The CPU time of the platform: the started process and its worker processes (`start --workers`). */
export function serverCpuMs(pid: number): number {
  return [pid, ...workerPids(pid)].reduce((sum, p) => sum + cpuMsOf(p), 0);
}

/** A process's resident memory now and at its peak (/proc VmRSS and VmHWM), in MB. */
export function rssMb(pid: number): { now: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string): number => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { now: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
}

/**
 * The CPU time of the local PostgreSQL server: every `postgres` process on this machine (the
 * backends serving the platform's pool among them). Only meaningful when nothing else uses it;
 * a backend that exits during a measurement takes its time with it.
 */
export function databaseCpuMs(): number {
  let pids: number[] = [];
  try {
    pids = execFileSync('pgrep', ['-x', 'postgres'], { encoding: 'utf8' }).trim().split('\n').filter(Boolean).map(Number);
  } catch {
    return 0; // no local PostgreSQL
  }
  return pids.reduce((sum, p) => {
    try {
      return sum + cpuMsOf(p);
    } catch {
      return sum; // gone meanwhile
    }
  }, 0);
}

/** Which build of the platform a benchmark runs: its sources through tsx (`npm start`'s), or the compiled build (a deployment's). */
export type ServerBuild = 'source' | 'built';

/** `BENCH_SERVER=built`: the benchmarks that start the platform run the compiled build (built first when out of date). */
export function serverBuildFromEnv(): ServerBuild {
  const v = process.env['BENCH_SERVER'] ?? 'source';
  if (v !== 'source' && v !== 'built') throw new Error('BENCH_SERVER is source (the default) or built');
  return v;
}

/**
 * The platform started from `root` (this checkout by default; `bench ab` starts another's too).
 * `traceGc`: run it with `--trace-gc` and read its collector's pauses into `gc` (bench/runtime.ts).
 * `build`: `built` runs dist/server/wangzheng.mjs (this checkout's only), built first if needed.
 */
export async function startChild(
  dir: string,
  storeEnv: Record<string, string>,
  workers?: number,
  root = ROOT,
  o: { traceGc?: boolean; build?: ServerBuild } = {},
): Promise<{ child: ChildProcess; platformUrl: string; registryUrl: string; gc: GcLog }> {
  let script = 'bin/wangzheng.js';
  if (o.build === 'built') {
    if (root !== ROOT) throw new Error('bench: only this checkout’s compiled build can be run');
    await buildServer();
    script = relative(ROOT, SERVER_BIN);
  }
  // BENCH_NODE_ARGS: Node options for the platform only (`--perf-basic-prof` for `perf`, `--log-deopt --logfile=…`).
  const nodeArgs = [...(process.env['BENCH_NODE_ARGS'] ?? '').split(/\s+/).filter(Boolean), ...(o.traceGc ? ['--trace-gc'] : [])];
  const gc = new GcLog();
  const child = spawn(process.execPath, [...nodeArgs, ...(process.env['BENCH_PROFILE_DIR'] ? ['--cpu-prof', `--cpu-prof-dir=${process.env['BENCH_PROFILE_DIR']}`] : []), script, 'start', '--port', '0', '--registry-port', '0', '--no-demo', ...(workers ? ['--workers', String(workers)] : [])], {
    cwd: root,
    env: { ...process.env, WZ_DATA_DIR: dir, WZ_REGISTRY_POPULATION: '3000', WZ_LOG_LEVEL: 'warn', ...storeEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`bench: the platform did not start:\n${out}`)), 60_000);
    let started = false;
    child.stdout!.on('data', (d: Buffer) => {
      if (o.traceGc) gc.feed(String(d));
      if (started) return;
      out += String(d);
      const b = bannerUrls(out);
      if (b?.registryUrl) {
        started = true;
        clearTimeout(timer);
        resolve({ child, platformUrl: b.platformUrl, registryUrl: b.registryUrl, gc });
      }
    });
    child.stderr!.on('data', () => {});
    child.on('exit', (c) => reject(new Error(`bench: the platform exited (${c}):\n${out}`)));
  });
}
