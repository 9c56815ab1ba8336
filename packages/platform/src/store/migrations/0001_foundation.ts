/**
 * 0001 — the foundation tables. Written once for both engines with Kysely's schema builder;
 * the few type names that differ come from `ColumnTypes` (dialect.ts).
 *
 * Rules for this and every later migration: additive only (new tables, new nullable or
 * defaulted columns, new indexes); no CHECK constraints on status values (SQLite cannot alter
 * them; statuses are validated in TypeScript); explicit names for every index and constraint.
 *
 * What holds personal data, and how (see docs/store.md):
 * - persons.profile, devices.label, events.data: sealed with the person's data key (DEK);
 * - persons.wrapped_dek: the DEK sealed under a key-encryption key (KEK) kept outside the database;
 * - persons.person_index, blind_indexes.digest: keyed HMAC digests, the only way to look a
 *   person up by identity;
 * - nothing else is personal: ids are random, netid carries no identity data, statuses,
 *   times, public keys, consent subjects and counters are not personal information.
 */
import type { Kysely } from 'kysely';
import type { MigrationDialect } from '../dialect.ts';
import type { StoreMigration } from './migration.ts';

export const foundation: StoreMigration = {
  async up(db: Kysely<unknown>, t: MigrationDialect): Promise<void> {
    await db.schema
      .createTable('persons')
      .addColumn('id', t.id, (c) => c.primaryKey())
      .addColumn('netid', t.text, (c) => c.notNull())
      .addColumn('netid_attempt', t.int, (c) => c.notNull())
      .addColumn('person_index', t.bytes, (c) => c.notNull())
      .addColumn('person_index_key_id', t.text, (c) => c.notNull())
      .addColumn('wrapped_dek', t.bytes, (c) => c.notNull())
      .addColumn('kek_id', t.text, (c) => c.notNull())
      .addColumn('profile', t.bytes, (c) => c.notNull())
      .addColumn('status', t.text, (c) => c.notNull())
      .addColumn('created_at', t.bigint, (c) => c.notNull())
      .addColumn('updated_at', t.bigint, (c) => c.notNull())
      .addUniqueConstraint('persons_netid_key', ['netid'])
      .addUniqueConstraint('persons_person_index_key', ['person_index'])
      .$call(t.tableOptions)
      .execute();
    await db.schema.createIndex('persons_kek_id_idx').on('persons').column('kek_id').execute();

    await db.schema
      .createTable('blind_indexes')
      .addColumn('kind', t.text, (c) => c.notNull())
      .addColumn('digest', t.bytes, (c) => c.notNull())
      .addColumn('key_id', t.text, (c) => c.notNull())
      .addColumn('person_id', t.id, (c) => c.notNull().references('persons.id').onDelete('cascade'))
      .addColumn('created_at', t.bigint, (c) => c.notNull())
      .addPrimaryKeyConstraint('blind_indexes_pkey', ['kind', 'digest'])
      .$call(t.tableOptions)
      .execute();
    await db.schema.createIndex('blind_indexes_person_id_idx').on('blind_indexes').column('person_id').execute();

    await db.schema
      .createTable('devices')
      .addColumn('id', t.id, (c) => c.primaryKey())
      .addColumn('person_id', t.id, (c) => c.notNull().references('persons.id').onDelete('cascade'))
      .addColumn('public_jwk', t.text, (c) => c.notNull())
      .addColumn('thumbprint', t.text, (c) => c.notNull())
      .addColumn('label', t.bytes)
      .addColumn('created_at', t.bigint, (c) => c.notNull())
      .addColumn('revoked_at', t.bigint)
      .addUniqueConstraint('devices_thumbprint_key', ['thumbprint'])
      .$call(t.tableOptions)
      .execute();
    await db.schema.createIndex('devices_person_id_idx').on('devices').column('person_id').execute();

    // Credentials outlive a shredded person (person_id becomes NULL): a revoked credential's
    // status-list entry must stay revoked, and the row holds nothing personal.
    await db.schema
      .createTable('credentials')
      .addColumn('id', t.id, (c) => c.primaryKey())
      .addColumn('person_id', t.id, (c) => c.references('persons.id').onDelete('set null'))
      .addColumn('device_id', t.id, (c) => c.references('devices.id').onDelete('set null'))
      .addColumn('status', t.text, (c) => c.notNull())
      .addColumn('status_list', t.text)
      .addColumn('status_index', t.int)
      .addColumn('issued_at', t.bigint, (c) => c.notNull())
      .addColumn('expires_at', t.bigint, (c) => c.notNull())
      .addColumn('revoked_at', t.bigint)
      .addColumn('reason', t.text)
      .addUniqueConstraint('credentials_status_entry_key', ['status_list', 'status_index'])
      .$call(t.tableOptions)
      .execute();
    await db.schema.createIndex('credentials_person_id_idx').on('credentials').column('person_id').execute();
    await db.schema.createIndex('credentials_device_id_idx').on('credentials').column('device_id').execute();

    await db.schema
      .createTable('consents')
      .addColumn('id', t.id, (c) => c.primaryKey())
      .addColumn('person_id', t.id, (c) => c.notNull().references('persons.id').onDelete('cascade'))
      .addColumn('subject', t.text, (c) => c.notNull())
      .addColumn('scope', t.text, (c) => c.notNull())
      .addColumn('granted_at', t.bigint, (c) => c.notNull())
      .addColumn('withdrawn_at', t.bigint)
      .$call(t.tableOptions)
      .execute();
    await db.schema.createIndex('consents_person_id_idx').on('consents').columns(['person_id', 'subject']).execute();

    await db.schema
      .createTable('events')
      .addColumn('id', t.id, (c) => c.primaryKey())
      .addColumn('person_id', t.id, (c) => c.references('persons.id').onDelete('cascade'))
      .addColumn('type', t.text, (c) => c.notNull())
      .addColumn('created_at', t.bigint, (c) => c.notNull())
      .addColumn('data', t.bytes)
      .$call(t.tableOptions)
      .execute();
    await db.schema.createIndex('events_person_id_idx').on('events').columns(['person_id', 'created_at']).execute();

    await db.schema
      .createTable('counters')
      .addColumn('name', t.text, (c) => c.primaryKey())
      .addColumn('value', t.bigint, (c) => c.notNull().defaultTo(0))
      .$call(t.tableOptions)
      .execute();
  },
};
