/**
 * "A compare-and-set and, only when it took effect, the rows that record it" as one statement on
 * PostgreSQL: the update is the CTE `moved` (returning the row's id), and each insert is a CTE
 * that selects its values from `moved` — so it writes a row exactly when the update changed
 * one, with no BEGIN and COMMIT round trips around it. PostgreSQL types each value from the
 * column it is inserted into. SQLite has no data-modifying CTEs (nor round trips to save): its
 * repositories run the same writes one by one in a transaction.
 *
 * Used where a flow's round trips count (docs/store.md, "Several writes in one statement"):
 * `verifications.transitionWith` and `oidc.redeemAuthorization`.
 */
import { sql, type Kysely } from 'kysely';
import type { Database } from './schema.ts';

/** An insert of one row into a table, its values as the repository checked them. */
export interface RowInsert {
  readonly table: keyof Database;
  readonly row: Readonly<Record<string, unknown>>;
}

/** Anything `returning('id')` can be asked of: the repository's compare-and-set update. */
interface Returning {
  returning(column: 'id'): unknown;
}

/** Runs `update` and, in the same statement, `inserts` for the row it updated; true when it updated one. */
export async function updateThenInsert(db: Kysely<Database>, update: Returning, inserts: readonly RowInsert[]): Promise<boolean> {
  // Kysely types a CTE by the names it is given; these are built from data, so the types are
  // asserted here and the statement is checked by the tests of both callers.
  let q = db.with('moved', () => update.returning('id') as never);
  inserts.forEach(({ table, row }, i) => {
    const columns = Object.keys(row);
    const values = columns.map((c) => sql.val(row[c]).as(c));
    q = q.with(`also_${i}`, (w) => w.insertInto(table).columns(columns as never).expression(w.selectFrom('moved' as never).select(values as never) as never) as never) as unknown as typeof q;
  });
  const r = await q
    .selectFrom('moved' as never)
    .select(sql<string>`count(*)`.as('n'))
    .executeTakeFirstOrThrow();
  return Number(r.n) > 0;
}
