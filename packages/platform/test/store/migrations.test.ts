import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { MIGRATIONS, MIGRATION_TABLE } from '../../src/store/migrations/index.ts';
import type { StoreConfig } from '../../src/store/index.ts';
import { describeEachEngine } from '../support/engines.ts';

const CHILD = fileURLToPath(new URL('../support/open-store-child.ts', import.meta.url));
const ALL = MIGRATIONS.map(([name]) => name);

const TABLES = ['blind_indexes', 'consents', 'counters', 'credentials', 'devices', 'events', 'persons'];

function openInChild(cfg: StoreConfig): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, JSON.stringify(cfg)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(JSON.parse(out) as string[]) : reject(new Error(`child exited ${code}: ${err.slice(-2000)}`))));
  });
}

it('migration names are zero-padded, unique and listed in the order they sort', () => {
  expect(ALL.every((n) => /^\d{4}_[a-z0-9_]+$/.test(n))).toBe(true);
  expect([...ALL].sort()).toEqual(ALL);
  expect(new Set(ALL).size).toBe(ALL.length);
});

describeEachEngine('migrations run at start-up, in order, once', (engine) => {
  it('a new database gets every migration, in list order', async () => {
    const store = await engine.openFresh();
    expect(store.migrationsApplied).toEqual(ALL);
  });

  it('opening again applies nothing (idempotent) and keeps the data', async () => {
    const cfg = await engine.freshConfig();
    const first = await engine.open(cfg);
    await first.counters.increment('probe');
    await first.close();
    const second = await engine.open(cfg);
    expect(second.migrationsApplied).toEqual([]);
    expect(await second.counters.get('probe')).toBe(1);
  });

  it('records applied migrations in wz_migration, in order', async () => {
    const cfg = await engine.freshConfig();
    const store = await engine.open(cfg);
    expect(store.migrationsApplied).toEqual(ALL);
    // Read through a second store's Kysely-free path: the migration table is plain SQL.
    const rows = await rawSelect(cfg, `select name from ${MIGRATION_TABLE} order by timestamp, name`);
    expect(rows.map((r) => r.name)).toEqual(ALL);
  });

  it('creates the foundation tables', async () => {
    const cfg = await engine.freshConfig();
    await engine.open(cfg);
    const tables = await listTables(cfg);
    for (const t of TABLES) expect(tables).toContain(t);
  });

  it('two processes starting at once: one migrates, the other finds the schema current', async () => {
    const cfg = await engine.freshConfig();
    const [a, b] = await Promise.all([openInChild(cfg), openInChild(cfg)]);
    expect([a, b].map((r) => r.length).sort()).toEqual([0, ALL.length]);
    expect([...a, ...b]).toEqual(ALL);
  });
});

async function rawSelect(cfg: StoreConfig, query: string): Promise<Record<string, unknown>[]> {
  if (cfg.engine === 'sqlite') {
    const { default: Database } = await import('better-sqlite3');
    const db = new Database(cfg.path, { readonly: true });
    try {
      return db.prepare(query).all() as Record<string, unknown>[];
    } finally {
      db.close();
    }
  }
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: cfg.url, options: `-c search_path=${cfg.schema}` });
  await client.connect();
  try {
    return (await client.query(query)).rows as Record<string, unknown>[];
  } finally {
    await client.end();
  }
}

async function listTables(cfg: StoreConfig): Promise<string[]> {
  const rows =
    cfg.engine === 'sqlite'
      ? await rawSelect(cfg, `select name from sqlite_master where type = 'table'`)
      : await rawSelect(cfg, `select table_name as name from information_schema.tables where table_schema = '${cfg.schema}'`);
  return rows.map((r) => String(r.name));
}
