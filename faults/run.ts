/**
 * `npm run faults`: kill -9 at named points (issue 10 §3; docs/reliability.md "Faults").
 *
 *   npm run faults                                  # FAULT_RUNS=200 runs, points at random
 *   FAULT_RUNS=14 FAULT_SEED=7 npm run faults
 *   FAULT_POINTS=lifecycle.cancel.after-commit,jobs.ran-before-recorded npm run faults
 *
 * Each run arms one fault point (packages/platform/src/faults/points.ts), chosen at random, at
 * its first hit or — one run in four — its second (a whole life passes before the kill), on a
 * platform child process (SQLite, one data directory for the whole campaign), drives a person's
 * life until the process dies, restarts it and checks (faults/campaign.ts). Progress on stderr;
 * the summary table on stdout; exit code 1 on any violation.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FAULT_POINTS, type FaultPointName } from '../packages/platform/src/faults/points.ts';
import { freePort, stopPlatform } from './child.ts';
import { drain, runOnce, start, type RunResult, type Setting } from './campaign.ts';
import { sweepDueAt } from './snapshot.ts';
import { Receiver, World } from './world.ts';
import { mulberry32 } from '../test/support/seeded.ts';


export interface CampaignOptions {
  readonly runs: number;
  readonly seed: number;
  readonly points: readonly FaultPointName[];
  /** Share of runs armed at the second hit (default 0.25). */
  readonly secondHit?: number;
  /** The points in the order given (one per run, cycling) instead of drawn at random. */
  readonly inOrder?: boolean;
  readonly log?: (line: string) => void;
}

export interface CampaignReport {
  readonly results: RunResult[];
  readonly drain: Awaited<ReturnType<typeof drain>>;
  readonly seconds: number;
}

export async function campaign(o: CampaignOptions): Promise<CampaignReport> {
  const log = o.log ?? (() => {});
  const random = mulberry32(o.seed); // seeded, so a campaign can be replayed
  const dir = mkdtempSync(join(tmpdir(), 'wz-faults-'));
  const receiver = new Receiver();
  await receiver.start();
  const s: Setting = {
    world: new World(dir, receiver),
    port: await freePort(),
    registryPort: await freePort(),
    // No expiry sweep during the campaign: the only jobs that finish are the SET pushes.
    env: { WZ_SWEEP_INTERVAL_SECONDS: '86400' },
    lives: 0,
  };
  const t0 = performance.now();
  try {
    const first = await start(s);
    try {
      await s.world.setUp(first.url, first.registryUrl);
      // The first sweep runs now, while nothing is armed; the next is a day away. Otherwise the
      // sweep, a job too, could be the first to reach jobs.ran-before-recorded instead of a push.
      const until = Date.now() + 20_000;
      while ((sweepDueAt(join(dir, 'platform.db')) ?? 0) < Date.now() + 3_600_000) {
        if (Date.now() > until) throw new Error('faults: the first expiry sweep did not run');
        await new Promise((r) => setTimeout(r, 100));
      }
    } finally {
      await stopPlatform(first);
    }
    const results: RunResult[] = [];
    const bag: FaultPointName[] = [];
    for (let i = 0; i < o.runs; i++) {
      // Drawn from a shuffled bag of all the points, refilled when empty: every point gets its share, in no fixed order.
      if (bag.length === 0) bag.push(...o.points);
      const point = bag.splice(o.inOrder ? 0 : Math.floor(random() * bag.length), 1)[0]!;
      const nth = random() < (o.secondHit ?? 0.25) ? 2 : 1;
      const r = await runOnce(s, point, nth);
      results.push(r);
      if (r.fatal) log('faults: stopping — the last life could not be completed, so the next run would start from an unknown state');
      log(`fault run ${i + 1}/${o.runs}: ${point}${nth > 1 ? `:${nth}` : ''} ${r.killed ? 'killed' : 'NOT REACHED'} in ${r.step ?? '-'}; client: ${r.client}; retry: ${r.retry}; ${(r.ms / 1000).toFixed(1)} s${r.violations.length ? `; VIOLATIONS: ${r.violations.join(' | ')}` : ''}`);
      if (r.fatal) break;
    }
    const d = await drain(s);
    log(`drain: ${d.distinct} distinct SETs for ${d.cancelled} cancellations, ${d.duplicates} delivered twice${d.violations.length ? `; VIOLATIONS: ${d.violations.join(' | ')}` : ''}`);
    return { results, drain: d, seconds: (performance.now() - t0) / 1000 };
  } finally {
    await receiver.stop();
    if (process.env['FAULT_KEEP_DIR'] === '1') log(`faults: data directory kept: ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

/** Per point: runs, kills observed, what the client saw, violations; the drain's line. */
export function summary(r: CampaignReport): string {
  const rows = FAULT_POINTS.map((p) => {
    const mine = r.results.filter((x) => x.point === p);
    const clients = [...new Set(mine.filter((x) => x.killed).map((x) => x.client.replace(/\(.*\)/, '').trim()))].join('; ') || '-';
    return `| \`${p}\` | ${mine.length} | ${mine.filter((x) => x.killed).length} | ${clients} | ${mine.reduce((a, x) => a + x.violations.length, 0)} |`;
  });
  const total = r.results.reduce((a, x) => a + x.violations.length, 0);
  return [
    '| fault point | runs | kills observed | the client in flight saw | invariant violations |',
    '| --- | ---: | ---: | --- | ---: |',
    ...rows,
    `| all | ${r.results.length} | ${r.results.filter((x) => x.killed).length} | | ${total} |`,
    '',
    `SETs: ${r.drain.distinct} distinct delivered for ${r.drain.cancelled} cancellations, ${r.drain.duplicates} delivered twice (at least once); drain violations: ${r.drain.violations.length}`,
    `${r.results.length} runs in ${r.seconds.toFixed(0)} s`,
  ].join('\n');
}

export function violationsOf(r: CampaignReport): number {
  return r.results.reduce((a, x) => a + x.violations.length, 0) + r.drain.violations.length;
}

async function main(): Promise<number> {
  const runs = Number(process.env['FAULT_RUNS'] ?? 200);
  const seed = Number(process.env['FAULT_SEED'] ?? Date.now() % 1_000_000);
  const wanted = (process.env['FAULT_POINTS'] ?? '').split(',').filter(Boolean);
  const unknown = wanted.filter((p) => !(FAULT_POINTS as readonly string[]).includes(p));
  if (!Number.isInteger(runs) || runs < 1 || unknown.length > 0) {
    process.stderr.write(`faults: FAULT_RUNS must be a positive integer and FAULT_POINTS a comma list of ${FAULT_POINTS.join(', ')}\n`);
    return 2;
  }
  const points = wanted.length > 0 ? (wanted as FaultPointName[]) : FAULT_POINTS;
  process.stderr.write(`faults: ${runs} runs, seed ${seed}, SQLite\n`);
  const report = await campaign({ runs, seed, points, log: (l) => process.stderr.write(`${l}\n`) });
  process.stdout.write(`${summary(report)}\n`);
  return violationsOf(report) > 0 ? 1 : 0;
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  process.exitCode = await main();
}
