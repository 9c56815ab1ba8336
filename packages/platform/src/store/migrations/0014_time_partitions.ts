/**
 * 0014 — time partitions for the tables that grow with every verification and lifecycle event,
 * so that retention on PostgreSQL is dropping a partition (docs/store.md, "Time partitions and
 * retention"). The one migration that rebuilds tables instead of adding to them, on PostgreSQL
 * only; the store's contract stays the same on both engines.
 *
 * PostgreSQL — `events` (by `created_at`), `audit_entries` (by `at`) and
 * `verification_requests` (by `created_at`) each become a table PARTITION BY RANGE of that
 * epoch-millisecond column, with monthly partitions from the oldest stored month (at most
 * MAX_BACKFILL_MONTHS back) to DEFAULT_MONTHS_AHEAD months ahead and a DEFAULT partition, so
 * no insert can fail for want of a partition. In this migration's transaction, per table: the
 * old table and its indexes are renamed `*_0013`, the new one is created (same columns, same
 * defaults), its keys, foreign keys and indexes recreated under the old names, every row
 * copied, the old table dropped.
 *
 * Keys. A primary or unique key of a partitioned table must contain the partition column:
 * - `events`: (id, created_at); `verification_requests`: (id, created_at). Ids are random
 *   UUIDs (`newId()`, 122 random bits) and nothing inserts with ON CONFLICT on them; every
 *   lookup by id still uses the key's index (one probe per partition).
 * - `audit_entries`: (seq, at). `seq` stays unique because appenders are serialised by the
 *   `audit_append_lock` row and each writes head + 1 (audit/repo.ts), and the verifier reports
 *   any duplicate (`entry_inserted`).
 * - `verification_requests.ref_hash` (was unique): a digest of a reference derived from the
 *   request's random id; a plain index now.
 * - (`client_id`, `biz_seq`) (was unique): an RP's own reference is single-use, which no index
 *   of the partitioned table can enforce. Triggers keep it in `verification_biz_seqs`, a plain
 *   table whose primary key is (client_id, biz_seq): inserting a request with a used reference
 *   fails there with a unique violation (`conflict` → `biz_seq_reused`, as before); deleting a
 *   request (cancellation) frees it, as deleting the row does on SQLite. Retention deletes the
 *   references of the months it drops.
 * - `oidc_authorizations.request_id` referenced `verification_requests.id`, which is no longer
 *   unique on its own: that foreign key is dropped. An authorization is inserted right after
 *   its request (oidc/service.ts) and deleted before it (erasure/repo.ts; retention deletes a
 *   month's authorizations and their access tokens before dropping the month).
 *
 * SQLite keeps its plain tables and constraints; it gets indexes on the time columns that
 * retention deletes by (`audit_entries_at_idx` exists since 0008).
 *
 * Both engines: `audit_append_lock` gains `head_seq` and `head_at`, the head entry's key, kept
 * by every append, so that the appender reads the head from one partition instead of all; and
 * its row moves from id 1 to id 2, so that a process of an older release (which locks row 1 and
 * does not keep the head) cannot append after this migration — it fails instead of forking the
 * chain. Roll out 0014 by stopping the old processes, not alongside them.
 */
import { sql, type Kysely } from 'kysely';
import type { MigrationDialect } from '../dialect.ts';
import { addMonths, DEFAULT_MONTHS_AHEAD, ensureDefaultPartition, ensureMonthlyPartitions, isPostgres, monthStart, PARTITIONED, type PartitionedTable } from '../partitions.ts';
import type { StoreMigration } from './migration.ts';

/** Older rows than this many months stay in the DEFAULT partition (retention deletes them row by row). */
export const MAX_BACKFILL_MONTHS = 36;

interface Rebuild {
  readonly table: PartitionedTable;
  readonly key: readonly string[];
  /** Foreign keys out of the table, as constraint clauses. */
  readonly foreignKeys: readonly string[];
  readonly indexes: ReadonlyArray<readonly [name: string, columns: string]>;
}

const REBUILDS: readonly Rebuild[] = [
  {
    table: 'events',
    key: ['id', 'created_at'],
    foreignKeys: ['constraint events_person_id_fkey foreign key (person_id) references persons (id) on delete cascade'],
    indexes: [['events_person_id_idx', 'person_id, created_at']],
  },
  {
    table: 'audit_entries',
    key: ['seq', 'at'],
    foreignKeys: [],
    indexes: [
      ['audit_entries_action_idx', 'action, seq'],
      ['audit_entries_actor_idx', 'actor, seq'],
      ['audit_entries_subject_idx', 'subject, seq'],
      ['audit_entries_at_idx', 'at'],
    ],
  },
  {
    table: 'verification_requests',
    key: ['id', 'created_at'],
    foreignKeys: [
      'constraint verification_requests_client_id_fkey foreign key (client_id) references relying_parties (client_id)',
      'constraint verification_requests_person_id_fkey foreign key (person_id) references persons (id) on delete set null',
    ],
    indexes: [
      ['verification_requests_ref_hash_idx', 'ref_hash'],
      // Serves listByClient as the unique index did.
      ['verification_requests_biz_seq_idx', 'client_id, biz_seq'],
      ['verification_requests_person_idx', 'person_id, created_at'],
    ],
  },
];

export const timePartitions: StoreMigration = {
  async up(db: Kysely<unknown>, t: MigrationDialect): Promise<void> {
    if (isPostgres(db)) {
      const now = Date.now();
      for (const r of REBUILDS) await rebuild(db, r, now);
    } else {
      await db.schema.createIndex('events_created_at_idx').on('events').column('created_at').execute();
      await db.schema.createIndex('verification_requests_created_at_idx').on('verification_requests').column('created_at').execute();
    }
    await appendLockHead(db, t);
  },
};

/**
 * Both engines: the appenders' lock row names the head (`head_seq`, `head_at`) and moves from
 * id 1 to id 2 — a process of an older release locks row 1, finds none and fails to append,
 * rather than append after a head it would not record (store/audit/repo.ts).
 */
async function appendLockHead(db: Kysely<unknown>, t: MigrationDialect): Promise<void> {
  await db.schema.alterTable('audit_append_lock').addColumn('head_seq', t.bigint).execute();
  await db.schema.alterTable('audit_append_lock').addColumn('head_at', t.bigint).execute();
  await sql`update audit_append_lock set id = 2,
    head_seq = (select max(seq) from audit_entries),
    head_at = (select max(at) from audit_entries where seq = (select max(seq) from audit_entries))
    where id = 1`.execute(db);
}

async function rebuild(db: Kysely<unknown>, r: Rebuild, now: number): Promise<void> {
  const old = `${r.table}_0013`;
  const col = PARTITIONED[r.table];
  await sql`alter table ${sql.table(r.table)} rename to ${sql.table(old)}`.execute(db);
  const { rows: indexes } = await sql<{ name: string }>`
    select c.relname as name from pg_catalog.pg_index i join pg_catalog.pg_class c on c.oid = i.indexrelid
    where i.indrelid = to_regclass(${old})`.execute(db);
  // Renaming a key's index renames its constraint too: the old names are free for the new table.
  for (const { name } of indexes) await sql`alter index ${sql.table(name)} rename to ${sql.table(`${name}_0013`)}`.execute(db);

  const clauses = [`constraint ${r.table}_pkey primary key (${r.key.join(', ')})`, ...r.foreignKeys];
  await sql`create table ${sql.table(r.table)} (like ${sql.table(old)} including defaults, ${sql.raw(clauses.join(', '))}) partition by range (${sql.ref(col)})`.execute(db);
  for (const [name, columns] of r.indexes) await sql`create index ${sql.table(name)} on ${sql.table(r.table)} (${sql.raw(columns)})`.execute(db);
  await ensureDefaultPartition(db, r.table);
  const { rows } = await sql<{ lo: number | null }>`select min(${sql.ref(col)}) as lo from ${sql.table(old)}`.execute(db);
  const oldest = Math.min(rows[0]?.lo ?? now, now);
  const from = Math.max(monthStart(oldest), addMonths(now, -MAX_BACKFILL_MONTHS));
  await ensureMonthlyPartitions(db, r.table, from, addMonths(now, DEFAULT_MONTHS_AHEAD));
  if (r.table === 'verification_requests') await bizSeqGuard(db);

  await sql`insert into ${sql.table(r.table)} select * from ${sql.table(old)}`.execute(db);
  // Foreign keys of other tables into the old one (oidc_authorizations.request_id): see the header.
  const { rows: refs } = await sql<{ name: string; tbl: string }>`
    select con.conname as name, c.relname as tbl from pg_catalog.pg_constraint con join pg_catalog.pg_class c on c.oid = con.conrelid
    where con.contype = 'f' and con.confrelid = to_regclass(${old})`.execute(db);
  for (const f of refs) await sql`alter table ${sql.table(f.tbl)} drop constraint ${sql.ref(f.name)}`.execute(db);
  await sql`drop table ${sql.table(old)}`.execute(db);
}

/**
 * The single-use RP reference (client_id, biz_seq), kept in a plain table by triggers on the
 * partitioned `verification_requests` (cloned onto every partition, present and future).
 * Fired by the row copy above too, which fills the table from the existing requests.
 */
async function bizSeqGuard(db: Kysely<unknown>): Promise<void> {
  const { rows } = await sql<{ s: string }>`select quote_ident(current_schema()) as s`.execute(db);
  const guard = `${rows[0]?.s ?? 'public'}.verification_biz_seqs`;
  await sql`create table verification_biz_seqs (
    client_id text not null, biz_seq text not null, created_at bigint not null,
    constraint verification_biz_seqs_pkey primary key (client_id, biz_seq))`.execute(db);
  await sql`create index verification_biz_seqs_created_at_idx on verification_biz_seqs (created_at)`.execute(db);
  await sql.raw(`create function verification_biz_seq_claim() returns trigger language plpgsql as $$
    begin
      if new.biz_seq is not null then
        insert into ${guard} (client_id, biz_seq, created_at) values (new.client_id, new.biz_seq, new.created_at);
      end if;
      return null;
    end $$`).execute(db);
  await sql.raw(`create function verification_biz_seq_release() returns trigger language plpgsql as $$
    begin
      if old.biz_seq is not null then
        delete from ${guard} where client_id = old.client_id and biz_seq = old.biz_seq;
      end if;
      return null;
    end $$`).execute(db);
  await sql`create trigger verification_requests_biz_seq_claim after insert on verification_requests for each row execute function verification_biz_seq_claim()`.execute(db);
  await sql`create trigger verification_requests_biz_seq_release after delete on verification_requests for each row execute function verification_biz_seq_release()`.execute(db);
}
