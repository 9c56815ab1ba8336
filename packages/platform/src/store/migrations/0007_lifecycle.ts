/**
 * 0007 — nationwide bans (封禁) of a 网号. Additive only.
 *
 * Personal data: none. A ban is found by `ban_digest`, a keyed digest (blind-index kind `ban`)
 * of the registry's person reference — kept even after the person cancels, so that a banned
 * person cannot enroll again, and matching nothing else (it is not the person index). While the
 * person exists, `person_id` points at them; cancellation sets it to NULL. The reason is a code,
 * the legal reference the operator's citation of a law (not about the person); operators appear
 * by their actor id.
 */
import type { Kysely } from 'kysely';
import type { MigrationDialect } from '../dialect.ts';
import type { StoreMigration } from './migration.ts';

export const lifecycle: StoreMigration = {
  async up(db: Kysely<unknown>, t: MigrationDialect): Promise<void> {
    await db.schema
      .createTable('bans')
      .addColumn('id', t.id, (c) => c.primaryKey())
      .addColumn('ban_digest', t.bytes, (c) => c.notNull())
      .addColumn('ban_key_id', t.text, (c) => c.notNull())
      .addColumn('person_id', t.id, (c) => c.references('persons.id').onDelete('set null'))
      // requested → active → unban_requested → lifted; requested → withdrawn (four eyes refused)
      .addColumn('state', t.text, (c) => c.notNull())
      .addColumn('reason', t.text, (c) => c.notNull())
      .addColumn('legal_ref', t.text, (c) => c.notNull())
      .addColumn('requested_by', t.text, (c) => c.notNull())
      .addColumn('approved_by', t.text)
      .addColumn('unban_requested_by', t.text)
      .addColumn('unban_approved_by', t.text)
      .addColumn('unban_legal_ref', t.text)
      .addColumn('created_at', t.bigint, (c) => c.notNull())
      .addColumn('updated_at', t.bigint, (c) => c.notNull())
      .$call(t.tableOptions)
      .execute();
    await db.schema.createIndex('bans_ban_digest_idx').on('bans').column('ban_digest').execute();
    await db.schema.createIndex('bans_person_id_idx').on('bans').column('person_id').execute();
  },
};
