/**
 * `npm run bench -- scale [options]`: enrolled people in bulk, into a platform database that the
 * verification benchmark then runs against (`BENCH_SCALE=sqlite|pg npm run bench -- verification`).
 * docs/scale.md says what it writes and what was measured.
 *
 *   --engine sqlite|pg     default sqlite
 *   --people N             people enrolled when done (default 1,000,000 on SQLite, 10,000,000 on PostgreSQL)
 *   --batch N              people per transaction (default 2,000)
 *   --dir PATH             the platform's data directory: its dev-secrets.json, and on SQLite its
 *                          platform.db (default .wangzheng/scale/sqlite or .wangzheng/scale/pg)
 *   --pg-url URL           the PostgreSQL database (default postgres://postgres@127.0.0.1:5432/wz_scale,
 *                          created when missing; the `test` database is refused)
 *   --months N             enrollments spread over the last N months (default 11; 0: all now)
 *   --into                 add to a database that already holds people this tool did not write
 *   --explain              (pg) print PostgreSQL's plans of the per-person lookups, generate nothing
 *
 * Ctrl-C stops after the batch in hand commits; a rerun with the same options continues.
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import pg from 'pg';
import type { StoreConfig } from '@wangzheng/platform/store/index';
import { generateScale } from './scale/generate.ts';
import { clock, Progress } from './scale/progress.ts';
import { databaseBytes } from './scale/size.ts';

const ROOT = new URL('..', import.meta.url).pathname;
export const DEFAULT_PG_URL = 'postgres://postgres@127.0.0.1:5432/wz_scale';

/** Where the scale databases live by default, per engine. */
export function scaleTarget(engine: 'sqlite' | 'pg', o: { dir?: string; pgUrl?: string } = {}): { dataDir: string; store: StoreConfig } {
  const dataDir = resolve(o.dir ?? join(ROOT, '.wangzheng', 'scale', engine));
  const store: StoreConfig = engine === 'sqlite' ? { engine: 'sqlite', path: join(dataDir, 'platform.db') } : { engine: 'postgres', url: o.pgUrl ?? DEFAULT_PG_URL, poolSize: 2 };
  return { dataDir, store };
}

/** Creates the PostgreSQL database named in `url` when it does not exist (connecting to `postgres`). */
export async function ensurePgDatabase(url: string): Promise<void> {
  const u = new URL(url);
  const name = decodeURIComponent(u.pathname.slice(1));
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error('scale: the database name must be a plain identifier');
  if (name === 'test' || name === 'postgres') throw new Error(`scale: refusing to generate into the "${name}" database`);
  u.pathname = '/postgres';
  const c = new pg.Client({ connectionString: u.toString() });
  await c.connect();
  try {
    const r = await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (r.rowCount === 0) await c.query(`CREATE DATABASE "${name}"`);
  } finally {
    await c.end();
  }
}

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  if (i >= 0) return args[i + 1];
  return args.find((a) => a.startsWith(`${name}=`))?.slice(name.length + 1);
}

export async function runScaleCli(args: string[]): Promise<string> {
  const engine = option(args, '--engine') ?? 'sqlite';
  if (engine !== 'sqlite' && engine !== 'pg') throw new Error('scale: --engine is sqlite or pg');
  const count = (name: string, dflt: number): number => {
    const v = option(args, name);
    const n = v === undefined ? dflt : Number(v.replace(/_/g, ''));
    if (!Number.isSafeInteger(n) || n < 1) throw new Error(`scale: ${name} wants a positive integer`);
    return n;
  };
  const people = count('--people', engine === 'sqlite' ? 1_000_000 : 10_000_000);
  const batch = count('--batch', 2_000);
  const monthsArg = option(args, '--months');
  const months = monthsArg === undefined ? undefined : Number(monthsArg);
  if (months !== undefined && !(Number.isSafeInteger(months) && months >= 0)) throw new Error('scale: --months wants a whole number of months (0 or more)');
  const { dataDir, store } = scaleTarget(engine, { dir: option(args, '--dir'), pgUrl: option(args, '--pg-url') });
  if (args.includes('--explain')) {
    if (store.engine !== 'postgres') throw new Error('scale: --explain is for --engine pg');
    return (await import('./scale/explain.ts')).explainHotLookups(store.url);
  }
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  if (store.engine === 'postgres') await ensurePgDatabase(store.url);
  let stopping = false;
  const onInt = (): void => {
    if (stopping) process.exit(130);
    stopping = true;
    process.stderr.write('\nscale: stopping after the batch in hand (Ctrl-C again to quit at once; a rerun continues)\n');
  };
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onInt);
  try {
    const r = await generateScale({ store, dataDir, people, batch, months, into: args.includes('--into'), progress: new Progress(), stop: () => stopping });
    const bytes = await databaseBytes(store);
    return [
      '| measure | value |',
      '| --- | ---: |',
      `| engine | ${engine === 'sqlite' ? 'SQLite' : 'PostgreSQL'} |`,
      `| people in the database (generated) | ${r.people.toLocaleString('en-US')} |`,
      `| written by this run, time | ${r.written.toLocaleString('en-US')} in ${clock(r.seconds)} (${Math.round(r.written / r.seconds).toLocaleString('en-US')}/s) |`,
      `| population indexes walked (adults with a valid first document enroll) | ${r.nextIndex.toLocaleString('en-US')} |`,
      `| database size | ${(bytes / 2 ** 30).toFixed(2)} GiB (${Math.round(bytes / Math.max(1, r.people)).toLocaleString('en-US')} bytes per person) |`,
    ].join('\n');
  } finally {
    process.off('SIGINT', onInt);
    process.off('SIGTERM', onInt);
  }
}
