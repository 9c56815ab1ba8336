/** The person's history: typed events with sealed details. */
import type { Selectable } from 'kysely';
import { toDbBytes } from '../dialect.ts';
import { addMonths, assertLimit, assertMonthsAhead, defaultPartition, deleteOldest, dropPartition, ensureDefaultPartition, ensureMonthlyPartitions, isPostgres, partitionsBefore } from '../partitions.ts';
import type { EventsTable } from '../schema.ts';
import type { EventReader, EventRecord, EventWriter, NewEvent } from './types.ts';
import { assertBytes, assertCode, assertEpochMs, lookupId, newId, writeId, type RepoContext } from '../context.ts';

const MAX_PAGE = 1000;

/** The read-only methods: all that `store.reader.events` carries. */
export const EVENT_READ = ['listByPerson'] as const satisfies readonly (keyof EventReader)[];

export function eventRepo({ db, now }: RepoContext): EventWriter {
  return {
    async listByPerson(personId, opts = {}) {
      const key = lookupId(personId);
      if (key === undefined) return [];
      const limit = opts.limit ?? 100;
      if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) throw new TypeError(`limit must be 1..${MAX_PAGE}`);
      let q = db.selectFrom('events').selectAll().where('person_id', '=', key);
      if (opts.before !== undefined) q = q.where('created_at', '<', assertEpochMs(opts.before, 'before'));
      const rows = await q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
      return rows.map(toEvent);
    },

    async append(e) {
      const row = eventRow(e, now);
      await db.insertInto('events').values(row).execute();
      return toEvent(row);
    },

    async ensurePartitions(at, monthsAhead) {
      const from = assertEpochMs(at, 'at');
      const to = addMonths(from, assertMonthsAhead(monthsAhead));
      if (!isPostgres(db)) return 0;
      await ensureDefaultPartition(db, 'events');
      return ensureMonthlyPartitions(db, 'events', from, to);
    },

    async deleteBefore(cutoff, limit) {
      const before = assertEpochMs(cutoff, 'cutoff');
      const n = assertLimit(limit);
      if (!isPostgres(db)) {
        const rows = await deleteOldest(db, 'events', 'id', 'created_at', before, n);
        return { rows, partitions: 0, done: rows < n };
      }
      const [month] = await partitionsBefore(db, 'events', before);
      if (month !== undefined) return { rows: await dropPartition(db, 'events', month.name), partitions: 1, done: false };
      const rows = await deleteOldest(db, defaultPartition('events'), 'id', 'created_at', before, n);
      return { rows, partitions: 0, done: rows < n };
    },
  };
}

/** An event's row, checked (`append`'s, and `verifications.transitionWith`'s). */
export function eventRow(e: NewEvent, now: () => number) {
  return {
    id: e.id === undefined ? newId() : writeId(e.id, 'event id'),
    person_id: e.personId === null ? null : writeId(e.personId, 'person id'),
    type: assertCode(e.type, 'event type'),
    created_at: e.createdAt === undefined ? now() : assertEpochMs(e.createdAt, 'createdAt'),
    data: e.data == null ? null : toDbBytes(assertBytes(e.data, 'data')),
  };
}

function toEvent(r: Selectable<EventsTable>): EventRecord {
  return { id: r.id, personId: r.person_id, type: r.type, createdAt: r.created_at, data: r.data };
}
