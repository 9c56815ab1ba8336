/** Named counters: one atomic upsert per increment, the same SQL on both engines. */
import { sql } from 'kysely';
import type { CounterReader, CounterWriter } from './types.ts';
import { assertCode, type RepoContext } from '../context.ts';

/** The read-only methods: all that `store.reader.counters` carries. */
export const COUNTER_READ = ['get'] as const satisfies readonly (keyof CounterReader)[];

export function counterRepo({ db }: RepoContext): CounterWriter {
  return {
    async get(name) {
      const row = await db.selectFrom('counters').select('value').where('name', '=', assertCode(name, 'counter name')).executeTakeFirst();
      return row?.value ?? 0;
    },

    async increment(name, by = 1) {
      if (!Number.isSafeInteger(by)) throw new TypeError('increment must be an integer');
      const row = await db
        .insertInto('counters')
        .values({ name: assertCode(name, 'counter name'), value: by })
        .onConflict((oc) => oc.column('name').doUpdateSet({ value: sql<number>`counters.value + excluded.value` }))
        .returning('value')
        .executeTakeFirstOrThrow();
      return Number(row.value);
    },
  };
}
