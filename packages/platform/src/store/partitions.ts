/**
 * Monthly time partitions on PostgreSQL, and the retention that drops them (docs/store.md,
 * "Time partitions and retention").
 *
 * Since migration 0014 the tables that grow with every verification and lifecycle event —
 * `events` (`created_at`), `audit_entries` (`at`), `verification_requests` (`created_at`) — are
 * on PostgreSQL range-partitioned by that epoch-millisecond column: one partition per calendar
 * month (UTC) named `<table>_pYYYYMM`, holding [first ms of the month, first ms of the next),
 * and a DEFAULT partition `<table>_default` that takes any row no monthly partition covers, so
 * an insert never fails for want of a partition. SQLite keeps its plain tables: everything here
 * is a no-op there, and retention deletes rows in bounded batches instead (the repositories).
 *
 * Trust: only our own catalog and rows. Table and partition names are built from the constant
 * list below and numbers checked to be safe integers; no caller text reaches the DDL.
 */
import { PostgresAdapter, sql, type Kysely } from 'kysely';

/** The partitioned tables and their time column. */
export const PARTITIONED = {
  events: 'created_at',
  audit_entries: 'at',
  verification_requests: 'created_at',
} as const;

export type PartitionedTable = keyof typeof PARTITIONED;

/** Months ahead of the current one that always have a partition (migration, maintenance job). */
export const DEFAULT_MONTHS_AHEAD = 3;

/** What one bounded retention step removed. `done`: nothing more before the cutoff, for now. */
export interface RetentionStep {
  readonly rows: number;
  readonly partitions: number;
  readonly done: boolean;
}

export const NOTHING_LEFT: RetentionStep = { rows: 0, partitions: 0, done: true };

/** How long maintenance and retention wait for a parent table's lock before giving up until the next run. */
const LOCK_TIMEOUT = '5s';

// Kysely<any>: used both by migrations (Kysely<unknown>) and by the repositories.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDb = Kysely<any>;

/** PostgreSQL or SQLite, from the Kysely instance itself (the repositories get no engine name). */
export function isPostgres(db: AnyDb): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

/** First millisecond of the UTC month holding `ms`. */
export function monthStart(ms: number): number {
  const d = new Date(ms);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
}

/** First millisecond of the UTC month `n` months after the one holding `ms`. */
export function addMonths(ms: number, n: number): number {
  const d = new Date(ms);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + n, 1);
}

/** `events_p202612` for December 2026. */
export function partitionName(table: PartitionedTable, month: number): string {
  const d = new Date(monthStart(month));
  return `${table}_p${d.getUTCFullYear()}${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
}

export const defaultPartition = (table: PartitionedTable): string => `${table}_default`;

export interface PartitionInfo {
  readonly name: string;
  /** Range bounds in epoch ms (lower inclusive, upper exclusive); undefined for DEFAULT or MINVALUE/MAXVALUE. */
  readonly from?: number;
  readonly to?: number;
  readonly isDefault: boolean;
}

const BOUND = /FROM \('?(-?\d+)'?\) TO \('?(-?\d+)'?\)/;

/** The table's partitions as PostgreSQL has them (also ones an operator made by hand), by lower bound. */
export async function listPartitions(db: AnyDb, table: PartitionedTable): Promise<PartitionInfo[]> {
  const { rows } = await sql<{ name: string; bound: string }>`
    select c.relname as name, pg_catalog.pg_get_expr(c.relpartbound, c.oid) as bound
    from pg_catalog.pg_inherits i join pg_catalog.pg_class c on c.oid = i.inhrelid
    where i.inhparent = to_regclass(${table})`.execute(db);
  const out: PartitionInfo[] = rows.map((r) => {
    if (r.bound === 'DEFAULT') return { name: r.name, isDefault: true };
    const m = BOUND.exec(r.bound);
    return m ? { name: r.name, from: Number(m[1]), to: Number(m[2]), isDefault: false } : { name: r.name, isDefault: false };
  });
  return out.sort((a, b) => (a.from ?? Number.MAX_SAFE_INTEGER) - (b.from ?? Number.MAX_SAFE_INTEGER));
}

function lit(n: number): ReturnType<typeof sql.raw> {
  if (!Number.isSafeInteger(n)) throw new TypeError('partition bound must be a safe integer');
  return sql.raw(String(n));
}

/**
 * Creates the monthly partitions from the month holding `from` to the month holding `to`
 * (both included) that do not exist yet; a month overlapping any existing range partition is
 * left alone. Rows of a new month already sitting in the DEFAULT partition (a clock far ahead,
 * a late back-fill) are moved into it in the same transaction. Returns how many it created.
 * PostgreSQL only; SQLite: 0.
 */
export async function ensureMonthlyPartitions(db: AnyDb, table: PartitionedTable, from: number, to: number, moved?: AfterMove): Promise<number> {
  if (!isPostgres(db)) return 0;
  const existing = await listPartitions(db, table);
  const ranges = existing.filter((p) => p.from !== undefined && p.to !== undefined) as Required<PartitionInfo>[];
  let created = 0;
  for (let m = monthStart(from); m <= monthStart(to); m = addMonths(m, 1)) {
    const next = addMonths(m, 1);
    if (ranges.some((p) => p.from < next && p.to > m)) continue;
    // Creating a partition takes the parent's ACCESS EXCLUSIVE lock for a moment; in a
    // transaction of its own (maintenance), a lock timeout keeps the application's statements
    // from queueing behind it (the next run tries again). A migration's transaction has its own.
    const run = async (tx: AnyDb) => {
      if (!db.isTransaction) await sql.raw(`set local lock_timeout = '${LOCK_TIMEOUT}'`).execute(tx);
      await createMonth(tx, table, m, next, moved);
    };
    await (db.isTransaction ? run(db) : db.transaction().execute(run));
    created += 1;
  }
  return created;
}

/**
 * Called after rows were moved out of DEFAULT into a new month, in that transaction: the
 * delete from DEFAULT fired its row triggers (verification_requests: the bizSeq release).
 */
export type AfterMove = (tx: AnyDb, partition: string) => Promise<void>;

async function createMonth(db: AnyDb, table: PartitionedTable, from: number, to: number, moved?: AfterMove): Promise<void> {
  const col = sql.ref(PARTITIONED[table]);
  const parent = sql.table(table);
  const part = sql.table(partitionName(table, from));
  const dflt = sql.table(defaultPartition(table));
  const hasDefault = (await listPartitions(db, table)).some((p) => p.isDefault);
  const stranded = hasDefault
    ? (await sql<{ one: number }>`select 1 as one from ${dflt} where ${col} >= ${lit(from)} and ${col} < ${lit(to)} limit 1`.execute(db)).rows.length > 0
    : false;
  if (!stranded) {
    await sql`create table ${part} partition of ${parent} for values from (${lit(from)}) to (${lit(to)})`.execute(db);
    return;
  }
  // Rows of this month are in DEFAULT: PostgreSQL refuses a new partition that would leave
  // them there. Move them into a table of the same shape, then attach it (which builds its
  // indexes and foreign keys and clones the row triggers). Inserts into DEFAULT wait meanwhile.
  await sql`lock table ${dflt} in share row exclusive mode`.execute(db);
  await sql`create table ${part} (like ${parent} including defaults including constraints)`.execute(db);
  await sql`insert into ${part} select * from ${dflt} where ${col} >= ${lit(from)} and ${col} < ${lit(to)}`.execute(db);
  await sql`delete from ${dflt} where ${col} >= ${lit(from)} and ${col} < ${lit(to)}`.execute(db);
  await sql`alter table ${parent} attach partition ${part} for values from (${lit(from)}) to (${lit(to)})`.execute(db);
  if (moved !== undefined) await moved(db, partitionName(table, from));
}

/** Creates the DEFAULT partition if the table has none (PostgreSQL). */
export async function ensureDefaultPartition(db: AnyDb, table: PartitionedTable): Promise<void> {
  const { rows } = await sql<{ oid: unknown }>`select to_regclass(${defaultPartition(table)}) as oid`.execute(db);
  if (rows[0]?.oid != null) return;
  await sql`create table if not exists ${sql.table(defaultPartition(table))} partition of ${sql.table(table)} default`.execute(db);
}

/** Monthly partitions wholly before `cutoff` (upper bound ≤ cutoff), oldest first. Never DEFAULT. */
export async function partitionsBefore(db: AnyDb, table: PartitionedTable, cutoff: number): Promise<Required<PartitionInfo>[]> {
  const all = await listPartitions(db, table);
  return all.filter((p): p is Required<PartitionInfo> => !p.isDefault && p.from !== undefined && p.to !== undefined && p.to <= cutoff);
}


/**
 * Detaches and drops one partition (its rows counted first, for the log). Dropping needs the
 * parent's ACCESS EXCLUSIVE lock for a moment: a lock timeout keeps the application's
 * statements from queueing behind it; on timeout nothing changes and the error propagates.
 * `before` runs first in the same transaction (rows of other tables that go with the month).
 */
export async function dropPartition(db: AnyDb, table: PartitionedTable, name: string, before?: (tx: AnyDb) => Promise<void>): Promise<number> {
  const run = async (tx: AnyDb): Promise<number> => {
    await sql.raw(`set local lock_timeout = '${LOCK_TIMEOUT}'`).execute(tx);
    if (before !== undefined) await before(tx);
    const { rows } = await sql<{ n: number }>`select count(*)::bigint as n from ${sql.table(name)}`.execute(tx);
    await sql`alter table ${sql.table(table)} detach partition ${sql.table(name)}`.execute(tx);
    await sql`drop table ${sql.table(name)}`.execute(tx);
    return Number(rows[0]?.n ?? 0);
  };
  return db.isTransaction ? run(db) : db.transaction().execute(run);
}

export function assertLimit(limit: unknown): number {
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > 10_000) throw new TypeError('limit must be 1..10000');
  return limit;
}

export function assertMonthsAhead(n: unknown): number {
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > 60) throw new TypeError('monthsAhead must be 0..60');
  return n;
}

/**
 * One bounded delete of the oldest rows before `cutoff` from `target` (a plain table on
 * SQLite; the DEFAULT partition on PostgreSQL), keyed by `key`. Returns the rows deleted.
 * `extra`: a further condition (the audit trail's anchor).
 */
export async function deleteOldest(
  db: AnyDb,
  target: string,
  key: string,
  time: string,
  cutoff: number,
  limit: number,
  extra?: ReturnType<typeof sql>,
): Promise<number> {
  const where = extra === undefined ? sql`${sql.ref(time)} < ${cutoff}` : sql`${sql.ref(time)} < ${cutoff} and ${extra}`;
  const r = await sql`delete from ${sql.table(target)} where ${sql.ref(key)} in (
    select ${sql.ref(key)} from ${sql.table(target)} where ${where} order by ${sql.ref(time)} limit ${limit})`.execute(db);
  return Number(r.numAffectedRows ?? 0n);
}
