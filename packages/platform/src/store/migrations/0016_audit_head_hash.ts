/**
 * 0016 — the audit appenders' lock row also carries the head entry's hash (issue 10, speed).
 *
 * An append needs of the head only its `seq` and `hash`. Since 0014 the lock row named the head
 * by its key, and every append read the entry by that key before inserting the next one; now
 * the row carries `head_hash` too, written in the same transaction as each append, so that read
 * is gone — one statement fewer on every audited action, and on PostgreSQL a shorter hold of the
 * appenders' lock.
 *
 * The row moves from id 2 to id 3, as 0014 moved it from 1 to 2: a process of an older release
 * (which keeps `head_seq` and `head_at` but not the hash) finds no row 2 and fails to append,
 * instead of leaving a hash behind that names an older head. Roll out 0016 by stopping the old
 * processes, not alongside them.
 */
import { sql, type Kysely } from 'kysely';
import type { MigrationDialect } from '../dialect.ts';
import type { StoreMigration } from './migration.ts';

export const auditHeadHash: StoreMigration = {
  async up(db: Kysely<unknown>, _t: MigrationDialect): Promise<void> {
    await db.schema.alterTable('audit_append_lock').addColumn('head_hash', 'text').execute();
    await sql`update audit_append_lock set id = 3,
      head_hash = (select e.hash from audit_entries e where e.seq = audit_append_lock.head_seq and e.at = audit_append_lock.head_at)
      where id = 2`.execute(db);
  },
};
