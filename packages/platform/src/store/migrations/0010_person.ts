/**
 * 0010 — the person-authenticated API (`/v1/me/…`, person/): nonces already spent, so a
 * captured request cannot be replayed. Additive only.
 *
 * Personal data: none. A row is a digest of a platform nonce (random, issued to whoever asked)
 * and its expiry; it names no person and no device.
 */
import type { Kysely } from 'kysely';
import type { MigrationDialect } from '../dialect.ts';
import type { StoreMigration } from './migration.ts';

export const person: StoreMigration = {
  async up(db: Kysely<unknown>, t: MigrationDialect): Promise<void> {
    await db.schema
      .createTable('spent_nonces')
      .addColumn('digest', t.bytes, (c) => c.primaryKey())
      .addColumn('expires_at', t.bigint, (c) => c.notNull())
      .$call(t.tableOptions)
      .execute();
    await db.schema.createIndex('spent_nonces_expires_at_idx').on('spent_nonces').column('expires_at').execute();
  },
};
