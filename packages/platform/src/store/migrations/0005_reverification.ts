/**
 * 0005 — re-verification of flagged accounts: the binding message an RP shows the person
 * ("您在某银行的账户需要再次核验: 2F9K") travels with the request. RP-written text, not the
 * person's data. Additive only.
 */
import type { Kysely } from 'kysely';
import type { MigrationDialect } from '../dialect.ts';
import type { StoreMigration } from './migration.ts';

export const reverification: StoreMigration = {
  async up(db: Kysely<unknown>, t: MigrationDialect): Promise<void> {
    await db.schema.alterTable('verification_requests').addColumn('binding_message', t.text).execute();
  },
};
