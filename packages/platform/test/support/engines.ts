/**
 * Every store test runs against both engines (kysely's practice): `describeEachEngine(title,
 * body)` declares the suite once per engine, named `title [sqlite]` and `title [postgres]`.
 *
 * - SQLite: a fresh file in a fresh temp directory per `freshConfig()`, removed after the suite.
 * - PostgreSQL: `WZ_TEST_PG_URL` (default postgres://postgres@127.0.0.1:5432/test), a fresh
 *   random schema per `freshConfig()` (the server is shared with parallel test files), dropped
 *   after the suite. If the server is unreachable the suite FAILS with a message saying how to
 *   start it. There is no way to skip the PostgreSQL variants: a store change is tested on both.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe } from 'vitest';
import { openStore, type OpenStoreOptions, type Store, type StoreConfig } from '../../src/store/index.ts';

export type EngineName = StoreConfig['engine'];

export interface TestEngine {
  readonly name: EngineName;
  /** A config for a new, empty database; cleaned up after the suite. */
  freshConfig(): Promise<StoreConfig>;
  /** `openStore` on a new, empty database; closed after the suite. */
  openFresh(opts?: OpenStoreOptions): Promise<Store>;
  /** `openStore` on an existing config; closed after the suite. */
  open(cfg: StoreConfig, opts?: OpenStoreOptions): Promise<Store>;
}

export const PG_URL = process.env.WZ_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** host:port/database only: never print a password. */
export function redactedPgUrl(url: string = PG_URL): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || '5432'}${u.pathname}`;
  } catch {
    return '(unparseable WZ_TEST_PG_URL)';
  }
}

export function describeEachEngine(title: string, body: (engine: TestEngine) => void): void {
  describe(`${title} [sqlite]`, () => body(sqliteEngine()));
  describe(`${title} [postgres]`, () => body(postgresEngine()));
}

function tracked(name: EngineName, makeConfig: () => Promise<StoreConfig>): TestEngine {
  const stores: Store[] = [];
  afterAll(async () => {
    for (const s of stores.splice(0)) await s.close();
  });
  const engine: TestEngine = {
    name,
    freshConfig: makeConfig,
    async open(cfg, opts) {
      // The development assertion is on in every test (OpenStoreOptions.checkTransactions).
      const s = await openStore(cfg, { checkTransactions: true, ...opts });
      stores.push(s);
      return s;
    },
    async openFresh(opts) {
      return engine.open(await makeConfig(), opts);
    },
  };
  return engine;
}

function sqliteEngine(): TestEngine {
  const dirs: string[] = [];
  // Registered before tracked()'s afterAll: vitest runs afterAll hooks in reverse, so stores
  // close first and the files go after.
  afterAll(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  return tracked('sqlite', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wz-store-'));
    dirs.push(dir);
    return { engine: 'sqlite', path: join(dir, 'wangzheng.db') };
  });
}

function postgresEngine(): TestEngine {
  const schemas: string[] = [];
  beforeAll(async () => {
    await assertPgReachable();
  });
  afterAll(async () => {
    if (schemas.length === 0) return;
    const client = new pg.Client({ connectionString: PG_URL });
    await client.connect();
    try {
      for (const s of schemas.splice(0)) await client.query(`drop schema if exists "${s}" cascade`);
    } finally {
      await client.end();
    }
  });
  return tracked('postgres', async () => {
    const schema = `wz_test_${randomBytes(6).toString('hex')}`;
    schemas.push(schema);
    return { engine: 'postgres', url: PG_URL, schema, poolSize: 4 };
  });
}

let reachable: Promise<void> | undefined;

/** Fails loudly (never skips) when PostgreSQL is down. */
export function assertPgReachable(): Promise<void> {
  reachable ??= (async () => {
    let client = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 5_000 });
    try {
      try {
        await client.connect();
      } catch (e) {
        // A fresh cluster has no test database yet: create it, once.
        if ((e as { code?: string }).code !== '3D000') throw e;
        await createTestDatabase();
        client = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 5_000 });
        await client.connect();
      }
      await client.query('select 1');
    } catch (e) {
      const code = (e as { code?: string }).code ?? (e as Error).message;
      throw new Error(
        `PostgreSQL at ${redactedPgUrl()} is unreachable (${code}). The store tests run against both engines: ` +
          'start PostgreSQL (see shared/STACK.md, "Services") or point WZ_TEST_PG_URL at one.',
      );
    } finally {
      await client.end().catch(() => {});
    }
  })();
  return reachable;
}

async function createTestDatabase(): Promise<void> {
  const url = new URL(PG_URL);
  const name = decodeURIComponent(url.pathname.slice(1));
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(name)) throw new Error('WZ_TEST_PG_URL names a database that is not a plain identifier');
  url.pathname = '/postgres';
  const admin = new pg.Client({ connectionString: url.toString(), connectionTimeoutMillis: 5_000 });
  await admin.connect();
  try {
    await admin.query(`create database "${name}"`);
  } catch (e) {
    if ((e as { code?: string }).code !== '42P04') throw e; // created meanwhile by a parallel test file
  } finally {
    await admin.end();
  }
}
