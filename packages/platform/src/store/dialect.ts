/**
 * The one place where SQLite and PostgreSQL differ. Everything above this file speaks Kysely
 * and the engine-neutral value types of `schema.ts`; nothing else imports a driver.
 *
 * - SQLite (better-sqlite3): one connection per process, WAL, synchronous=NORMAL (durable
 *   across a process crash; the last transactions may be lost on power loss), foreign keys on,
 *   busy_timeout for other processes, secure_delete so deleted rows (a shredded data key) are
 *   zeroed in the file rather than left in free pages. Transactions start with BEGIN IMMEDIATE
 *   so a read-then-write transaction never fails half-way with SQLITE_BUSY, and DDL runs inside
 *   transactions (SQLite supports it): migrations are atomic and serialised across processes.
 * - PostgreSQL (pg Pool): an optional schema becomes the connection's search_path; BIGINT is
 *   parsed to a JS number (epoch milliseconds and counters stay far below 2^53). While the
 *   server is away (restart, failover, network) every call fails fast as `store_unavailable`
 *   (503 with `Retry-After`): a connection is given up after PG_CONNECT_TIMEOUT_MS, a
 *   connection lost mid-query is discarded, never reused, and never crashes the process; the
 *   pool reconnects by itself once the server is back (docs/reliability.md, "PostgreSQL outage").
 */
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import {
  CompiledQuery,
  sql,
  type CreateTableBuilder,
  Kysely,
  PostgresDialect,
  SqliteAdapter,
  SqliteDialect,
  SqliteDriver,
  type DatabaseConnection,
  type DatabaseIntrospector,
  type DialectAdapter,
  type Driver,
  PostgresIntrospector,
  type PostgresPool,
  type PostgresPoolClient,
  type SchemaMetadata,
  type SqliteDatabase,
  type TableMetadata,
} from 'kysely';
import { isStalePlan, PreparedNames } from './pg-prepared.ts';
import { WzError } from '@wangzheng/core/errors';
import type { Database } from './schema.ts';

export type StoreConfig =
  | { engine: 'sqlite'; path: string }
  | { engine: 'postgres'; url: string; schema?: string; poolSize?: number; preparedStatements?: boolean };

export type Engine = StoreConfig['engine'];

/** SQL type names that differ between the engines; migrations use these, never literals. */
export interface ColumnTypes {
  /** Random UUID as text. */
  readonly id: 'text' | 'uuid';
  readonly text: 'text';
  readonly int: 'integer';
  /** Integer epoch milliseconds, counters. */
  readonly bigint: 'integer' | 'bigint';
  readonly bytes: 'blob' | 'bytea';
}

/** What a migration gets besides the Kysely instance. */
export interface MigrationDialect extends ColumnTypes {
  /** Applied to every CREATE TABLE: SQLite tables are STRICT (a BLOB column rejects text). */
  tableOptions<B extends CreateTableBuilder<string, never>>(builder: B): B;
}

export const MIGRATION_DIALECTS: Record<Engine, MigrationDialect> = {
  sqlite: {
    id: 'text',
    text: 'text',
    int: 'integer',
    bigint: 'integer',
    bytes: 'blob',
    tableOptions: (b) => b.modifyEnd(sql`strict`) as typeof b,
  },
  postgres: { id: 'uuid', text: 'text', int: 'integer', bigint: 'bigint', bytes: 'bytea', tableOptions: (b) => b },
};

export interface Connected {
  readonly engine: Engine;
  readonly db: Kysely<Database>;
  readonly migration: MigrationDialect;
  /** Schema of the migration tables (PostgreSQL with `schema` only). */
  readonly schema: string | undefined;
}

const BUSY_TIMEOUT_MS = 5_000;
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

export async function connect(cfg: StoreConfig): Promise<Connected> {
  if (cfg.engine === 'sqlite') return connectSqlite(cfg.path);
  if (cfg.engine === 'postgres') return connectPostgres(cfg);
  throw new TypeError(`unknown store engine: ${String((cfg as { engine?: unknown }).engine)}`);
}

// ---------------------------------------------------------------- SQLite

class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

class TransactionalDdlSqliteAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true;
  }
}

/**
 * Kysely's SQLite driver prepares every statement anew; preparing costs more than running a
 * primary-key select. This facade keeps prepared statements by SQL text (bounded: the store's
 * queries are a small fixed set). Safe because better-sqlite3 statements are reusable and the
 * driver never streams (an iterating statement could not be shared).
 */
const STATEMENT_CACHE_MAX = 512;

function cachingDatabase(db: BetterSqlite3.Database): SqliteDatabase {
  const cache = new Map<string, BetterSqlite3.Statement>();
  return {
    prepare(sqlText: string) {
      let stmt = cache.get(sqlText);
      if (stmt === undefined) {
        if (cache.size >= STATEMENT_CACHE_MAX) cache.clear();
        stmt = db.prepare(sqlText);
        cache.set(sqlText, stmt);
      }
      return stmt;
    },
    close() {
      cache.clear();
      db.close();
    },
  };
}

class WangzhengSqliteDialect extends SqliteDialect {
  readonly #database: SqliteDatabase;
  constructor(database: BetterSqlite3.Database) {
    const cached = cachingDatabase(database);
    super({ database: cached });
    this.#database = cached;
  }
  override createDriver(): Driver {
    return new ImmediateSqliteDriver({ database: this.#database });
  }
  override createAdapter(): DialectAdapter {
    return new TransactionalDdlSqliteAdapter();
  }
}

/**
 * The database holds sealed personal data and digests: owner-only (0600, directories we create
 * 0700), whatever the umask. SQLite gives its `-wal` and `-shm` files the database file's mode,
 * so creating that file first is enough. A database (or a journal left by a crash) found with
 * another mode is set to 0600 — deliberately, and documented in docs/store.md.
 */
function ensurePrivateDbFile(path: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  closeSync(openSync(path, 'a', 0o600));
  for (const f of [path, `${path}-wal`, `${path}-shm`, `${path}-journal`]) {
    if (existsSync(f) && (statSync(f).mode & 0o777) !== 0o600) chmodSync(f, 0o600);
  }
}

function connectSqlite(path: string): Connected {
  if (typeof path !== 'string' || path.length === 0) throw new TypeError('sqlite store needs a path');
  let database: BetterSqlite3.Database;
  try {
    if (path !== ':memory:') ensurePrivateDbFile(path);
    database = new BetterSqlite3(path);
  } catch (cause) {
    throw new WzError('store_unavailable', 'the database cannot be opened', { detail: errorCode(cause), cause });
  }
  database.pragma('journal_mode = WAL');
  database.pragma('synchronous = NORMAL');
  database.pragma('foreign_keys = ON');
  database.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  database.pragma('secure_delete = ON');
  const db = new Kysely<Database>({ dialect: new WangzhengSqliteDialect(database) });
  return { engine: 'sqlite', db, migration: MIGRATION_DIALECTS.sqlite, schema: undefined };
}

// ---------------------------------------------------------------- PostgreSQL

const PG_INT8 = 20;

function parseInt8(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new WzError('internal_error', 'a stored integer is out of range');
  return n;
}

const pgTypes = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === PG_INT8 && format !== 'binary' ? parseInt8 : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
};

/**
 * Kysely's PostgreSQL introspector reads every table of the whole database and, for each
 * column, calls `pg_get_serial_sequence('schema.table', …)` — which raises 3F000 ("schema does
 * not exist") when another process drops some other schema meanwhile (parallel test files drop
 * theirs; a shared database may hold other applications'). The Migrator only asks whether its
 * own two tables exist, so this introspector looks at the connection's current schema alone.
 */
class CurrentSchemaIntrospector implements DatabaseIntrospector {
  readonly #db: Kysely<unknown>;
  readonly #schemas: PostgresIntrospector;

  constructor(db: Kysely<unknown>) {
    this.#db = db;
    this.#schemas = new PostgresIntrospector(db);
  }

  getSchemas(): Promise<SchemaMetadata[]> {
    return this.#schemas.getSchemas();
  }

  async getTables(): Promise<TableMetadata[]> {
    const { rows } = await sql<{ table: string; schema: string; column: string; type: string; not_null: boolean; has_default: boolean; is_view: boolean }>`
      select c.relname as "table", ns.nspname as "schema", a.attname as "column", t.typname as "type",
             a.attnotnull as not_null, a.atthasdef as has_default, c.relkind = 'v' as is_view
      from pg_catalog.pg_class c
      join pg_catalog.pg_namespace ns on ns.oid = c.relnamespace
      join pg_catalog.pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
      join pg_catalog.pg_type t on t.oid = a.atttypid
      where ns.nspname = current_schema() and c.relkind in ('r', 'v', 'p')
      order by c.relname, a.attnum`.execute(this.#db);
    const tables = new Map<string, { name: string; schema: string; isView: boolean; columns: TableMetadata['columns'][number][] }>();
    for (const r of rows) {
      let table = tables.get(r.table);
      if (!table) {
        table = { name: r.table, schema: r.schema, isView: r.is_view, columns: [] };
        tables.set(r.table, table);
      }
      table.columns.push({ name: r.column, dataType: r.type, isAutoIncrementing: false, isNullable: !r.not_null, hasDefaultValue: r.has_default });
    }
    return [...tables.values()];
  }

  async getMetadata(): Promise<{ tables: TableMetadata[] }> {
    return { tables: await this.getTables() };
  }
}

class WangzhengPostgresDialect extends PostgresDialect {
  override createIntrospector(db: Kysely<unknown>): DatabaseIntrospector {
    return new CurrentSchemaIntrospector(db);
  }
}

async function connectPostgres(cfg: { url: string; schema?: string; poolSize?: number; preparedStatements?: boolean }): Promise<Connected> {
  if (typeof cfg.url !== 'string' || cfg.url.length === 0) throw new TypeError('postgres store needs a url');
  const schema = cfg.schema;
  if (schema !== undefined && !SCHEMA_NAME.test(schema)) {
    throw new TypeError('postgres schema name must match /^[a-z_][a-z0-9_]{0,62}$/');
  }
  const pool = new pg.Pool({
    connectionString: cfg.url,
    max: cfg.poolSize ?? 10,
    types: pgTypes,
    // Waiting for a connection (a new one, or a free one of the pool) is bounded: while the
    // server is away a request fails within this time instead of queueing forever.
    connectionTimeoutMillis: PG_CONNECT_TIMEOUT_MS,
    // TCP keepalive: a server that vanished without closing the socket is noticed eventually.
    keepAlive: true,
    ...(schema === undefined ? {} : { options: `-c search_path=${schema}` }),
  });
  // An idle client that loses its connection emits 'error' on the pool; without a listener
  // that would crash the process. The pool discards the client; the next query reconnects.
  pool.on('error', () => {});
  // Before the first connection: every client the pool makes gets its listener.
  const lost = watchClients(pool);
  try {
    const client = await pool.connect();
    try {
      if (schema !== undefined) await createSchemaIfMissing(client, schema);
    } finally {
      client.release();
    }
  } catch (cause) {
    await pool.end().catch(() => {});
    // Never echo the URL: it may carry a password.
    throw new WzError('store_unavailable', 'the database is unreachable', { detail: errorCode(cause), cause });
  }
  const prepared = cfg.preparedStatements === false ? undefined : new PreparedNames();
  const db = new Kysely<Database>({ dialect: new WangzhengPostgresDialect({ pool: outageSafePool(pool, lost, prepared) }) });
  return { engine: 'postgres', db, migration: MIGRATION_DIALECTS.postgres, schema };
}

/** How long a caller waits for a PostgreSQL connection before `store_unavailable`. */
export const PG_CONNECT_TIMEOUT_MS = 3_000;
/** `Retry-After` (seconds) of a `store_unavailable` answer: about what a PostgreSQL restart takes. */
export const STORE_RETRY_AFTER_S = 2;

/** The database is away: 503 with `Retry-After`. The detail is a driver code, never a URL or a value. */
export function storeUnavailable(cause: unknown, detail = errorCode(cause) ?? 'connection lost'): WzError {
  return new WzError('store_unavailable', 'the database is unavailable', { detail, cause, retryAfterS: STORE_RETRY_AFTER_S });
}

/** Listens to every client the pool makes; the set holds those whose connection died. */
function watchClients(pool: pg.Pool): WeakSet<pg.PoolClient> {
  const lost = new WeakSet<pg.PoolClient>();
  pool.on('connect', (client) => {
    const mark = (): void => void lost.add(client);
    client.on('error', mark);
    client.on('end', mark);
  });
  return lost;
}

/**
 * The pool as Kysely sees it, made safe for a server that goes away:
 * - failing to get a connection (refused, timed out, the server starting up or shutting down)
 *   is `store_unavailable`, whatever the driver's error looks like;
 * - a client checked out of the pool (inside a transaction, between two statements) whose
 *   connection dies emits 'error' on the client, where the pool listens only while it is idle:
 *   unheard, that event would crash the process. Every client gets a listener when it is made;
 *   the client is marked lost, and any query that fails on a lost client is `store_unavailable`
 *   (pg's own errors for it, "Connection terminated unexpectedly" and "… not queryable", carry
 *   no SQLSTATE). A lost client is released with an error, so the pool destroys it.
 * A transaction cut off this way was never committed (PostgreSQL rolls it back) and its caller
 * gets the error: nothing reports success for it. One whose COMMIT was sent but whose answer
 * was lost is reported as failed although it may have committed — the safe side.
 */
function outageSafePool(pool: pg.Pool, lost: WeakSet<pg.PoolClient>, prepared?: PreparedNames): PostgresPool {
  const clients = new WeakMap<pg.PoolClient, PostgresPoolClient>();
  const wrap = (client: pg.PoolClient): PostgresPoolClient => {
    let w = clients.get(client);
    if (w === undefined) {
      w = {
        // (No cursor overload: the store never streams.)
        query: (async (text: string, params: readonly unknown[]) => {
          const name = prepared?.nameOf(text); // pg-prepared.ts
          try {
            return await client.query(name === undefined ? { text, values: params as unknown[] } : { name, text, values: params as unknown[] });
          } catch (e) {
            if (lost.has(client)) throw storeUnavailable(e);
            if (name === undefined || !isStalePlan(e)) throw e;
            prepared!.forget(text);
            return await client.query(text, params as unknown[]);
          }
        }) as unknown as PostgresPoolClient['query'],
        release: () => client.release(lost.has(client) ? new Error('connection lost') : undefined),
      };
      clients.set(client, w);
    }
    return w;
  };
  return {
    async connect() {
      try {
        return wrap(await pool.connect());
      } catch (e) {
        throw storeUnavailable(e);
      }
    },
    end: () => pool.end(),
  };
}

async function createSchemaIfMissing(client: pg.PoolClient, schema: string): Promise<void> {
  try {
    await client.query(`create schema if not exists "${schema}"`);
  } catch (e) {
    // Two processes creating the same schema at once: one of them loses on the catalog's
    // unique index; the schema exists either way.
    if (pgCode(e) !== '23505' && pgCode(e) !== '42P06') throw e;
  }
}

// ---------------------------------------------------------------- values and errors

/** Bytes in: both drivers take a Buffer; a plain Uint8Array is viewed as one without copying. */
export function toDbBytes(bytes: Uint8Array): Buffer {
  if (!(bytes instanceof Uint8Array)) throw new TypeError('expected a Uint8Array');
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

export type DbFault = 'unique' | 'foreign_key' | 'unavailable' | 'other';

/** Classifies a driver error without reading its message text (which may quote values). */
export function classifyDbError(e: unknown): DbFault {
  const code = errorCode(e);
  if (code === undefined) return 'other';
  // PostgreSQL SQLSTATE
  if (code === '23505') return 'unique';
  if (code === '23503') return 'foreign_key';
  if (code.startsWith('08') || code === '57P01' || code === '57P03' || code === '53300') return 'unavailable';
  // better-sqlite3 extended result codes
  if (code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY') return 'unique';
  if (code === 'SQLITE_CONSTRAINT_FOREIGNKEY') return 'foreign_key';
  if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED' || code === 'SQLITE_CANTOPEN') return 'unavailable';
  // node network errors
  if (code === 'ECONNREFUSED' || code === 'ECONNRESET' || code === 'ETIMEDOUT' || code === 'ENOTFOUND') return 'unavailable';
  return 'other';
}

/**
 * Which constraint failed, as `table.column` or a constraint name: safe for logs. PostgreSQL's
 * own message and `detail` quote the conflicting value (a netid, a digest), so they are never used.
 */
export function constraintOf(e: unknown): string | undefined {
  if (typeof e !== 'object' || e === null) return undefined;
  const rec = e as { constraint?: unknown; table?: unknown; code?: unknown; message?: unknown };
  if (typeof rec.constraint === 'string') return rec.constraint;
  if (typeof rec.code === 'string' && rec.code.startsWith('SQLITE_CONSTRAINT') && typeof rec.message === 'string') {
    // "UNIQUE constraint failed: persons.netid" — names only, never values.
    const m = /constraint failed: ([\w., ]+)$/.exec(rec.message);
    if (m?.[1] !== undefined) return m[1];
    return rec.code;
  }
  return undefined;
}

function errorCode(e: unknown): string | undefined {
  if (typeof e !== 'object' || e === null) return undefined;
  const code = (e as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

function pgCode(e: unknown): string | undefined {
  return errorCode(e);
}
