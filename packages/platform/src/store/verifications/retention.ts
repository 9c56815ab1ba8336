/**
 * Partition maintenance and retention of `verification_requests` (store/partitions.ts,
 * docs/store.md "Time partitions and retention"). A request goes with its OIDC authorization
 * and that authorization's access tokens, children first: on SQLite the foreign keys demand it,
 * on PostgreSQL (where 0014 dropped the key into the partitioned table) no authorization may
 * be left pointing at a dropped request.
 *
 * Trust: our own rows and catalog; logs and results carry counts only.
 */
import { sql, type Kysely } from 'kysely';
import { assertEpochMs } from '../context.ts';
import {
  addMonths,
  assertLimit,
  assertMonthsAhead,
  defaultPartition,
  dropPartition,
  ensureDefaultPartition,
  ensureMonthlyPartitions,
  isPostgres,
  partitionsBefore,
  type RetentionStep,
} from '../partitions.ts';
import type { Database } from '../schema.ts';
import type { VerificationWriter } from './types.ts';

export function verificationRetention(db: Kysely<Database>): Pick<VerificationWriter, 'ensurePartitions' | 'deleteBefore'> {
  return {
    async ensurePartitions(at, monthsAhead) {
      const from = assertEpochMs(at, 'at');
      const to = addMonths(from, assertMonthsAhead(monthsAhead));
      if (!isPostgres(db)) return 0;
      await ensureDefaultPartition(db, 'verification_requests');
      // Rows moved out of DEFAULT were deleted there, which released their bizSeqs: claim them again.
      return ensureMonthlyPartitions(db, 'verification_requests', from, to, async (tx, partition) => {
        await sql`insert into verification_biz_seqs (client_id, biz_seq, created_at)
          select client_id, biz_seq, created_at from ${sql.table(partition)} where biz_seq is not null`.execute(tx);
      });
    },

    async deleteBefore(cutoff, limit) {
      const before = assertEpochMs(cutoff, 'cutoff');
      const n = assertLimit(limit);
      const run = (tx: Kysely<Database>) => (isPostgres(tx) ? pgStep(tx, before, n) : rowStep(tx, 'verification_requests', before, n));
      return db.isTransaction ? run(db) : db.transaction().execute(run);
    },
  };
}

/** Up to `limit` of the oldest requests in `from` (the table, or the DEFAULT partition), with their children. */
async function rowStep(db: Kysely<Database>, from: string, cutoff: number, limit: number): Promise<RetentionStep> {
  const { rows } = await sql<{ id: string }>`select id from ${sql.table(from)} where created_at < ${cutoff} order by created_at limit ${limit}`.execute(db);
  const ids = rows.map((r) => r.id);
  if (ids.length === 0) return { rows: 0, partitions: 0, done: true };
  await deleteAuthorizations(db, ids);
  // Through the parent on PostgreSQL, bounded by the cutoff: the rows are in DEFAULT, and the
  // delete trigger frees their bizSeq guards.
  const r = await db.deleteFrom('verification_requests').where('id', 'in', ids).where('created_at', '<', cutoff).executeTakeFirst();
  const deleted = Number(r.numDeletedRows);
  return { rows: deleted, partitions: 0, done: ids.length < limit };
}

async function pgStep(db: Kysely<Database>, cutoff: number, limit: number): Promise<RetentionStep> {
  const [month] = await partitionsBefore(db, 'verification_requests', cutoff);
  if (month === undefined) return rowStep(db, defaultPartition('verification_requests'), cutoff, limit);
  // The month's authorizations first, `limit` at a time (only OIDC requests have one).
  const { rows } = await sql<{ id: string }>`
    select a.id from ${sql.table(month.name)} r join oidc_authorizations a on a.request_id = r.id
    where r.kind = 'oidc' limit ${limit}`.execute(db);
  if (rows.length > 0) await deleteAuthorizations(db, undefined, rows.map((r) => r.id));
  if (rows.length === limit) return { rows: 0, partitions: 0, done: false };
  const dropped = await dropPartition(db, 'verification_requests', month.name, async (tx) => {
    // DROP fires no delete trigger: the month's bizSeq guards go here, in the same transaction.
    await sql`delete from verification_biz_seqs where created_at >= ${month.from} and created_at < ${month.to}`.execute(tx);
  });
  return { rows: dropped, partitions: 1, done: false };
}

/** Access tokens, then authorizations: of the given requests, or the given authorizations. */
async function deleteAuthorizations(db: Kysely<Database>, requestIds: string[] | undefined, authorizationIds?: string[]): Promise<void> {
  const auths =
    authorizationIds ??
    (await db.selectFrom('oidc_authorizations').select('id').where('request_id', 'in', requestIds ?? []).execute()).map((a) => a.id);
  if (auths.length === 0) return;
  await db.deleteFrom('oidc_access_tokens').where('authorization_id', 'in', auths).execute();
  await db.deleteFrom('oidc_authorizations').where('id', 'in', auths).execute();
}
