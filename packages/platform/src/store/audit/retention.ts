/**
 * Partition maintenance and retention of `audit_entries` (store/partitions.ts, docs/store.md
 * "Retention"). Off unless the operator sets a period; the only code that removes entries.
 *
 * What remains must still verify: the chain can only be checked from an entry whose hash
 * something trusted vouches for. So retention keeps every entry from the **anchor** — the
 * newest stored checkpoint whose entry was written before the cutoff — on, and removes only
 * entries with a lower `seq` (and written before the cutoff). The anchor entry's hash is signed
 * by its checkpoint; every later entry links back to it. Without such a checkpoint nothing is
 * removed. Checkpoints themselves are kept (no personal data; evidence of what was there).
 *
 * Trust: the stored checkpoint is taken as the anchor without checking its signature here (the
 * store has no keys); a forged one shows as `checkpoint_invalid` when the trail is verified.
 */
import { sql, type Kysely } from 'kysely';
import { assertEpochMs } from '../context.ts';
import {
  addMonths,
  assertLimit,
  assertMonthsAhead,
  defaultPartition,
  deleteOldest,
  dropPartition,
  ensureDefaultPartition,
  ensureMonthlyPartitions,
  isPostgres,
  NOTHING_LEFT,
  partitionsBefore,
  type RetentionStep,
} from '../partitions.ts';
import type { Database } from '../schema.ts';
import type { AuditWriter } from './types.ts';

export function auditRetention(db: Kysely<Database>): Pick<AuditWriter, 'ensurePartitions' | 'retentionAnchor' | 'deleteBefore'> {
  const anchorOf = async (cutoff: number): Promise<number | undefined> => {
    const row = await db
      .selectFrom('audit_checkpoints as c')
      .innerJoin('audit_entries as e', 'e.seq', 'c.seq')
      .select('c.seq')
      .where('e.at', '<', cutoff)
      .orderBy('c.seq', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row?.seq;
  };

  return {
    async ensurePartitions(at, monthsAhead) {
      const from = assertEpochMs(at, 'at');
      const to = addMonths(from, assertMonthsAhead(monthsAhead));
      if (!isPostgres(db)) return 0;
      await ensureDefaultPartition(db, 'audit_entries');
      return ensureMonthlyPartitions(db, 'audit_entries', from, to);
    },

    retentionAnchor: (cutoff) => anchorOf(assertEpochMs(cutoff, 'cutoff')),

    async deleteBefore(cutoff, limit) {
      const before = assertEpochMs(cutoff, 'cutoff');
      const n = assertLimit(limit);
      const anchor = await anchorOf(before);
      if (anchor === undefined) return NOTHING_LEFT;
      const keep = sql`${sql.ref('seq')} < ${anchor}`;
      if (!isPostgres(db)) {
        const rows = await deleteOldest(db, 'audit_entries', 'seq', 'at', before, n, keep);
        return { rows, partitions: 0, done: rows < n };
      }
      const [month] = await partitionsBefore(db, 'audit_entries', before);
      if (month !== undefined) {
        // A month is dropped only when all of it lies before the anchor; the months after it
        // hold later entries still (seq grows with time), so the oldest month decides.
        const { rows } = await sql<{ top: number | null }>`select max(seq) as top from ${sql.table(month.name)}`.execute(db);
        const top = rows[0]?.top ?? null;
        if (top === null || top < anchor) return { rows: await dropPartition(db, 'audit_entries', month.name), partitions: 1, done: false };
      }
      const rows = await deleteOldest(db, defaultPartition('audit_entries'), 'seq', 'at', before, n, keep);
      return { rows, partitions: 0, done: rows < n };
    },
  };
}
