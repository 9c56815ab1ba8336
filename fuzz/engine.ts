/**
 * The fuzz run itself, shared by `npm run fuzz` (run.ts) and its test (test/fuzz/fuzz.test.ts).
 *
 * 1. Lists every route in-process (routes.ts) and checks the body map against it (bodies.ts).
 * 2. Starts the platform as a user does — `wangzheng start --port 0 --registry-port 0 --no-demo`
 *    in a fresh data directory, access log on, log level info — as a child process whose whole
 *    output is captured and judged line by line (checks.ts).
 * 3. Obtains a few real credentials the way a client would (a sandbox RP, an enrollment, the
 *    development operator token), so that a share of requests gets past authentication.
 * 4. Sends `requests` malformed requests (mutations.ts), `concurrency` in flight, sampling the
 *    child's RSS every second; then asks `/healthz` and stops the child.
 *
 * Nothing here decides pass or fail beyond collecting failures; report.ts summarises.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { checkBodyMap } from './bodies.ts';
import { judgeAnswer, judgeLogLine } from './checks.ts';
import { createAgent, send } from './client.ts';
import { generate, type FuzzContext, type FuzzRequest } from './mutations.ts';
import { listRoutes, routeKey, type Route } from './routes.ts';
import { bannerUrls } from '../test/support/banner.ts';

const ROOT = new URL('..', import.meta.url).pathname;

export interface FuzzOptions {
  requests: number;
  concurrency: number;
  seed: number;
  /** Per-request limit before it counts as a hang. */
  timeoutMs?: number;
  /** Called about every 250 ms with the run so far. */
  onProgress?: (p: { done: number; total: number; perSecond: number; fivexx: number; failures: number }) => void;
}

export interface Failure {
  readonly what: string;
  readonly request?: { n: number; method: string; route: string; path: string; desc: string };
  readonly answer?: string;
}

export interface RssSample {
  readonly t: number;
  readonly done: number;
  readonly mb: number;
}

export interface FuzzResult {
  readonly requests: number;
  readonly seconds: number;
  readonly routes: number;
  readonly routesHit: number;
  readonly byStatus: ReadonlyMap<number, number>;
  readonly byKind: Readonly<Record<string, number>>;
  readonly byFamily: Readonly<Record<string, number>>;
  readonly fivexx: number;
  readonly stackTraces: number;
  readonly logLines: number;
  readonly failures: readonly Failure[];
  readonly rss: readonly RssSample[];
  readonly healthz: number;
  readonly alive: boolean;
  readonly seed: number;
  /** Which real credentials were obtained for the authenticated share (see prepareContext). */
  readonly credentials: readonly string[];
}

/** The platform as `wangzheng start` runs it; resolves once its banner names the listening URL. */
export async function startPlatform(dir: string, onLine: (l: string) => void): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['bin/wangzheng.js', 'start', '--port', '0', '--registry-port', '0', '--no-demo'], {
    cwd: ROOT,
    env: { ...process.env, WZ_DATA_DIR: dir, WZ_REGISTRY_POPULATION: '300', WZ_ACCESS_LOG: 'on', WZ_LOG_LEVEL: 'info', WZ_MODE: 'development' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`fuzz: the platform did not start:\n${out.slice(-4000)}`)), 90_000);
    const read = (stream: NodeJS.ReadableStream) =>
      createInterface({ input: stream }).on('line', (l) => {
        onLine(l);
        if (out.length < 100_000) out += `${l}\n`;
        const b = bannerUrls(out);
        if (b) {
          clearTimeout(timer);
          resolve({ child, url: b.platformUrl });
        }
      });
    read(child.stdout!);
    read(child.stderr!);
    child.on('exit', (c) => {
      clearTimeout(timer);
      reject(new Error(`fuzz: the platform exited (${c}):\n${out.slice(-4000)}`));
    });
  });
}

export function rssMbOf(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

/** Real credentials, obtained as a client would; each is optional (the run goes on without). */
async function prepareContext(base: string, dir: string): Promise<FuzzContext> {
  const post = async (path: string, body: unknown): Promise<Record<string, unknown> | undefined> => {
    const res = await fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return res.ok ? ((await res.json()) as Record<string, unknown>) : undefined;
  };
  const ctx: { -readonly [K in keyof FuzzContext]: FuzzContext[K] } = {};
  const rp = await post('/v1/rp/sandbox', { name: 'fuzz RP', redirectUris: ['http://localhost/cb'], tokenEndpointAuthMethod: 'client_secret_basic' });
  if (typeof rp?.['clientId'] === 'string' && typeof rp['clientSecret'] === 'string') {
    ctx.clientId = rp['clientId'];
    ctx.rpBasic = `Basic ${Buffer.from(`${rp['clientId']}:${rp['clientSecret']}`).toString('base64')}`;
  }
  const en = await post('/v1/enrollments', { documentType: 'resident_id_card' });
  if (typeof en?.['enrollmentId'] === 'string' && typeof en['token'] === 'string') ctx.enrollment = { id: en['enrollmentId'], token: en['token'] };
  try {
    const tokens = (JSON.parse(readFileSync(join(dir, 'dev-secrets.json'), 'utf8')) as { adminTokens?: string }).adminTokens ?? '';
    const first = tokens.split(',')[0]?.split(':')[1];
    if (first) ctx.adminBearer = first;
  } catch {
    // no development secrets file: the admin routes are fuzzed without a valid token
  }
  return ctx;
}

/**
 * When a request that is HTTP got no answer, why that is a failure: a hang (past the time
 * limit), or a connection closed without an answer. Not failures: raw junk (may be cut off
 * without a word, as Node does), CONNECT (Node closes the socket when nothing handles it), HEAD
 * (see docs/reliability.md: a parse error of the 431 page's body), and bodies over the limit
 * (the server answers 413 and closes while the client is still writing).
 */
function unanswered(q: FuzzRequest, kind: string, timeoutMs: number): string | undefined {
  if (q.raw) return undefined;
  if (kind === 'timeout') return `no answer within ${timeoutMs} ms (a hang)`;
  if (q.method === 'CONNECT' || q.method === 'HEAD' || (q.body?.length ?? 0) > 64 * 1024) return undefined;
  return `the connection closed without an answer (${kind})`;
}

const clip = (s: string, n = 300) => (s.length > n ? `${s.slice(0, n)}…` : s);
const describe = (q: FuzzRequest) => ({ n: q.n, method: q.method, route: q.route, path: clip(q.path, 160), desc: q.desc });

export async function runFuzz(o: FuzzOptions): Promise<FuzzResult> {
  const routes: Route[] = await listRoutes();
  const failures: Failure[] = [];
  for (const k of checkBodyMap(routes)) failures.push({ what: `bodies.ts names a route the platform does not register: ${k}` });

  const dir = mkdtempSync(join(tmpdir(), 'wz-fuzz-'));
  let logLines = 0;
  let stackTraces = 0;
  const onLine = (l: string) => {
    logLines++;
    const why = judgeLogLine(l);
    if (!why) return;
    if (why.startsWith('stack')) stackTraces++;
    if (failures.length < 1000) failures.push({ what: `log: ${why}`, answer: clip(l, 600) });
  };
  const { child, url } = await startPlatform(dir, onLine);
  const base = new URL(url);
  const rss: RssSample[] = [];
  const byStatus = new Map<number, number>();
  const byKind: Record<string, number> = {};
  const byFamily: Record<string, number> = {};
  const hit = new Set<string>();
  const credentials: string[] = [];
  let done = 0;
  let fivexx = 0;
  let exited = false;
  child.on('exit', () => (exited = true));
  const t0 = performance.now();
  try {
    const ctx = await prepareContext(url, dir);
    if (ctx.rpBasic) credentials.push('sandbox RP (Basic)');
    if (ctx.enrollment) credentials.push('enrollment (Bearer)');
    if (ctx.adminBearer) credentials.push('operator (Bearer)');
    const agent = createAgent(o.concurrency);
    const sampler = setInterval(() => {
      if (!exited) rss.push({ t: (performance.now() - t0) / 1000, done, mb: rssMbOf(child.pid!) });
    }, 1000);
    const progress = setInterval(() => o.onProgress?.({ done, total: o.requests, perSecond: done / ((performance.now() - t0) / 1000), fivexx, failures: failures.length }), 250);
    rss.push({ t: 0, done: 0, mb: rssMbOf(child.pid!) });
    let next = 0;
    const worker = async () => {
      while (next < o.requests && !exited) {
        const q = generate(next++, o.seed, routes, ctx);
        const a = await send(base, q, agent, o.timeoutMs ?? 30_000);
        done++;
        hit.add(q.route);
        const kind = a.kind === 'answered' ? a.kind : `${a.kind}${a.note ? ` ${a.note}` : ''} (${q.raw ? 'raw' : q.method === 'CONNECT' ? 'CONNECT' : q.method === 'HEAD' ? 'HEAD' : 'http'})`;
        byKind[kind] = (byKind[kind] ?? 0) + 1;
        byFamily[q.family] = (byFamily[q.family] ?? 0) + 1;
        if (a.kind === 'answered') byStatus.set(a.status, (byStatus.get(a.status) ?? 0) + 1);
        if (a.status >= 500) fivexx++;
        const why = a.kind === 'answered' ? judgeAnswer(q.route, q.method, a) : unanswered(q, a.kind, o.timeoutMs ?? 30_000);
        if (why) {
          if (why.startsWith('stack')) stackTraces++;
          if (failures.length < 1000) failures.push({ what: why, request: describe(q), answer: `${a.status} ${a.contentType} ${clip(a.body)}` });
        }
      }
    };
    await Promise.all(Array.from({ length: o.concurrency }, worker));
    const seconds = (performance.now() - t0) / 1000;
    clearInterval(progress);
    o.onProgress?.({ done, total: o.requests, perSecond: done / seconds, fivexx, failures: failures.length });
    // The end: still alive, still healthy, and a last memory sample.
    let healthz = 0;
    try {
      healthz = (await fetch(`${url}/healthz`)).status;
    } catch {
      // dead or not answering: healthz stays 0
    }
    clearInterval(sampler);
    if (!exited) rss.push({ t: seconds, done, mb: rssMbOf(child.pid!) });
    agent.destroy();
    if (exited) failures.push({ what: `the platform exited during the run (code ${child.exitCode}, signal ${child.signalCode})` });
    if (healthz !== 200) failures.push({ what: `/healthz answered ${healthz} at the end` });
    const covered = new Set(routes.map(routeKey));
    return {
      requests: done,
      seconds,
      routes: covered.size,
      routesHit: [...hit].filter((k) => covered.has(k)).length,
      byStatus,
      byKind,
      byFamily,
      fivexx,
      stackTraces,
      logLines,
      failures,
      rss,
      healthz,
      alive: !exited,
      seed: o.seed,
      credentials,
    };
  } finally {
    if (!exited) {
      const gone = once(child, 'exit');
      child.kill('SIGTERM');
      const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await gone;
      clearTimeout(kill);
    }
    rmSync(dir, { recursive: true, force: true });
  }
}
