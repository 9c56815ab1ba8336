/**
 * `store.compact()`: after a destructive change (a cancellation), make the engine let go of
 * the old bytes it still holds where it can do so cheaply and at once.
 *
 * - SQLite: `secure_delete` already zeroes deleted cells in the pages it writes, but the
 *   write-ahead log still holds the earlier images of those pages (the person's rows as they
 *   were) until a checkpoint copies the log into the database file and the log is reset.
 *   `PRAGMA wal_checkpoint(TRUNCATE)` does both and truncates the -wal file to zero bytes. It
 *   waits (busy_timeout) for writers and cannot finish while another connection reads an older
 *   snapshot: then it reports `false` and SQLite's own automatic checkpoints finish the job
 *   later (docs/person.md, "Cancellation").
 * - PostgreSQL: nothing is done here. A deleted row stays a dead tuple until VACUUM (autovacuum)
 *   marks its space free, its bytes stay in the page until reused, and the WAL segments keep it
 *   until recycled; none of that can be forced per request without locking a national-scale
 *   database, so it is the operator's configuration (docs/person.md). Returns `true`: nothing
 *   left to do at this level.
 *
 * Trust: no input; the engine is our own connection.
 */
import { sql } from 'kysely';
import type { Connected } from './dialect.ts';

/** Whether the engine has let go of everything it can at this level (SQLite: the log was emptied). */
export async function compact(conn: Pick<Connected, 'engine' | 'db'>): Promise<boolean> {
  if (conn.engine !== 'sqlite') return true;
  const r = await sql<{ busy: number; log: number; checkpointed: number }>`PRAGMA wal_checkpoint(TRUNCATE)`.execute(conn.db);
  const row = r.rows[0];
  return row !== undefined && Number(row.busy) === 0;
}
