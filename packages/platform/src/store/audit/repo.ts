/**
 * The audit trail's tables: `audit_entries` (one row per entry, `seq` the primary key — with
 * `at` on PostgreSQL, where the table is partitioned by month since 0014), `audit_checkpoints`
 * (one per signed head), `audit_append_lock` (one row whose lock serialises appenders and
 * which names the head) and `audit_queue` (0017: entries queued by their actions, deleted as the
 * sequencer chains them). Insert and select only: nothing here updates an entry or a checkpoint,
 * and only retention (retention.ts, off by default) deletes old entries. The chain itself is
 * built by the caller (`nextEntry`, core); this file only checks that what it is given follows
 * the head it read under the lock.
 */
import type { Kysely, Selectable } from 'kysely';
import { canonicalJson, GENESIS_PREV, isAuditAction, MAX_DATA_BYTES, type AuditData, type AuditEntry, type AuditHead, type QueuedFields } from '@wangzheng/core/audit/index';
import { isPostgres } from '../partitions.ts';
import { assertEpochMs, assertText, type RepoContext } from '../context.ts';
import type { AuditCheckpointsTable, AuditEntriesTable, Database } from '../schema.ts';
import type { AuditCheckpointRecord, AuditReader, AuditWriter, QueuedAuditEntry, StoredAuditEntry } from './types.ts';
import { auditRetention } from './retention.ts';

const MAX_PAGE = 1000;
/** The appenders' lock row since migration 0016 (0008 made row 1, 0014 moved it to 2). */
const APPEND_LOCK_ROW = 3;

/** The read-only methods: all that `store.reader.audit` carries. */
export const AUDIT_READ = ['head', 'queued', 'list', 'listCheckpoints', 'latestCheckpoint'] as const satisfies readonly (keyof AuditReader)[];

export function auditRepo({ db, now }: RepoContext): AuditWriter {
  return {
    async head() {
      const row = await db.selectFrom('audit_entries').selectAll().orderBy('seq', 'desc').limit(1).executeTakeFirst();
      return row === undefined ? undefined : toEntry(row);
    },

    async queued() {
      const row = await db.selectFrom('audit_queue').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      return Number(row.n);
    },

    async list(q = {}) {
      let query = db.selectFrom('audit_entries').selectAll();
      if (q.after !== undefined) query = query.where('seq', '>', assertSeqOrZero(q.after, 'after'));
      if (q.action !== undefined) {
        if (!isAuditAction(q.action)) throw new TypeError('action must be one of AUDIT_ACTIONS');
        query = query.where('action', '=', q.action);
      }
      if (q.actor !== undefined) query = query.where('actor', '=', assertText(q.actor, 'actor', 128));
      if (q.subject !== undefined) query = query.where('subject', '=', assertText(q.subject, 'subject', 128));
      if (q.from !== undefined) query = query.where('at', '>=', assertEpochMs(q.from, 'from'));
      if (q.to !== undefined) query = query.where('at', '<', assertEpochMs(q.to, 'to'));
      const rows = await query.orderBy('seq', 'asc').limit(pageSize(q.limit)).execute();
      return rows.map(toEntry);
    },

    async listCheckpoints(opts = {}) {
      let query = db.selectFrom('audit_checkpoints').selectAll();
      if (opts.after !== undefined) query = query.where('seq', '>', assertSeqOrZero(opts.after, 'after'));
      const rows = await query.orderBy('seq', 'asc').limit(pageSize(opts.limit)).execute();
      return rows.map(toCheckpoint);
    },

    async latestCheckpoint() {
      const row = await db.selectFrom('audit_checkpoints').selectAll().orderBy('seq', 'desc').limit(1).executeTakeFirst();
      return row === undefined ? undefined : toCheckpoint(row);
    },

    async appendNext(build) {
      if (typeof build !== 'function') throw new TypeError('appendNext needs a function that builds the entry from the head');
      // Outside a transaction the lock would end with the statement that took it.
      if (!db.isTransaction) return db.transaction().execute((trx) => append(trx, build));
      return append(db, build);
    },

    async enqueue(f: QueuedFields) {
      await db.insertInto('audit_queue').values(queuedRow(f)).execute();
    },

    async sequence(chain, o = {}) {
      if (typeof chain !== 'function') throw new TypeError('sequence needs a function that chains the queued entries');
      if (db.isTransaction) throw new TypeError('sequence runs in a transaction of its own, not inside store.transaction');
      const limit = o.limit ?? 500;
      if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) throw new TypeError(`limit must be 1..${MAX_PAGE}`);
      return db.transaction().execute((trx) => sequenceQueued(trx, chain, limit, o.wait !== false, o.beforeCommit));
    },

    async insertCheckpoint(c) {
      const row = {
        seq: assertSeqOrZero(c.seq, 'seq'),
        token: assertText(c.token, 'checkpoint token', 8192),
        created_at: c.createdAt === undefined ? now() : assertEpochMs(c.createdAt, 'createdAt'),
      };
      if (row.seq === 0) throw new TypeError('seq must be a positive integer');
      const r = await db
        .insertInto('audit_checkpoints')
        .values(row)
        .onConflict((oc) => oc.column('seq').doNothing())
        .executeTakeFirst();
      return Number(r.numInsertedOrUpdatedRows ?? 0n) === 1;
    },

    ...auditRetention(db),
  };
}

/** A queued entry's row, checked (`enqueue`'s, and `verifications.transitionWith`'s). */
export function queuedRow(f: QueuedFields) {
  return { at: assertEpochMs(f.at, 'at'), actor: f.actor, action: f.action, subject: f.subject ?? null, data: assertText(f.data, 'data', MAX_DATA_BYTES) };
}

/**
 * The appenders' lock and the head it names. PostgreSQL: `FOR UPDATE`, held until the transaction
 * ends (`skip`: undefined at once if another transaction holds it); SQLite: BEGIN IMMEDIATE already
 * made this the only writer, so the row is only read.
 */
async function lockHead(db: Kysely<Database>, skip = false): Promise<{ head: AuditHead | undefined } | undefined> {
  const query = db.selectFrom('audit_append_lock').select(['head_seq', 'head_at', 'head_hash']).where('id', '=', APPEND_LOCK_ROW);
  const locked = await (isPostgres(db) ? (skip ? query.forUpdate().skipLocked() : query.forUpdate()) : query).executeTakeFirst();
  if (locked === undefined) {
    if (skip) return undefined;
    throw new TypeError('audit_append_lock has no row 3: the 0016 migration did not run');
  }
  if (locked.head_seq !== null && locked.head_hash !== null) return { head: { seq: Number(locked.head_seq), hash: locked.head_hash } };
  // No head recorded (an empty trail, or a trail whose head 0016 could not find): read it the long way.
  const last = await db.selectFrom('audit_entries').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1).executeTakeFirst();
  return { head: last === undefined ? undefined : { seq: Number(last.seq), hash: last.hash } };
}

/** Under the appenders' lock: chain the oldest queued entries, insert them, move the head, unqueue them. */
/** `beforeCommit`: called once the entries, the head and the queue's deletion are written, inside the transaction (a fault point). */
async function sequenceQueued(
  db: Kysely<Database>,
  chain: (head: AuditHead | undefined, queued: readonly QueuedAuditEntry[]) => readonly AuditEntry[],
  limit: number,
  wait: boolean,
  beforeCommit?: () => void,
): Promise<number> {
  const locked = await lockHead(db, !wait);
  if (locked === undefined) return 0; // another process is chaining
  const rows = await db.selectFrom('audit_queue').selectAll().orderBy('id', 'asc').limit(limit).execute();
  if (rows.length === 0) return 0;
  const queued = rows.map((r): QueuedAuditEntry => ({ id: Number(r.id), at: Number(r.at), actor: r.actor, action: r.action as QueuedAuditEntry['action'], ...(r.subject === null ? {} : { subject: r.subject }), data: r.data }));
  const entries = chain(locked.head, queued);
  if (entries.length !== queued.length) throw new TypeError('sequence: one entry must be built for each queued one');
  let prev = locked.head;
  for (const e of entries) {
    if (e.seq !== (prev?.seq ?? 0) + 1 || e.prev !== (prev?.hash ?? GENESIS_PREV)) throw new TypeError('sequence: the built entries do not follow the head one by one');
    prev = e;
  }
  const ids = queued.map((q) => q.id);
  await insertAndMoveHead(db, entries, () => db.deleteFrom('audit_queue').where('id', 'in', ids));
  beforeCommit?.();
  return entries.length;
}

/**
 * Inserts `entries` and records the last as the head — and, with `also`, runs one more write —
 * all in the caller's transaction. PostgreSQL: one statement (data-modifying CTEs), one round trip
 * while the lock is held; SQLite has no data-modifying CTE, and its statements cost no round trip.
 */
async function insertAndMoveHead(db: Kysely<Database>, entries: readonly AuditEntry[], also?: () => { execute(): Promise<unknown> }): Promise<void> {
  const rows = entries.map((e) => ({ seq: e.seq, at: e.at, actor: e.actor, action: e.action, subject: e.subject ?? null, data: canonicalJson(e.data, MAX_DATA_BYTES), prev: e.prev, hash: e.hash }));
  const last = entries.at(-1)!;
  const newHead = { head_seq: last.seq, head_at: last.at, head_hash: last.hash };
  if (isPostgres(db)) {
    const base = db.with('entry', (q) => q.insertInto('audit_entries').values(rows));
    const withAlso = also === undefined ? base : base.with('unqueued', () => also() as never);
    await withAlso.updateTable('audit_append_lock').set(newHead).where('id', '=', APPEND_LOCK_ROW).execute();
  } else {
    await db.insertInto('audit_entries').values(rows).execute();
    await db.updateTable('audit_append_lock').set(newHead).where('id', '=', APPEND_LOCK_ROW).execute();
    if (also !== undefined) await also().execute();
  }
}

/** Under the appenders' lock: read the head, build, check it follows, insert. */
async function append(db: Kysely<Database>, build: (head: AuditHead | undefined) => AuditEntry): Promise<AuditEntry> {
  // PostgreSQL: the row lock (FOR UPDATE) is held until this transaction commits or rolls back,
  // so the next appender reads the head only after this entry is visible (READ COMMITTED takes
  // a fresh snapshot per statement).
  //
  // The lock row names the head — its key since 0014, its hash since 0016 — kept in the same
  // transaction as each append, so the head entry itself is not read: one statement per append.
  // The row moved to id 3 with 0016 so that a process of an older release, which does not keep
  // the hash, finds no row and fails to append instead of leaving a stale hash (docs/store.md).
  const { head } = (await lockHead(db))!;
  const e = build(head);
  if (e.seq !== (head?.seq ?? 0) + 1 || e.prev !== (head?.hash ?? GENESIS_PREV)) {
    throw new TypeError('appendNext: the built entry does not follow the head it was given');
  }
  await insertAndMoveHead(db, [e]);
  return e;
}

function pageSize(limit: number | undefined): number {
  const n = limit ?? 100;
  if (!Number.isInteger(n) || n < 1 || n > MAX_PAGE) throw new TypeError(`limit must be 1..${MAX_PAGE}`);
  return n;
}

function assertSeqOrZero(v: unknown, what: string): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) throw new TypeError(`${what} must be a non-negative integer`);
  return v;
}

/** As stored, unverified. `data` that is not JSON stays text: the verifier, not the reader, judges it. */
function toEntry(r: Selectable<AuditEntriesTable>): StoredAuditEntry {
  let data: unknown = r.data;
  try {
    data = JSON.parse(r.data);
  } catch {
    // left as text: entry_malformed
  }
  return {
    seq: r.seq,
    at: r.at,
    actor: r.actor,
    action: r.action as StoredAuditEntry['action'],
    ...(r.subject === null ? {} : { subject: r.subject }),
    data: data as AuditData,
    prev: r.prev,
    hash: r.hash,
  };
}

function toCheckpoint(r: Selectable<AuditCheckpointsTable>): AuditCheckpointRecord {
  return { seq: r.seq, token: r.token, createdAt: r.created_at };
}
