/**
 * 0002 — enrollments in progress and credential passphrases. Additive only: two new tables and
 * their indexes; nothing of 0001 changes. Written once for both engines (see 0001).
 *
 * What holds personal data, and how (see docs/store.md):
 * - enrollments: no plaintext personal data at all. Everything about the person (document,
 *   chip data, face result, phone…) is in `sealed`, under a per-enrollment data key that is
 *   itself stored only wrapped under a KEK (`wrapped_dek`, `kek_id`). The bearer token, the
 *   current nonce and a guardian-approval code are stored only as digests. A failed or
 *   abandoned enrollment is deleted (SQLite's secure_delete zeroes it); only a counter remains.
 * - passphrases: an Argon2id PHC string (salted, memory-hard), never the passphrase. The row
 *   belongs to a person (ON DELETE CASCADE): shredding the person deletes it.
 */
import type { Kysely } from 'kysely';
import type { MigrationDialect } from '../dialect.ts';
import type { StoreMigration } from './migration.ts';

export const enrollment: StoreMigration = {
  async up(db: Kysely<unknown>, t: MigrationDialect): Promise<void> {
    await db.schema
      .createTable('enrollments')
      .addColumn('id', t.id, (c) => c.primaryKey())
      .addColumn('token_hash', t.bytes, (c) => c.notNull())
      .addColumn('state', t.text, (c) => c.notNull())
      .addColumn('nonce_hash', t.bytes, (c) => c.notNull())
      .addColumn('nonce_expires_at', t.bigint, (c) => c.notNull())
      .addColumn('expires_at', t.bigint, (c) => c.notNull())
      .addColumn('kek_id', t.text, (c) => c.notNull())
      .addColumn('wrapped_dek', t.bytes, (c) => c.notNull())
      .addColumn('sealed', t.bytes, (c) => c.notNull())
      .addColumn('approval_code_hash', t.bytes)
      .addColumn('created_at', t.bigint, (c) => c.notNull())
      .addColumn('updated_at', t.bigint, (c) => c.notNull())
      // Both engines allow any number of NULLs under a unique constraint: only enrollments
      // that wait for a guardian carry a code.
      .addUniqueConstraint('enrollments_approval_code_hash_key', ['approval_code_hash'])
      .$call(t.tableOptions)
      .execute();
    // The expiry sweep (`deleteExpired`) reads by expiry.
    await db.schema.createIndex('enrollments_expires_at_idx').on('enrollments').column('expires_at').execute();

    await db.schema
      .createTable('passphrases')
      .addColumn('person_id', t.id, (c) => c.primaryKey().references('persons.id').onDelete('cascade'))
      .addColumn('hash', t.text, (c) => c.notNull())
      .addColumn('failures', t.int, (c) => c.notNull().defaultTo(0))
      .addColumn('locked_until', t.bigint)
      .addColumn('updated_at', t.bigint, (c) => c.notNull())
      .$call(t.tableOptions)
      .execute();
  },
};
