/**
 * The ordered list of migrations, shared by both engines. Kysely's Migrator runs it at start-up
 * under a lock (PostgreSQL: an advisory lock; SQLite: BEGIN IMMEDIATE, see dialect.ts), in one
 * transaction, and refuses to run if the database holds a migration this list does not know or
 * if a new name sorts before one already applied.
 *
 * To add a migration: a new file `NNNN_name.ts`, appended here with the next number. Never edit
 * or reorder an applied one.
 */
import { Migrator, type Kysely, type Migration, type MigrationProvider, type MigrationResultSet } from 'kysely';
import type { Connected, MigrationDialect } from '../dialect.ts';
import { foundation } from './0001_foundation.ts';
import { enrollment } from './0002_enrollment.ts';
import { relyingParties } from './0003_relying_parties.ts';
import { verifications } from './0004_verifications.ts';
import { reverification } from './0005_reverification.ts';
import { oidc } from './0006_oidc.ts';
import { lifecycle } from './0007_lifecycle.ts';
import { audit } from './0008_audit.ts';
import { jobsSignals } from './0009_jobs_signals.ts';
import { person } from './0010_person.ts';
import { disclosures } from './0011_disclosures.ts';
import { phoneChanges } from './0012_phone_changes.ts';
import { consoleOperators } from './0013_console_operators.ts';
import { timePartitions } from './0014_time_partitions.ts';
import { statusChanges } from './0015_status_changes.ts';
import { auditHeadHash } from './0016_audit_head_hash.ts';
import { auditQueue } from './0017_audit_queue.ts';

import type { StoreMigration } from './migration.ts';

export type { StoreMigration } from './migration.ts';

/** Name → migration; names sort in the order they must run. */
export const MIGRATIONS: ReadonlyArray<readonly [string, StoreMigration]> = [
  ['0001_foundation', foundation],
  ['0002_enrollment', enrollment],
  ['0003_relying_parties', relyingParties],
  ['0004_verifications', verifications],
  ['0005_reverification', reverification],
  ['0006_oidc', oidc],
  ['0007_lifecycle', lifecycle],
  ['0008_audit', audit],
  ['0009_jobs_signals', jobsSignals],
  ['0010_person', person],
  ['0011_disclosures', disclosures],
  ['0012_phone_changes', phoneChanges],
  ['0013_console_operators', consoleOperators],
  ['0014_time_partitions', timePartitions],
  ['0015_status_changes', statusChanges],
  ['0016_audit_head_hash', auditHeadHash],
  ['0017_audit_queue', auditQueue],
];

export const MIGRATION_TABLE = 'wz_migration';
export const MIGRATION_LOCK_TABLE = 'wz_migration_lock';

class ListProvider implements MigrationProvider {
  constructor(private readonly conn: Connected) {}
  async getMigrations(): Promise<Record<string, Migration>> {
    const out: Record<string, Migration> = {};
    for (const [name, m] of MIGRATIONS) {
      out[name] = { up: (db) => m.up(db, this.conn.migration) };
    }
    return out;
  }
}

function migrator(conn: Connected): Migrator {
  return new Migrator({
    db: conn.db,
    provider: new ListProvider(conn),
    migrationTableName: MIGRATION_TABLE,
    migrationLockTableName: MIGRATION_LOCK_TABLE,
    ...(conn.schema === undefined ? {} : { migrationTableSchema: conn.schema }),
  });
}

/** Brings the schema up to date; returns the names applied by this call (empty if none). */
export async function migrateToLatest(conn: Connected): Promise<string[]> {
  return applied(await migrator(conn).migrateToLatest());
}

/**
 * Brings the schema up to the named migration and no further: for tests and tooling that need
 * a database as an older release left it (`openStore` always migrates to the latest).
 */
export async function migrateUpTo(conn: Connected, name: string): Promise<string[]> {
  if (!MIGRATIONS.some(([n]) => n === name)) throw new TypeError('unknown migration name');
  return applied(await migrator(conn).migrateTo(name));
}

function applied({ error, results }: MigrationResultSet): string[] {
  if (error !== undefined) throw error;
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
