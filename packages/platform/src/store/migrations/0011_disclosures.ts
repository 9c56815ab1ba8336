/**
 * 0011 — identity disclosures to the law-enforcement liaison (the regulation's case of a
 * competent authority asking who is behind a 网号 or an application identifier). Additive only.
 *
 * Personal data: none here. A request names the person by id (deleted with them: a cancelled
 * person cannot be disclosed), carries the authority's case reference (a citation, not about
 * the person) and the operators who asked and approved. What is disclosed is read from the
 * person's sealed profile at the moment it is shown, and never stored.
 */
import type { Kysely } from 'kysely';
import type { MigrationDialect } from '../dialect.ts';
import type { StoreMigration } from './migration.ts';

export const disclosures: StoreMigration = {
  async up(db: Kysely<unknown>, t: MigrationDialect): Promise<void> {
    await db.schema
      .createTable('disclosures')
      .addColumn('id', t.id, (c) => c.primaryKey())
      .addColumn('person_id', t.id, (c) => c.notNull().references('persons.id').onDelete('cascade'))
      // How the liaison named the person: `netid` or `app_id` (the identifier itself is not kept).
      .addColumn('named_by', t.text, (c) => c.notNull())
      .addColumn('case_ref', t.text, (c) => c.notNull())
      // requested → approved (→ expires_at) ; requested → rejected
      .addColumn('state', t.text, (c) => c.notNull())
      .addColumn('requested_by', t.text, (c) => c.notNull())
      .addColumn('approved_by', t.text)
      .addColumn('expires_at', t.bigint)
      .addColumn('created_at', t.bigint, (c) => c.notNull())
      .addColumn('updated_at', t.bigint, (c) => c.notNull())
      .$call(t.tableOptions)
      .execute();
    await db.schema.createIndex('disclosures_person_id_idx').on('disclosures').column('person_id').execute();
  },
};
