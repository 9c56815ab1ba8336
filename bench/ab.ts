/**
 * `npm run bench -- ab --base PATH [options]`: this checkout's platform beside another
 * checkout's (PATH: a clone with its own `npm ci`, e.g. of the commit before a change), in one
 * run, in alternating blocks — so that both are measured under the same machine state.
 *
 * Why: on a shared 2-core machine the server CPU of one whole benchmark run swings by ±15 %
 * between runs of the same code (docs/benchmarks.md), more than most changes are worth. Here
 * both platforms run at once, each on a fresh database of its own, and the load alternates
 * between them block by block (A B B A A B …); each block's server CPU per verification is read
 * from /proc, and the figure is the median of the per-pair ratios B/A.
 *
 *   --base PATH        the other checkout (A); this one is B
 *   --engine E         sqlite (default) or pg (fresh schemas in WZ_TEST_PG_URL's database, dropped after)
 *   --blocks N         blocks per side (default 8)
 *   --per-block N      receipt verifications per block (default 300), 8 in flight
 *   --warmup N         verifications per side before measuring (default 1,000: a fresh process
 *                      is still compiling through about that many)
 *   --built            B runs this checkout's compiled build (dist/server/wangzheng.mjs, built
 *                      first if out of date) instead of its sources; `--base .` then compares the
 *                      sources (A) with the build (B) of the same code
 *
 * Where `taskset` exists, both platforms run on the second core and this load on the first, so
 * that the load's own CPU does not land on the servers' core. On PostgreSQL the local database
 * server's CPU per verification is reported too (all `postgres` processes, block by block: only
 * the side running a block gives it work), where fewer statements should show.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { enrollSamples } from './people.ts';
import { closedLoop } from './load.ts';
import { benchRp, type BenchRp } from './rp.ts';
import { databaseCpuMs, pct, serverCpuMs, startChild, type ServerBuild } from './child.ts';

const ROOT = new URL('..', import.meta.url).pathname;

interface Side {
  readonly name: string;
  readonly pid: number;
  readonly url: string;
  readonly stop: () => void;
  readonly rp: BenchRp;
  readonly verify: (i: number) => Promise<number>;
}

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

function positive(v: string | undefined, fallback: number, name: string): number {
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new Error(`bench ab: ${name} must be a positive integer`);
  return n;
}

function pin(pid: number, cpu: number): void {
  try {
    execFileSync('taskset', ['-a', '-p', '-c', String(cpu), String(pid)], { stdio: 'ignore' });
  } catch {
    // no taskset (or one core): unpinned
  }
}

async function statements(url: string): Promise<number> {
  const m = /^wz_store_statements_total (\d+)/m.exec(await (await fetch(`${url}/metrics`)).text());
  return m ? Number(m[1]) : NaN;
}

async function startSide(name: string, root: string, env: Record<string, string>, dir: string, build: ServerBuild = 'source'): Promise<Side> {
  const { child, platformUrl, registryUrl } = await startChild(dir, env, undefined, root, { build });
  pin(child.pid!, 1);
  const holders = (await enrollSamples({ platformUrl, registryUrl, dataDir: dir, count: 8, alg: 'SM2', phonePrefix: '137' })).people;
  if (holders.length === 0) throw new Error(`bench ab: nobody could be enrolled on ${name}`);
  const rp = await benchRp(platformUrl, `ab ${name}`);
  return { name, pid: child.pid!, url: platformUrl, stop: () => child.kill('SIGTERM'), rp, verify: (i) => rp.verify(holders[i % holders.length]!, 'wz') };
}

export async function runAbCli(args: string[]): Promise<string> {
  const base = option(args, '--base');
  if (!base || !existsSync(join(resolve(base), 'bin', 'wangzheng.js'))) throw new Error('bench ab: --base must name another checkout of this project (with bin/wangzheng.js and its own npm ci)');
  const engine = option(args, '--engine') ?? 'sqlite';
  if (engine !== 'sqlite' && engine !== 'pg') throw new Error('bench ab: --engine is sqlite or pg');
  const blocks = positive(option(args, '--blocks'), 8, '--blocks');
  const perBlock = positive(option(args, '--per-block'), 300, '--per-block');
  const warmup = positive(option(args, '--warmup'), 1000, '--warmup');
  const built = args.includes('--built');
  const pgUrl = process.env['WZ_TEST_PG_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
  const schemas = [`bench_ab_a_${process.pid}`, `bench_ab_b_${process.pid}`];
  const envOf = (i: number): Record<string, string> => (engine === 'pg' ? { WZ_STORE: 'postgres', WZ_POSTGRES_URL: pgUrl, WZ_POSTGRES_SCHEMA: schemas[i]! } : {});
  const dirs = [mkdtempSync(join(tmpdir(), 'wz-ab-a-')), mkdtempSync(join(tmpdir(), 'wz-ab-b-'))];
  pin(process.pid, 0);
  const sides: Side[] = [];
  try {
    sides.push(await startSide('A (base)', resolve(base), envOf(0), dirs[0]!));
    sides.push(await startSide(built ? 'B (this checkout, compiled)' : 'B (this checkout)', ROOT, envOf(1), dirs[1]!, built ? 'built' : 'source'));
    // Warm-up: V8 is still compiling through a fresh process's first ~1,000 verifications.
    for (const s of sides) await closedLoop(warmup, 8, s.verify);
    const perVerification: number[][] = [[], []];
    // PostgreSQL: the database server's CPU in the same blocks (only the side running a block is busy).
    const database: number[][] = [[], []];
    const stmts: number[] = [];
    for (const [i, s] of sides.entries()) {
      const s0 = await statements(s.url);
      await closedLoop(100, 8, s.verify);
      stmts[i] = ((await statements(s.url)) - s0) / 100;
    }
    for (let b = 0; b < blocks; b++) {
      // A B, then B A: neither side always goes first.
      for (const i of b % 2 === 0 ? [0, 1] : [1, 0]) {
        const s = sides[i]!;
        const c0 = serverCpuMs(s.pid);
        const d0 = engine === 'pg' ? databaseCpuMs() : 0;
        await closedLoop(perBlock, 8, s.verify);
        perVerification[i]!.push((serverCpuMs(s.pid) - c0) / perBlock);
        if (engine === 'pg') database[i]!.push((databaseCpuMs() - d0) / perBlock);
      }
      process.stderr.write(`bench ab: block ${b + 1}/${blocks}: A ${perVerification[0]!.at(-1)!.toFixed(2)} ms, B ${perVerification[1]!.at(-1)!.toFixed(2)} ms\n`);
    }
    const ratios = perVerification[1]!.map((x, i) => x / perVerification[0]![i]!);
    const f = (x: number, d = 2): string => x.toFixed(d);
    const med = (xs: number[]): number => pct(xs, 50);
    return [
      `| measure | A (base) | ${built ? 'B (this checkout, compiled)' : 'B (this checkout)'} |`,
      '| --- | ---: | ---: |',
      `| server CPU per verification, median of ${blocks} blocks of ${perBlock} (min–max) | ${f(med(perVerification[0]!))} ms (${f(Math.min(...perVerification[0]!))}–${f(Math.max(...perVerification[0]!))}) | ${f(med(perVerification[1]!))} ms (${f(Math.min(...perVerification[1]!))}–${f(Math.max(...perVerification[1]!))}) |`,
      `| store statements per verification | ${f(stmts[0]!, 1)} | ${f(stmts[1]!, 1)} |`,
      ...(engine === 'pg'
        ? [
            `| PostgreSQL server CPU per verification (all local postgres processes), median of the blocks | ${f(med(database[0]!))} ms | ${f(med(database[1]!))} ms |`,
            `| B ÷ A, the database server's CPU, median of the paired blocks (min–max) | | ${f(med(database[1]!.map((x, i) => x / database[0]![i]!)), 3)}× |`,
          ]
        : []),
      `| B ÷ A, median of the ${blocks} paired blocks (min–max) | | **${f(med(ratios), 3)}×** (${f(Math.min(...ratios), 3)}–${f(Math.max(...ratios), 3)}) |`,
      '',
      `Engine: ${engine === 'pg' ? 'PostgreSQL (the platform’s CPU above is its process’s only; the database server’s is its own row)' : 'SQLite'}; base: ${resolve(base)}.`,
    ].join('\n');
  } finally {
    for (const s of sides) s.stop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
    if (engine === 'pg') {
      const c = new pg.Client({ connectionString: pgUrl });
      await c.connect().catch(() => {});
      for (const s of schemas) await c.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`).catch(() => {});
      await c.end().catch(() => {});
    }
  }
}
