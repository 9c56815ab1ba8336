/**
 * 0004 — verification requests: a relying party asks, the person approves in the wallet, the
 * relying party fetches a signed receipt. Additive only.
 *
 * Personal data: none in clear. The reference the wallet uses (QR code) is stored as a digest;
 * the outcome for the person (application identifier, face score, disclosed fields) is sealed
 * under the person's own data key (`result`), so shredding the person makes it unreadable.
 * `person_id` is cleared when the person is deleted.
 */
import type { Kysely } from 'kysely';
import type { MigrationDialect } from '../dialect.ts';
import type { StoreMigration } from './migration.ts';

export const verifications: StoreMigration = {
  async up(db: Kysely<unknown>, t: MigrationDialect): Promise<void> {
    await db.schema
      .createTable('verification_requests')
      .addColumn('id', t.id, (c) => c.primaryKey())
      .addColumn('ref_hash', t.bytes, (c) => c.notNull())
      .addColumn('client_id', t.text, (c) => c.notNull().references('relying_parties.client_id'))
      .addColumn('kind', t.text, (c) => c.notNull())
      .addColumn('biz_seq', t.text)
      .addColumn('mode', t.text, (c) => c.notNull())
      .addColumn('scopes', t.text, (c) => c.notNull())
      .addColumn('nonce', t.text, (c) => c.notNull())
      .addColumn('face_challenge', t.text)
      .addColumn('status', t.text, (c) => c.notNull())
      .addColumn('failure', t.text)
      .addColumn('person_id', t.id, (c) => c.references('persons.id').onDelete('set null'))
      .addColumn('result', t.bytes)
      .addColumn('approved_at', t.bigint)
      .addColumn('expires_at', t.bigint, (c) => c.notNull())
      .addColumn('created_at', t.bigint, (c) => c.notNull())
      .addColumn('updated_at', t.bigint, (c) => c.notNull())
      .addUniqueConstraint('verification_requests_ref_hash_key', ['ref_hash'])
      // A relying party's own reference is single-use (NULLs: requests without one).
      .addUniqueConstraint('verification_requests_biz_seq_key', ['client_id', 'biz_seq'])
      .$call(t.tableOptions)
      .execute();
    await db.schema.createIndex('verification_requests_person_idx').on('verification_requests').columns(['person_id', 'created_at']).execute();
  },
};
