/**
 * Whole-database dumps for the "no plaintext at rest" checks.
 * - SQLite: the database file and its -wal as raw bytes, and every row of every table with
 *   values as text (blobs as `\x`-hex, like PostgreSQL's bytea).
 * - PostgreSQL: every row of every table in the schema as `SELECT t::text FROM table t`, and
 *   `pg_dump --schema` when pg_dump is on PATH.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import pg from 'pg';
import type { Haystack } from './plaintext.ts';

const run = promisify(execFile);

export function sqliteFiles(path: string, label: string): Haystack[] {
  return [path, `${path}-wal`, `${path}-journal`]
    .filter((f) => existsSync(f))
    .map((f) => ({ where: `${label} ${f.slice(path.length) || 'db'} file`, data: readFileSync(f) }));
}

export function sqliteCheckpoint(path: string): void {
  const db = new Database(path);
  try {
    db.pragma('wal_checkpoint(TRUNCATE)');
  } finally {
    db.close();
  }
}

export function sqliteRows(path: string): Haystack[] {
  const db = new Database(path, { readonly: true });
  try {
    const tables = db.prepare(`select name from sqlite_master where type = 'table'`).all() as { name: string }[];
    return tables.map(({ name }) => {
      const rows = db.prepare(`select * from "${name}"`).raw(true).all() as unknown[][];
      const text = rows
        .map((r) => r.map((v) => (Buffer.isBuffer(v) ? `\\x${v.toString('hex')}` : v === null ? 'NULL' : String(v))).join('|'))
        .join('\n');
      return { where: `sqlite table ${name}`, data: text };
    });
  } finally {
    db.close();
  }
}

export async function postgresRows(url: string, schema: string): Promise<Haystack[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows: tables } = await client.query<{ table_name: string }>(
      `select table_name from information_schema.tables where table_schema = $1 and table_type = 'BASE TABLE'`,
      [schema],
    );
    const out: Haystack[] = [];
    for (const { table_name } of tables) {
      const { rows } = await client.query<{ t: string }>(`select t::text as t from "${schema}"."${table_name}" t`);
      out.push({ where: `postgres table ${table_name}`, data: rows.map((r) => r.t).join('\n') });
    }
    return out;
  } finally {
    await client.end();
  }
}

export async function hasPgDump(): Promise<boolean> {
  try {
    await run('pg_dump', ['--version']);
    return true;
  } catch {
    return false;
  }
}

export async function pgDump(url: string, schema: string): Promise<Haystack> {
  const { stdout } = await run('pg_dump', ['--dbname', url, '--schema', schema, '--no-owner'], { maxBuffer: 512 * 1024 * 1024 });
  return { where: 'pg_dump', data: stdout };
}

/**
 * Everything a database holds, as haystacks: on SQLite the live files (WAL included), every
 * row, and the files again after a checkpoint; on PostgreSQL every row and, when pg_dump is on
 * PATH, the schema's dump.
 */
export async function wholeDump(cfg: { engine: 'sqlite'; path: string } | { engine: 'postgres'; url: string; schema?: string }): Promise<Haystack[]> {
  if (cfg.engine === 'sqlite') {
    const out = [...sqliteFiles(cfg.path, 'live'), ...sqliteRows(cfg.path)];
    sqliteCheckpoint(cfg.path);
    return [...out, ...sqliteFiles(cfg.path, 'checkpointed')];
  }
  const out = await postgresRows(cfg.url, cfg.schema as string);
  if (await hasPgDump()) out.push(await pgDump(cfg.url, cfg.schema as string));
  return out;
}
