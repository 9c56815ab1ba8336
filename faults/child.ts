/**
 * The platform under test, as a user starts it, in a child process:
 * `node bin/wangzheng.js start --port P --registry-port R --no-demo` on a data directory that
 * outlives it. The ports are fixed for a whole campaign (chosen free once), so the issuer URL —
 * and with it every credential issued before a kill — stays the same across restarts.
 *
 * The banner parsing follows bench/verification.ts `startChild`; what is added is what a fault
 * run needs: one fault point armed (`WZ_FAULT_POINT`, packages/platform/src/faults/points.ts),
 * stderr kept, and how the process ended (exit code or signal). With `workers`, the command is
 * `wangzheng start --workers N` (packages/cli/src/commands/workers.ts): the child is the cluster
 * primary, the workers are its children (`workerPids`), and a worker killed by a fault point
 * writes its line to the primary's stderr (the workers share it) while the primary replaces it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { bannerUrls } from '../test/support/banner.ts';

const ROOT = new URL('..', import.meta.url).pathname;

export interface Running {
  readonly child: ChildProcess;
  readonly url: string;
  readonly registryUrl: string;
  /** Resolves when the process has ended: its exit code or the signal that killed it. */
  readonly ended: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Everything it wrote to stderr so far. */
  stderr(): string;
  exited(): boolean;
  /** With --workers: the live worker processes (the primary's children), read from /proc. */
  workerPids(): number[];
}

/** A free TCP port on 127.0.0.1 (the kernel's choice, released at once). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => (typeof a === 'object' && a ? resolve(a.port) : reject(new Error('faults: no port'))));
    });
  });
}

export interface ChildOptions {
  readonly dir: string;
  readonly port: number;
  readonly registryPort: number;
  /** `<point>[:<nth>]`, or undefined for a clean start. */
  readonly fault?: string | undefined;
  /** Extra environment (the store: WZ_STORE, WZ_POSTGRES_URL, …). */
  readonly env?: Record<string, string>;
  /** `--workers N`; undefined: one process. */
  readonly workers?: number | undefined;
}

export function startPlatform(o: ChildOptions): Promise<Running> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    WZ_DATA_DIR: o.dir,
    WZ_REGISTRY_POPULATION: '300',
    WZ_LOG_LEVEL: 'warn',
    // One address drives hundreds of enrollments: the SMS limits are lifted, nothing else.
    WZ_RATE_LIMITS: 'sms_phone=100000/3600,sms_source=100000/3600',
    ...o.env,
  };
  delete env['WZ_MODE'];
  delete env['WZ_FAULT_POINT'];
  if (o.fault !== undefined) env['WZ_FAULT_POINT'] = o.fault;
  const workers = o.workers ? ['--workers', String(o.workers)] : [];
  const child = spawn(process.execPath, ['bin/wangzheng.js', 'start', '--port', String(o.port), '--registry-port', String(o.registryPort), '--no-demo', ...workers], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  let done = false;
  const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => {
      done = true;
      resolve({ code, signal });
    }),
  );
  child.stderr!.on('data', (d: Buffer) => {
    err += String(d);
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`faults: the platform did not start within 90 s:\n${out}\n${err.slice(-2000)}`));
    }, 90_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += String(d);
      const b = bannerUrls(out);
      if (b?.registryUrl) {
        clearTimeout(timer);
        resolve({ child, url: b.platformUrl, registryUrl: b.registryUrl, ended, stderr: () => err, exited: () => done, workerPids: () => childrenOf(child.pid!) });
      }
    });
    void ended.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`faults: the platform exited while starting (${code ?? signal}):\n${out}\n${err.slice(-2000)}`));
    });
  });
}

/** The processes whose parent is `pid` (Linux: /proc/<pid>/task/<tid>/children). */
export function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** Stops a running platform (SIGTERM, then SIGKILL after 10 s) and waits for it to end. */
export async function stopPlatform(r: Running): Promise<void> {
  if (r.exited()) return;
  r.child.kill('SIGTERM');
  const t = setTimeout(() => r.child.kill('SIGKILL'), 10_000);
  await r.ended;
  clearTimeout(t);
}

/** Waits up to `ms` for the process to end; true if it did. */
export async function endsWithin(r: Running, ms: number): Promise<boolean> {
  if (r.exited()) return true;
  let t: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => (t = setTimeout(() => resolve(false), ms)));
  const ok = await Promise.race([r.ended.then(() => true as const), timeout]);
  clearTimeout(t);
  return ok;
}
