/**
 * 0012 — pending phone-number changes (`POST /v1/me/phone`, person/phone.ts): one row per
 * person, deleted with them (cascade). Additive only.
 *
 * Personal data: the new number, only sealed with the person's data key (`data`, with a keyed
 * digest of the one-time code — never the code); counters and times in clear.
 */
import type { Kysely } from 'kysely';
import type { MigrationDialect } from '../dialect.ts';
import type { StoreMigration } from './migration.ts';

export const phoneChanges: StoreMigration = {
  async up(db: Kysely<unknown>, t: MigrationDialect): Promise<void> {
    await db.schema
      .createTable('phone_changes')
      .addColumn('person_id', t.id, (c) => c.primaryKey().references('persons.id').onDelete('cascade'))
      .addColumn('data', t.bytes)
      .addColumn('code_expires_at', t.bigint, (c) => c.notNull())
      .addColumn('sends', t.int, (c) => c.notNull().defaultTo(0))
      .addColumn('wrong_tries', t.int, (c) => c.notNull().defaultTo(0))
      .addColumn('window_started_at', t.bigint, (c) => c.notNull())
      .addColumn('updated_at', t.bigint, (c) => c.notNull())
      .$call(t.tableOptions)
      .execute();
  },
};
