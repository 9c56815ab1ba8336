/**
 * 0013 — the operator console's role grants (console/grants.ts, docs/admin.md "Console"): one
 * row per console application identifier holding roles. Additive only.
 *
 * Personal data: none. An operator is named only by their application identifier at the
 * console client (a pairwise pseudonym; the 网号 it was derived from is not stored), the roles
 * as a short code (`operator+auditor`), and the actor who granted them.
 */
import type { Kysely } from 'kysely';
import type { MigrationDialect } from '../dialect.ts';
import type { StoreMigration } from './migration.ts';

export const consoleOperators: StoreMigration = {
  async up(db: Kysely<unknown>, t: MigrationDialect): Promise<void> {
    await db.schema
      .createTable('console_operators')
      .addColumn('app_id', t.text, (c) => c.primaryKey())
      .addColumn('roles', t.text, (c) => c.notNull())
      .addColumn('granted_by', t.text, (c) => c.notNull())
      .addColumn('created_at', t.bigint, (c) => c.notNull())
      .addColumn('updated_at', t.bigint, (c) => c.notNull())
      .$call(t.tableOptions)
      .execute();
  },
};
