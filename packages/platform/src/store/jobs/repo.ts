/**
 * The job outbox. Claiming is the one statement where the engines differ, and it differs here
 * rather than in dialect.ts because only this table needs it:
 * - PostgreSQL: `UPDATE … WHERE id IN (SELECT … FOR UPDATE SKIP LOCKED)`: several server
 *   processes claim at once, each skips rows another holds, none waits and none gets a row twice.
 * - SQLite: the same UPDATE without the locking clause: SQLite has one writer at a time, so
 *   the UPDATE (which re-checks the state in its own WHERE) is atomic on its own.
 * Both first look for due work with a plain SELECT, so an idle worker never takes the write lock.
 *
 * Every change after a claim is a compare-and-set on (id, claim_token).
 */
import { PostgresAdapter, type ExpressionBuilder, type Kysely, type Selectable } from 'kysely';
import { toDbBytes } from '../dialect.ts';
import type { Database, JobsTable } from '../schema.ts';
import { assertBytes, assertCode, assertEpochMs, assertInt32, lookupId, writeId, type RepoContext } from '../context.ts';
import { JOB_KINDS, JOB_STATES, type JobKind, type JobReader, type JobRecord, type JobState, type JobWriter, type QueueCounts } from './types.ts';

const MAX_BATCH = 1000;
const REF = /^[A-Za-z0-9._~-]{1,128}$/;
const QUEUE = /^[A-Za-z0-9._:-]{1,64}$/;
const TOKEN = /^[A-Za-z0-9_-]{16,64}$/;

/** The read-only methods: all that `store.reader.jobs` carries. */
export const JOB_READ = ['countByQueue'] as const satisfies readonly (keyof JobReader)[];

function kindOf(v: unknown): JobKind {
  if (typeof v !== 'string' || !(JOB_KINDS as readonly string[]).includes(v)) throw new TypeError(`job kind must be one of ${JOB_KINDS.join(', ')}`);
  return v as JobKind;
}
function queueOf(v: unknown): string {
  if (typeof v !== 'string' || !QUEUE.test(v)) throw new TypeError(`job queue must match ${QUEUE.source}`);
  return v;
}
function refOf(v: unknown): string {
  if (typeof v !== 'string' || !REF.test(v)) throw new TypeError(`job ref must match ${REF.source}`);
  return v;
}
function tokenOf(v: unknown): string {
  if (typeof v !== 'string' || !TOKEN.test(v)) throw new TypeError('claim token must be 16..64 base64url characters');
  return v;
}
function batch(v: unknown): number {
  if (!Number.isInteger(v) || (v as number) < 1 || (v as number) > MAX_BATCH) throw new TypeError(`limit must be 1..${MAX_BATCH}`);
  return v as number;
}

type Jobs = ExpressionBuilder<Database, 'jobs'>;

function isPostgres(db: Kysely<Database>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

export function jobRepo({ db, now }: RepoContext): JobWriter {
  /** Where-clause of a job still held under `token`. */
  const held = (id: string, token: string) => (eb: Jobs) => eb.and([eb('id', '=', id), eb('state', '=', 'running'), eb('claim_token', '=', tokenOf(token))]);

  return {
    async countByQueue(queues) {
      let q = db
        .selectFrom('jobs')
        .select(['queue', 'state', (eb) => eb.fn.countAll<number | string>().as('n')])
        .groupBy(['queue', 'state']);
      if (queues !== undefined) {
        if (queues.length === 0) return {};
        q = q.where('queue', 'in', queues.map(queueOf));
      }
      const out: Record<string, { pending: number; failed: number }> = {};
      for (const r of await q.execute()) {
        const c = (out[r.queue] ??= { pending: 0, failed: 0 });
        if (r.state === 'failed') c.failed += Number(r.n);
        else c.pending += Number(r.n);
      }
      return out as Record<string, QueueCounts>;
    },

    async insert(j) {
      const at = now();
      const row = {
        id: writeId(j.id, 'job id'),
        kind: kindOf(j.kind),
        queue: queueOf(j.queue),
        ref: j.ref == null ? null : refOf(j.ref),
        payload: j.payload == null ? null : toDbBytes(assertBytes(j.payload.sealed, 'payload')),
        payload_key: j.payload == null ? null : toDbBytes(assertBytes(j.payload.wrappedKey, 'payload key')),
        kek_id: j.payload == null ? null : assertCode(j.payload.kekId, 'kek id'),
        state: 'pending',
        attempts: 0,
        max_attempts: assertInt32(j.maxAttempts, 'maxAttempts'),
        run_at: j.runAt === undefined ? at : assertEpochMs(j.runAt, 'runAt'),
        locked_until: null,
        claim_token: null,
        last_error: null,
        created_at: j.createdAt === undefined ? at : assertEpochMs(j.createdAt, 'createdAt'),
        updated_at: at,
      };
      if (row.max_attempts < 1) throw new TypeError('maxAttempts must be at least 1');
      // ON CONFLICT DO NOTHING rather than an error: an error would end a PostgreSQL transaction.
      const r = await db
        .insertInto('jobs')
        .values(row)
        .onConflict((oc) => oc.columns(['queue', 'ref']).doNothing())
        .executeTakeFirst();
      return Number(r.numInsertedOrUpdatedRows ?? 0n) === 1;
    },

    async claim(o) {
      const at = assertEpochMs(o.now, 'now');
      const kinds = o.kinds.map(kindOf);
      if (kinds.length === 0) return [];
      const limit = batch(o.limit);
      const token = tokenOf(o.claimToken);
      const lease = assertInt32(o.leaseMs, 'leaseMs');
      const due = (eb: Jobs) =>
        eb.and([
          eb('kind', 'in', kinds),
          eb.or([eb.and([eb('state', '=', 'pending'), eb('run_at', '<=', at)]), eb.and([eb('state', '=', 'running'), eb('locked_until', '<=', at)])]),
        ]);
      const any = await db.selectFrom('jobs').select('id').where(due).limit(1).executeTakeFirst();
      if (!any) return [];
      const pg = isPostgres(db);
      const rows = await db
        .updateTable('jobs')
        .set((eb) => ({ state: 'running', attempts: eb('attempts', '+', 1), locked_until: at + lease, claim_token: token, updated_at: now() }))
        .where((eb) =>
          eb.and([
            due(eb),
            eb(
              'id',
              'in',
              eb
                .selectFrom('jobs')
                .select('id')
                .where(due)
                .orderBy('run_at')
                .orderBy('id')
                .limit(limit)
                .$if(pg, (q) => q.forUpdate().skipLocked()),
            ),
          ]),
        )
        .returningAll()
        .execute();
      return rows.map(toJob).sort((a, b) => a.runAt - b.runAt || (a.id < b.id ? -1 : 1));
    },

    async finish(id, token) {
      const key = lookupId(id);
      if (key === undefined) return false;
      const r = await db.deleteFrom('jobs').where(held(key, token)).executeTakeFirst();
      return Number(r.numDeletedRows) === 1;
    },

    async reschedule(id, token, o) {
      const key = lookupId(id);
      if (key === undefined) return false;
      const r = await db
        .updateTable('jobs')
        .set((eb) => ({
          state: 'pending',
          run_at: assertEpochMs(o.runAt, 'runAt'),
          locked_until: null,
          claim_token: null,
          last_error: o.lastError === null ? null : assertCode(o.lastError, 'lastError'),
          ...(o.kind !== undefined ? { kind: kindOf(o.kind) } : {}),
          ...(o.refundAttempt ? { attempts: eb('attempts', '-', 1) } : {}),
          updated_at: now(),
        }))
        .where(held(key, token))
        .executeTakeFirst();
      return Number(r.numUpdatedRows) === 1;
    },

    async fail(id, token, code) {
      const key = lookupId(id);
      if (key === undefined) return false;
      const r = await db
        .updateTable('jobs')
        .set({ ...failedColumns(code), updated_at: now() })
        .where(held(key, token))
        .executeTakeFirst();
      return Number(r.numUpdatedRows) === 1;
    },

    async listPending(queue, kind, limit) {
      const rows = await db
        .selectFrom('jobs')
        .selectAll()
        .where('queue', '=', queueOf(queue))
        .where('kind', '=', kindOf(kind))
        .where('state', '=', 'pending')
        .orderBy('created_at')
        .orderBy('id')
        .limit(batch(limit))
        .execute();
      return rows.map(toJob);
    },

    async deleteRefs(queue, kind, refs) {
      if (refs.length === 0) return 0;
      if (refs.length > MAX_BATCH) throw new TypeError(`at most ${MAX_BATCH} refs`);
      const r = await db
        .deleteFrom('jobs')
        .where('queue', '=', queueOf(queue))
        .where('kind', '=', kindOf(kind))
        .where('state', '=', 'pending')
        .where('ref', 'in', refs.map(refOf))
        .executeTakeFirst();
      return Number(r.numDeletedRows);
    },

    async failRef(queue, kind, ref, code) {
      const r = await db
        .updateTable('jobs')
        .set({ ...failedColumns(code), updated_at: now() })
        .where('queue', '=', queueOf(queue))
        .where('kind', '=', kindOf(kind))
        .where('state', '=', 'pending')
        .where('ref', '=', refOf(ref))
        .executeTakeFirst();
      return Number(r.numUpdatedRows) === 1;
    },

    async deleteStale(o) {
      const kinds = o.kinds.map(kindOf);
      if (kinds.length === 0) return {};
      if (o.state !== 'pending' && o.state !== 'failed') throw new TypeError('state must be pending or failed: a running job belongs to its claim');
      const upTo = assertEpochMs(o.upTo, 'upTo');
      const stale = (eb: Jobs) => eb.and([eb('kind', 'in', kinds), eb('state', '=', o.state), eb('updated_at', '<=', upTo)]);
      // DELETE … LIMIT is not portable: pick the ids in a subquery. The outer WHERE checks the row
      // again, so one claimed, acknowledged or moved meanwhile (PostgreSQL re-checks) is kept.
      const rows = await db
        .deleteFrom('jobs')
        .where((eb) => eb.and([stale(eb), eb('id', 'in', eb.selectFrom('jobs').select('id').where(stale).orderBy('updated_at').orderBy('id').limit(batch(o.limit)))]))
        .returning('queue')
        .execute();
      const out: Record<string, number> = {};
      for (const r of rows) out[r.queue] = (out[r.queue] ?? 0) + 1;
      return out;
    },

    async changeKind(queue, from, to) {
      const at = now();
      const r = await db
        .updateTable('jobs')
        .set({ kind: kindOf(to), run_at: at, updated_at: at })
        .where('queue', '=', queueOf(queue))
        .where('kind', '=', kindOf(from))
        .where('state', '=', 'pending')
        .executeTakeFirst();
      return Number(r.numUpdatedRows);
    },

    async wake(queue) {
      const at = now();
      const r = await db.updateTable('jobs').set({ run_at: at, updated_at: at }).where('queue', '=', queueOf(queue)).where('state', '=', 'pending').executeTakeFirst();
      return Number(r.numUpdatedRows);
    },

    async dropQueue(queue) {
      const r = await db.deleteFrom('jobs').where('queue', '=', queueOf(queue)).where('state', 'in', ['pending', 'running']).executeTakeFirst();
      return Number(r.numDeletedRows);
    },
  };
}

function failedColumns(code: string) {
  return {
    state: 'failed',
    payload: null,
    payload_key: null,
    kek_id: null,
    locked_until: null,
    claim_token: null,
    last_error: assertCode(code, 'error code'),
  } as const;
}

function stateOf(v: string): JobState {
  if (!(JOB_STATES as readonly string[]).includes(v)) throw new TypeError('stored job state is unknown');
  return v as JobState;
}

function toJob(r: Selectable<JobsTable>): JobRecord {
  return {
    id: r.id,
    kind: kindOf(r.kind),
    queue: r.queue,
    ref: r.ref,
    payload: r.payload && r.payload_key && r.kek_id ? { sealed: r.payload, wrappedKey: r.payload_key, kekId: r.kek_id } : null,
    state: stateOf(r.state),
    attempts: r.attempts,
    maxAttempts: r.max_attempts,
    runAt: r.run_at,
    lockedUntil: r.locked_until,
    claimToken: r.claim_token,
    lastError: r.last_error,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}
