/**
 * `npm run bench -- floor`: what a verification costs before any of the platform's own code runs
 * — the floor under issue 10's target "server CPU per verification ≤ 1.5× the crypto it needs",
 * measured in the same run as that crypto (docs/benchmarks.md).
 *
 *   - HTTP: a verification's four exchanges (the RP creates the request, the wallet reads it, the
 *     wallet answers, the RP fetches the receipt) against a server that only answers them with
 *     bodies of their sizes (bench/floor/server.ts): Fastify (the platform's version, default
 *     options), then bare node:http. The server runs in a child process and its CPU is read from
 *     /proc, with 8 exchanges in flight from this process over keep-alive connections (fetch), as
 *     in the verification benchmark.
 *   - Statements: a verification's 11 (measured by the store's counter; 15 before issue 10's
 *     fourth session) as 5 primary-key reads and 6 primary-key updates of a 10,000-row table,
 *     in-process: better-sqlite3 prepared statements (WAL, synchronous NORMAL, as the platform
 *     opens SQLite), the same through Kysely, and
 *     PostgreSQL through `pg` with named prepared statements (the client's CPU only, as the
 *     verification benchmark counts the platform's process only).
 *   - The server's crypto per verification (verification.ts `cryptoFloorMs`).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import pg from 'pg';
import { closedLoop } from './load.ts';
import { cpuMsOf } from './child.ts';
import { cryptoFloorMs } from './verification.ts';

interface Row {
  name: string;
  value: string;
}

const ROOT = new URL('..', import.meta.url).pathname;
const ROWS = 10_000;
const READS = 5;
const WRITES = 6;
/** Statements per verification (the store's counter: 15 until issue 10's fourth session, 11 since). */
const STATEMENTS = READS + WRITES;
const fmt = (x: number, d = 3): string => x.toFixed(d);
const cpuOf = (fn: () => void): number => {
  const c0 = process.cpuUsage();
  fn();
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1000;
};
const cpuOfAsync = async (fn: () => Promise<void>): Promise<number> => {
  const c0 = process.cpuUsage();
  await fn();
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1000;
};

/** Request bodies of a verification's sizes: the RP's request (~300 bytes), the wallet's answer (~1,500). */
const CREATE = JSON.stringify({ mode: 'netid', purpose: 'x'.repeat(260) });
const ANSWER = JSON.stringify({ presentation: 'p'.repeat(1450), nonce: 'n'.repeat(32) });

async function startServer(mode: 'fastify' | 'http'): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/floor/server.ts', mode], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<string>((ok, fail) => {
    child.stdout!.once('data', (d: Buffer) => ok(d.toString().trim()));
    child.once('exit', (code) => fail(new Error(`floor server exited ${code}`)));
  });
  return { child, url: `http://127.0.0.1:${port}` };
}

/** Server CPU (ms) per verification's four exchanges, over `count` of them with 8 in flight. */
async function httpFloor(mode: 'fastify' | 'http', count: number): Promise<number> {
  const { child, url } = await startServer(mode);
  try {
    const json = { 'content-type': 'application/json' };
    const four = async (): Promise<number> => {
      const t0 = performance.now();
      await (await fetch(`${url}/create`, { method: 'POST', headers: json, body: CREATE })).json();
      await (await fetch(`${url}/read`)).json();
      await (await fetch(`${url}/answer`, { method: 'POST', headers: json, body: ANSWER })).json();
      const r = (await (await fetch(`${url}/receipt`)).json()) as { pad: string };
      if (r.pad.length < 1000) throw new Error('floor: not the receipt-sized answer');
      return performance.now() - t0;
    };
    await closedLoop(Math.min(200, count), 8, four); // warm-up: JIT, connections
    const c0 = cpuMsOf(child.pid!);
    await closedLoop(count, 8, four);
    return (cpuMsOf(child.pid!) - c0) / count;
  } finally {
    child.kill('SIGKILL');
  }
}

/** CPU (ms) per verification's statements on SQLite: raw prepared statements, and through Kysely. */
async function sqliteFloor(rounds: number): Promise<{ raw: number; kysely: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'wz-floor-'));
  const db = new Database(join(dir, 'floor.db'));
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.exec('CREATE TABLE t (id TEXT PRIMARY KEY, n INTEGER NOT NULL, data BLOB NOT NULL)');
    const ins = db.prepare('INSERT INTO t (id, n, data) VALUES (?, ?, ?)');
    db.transaction(() => {
      for (let i = 0; i < ROWS; i++) ins.run(`row-${i}`, 0, Buffer.alloc(300, i));
    })();
    const get = db.prepare('SELECT * FROM t WHERE id = ?');
    const set = db.prepare('UPDATE t SET n = n + 1 WHERE id = ?');
    const id = (i: number): string => `row-${(i * 7919) % ROWS}`;
    const rawRound = (r: number): void => {
      for (let k = 0; k < READS; k++) get.get(id(r * STATEMENTS + k));
      for (let k = 0; k < WRITES; k++) set.run(id(r * STATEMENTS + READS + k));
    };
    for (let r = 0; r < 200; r++) rawRound(r);
    const raw = cpuOf(() => {
      for (let r = 0; r < rounds; r++) rawRound(r);
    }) / rounds;
    const k = new Kysely<{ t: { id: string; n: number; data: Buffer } }>({ dialect: new SqliteDialect({ database: db }) });
    const kyselyRound = async (r: number): Promise<void> => {
      for (let j = 0; j < READS; j++) await k.selectFrom('t').selectAll().where('id', '=', id(r * STATEMENTS + j)).executeTakeFirst();
      for (let j = 0; j < WRITES; j++) await k.updateTable('t').set((eb) => ({ n: eb('n', '+', 1) })).where('id', '=', id(r * STATEMENTS + READS + j)).execute();
    };
    for (let r = 0; r < 200; r++) await kyselyRound(r);
    const kysely = (await cpuOfAsync(async () => {
      for (let r = 0; r < rounds; r++) await kyselyRound(r);
    })) / rounds;
    await k.destroy();
    return { raw, kysely };
  } finally {
    if (db.open) db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The client's CPU (ms) per verification's statements on PostgreSQL (named prepared statements, one connection). */
async function pgFloor(rounds: number): Promise<number> {
  const c = new pg.Client({ connectionString: process.env['WZ_TEST_PG_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test' });
  await c.connect();
  const table = `bench_floor_${process.pid}`;
  try {
    await c.query(`CREATE TABLE ${table} (id TEXT PRIMARY KEY, n INTEGER NOT NULL, data BYTEA NOT NULL)`);
    await c.query(`INSERT INTO ${table} SELECT 'row-' || i, 0, decode(repeat('ab', 300), 'hex') FROM generate_series(0, ${ROWS - 1}) i`);
    const id = (i: number): string => `row-${(i * 7919) % ROWS}`;
    const round = async (r: number): Promise<void> => {
      for (let k = 0; k < READS; k++) await c.query({ name: 'floor_get', text: `SELECT * FROM ${table} WHERE id = $1`, values: [id(r * STATEMENTS + k)] });
      for (let k = 0; k < WRITES; k++) await c.query({ name: 'floor_set', text: `UPDATE ${table} SET n = n + 1 WHERE id = $1`, values: [id(r * STATEMENTS + READS + k)] });
    };
    for (let r = 0; r < 100; r++) await round(r);
    return (await cpuOfAsync(async () => {
      for (let r = 0; r < rounds; r++) await round(r);
    })) / rounds;
  } finally {
    await c.query(`DROP TABLE IF EXISTS ${table}`).catch(() => {});
    await c.end();
  }
}

export async function runFloorBench(o: { exchanges?: number; rounds?: number } = {}): Promise<Row[]> {
  const count = o.exchanges ?? Number(process.env['BENCH_FLOOR_VERIFICATIONS'] ?? 2000);
  const rounds = o.rounds ?? Number(process.env['BENCH_FLOOR_ROUNDS'] ?? 2000);
  const crypto = cryptoFloorMs().server;
  const fastify = await httpFloor('fastify', count);
  const bare = await httpFloor('http', count);
  const sqlite = await sqliteFloor(rounds);
  const postgres = await pgFloor(Math.ceil(rounds / 4));
  const x = (ms: number): string => `${fmt(ms)} ms (${fmt(ms / crypto, 2)}× the crypto)`;
  const floorSqlite = crypto + fastify + sqlite.raw;
  const floorPg = crypto + fastify + postgres;
  return [
    { name: 'server crypto per verification (2 SM2 verify, 1 SM2 sign, 6 SM4 seal/open, 8 HMAC-SM3)', value: `${fmt(crypto)} ms` },
    { name: `4 exchanges, Fastify answering only (server CPU; ${count} verifications' worth, 8 in flight)`, value: x(fastify) },
    { name: '4 exchanges, bare node:http answering only', value: x(bare) },
    { name: `${STATEMENTS} statements, SQLite, better-sqlite3 prepared (${READS} reads, ${WRITES} updates by primary key)`, value: x(sqlite.raw) },
    { name: `${STATEMENTS} statements, SQLite, through Kysely`, value: x(sqlite.kysely) },
    { name: `${STATEMENTS} statements, PostgreSQL, pg named prepared (client CPU)`, value: x(postgres) },
    { name: 'floor on SQLite: crypto + Fastify exchanges + raw statements', value: `${fmt(floorSqlite)} ms = ${fmt(floorSqlite / crypto, 2)}× the crypto (target ≤ 1.5×)` },
    { name: 'floor on PostgreSQL: crypto + Fastify exchanges + pg statements', value: `${fmt(floorPg)} ms = ${fmt(floorPg / crypto, 2)}× the crypto (target ≤ 1.5×)` },
  ];
}
