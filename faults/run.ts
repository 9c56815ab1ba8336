/**
 * `npm run faults`: kill -9 at named points and at random moments (issue 10 §3; docs/faults.md).
 *
 *   npm run faults                                         # 200 runs, SQLite, one process
 *   npm run faults -- --runs 60 --engine pg --workers 2 --seed 7
 *   npm run faults -- --points lifecycle.renew.after-commit,oidc.token.before-commit --random 0
 *
 * Options (the FAULT_* variables of earlier versions still work: FAULT_RUNS, FAULT_SEED, FAULT_POINTS):
 *   --runs N          runs (default 200)
 *   --seed S          the seed of every random choice: the same seed replays the same campaign
 *   --engine E        sqlite (default; one file in a temporary data directory) or pg (a fresh
 *                     database `wz_faults_<seed>_<pid>` on WZ_FAULTS_PG_URL, default
 *                     postgres://postgres@127.0.0.1:5432/postgres; dropped at the end)
 *   --workers N       `wangzheng start --workers N`: a named point kills the worker that reaches
 *                     it; a random kill kills one worker, which the cluster primary replaces
 *   --random R        share of runs that are random kills (default 0.3); the rest arm a named point
 *   --points a,b      the named points to draw from (default: every point a step reaches)
 *   --minutes M       start no run after M minutes: drain and report the runs done so far
 *
 * Each named run arms one point, drawn from a shuffled bag (one run in four at its second hit);
 * each random run kills after a delay drawn uniformly from [0, the length of a whole life]
 * (measured on the first, unarmed life). Progress on stderr; the summary table on stdout; exit
 * code 1 on any violation.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { FAULT_POINTS, type FaultPointName } from '../packages/platform/src/faults/points.ts';
import { freePort, stopPlatform } from './child.ts';
import { drain, runOnce, runRandom, start, stopCurrent, syncLedger, type RunResult, type Setting } from './campaign.ts';
import { snapshot, sweepDueAt, type DbTarget } from './snapshot.ts';
import { DRIVEN_POINTS, lifeSteps } from './steps.ts';
import { lifecycleStep } from './actions.ts';
import { Receiver, World, type Life } from './world.ts';
import { mulberry32 } from '../test/support/seeded.ts';

export interface CampaignOptions {
  readonly runs: number;
  readonly seed: number;
  readonly points: readonly FaultPointName[];
  readonly engine?: 'sqlite' | 'pg';
  readonly workers?: number | undefined;
  /** Share of runs killed at a random moment instead of a named point (default 0). */
  readonly random?: number;
  /** Instead of a share: exactly this many random runs, after the named ones (tests). */
  readonly randomRuns?: number;
  /** Share of named runs armed at the second hit (default 0.25). */
  readonly secondHit?: number;
  /** The points in the order given (one per run, cycling) instead of drawn at random. */
  readonly inOrder?: boolean;
  /** No new run starts after this many minutes; the campaign drains and reports what it did. */
  readonly minutes?: number | undefined;
  readonly log?: (line: string) => void;
}

export interface CampaignReport {
  readonly results: RunResult[];
  readonly drain: Awaited<ReturnType<typeof drain>>;
  readonly seconds: number;
  readonly engine: 'sqlite' | 'pg';
  readonly workers: number | undefined;
}

const PG_ADMIN = process.env['WZ_FAULTS_PG_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** A fresh database of the campaign's own (never the `test` database): created now, dropped by `drop`. */
async function freshPgDatabase(seed: number): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `wz_faults_${seed}_${process.pid}`;
  const admin = async (sql: string): Promise<void> => {
    const c = new pg.Client({ connectionString: PG_ADMIN });
    await c.connect();
    try {
      await c.query(sql);
    } finally {
      await c.end();
    }
  };
  await admin(`DROP DATABASE IF EXISTS ${name}`);
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(PG_ADMIN);
  url.pathname = `/${name}`;
  return { url: url.href, drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

export async function campaign(o: CampaignOptions): Promise<CampaignReport> {
  const log = o.log ?? (() => {});
  const random = mulberry32(o.seed); // seeded, so a campaign can be replayed
  const engine = o.engine ?? 'sqlite';
  const dir = mkdtempSync(join(tmpdir(), 'wz-faults-'));
  const pgDb = engine === 'pg' ? await freshPgDatabase(o.seed) : undefined;
  const db: DbTarget = pgDb ? { engine: 'pg', url: pgDb.url } : { engine: 'sqlite', file: join(dir, 'platform.db') };
  const receiver = new Receiver();
  await receiver.start();
  const s: Setting = {
    world: new World(dir, receiver),
    port: await freePort(),
    registryPort: await freePort(),
    env: {
      // No expiry sweep during the campaign: the only jobs that finish are the SET pushes.
      WZ_SWEEP_INTERVAL_SECONDS: '86400',
      // A 网证 that can always be renewed, and always ends later when renewed (30 days from now).
      WZ_CREDENTIAL_DAYS: '30',
      WZ_RENEWAL_WINDOW_DAYS: '30',
      ...(pgDb ? { WZ_STORE: 'postgres', WZ_POSTGRES_URL: pgDb.url } : {}),
    },
    db,
    workers: o.workers,
    lives: 0,
    ledger: {},
  };
  const t0 = performance.now();
  try {
    let lifeMs = 0;
    const first = await start(s);
    try {
      await s.world.setUp(first.url, first.registryUrl);
      // The first sweep runs now, while nothing is armed; the next is a day away. Otherwise the
      // sweep, a job too, could be the first to reach jobs.ran-before-recorded instead of a push.
      const until = Date.now() + 20_000;
      while (((await sweepDueAt(db)) ?? 0) < Date.now() + 3_600_000) {
        if (Date.now() > until) throw new Error('faults: the first expiry sweep did not run');
        await new Promise((r) => setTimeout(r, 100));
      }
      // One whole life, unarmed: it measures how long a life lasts (the range of random delays).
      const life: Life = { approved: false, cancelled: false };
      const l0 = performance.now();
      for (const st of lifeSteps('all')) {
        if (st === 'enroll') await s.world.enroll(first.url, first.registryUrl, life);
        else if (st === 'verify') await s.world.verify(first.url, life);
        else if (st === 'cancel') await s.world.cancel(first.url, life);
        else if (st === 'push') {
          if (!(await s.world.push(life))) throw new Error('faults: the first life’s SET did not arrive');
        } else await lifecycleStep(s.world, first.url, st, life);
      }
      lifeMs = performance.now() - l0;
      s.lives = 1;
      syncLedger(s, await snapshot(db));
    } finally {
      await stopPlatform(first);
    }
    log(`faults: a whole life takes ${(lifeMs / 1000).toFixed(1)} s; random kills fall within it`);
    const results: RunResult[] = [];
    const bag: FaultPointName[] = [];
    for (let i = 0; i < o.runs; i++) {
      if (o.minutes !== undefined && performance.now() - t0 > o.minutes * 60_000) {
        log(`faults: ${o.minutes} minutes are up after ${i} runs; draining`);
        break;
      }
      let r: RunResult;
      const isRandom = o.randomRuns !== undefined ? i >= o.runs - o.randomRuns : random() < (o.random ?? 0);
      if (isRandom) {
        const delay = Math.floor(random() * lifeMs);
        r = await runRandom(s, delay, random());
        log(`fault run ${i + 1}/${o.runs}: random kill at ${delay} ms${o.workers ? ' (one worker)' : ''}, in ${r.step ?? '-'}; client: ${r.client}; retry: ${r.retry}; ${(r.ms / 1000).toFixed(1)} s${r.violations.length ? `; VIOLATIONS: ${r.violations.join(' | ')}` : ''}`);
      } else {
        // Drawn from a shuffled bag of all the points, refilled when empty: every point gets its share, in no fixed order.
        if (bag.length === 0) bag.push(...o.points);
        const point = bag.splice(o.inOrder ? 0 : Math.floor(random() * bag.length), 1)[0]!;
        // With workers a point's hits are counted per worker: only the first hit is sure to be reached.
        const nth = random() < (o.workers ? 0 : (o.secondHit ?? 0.25)) ? 2 : 1;
        r = await runOnce(s, point, nth);
        log(`fault run ${i + 1}/${o.runs}: ${point}${nth > 1 ? `:${nth}` : ''} ${r.killed ? 'killed' : 'NOT REACHED'} in ${r.step ?? '-'}; client: ${r.client}; retry: ${r.retry}; ${(r.ms / 1000).toFixed(1)} s${r.violations.length ? `; VIOLATIONS: ${r.violations.join(' | ')}` : ''}`);
      }
      results.push(r);
      if (r.fatal) {
        log('faults: stopping — the last life could not be completed, so the next run would start from an unknown state');
        break;
      }
    }
    const d = await drain(s);
    log(`drain: ${d.distinct} distinct SETs for ${d.cancelled} cancellations, ${d.duplicates} delivered twice${d.violations.length ? `; VIOLATIONS: ${d.violations.join(' | ')}` : ''}`);
    return { results, drain: d, seconds: (performance.now() - t0) / 1000, engine, workers: o.workers };
  } finally {
    await stopCurrent(s);
    await receiver.stop();
    if (process.env['FAULT_KEEP_DIR'] === '1') log(`faults: data directory kept: ${dir}${pgDb ? ` and database ${pgDb.url}` : ''}`);
    else {
      rmSync(dir, { recursive: true, force: true });
      await pgDb?.drop().catch((e: Error) => log(`faults: the campaign's database was not dropped: ${e.message}`));
    }
  }
}

/** Per point (and the random kills): runs, kills observed, what the client saw, violations; the drain's line. */
export function summary(r: CampaignReport): string {
  const row = (name: string, mine: RunResult[]): string => {
    const clients = [...new Set(mine.filter((x) => x.killed).map((x) => x.client.replace(/\(.*\)/, '').trim()))].join('; ') || '-';
    return `| ${name} | ${mine.length} | ${mine.filter((x) => x.killed).length} | ${clients} | ${mine.reduce((a, x) => a + x.violations.length, 0)} |`;
  };
  const randoms = r.results.filter((x) => x.point === 'random');
  const steps = [...new Set(randoms.map((x) => x.step ?? '(between lives)'))].map((st) => `${st} ${randoms.filter((x) => (x.step ?? '(between lives)') === st).length}`).join(', ');
  const total = r.results.reduce((a, x) => a + x.violations.length, 0);
  return [
    `${r.engine === 'pg' ? 'PostgreSQL' : 'SQLite'}, ${r.workers ? `${r.workers} workers` : 'one process'}`,
    '',
    '| fault point | runs | kills observed | the client in flight saw | invariant violations |',
    '| --- | ---: | ---: | --- | ---: |',
    ...FAULT_POINTS.filter((p) => r.results.some((x) => x.point === p)).map((p) => row(`\`${p}\``, r.results.filter((x) => x.point === p))),
    ...(randoms.length ? [row('random moment', randoms)] : []),
    `| all | ${r.results.length} | ${r.results.filter((x) => x.killed).length} | | ${total} |`,
    '',
    ...(randoms.length ? [`Random kills landed in: ${steps}.`] : []),
    `SETs: ${r.drain.distinct} distinct delivered for ${r.drain.cancelled} cancellations, ${r.drain.duplicates} delivered twice (at least once); drain violations: ${r.drain.violations.length}`,
    `${r.results.length} runs in ${r.seconds.toFixed(0)} s`,
  ].join('\n');
}

export function violationsOf(r: CampaignReport): number {
  return r.results.reduce((a, x) => a + x.violations.length, 0) + r.drain.violations.length;
}

async function main(): Promise<number> {
  const { values: v } = parseArgs({
    options: { runs: { type: 'string' }, seed: { type: 'string' }, engine: { type: 'string' }, workers: { type: 'string' }, random: { type: 'string' }, points: { type: 'string' }, minutes: { type: 'string' } },
    strict: true,
  });
  const runs = Number(v.runs ?? process.env['FAULT_RUNS'] ?? 200);
  const seed = Number(v.seed ?? process.env['FAULT_SEED'] ?? Date.now() % 1_000_000);
  const engine = v.engine ?? 'sqlite';
  const workers = v.workers === undefined ? undefined : Number(v.workers);
  const share = Number(v.random ?? 0.3);
  const minutes = v.minutes === undefined ? undefined : Number(v.minutes);
  const wanted = (v.points ?? process.env['FAULT_POINTS'] ?? '').split(',').filter(Boolean);
  const unknown = wanted.filter((p) => !(DRIVEN_POINTS as readonly string[]).includes(p));
  if (!Number.isInteger(runs) || runs < 1 || !Number.isInteger(seed) || (engine !== 'sqlite' && engine !== 'pg') || (workers !== undefined && (!Number.isInteger(workers) || workers < 1 || workers > 8)) || !(share >= 0 && share <= 1) || (minutes !== undefined && !(minutes > 0)) || unknown.length > 0) {
    process.stderr.write(`faults: --runs N, --seed S (integers), --engine sqlite|pg, --workers 1-8, --random 0..1, --minutes M, --points a comma list of ${DRIVEN_POINTS.join(', ')}\n`);
    return 2;
  }
  const points = wanted.length > 0 ? (wanted as FaultPointName[]) : DRIVEN_POINTS;
  process.stderr.write(`faults: ${runs} runs, seed ${seed}, ${engine}${workers ? `, ${workers} workers` : ''}, random share ${share}\n`);
  const report = await campaign({ runs, seed, points, engine, workers, random: share, minutes, log: (l) => process.stderr.write(`${l}\n`) });
  process.stdout.write(`${summary(report)}\n`);
  return violationsOf(report) > 0 ? 1 : 0;
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  process.exitCode = await main();
}
