import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { connect } from '../../src/store/dialect.ts';
import { MIGRATIONS, MIGRATION_TABLE, migrateUpTo } from '../../src/store/migrations/index.ts';
import { newId, type StoreConfig } from '../../src/store/index.ts';
import { describeEachEngine } from '../support/engines.ts';
import { fakeNetid } from '../support/people.ts';

const CHILD = fileURLToPath(new URL('../support/open-store-child.ts', import.meta.url));
const ALL = MIGRATIONS.map(([name]) => name);

const FOUNDATION_TABLES = ['blind_indexes', 'consents', 'counters', 'credentials', 'devices', 'events', 'persons'];
const TABLES = [...FOUNDATION_TABLES, 'enrollments', 'passphrases', 'relying_parties', 'rp_events', 'rp_assertion_jtis'];

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

  it('creates every table: 0001 foundation, 0002 enrollment, 0003 relying parties', async () => {
    const cfg = await engine.freshConfig();
    await engine.open(cfg);
    const tables = await listTables(cfg);
    for (const t of TABLES) expect(tables).toContain(t);
  });

  it('0002 on a database already at 0001: applied at open, additive (the 0001 rows stay and link to the new tables)', async () => {
    const cfg = await engine.freshConfig();
    // The database as the previous release left it: 0001 only, with a person and a counter.
    const conn = await connect(cfg);
    const personId = newId();
    try {
      expect(await migrateUpTo(conn, '0001_foundation')).toEqual(['0001_foundation']);
      await conn.db
        .insertInto('persons')
        .values({
          id: personId,
          netid: fakeNetid(),
          netid_attempt: 0,
          person_index: randomBytes(32),
          person_index_key_id: 'bidx-1',
          wrapped_dek: randomBytes(46),
          kek_id: 'kek-1',
          profile: randomBytes(80),
          status: 'active',
          created_at: 1,
          updated_at: 1,
        })
        .execute();
      await conn.db.insertInto('counters').values({ name: 'enrollment.abandoned', value: 7 }).execute();
    } finally {
      await conn.db.destroy();
    }
    const before = await listTables(cfg);
    for (const t of FOUNDATION_TABLES) expect(before).toContain(t);
    expect(before).not.toContain('enrollments');
    expect(before).not.toContain('passphrases');

    const store = await engine.open(cfg);
    expect(store.migrationsApplied).toEqual(ALL.slice(1));
    expect((await store.persons.findById(personId))?.id).toBe(personId);
    expect(await store.counters.get('enrollment.abandoned')).toBe(7);
    await store.passphrases.set(personId, '$argon2id$v=19$m=1024,t=1,p=1$c29tZXNhbHRzb21lc2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaA');
    expect((await store.passphrases.find(personId))?.failures).toBe(0);
    expect(await store.enrollments.count()).toBe(0);
    const rows = await rawSelect(cfg, `select name from ${MIGRATION_TABLE} order by name`);
    expect(rows.map((r) => r.name)).toEqual(ALL);
  });

  it('0002 names its indexes: enrollments_expires_at_idx, and the unique approval-code constraint', async () => {
    const cfg = await engine.freshConfig();
    await engine.open(cfg);
    const names = await listIndexes(cfg, 'enrollments');
    expect(names).toContain('enrollments_expires_at_idx');
    // SQLite implements a named UNIQUE constraint with an automatic index of its own name; the
    // constraint's name appears in the table's SQL (and in conflict details, tested elsewhere).
    if (cfg.engine === 'postgres') expect(names).toContain('enrollments_approval_code_hash_key');
    else {
      const [table] = await rawSelect(cfg, `select sql from sqlite_master where type = 'table' and name = 'enrollments'`);
      expect(String(table?.sql)).toMatch(/constraint "enrollments_approval_code_hash_key" unique \("approval_code_hash"\)/);
    }
  });

  it('0003 on a database already at 0002: applied at open, additive (the 0002 rows stay)', async () => {
    const cfg = await engine.freshConfig();
    const conn = await connect(cfg);
    const enrollmentId = newId();
    try {
      expect(await migrateUpTo(conn, '0002_enrollment')).toEqual(['0001_foundation', '0002_enrollment']);
      await conn.db
        .insertInto('enrollments')
        .values({
          id: enrollmentId,
          token_hash: randomBytes(32),
          state: 'chip',
          nonce_hash: randomBytes(32),
          nonce_expires_at: 1,
          expires_at: 2,
          kek_id: 'kek-1',
          wrapped_dek: randomBytes(46),
          sealed: randomBytes(64),
          approval_code_hash: null,
          created_at: 1,
          updated_at: 1,
        })
        .execute();
    } finally {
      await conn.db.destroy();
    }
    expect(await listTables(cfg)).not.toContain('relying_parties');
    const store = await engine.open(cfg);
    // Everything after 0002, in order (0003 onwards).
    expect(store.migrationsApplied).toEqual(ALL.slice(ALL.indexOf('0003_relying_parties')));
    expect(store.migrationsApplied.slice(0, 4)).toEqual(['0003_relying_parties', '0004_verifications', '0005_reverification', '0006_oidc']);
    expect((await store.enrollments.findById(enrollmentId))?.state).toBe('chip');
    expect(await store.relyingParties.list()).toEqual([]);
    const tables = await listTables(cfg);
    for (const t of ['relying_parties', 'rp_events', 'rp_assertion_jtis']) expect(tables).toContain(t);
  });

  it('0003 names its indexes', async () => {
    const cfg = await engine.freshConfig();
    await engine.open(cfg);
    expect(await listIndexes(cfg, 'relying_parties')).toEqual(expect.arrayContaining(['relying_parties_status_created_idx', 'relying_parties_sector_idx']));
    expect(await listIndexes(cfg, 'rp_events')).toContain('rp_events_client_created_idx');
    expect(await listIndexes(cfg, 'rp_assertion_jtis')).toContain('rp_assertion_jtis_expires_at_idx');
  });

  it('the migrator looks only at its own schema: another schema dropped meanwhile (a parallel test, another application) cannot fail start-up', async () => {
    const cfg = await engine.freshConfig();
    await engine.open(cfg);
    const conn = await connect(cfg);
    try {
      const tables = await conn.db.introspection.getTables({ withInternalKyselyTables: true });
      expect(tables.map((t) => t.name)).toEqual(expect.arrayContaining([MIGRATION_TABLE, 'persons', 'relying_parties']));
      if (cfg.engine === 'postgres') expect(new Set(tables.map((t) => t.schema))).toEqual(new Set([cfg.schema]));
    } finally {
      await conn.db.destroy();
    }
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

async function listIndexes(cfg: StoreConfig, table: string): Promise<string[]> {
  const rows =
    cfg.engine === 'sqlite'
      ? await rawSelect(cfg, `select name from sqlite_master where type = 'index' and tbl_name = '${table}'`)
      : await rawSelect(cfg, `select indexname as name from pg_indexes where schemaname = '${cfg.schema}' and tablename = '${table}'`);
  return rows.map((r) => String(r.name));
}
