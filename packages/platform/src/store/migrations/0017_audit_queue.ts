/**
 * 0017 — the audit queue (issue 10, national scale; docs/audit.md, "The queue and the sequencer").
 *
 * Every audited action used to chain its entry inside its own transaction, under the one lock
 * row of `audit_append_lock`, held until that transaction committed — so on PostgreSQL every
 * approved verification of every process waited for the one before it to commit. The most
 * frequent entries (verification outcomes) now go into this table in the action's transaction,
 * with no lock; a sequencer chains them into `audit_entries` in batches, one lock per batch.
 *
 * `id` orders the queue (SQLite: the rowid; PostgreSQL: an identity). The other columns are an
 * entry's fields before chaining — `data` already canonical JSON — with no personal data, as in
 * `audit_entries`. A row lives from its action's commit until the next sequencer pass (a fraction
 * of a second); the sequencer deletes it in the transaction that chains it. Additive only.
 * Production: grant the platform's role INSERT, SELECT and DELETE on `audit_queue`.
 */
import type { Kysely } from 'kysely';
import type { MigrationDialect } from '../dialect.ts';
import type { StoreMigration } from './migration.ts';

export const auditQueue: StoreMigration = {
  async up(db: Kysely<unknown>, t: MigrationDialect): Promise<void> {
    await db.schema
      .createTable('audit_queue')
      .$call((b) => (t.id === 'uuid' ? b.addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity()) : b.addColumn('id', 'integer', (c) => c.primaryKey())))
      .addColumn('at', t.bigint, (c) => c.notNull())
      .addColumn('actor', t.text, (c) => c.notNull())
      .addColumn('action', t.text, (c) => c.notNull())
      .addColumn('subject', t.text)
      .addColumn('data', t.text, (c) => c.notNull())
      .$call(t.tableOptions)
      .execute();
  },
};
