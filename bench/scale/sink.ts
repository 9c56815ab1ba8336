/**
 * Where a batch goes: one transaction per batch on either engine, with the generator's own
 * bookkeeping (`bench_scale`: seed, next population index, people written) updated in the same
 * transaction — so a batch is either all there, bookkeeping included, or not at all, and a rerun
 * continues from the last committed one (no duplicates, no half batches).
 *
 * The platform's schema is made by `openStore` itself (its migrations) before the sink opens;
 * the sink then writes with the driver directly: PostgreSQL one statement per batch (every table's
 * `INSERT … SELECT FROM unnest($1::uuid[], …)` as a data-modifying CTE), SQLite prepared statements
 * inside `BEGIN IMMEDIATE`. On PostgreSQL the generator builds the next batch while one is written.
 * `bench_scale` is the generator's, not the platform's: the platform never reads it.
 */
import Database from 'better-sqlite3';
import pg from 'pg';
import type { StoreConfig } from '@wangzheng/platform/store/index';
import type { Batch, Columns } from './rows.ts';

export interface Meta {
  readonly seed: string;
  /** The next population index to look at. */
  readonly nextIndex: number;
  /** People written so far. */
  readonly people: number;
}

export interface Sink {
  /** The bookkeeping, or undefined when this database was never generated into. */
  meta(): Promise<Meta | undefined>;
  /** Starts the bookkeeping: refused (unless `into`) when the database already holds people. */
  begin(seed: string, into: boolean): Promise<void>;
  /**
   * Records the keys' fingerprint on the first run; afterwards, whether it is the same (a rerun
   * with another data directory would seal with other keys, unreadable to the platform).
   */
  sameKeys(fingerprint: string): Promise<boolean>;
  /** `status_list.open` as stored, and the positions taken in that list. */
  openStatusList(): Promise<{ stored: number; taken: number[] }>;
  netidsTaken(candidates: string[]): Promise<Set<string>>;
  /** Which of these person indexes (hex) are already enrolled: with --into, someone may be. */
  personsEnrolled(digests: Uint8Array[]): Promise<Set<string>>;
  /** One batch and the bookkeeping after it, all or nothing. One write at a time; the reads above may run meanwhile. */
  write(b: Batch, next: Meta): Promise<void>;
  close(): Promise<void>;
}

/** Column types for PostgreSQL's unnest (the migrations' types). */
const PG_TYPES: Record<string, Record<string, string>> = {
  persons: { id: 'uuid', netid: 'text', netid_attempt: 'int', person_index: 'bytea', person_index_key_id: 'text', wrapped_dek: 'bytea', kek_id: 'text', profile: 'bytea', status: 'text', created_at: 'int8', updated_at: 'int8' },
  blind_indexes: { kind: 'text', digest: 'bytea', key_id: 'text', person_id: 'uuid', created_at: 'int8' },
  devices: { id: 'uuid', person_id: 'uuid', public_jwk: 'text', thumbprint: 'text', label: 'bytea', created_at: 'int8', revoked_at: 'int8' },
  credentials: { id: 'uuid', person_id: 'uuid', device_id: 'uuid', status: 'text', status_list: 'text', status_index: 'int', issued_at: 'int8', expires_at: 'int8', revoked_at: 'int8', reason: 'text' },
  passphrases: { person_id: 'uuid', hash: 'text', failures: 'int', locked_until: 'int8', updated_at: 'int8' },
  consents: { id: 'uuid', person_id: 'uuid', subject: 'text', scope: 'text', granted_at: 'int8', withdrawn_at: 'int8' },
  events: { id: 'uuid', person_id: 'uuid', type: 'text', created_at: 'int8', data: 'bytea' },
};
/** Foreign keys first: persons before what points at them, devices before credentials. */
export const TABLES = ['persons', 'blind_indexes', 'devices', 'credentials', 'passphrases', 'consents', 'events'] as const;

const META_DDL = 'CREATE TABLE IF NOT EXISTS bench_scale (name TEXT PRIMARY KEY, value TEXT NOT NULL)';
const asBuffer = (v: unknown): unknown => (v instanceof Uint8Array && !Buffer.isBuffer(v) ? Buffer.from(v.buffer, v.byteOffset, v.byteLength) : v);

function metaOf(rows: { name: string; value: string }[]): Meta | undefined {
  const m = new Map(rows.map((r) => [r.name, r.value]));
  if (!m.has('seed')) return undefined;
  return { seed: m.get('seed')!, nextIndex: Number(m.get('next_index') ?? 0), people: Number(m.get('people') ?? 0) };
}

const refuse = (people: number): Error =>
  new Error(`scale: the database already holds ${people} people that this generator did not write; pass --into to add to it anyway`);

export async function openSink(cfg: StoreConfig): Promise<Sink> {
  return cfg.engine === 'sqlite' ? sqliteSink(cfg.path) : await pgSink(cfg.url, cfg.schema);
}

function sqliteSink(path: string): Sink {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  // Random UUID keys touch pages all over each index: with SQLite's default 2 MB page cache
  // every insert past a few hundred thousand people reads pages back in. 512 MB keeps them.
  db.pragma('cache_size = -524288');
  db.exec(META_DDL);
  const inserts = new Map(
    TABLES.map((t) => {
      const names = Object.keys(PG_TYPES[t]!);
      return [t, db.prepare(`INSERT INTO ${t} (${names.join(', ')}) VALUES (${names.map(() => '?').join(', ')})`)];
    }),
  );
  const counter = db.prepare('INSERT INTO counters (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = value + excluded.value');
  const setMeta = db.prepare('INSERT INTO bench_scale (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value');
  const netid = db.prepare('SELECT 1 FROM persons WHERE netid = ?').pluck();
  const personIndex = db.prepare('SELECT 1 FROM persons WHERE person_index = ?').pluck();
  const writeTx = db.transaction((b: Batch, next: Meta) => {
    for (const t of TABLES) {
      const c: Columns = b[t];
      const names = Object.keys(c);
      const n = c[names[0]!]!.length;
      const stmt = inserts.get(t)!;
      for (let i = 0; i < n; i++) stmt.run(names.map((k) => asBuffer(c[k]![i])));
    }
    for (const [name, v] of b.counters) counter.run(name, v);
    setMeta.run('seed', next.seed);
    setMeta.run('next_index', String(next.nextIndex));
    setMeta.run('people', String(next.people));
  });
  return {
    async meta() {
      return metaOf(db.prepare('SELECT name, value FROM bench_scale').all() as { name: string; value: string }[]);
    },
    async begin(seed, into) {
      const people = db.prepare('SELECT count(*) FROM persons').pluck().get() as number;
      if (people > 0 && !into) throw refuse(people);
      db.transaction(() => {
        setMeta.run('seed', seed);
        setMeta.run('next_index', '0');
        setMeta.run('people', '0');
      }).immediate();
    },
    async sameKeys(fingerprint) {
      const had = db.prepare("SELECT value FROM bench_scale WHERE name = 'keys'").pluck().get() as string | undefined;
      if (had === undefined) setMeta.run('keys', fingerprint);
      return had === undefined || had === fingerprint;
    },
    async openStatusList() {
      const stored = Number(db.prepare("SELECT value FROM counters WHERE name = 'status_list.open'").pluck().get() ?? 0);
      const taken = db.prepare('SELECT status_index FROM credentials WHERE status_list = ?').pluck().all(String(stored || 1)) as number[];
      return { stored, taken };
    },
    async netidsTaken(candidates) {
      return new Set(candidates.filter((c) => netid.get(c) !== undefined));
    },
    async personsEnrolled(digests) {
      return new Set(digests.filter((d) => personIndex.get(asBuffer(d)) !== undefined).map((d) => Buffer.from(d).toString('hex')));
    },
    async write(b, next) {
      writeTx.immediate(b, next);
    },
    async close() {
      db.close();
    },
  };
}

async function pgSink(url: string, schema: string | undefined): Promise<Sink> {
  // Two connections: `c` writes a batch while the generator builds the next one and asks `r`
  // about it (netids, person indexes) — reads of committed rows, never queued behind the write.
  const [c, r] = [new pg.Client({ connectionString: url }), new pg.Client({ connectionString: url })];
  await Promise.all([c.connect(), r.connect()]);
  if (schema !== undefined) await Promise.all([c.query(`SET search_path TO "${schema}"`), r.query(`SET search_path TO "${schema}"`)]);
  // A crash may lose the last committed batches, never half of one (each is one statement,
  // bookkeeping included): the rerun redoes them. The platform's own sessions keep the default.
  await c.query('SET synchronous_commit = off');
  await c.query(META_DDL);
  // One statement per batch: every table's INSERT … SELECT FROM unnest as a data-modifying CTE, the
  // counters, and the bookkeeping last. Foreign keys are checked at the end of the statement, when
  // the persons and devices are in.
  let n = 0;
  const param = (type: string): string => `$${++n}::${type}[]`;
  const batchSql = [
    'WITH',
    TABLES.map((t) => {
      const types = PG_TYPES[t]!;
      const names = Object.keys(types);
      return `  i_${t} AS (INSERT INTO ${t} (${names.join(', ')}) SELECT * FROM unnest(${names.map((k) => param(types[k]!)).join(', ')}))`;
    }).join(',\n') + ',',
    `  i_counters AS (INSERT INTO counters (name, value) SELECT * FROM unnest(${param('text')}, ${param('int8')}) ON CONFLICT (name) DO UPDATE SET value = counters.value + excluded.value)`,
    `INSERT INTO bench_scale (name, value) SELECT * FROM unnest(${param('text')}, ${param('text')}) ON CONFLICT (name) DO UPDATE SET value = excluded.value`,
  ].join('\n');
  const setMeta = async (rows: [string, string][]): Promise<void> => {
    await c.query(
      'INSERT INTO bench_scale (name, value) SELECT * FROM unnest($1::text[], $2::text[]) ON CONFLICT (name) DO UPDATE SET value = excluded.value',
      [rows.map((r) => r[0]), rows.map((r) => r[1])],
    );
  };
  const tx = async (fn: () => Promise<void>): Promise<void> => {
    await c.query('BEGIN');
    try {
      await fn();
      await c.query('COMMIT');
    } catch (e) {
      await c.query('ROLLBACK').catch(() => {});
      throw e;
    }
  };
  return {
    async meta() {
      return metaOf((await c.query<{ name: string; value: string }>('SELECT name, value FROM bench_scale')).rows);
    },
    async begin(seed, into) {
      const people = Number((await c.query<{ n: string }>('SELECT count(*) AS n FROM persons')).rows[0]!.n);
      if (people > 0 && !into) throw refuse(people);
      await tx(() => setMeta([['seed', seed], ['next_index', '0'], ['people', '0']]));
    },
    async sameKeys(fingerprint) {
      const had = (await c.query<{ value: string }>("SELECT value FROM bench_scale WHERE name = 'keys'")).rows[0]?.value;
      if (had === undefined) await setMeta([['keys', fingerprint]]);
      return had === undefined || had === fingerprint;
    },
    async openStatusList() {
      const open = await r.query<{ value: string }>("SELECT value FROM counters WHERE name = 'status_list.open'");
      const stored = Number(open.rows[0]?.value ?? 0);
      const taken = (await c.query<{ i: number }>('SELECT status_index AS i FROM credentials WHERE status_list = $1', [String(stored || 1)])).rows.map((x) => x.i);
      return { stored, taken };
    },
    async netidsTaken(candidates) {
      const found = await r.query<{ netid: string }>('SELECT netid FROM persons WHERE netid = ANY($1::text[])', [candidates]);
      return new Set(found.rows.map((x) => x.netid));
    },
    async personsEnrolled(digests) {
      const found = await r.query<{ d: Buffer }>('SELECT person_index AS d FROM persons WHERE person_index = ANY($1::bytea[])', [digests.map(asBuffer)]);
      return new Set(found.rows.map((x) => x.d.toString('hex')));
    },
    async write(b, next) {
      const values = TABLES.flatMap((t) => {
        const cols: Columns = b[t];
        return Object.keys(PG_TYPES[t]!).map((k) => cols[k]!.map(asBuffer));
      });
      await c.query(batchSql, [
        ...values,
        [...b.counters.keys()],
        [...b.counters.values()],
        ['seed', 'next_index', 'people'],
        [next.seed, String(next.nextIndex), String(next.people)],
      ]);
    },
    async close() {
      await Promise.all([c.end(), r.end()]);
    },
  };
}
