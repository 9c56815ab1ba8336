/** What a migration is: one `up` step over either engine, given the dialect's column types. */
import type { Kysely } from 'kysely';
import type { MigrationDialect } from '../dialect.ts';

export interface StoreMigration {
  up(db: Kysely<unknown>, dialect: MigrationDialect): Promise<void>;
}
