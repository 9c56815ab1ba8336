/**
 * 0008 — the tamper-evident audit trail (docs/audit.md). Additive only.
 *
 * - `audit_entries`: one row per entry, `seq` 1, 2, 3, … the primary key; `data` is the
 *   entry's canonical JSON (RFC 8785) as text; `prev` and `hash` lowercase hex.
 * - `audit_checkpoints`: signed statements of the head (compact JWS), one per `seq`. No
 *   foreign key to the entries: a checkpoint is evidence about them and must outlive a
 *   truncation of the trail, which is exactly what it exists to reveal.
 * - `audit_append_lock`: one row; appenders take its row lock (an UPDATE) so that on
 *   PostgreSQL several processes append one after another.
 *
 * Personal data: none. A person appears only as a subject reference derived from their data
 * key (core/audit/subject.ts), an RP as its client id, an operator as its actor id.
 * Production: grant the platform's role INSERT and SELECT on `audit_entries` and
 * `audit_checkpoints`, never UPDATE or DELETE; UPDATE on `audit_append_lock` only.
 */
import { sql, type Kysely } from 'kysely';
import type { MigrationDialect } from '../dialect.ts';
import type { StoreMigration } from './migration.ts';

export const audit: StoreMigration = {
  async up(db: Kysely<unknown>, t: MigrationDialect): Promise<void> {
    await db.schema
      .createTable('audit_entries')
      .addColumn('seq', t.bigint, (c) => c.primaryKey())
      .addColumn('at', t.bigint, (c) => c.notNull())
      .addColumn('actor', t.text, (c) => c.notNull())
      .addColumn('action', t.text, (c) => c.notNull())
      .addColumn('subject', t.text)
      .addColumn('data', t.text, (c) => c.notNull())
      .addColumn('prev', t.text, (c) => c.notNull())
      .addColumn('hash', t.text, (c) => c.notNull())
      .$call(t.tableOptions)
      .execute();
    // The operator's searches: by action, actor or subject in sequence order, or by time.
    await db.schema.createIndex('audit_entries_action_idx').on('audit_entries').columns(['action', 'seq']).execute();
    await db.schema.createIndex('audit_entries_actor_idx').on('audit_entries').columns(['actor', 'seq']).execute();
    await db.schema.createIndex('audit_entries_subject_idx').on('audit_entries').columns(['subject', 'seq']).execute();
    await db.schema.createIndex('audit_entries_at_idx').on('audit_entries').column('at').execute();

    await db.schema
      .createTable('audit_checkpoints')
      .addColumn('seq', t.bigint, (c) => c.primaryKey())
      .addColumn('token', t.text, (c) => c.notNull())
      .addColumn('created_at', t.bigint, (c) => c.notNull())
      .$call(t.tableOptions)
      .execute();

    await db.schema
      .createTable('audit_append_lock')
      .addColumn('id', t.int, (c) => c.primaryKey())
      .$call(t.tableOptions)
      .execute();
    await sql`insert into audit_append_lock (id) values (1)`.execute(db);
  },
};
