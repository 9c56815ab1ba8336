/**
 * 0015 — an index of the status-list entries that are not `valid` (issue 10, national scale).
 * A Token Status List encodes `valid` as 0 bits, so building one needs only the other entries;
 * it used to read every entry of the list (all of a list's credentials, sorted), which took
 * 0.8–2.4 s a request at 445,000 people (docs/scale.md). With this partial index the read is
 * proportional to the revoked and suspended entries. Additive only; both engines support
 * partial indexes.
 */
import { sql, type Kysely } from 'kysely';
import type { MigrationDialect } from '../dialect.ts';
import type { StoreMigration } from './migration.ts';

export const statusChanges: StoreMigration = {
  async up(db: Kysely<unknown>, _t: MigrationDialect): Promise<void> {
    await db.schema
      .createIndex('credentials_status_changed_idx')
      .on('credentials')
      .columns(['status_list', 'status_index'])
      .where(sql.ref('status'), '<>', 'valid')
      .execute();
  },
};
