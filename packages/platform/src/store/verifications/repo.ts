/**
 * Verification requests. Status changes are one compare-and-set statement (on PostgreSQL a
 * second, unbounded one only when the first, bounded to recent months, changed nothing), so of
 * two concurrent approvals (or receipt fetches) exactly one takes effect, on both engines.
 */
import { sql, type Selectable, type SelectQueryBuilder, type SqlBool } from 'kysely';
import { isClientId } from '@wangzheng/core/rp/client-id';
import { toDbBytes } from '../dialect.ts';
import { isPostgres } from '../partitions.ts';
import type { VerificationRequestsTable } from '../schema.ts';
import { updateThenInsert } from '../moved.ts';
import { VERIFICATION_STATUSES, type VerificationPatch, type VerificationReader, type VerificationRequestRecord, type VerificationStatus, type VerificationWriter } from './types.ts';
import { eventRow } from '../events/repo.ts';
import { queuedRow } from '../audit/repo.ts';
import { presentedQuery, toPresented } from '../credentials/repo.ts';
import { assertBytes, assertCode, assertEpochMs, assertText, lookupId, writeId, type RepoContext } from '../context.ts';
import { verificationRetention } from './retention.ts';

function status(v: unknown): VerificationStatus {
  if (!(VERIFICATION_STATUSES as readonly unknown[]).includes(v)) throw new TypeError('unknown verification status');
  return v as VerificationStatus;
}

/** The read-only methods: all that `store.reader.verifications` carries. */
export const VERIFICATION_READ = [
  'findById',
  'findWithDataKey',
  'findByRef',
  'findByRefPresenting',
  'listByPerson',
  'listPendingForPerson',
  'listByClient',
] as const satisfies readonly (keyof VerificationReader)[];

/**
 * PostgreSQL (time-partitioned since 0014): a lookup by id or reference that does not name
 * `created_at` plans and probes every monthly partition (measured: ~0.7 ms of planning with 17
 * partitions against ~0.03 ms on the plain table). The requests a flow looks up are minutes
 * old, so lookups first try this window around the store's clock — PostgreSQL prunes to the one
 * or two partitions it covers — and search everything only on a miss. Same answers either way.
 */
export const RECENT_BEFORE_MS = 7 * 86_400_000;
export const RECENT_AFTER_MS = 86_400_000;

/** The columns of a request, for a query that selects them beside another table's (`oidc.findAuthorizationWithRequest`). */
export const REQUEST_COLUMNS = [
  'id', 'ref_hash', 'client_id', 'kind', 'biz_seq', 'mode', 'scopes', 'nonce', 'face_challenge', 'binding_message',
  'status', 'failure', 'person_id', 'result', 'approved_at', 'expires_at', 'created_at', 'updated_at',
] as const satisfies readonly (keyof VerificationRequestsTable)[];
// Every column, checked: a column added to the table and not here fails to compile.
const ALL_REQUEST_COLUMNS: [Exclude<keyof VerificationRequestsTable, (typeof REQUEST_COLUMNS)[number]>] extends [never] ? true : never = true;
void ALL_REQUEST_COLUMNS;

/** `findWithDataKey`'s query up to its condition: a request with its person's wrapped data key. */
function dataKeyQuery(db: RepoContext['db']) {
  return db.selectFrom('verification_requests as v').leftJoin('persons as p', 'p.id', 'v.person_id').selectAll('v').select(['p.wrapped_dek as p_wrapped_dek', 'p.kek_id as p_kek_id']);
}

export function verificationRepo({ db, now }: RepoContext): VerificationWriter {
  const partitioned = isPostgres(db);
  let withDataKey: ReturnType<typeof dataKeyQuery> | undefined;
  let presented: ReturnType<typeof presentedQuery> | undefined;
  /** The recent window of `created` (the requests' time column, as the query names it) first on PostgreSQL (see above), then everywhere. */
  async function first<DB, TB extends keyof DB, O>(q: SelectQueryBuilder<DB, TB, O>, created: 'created_at' | 'v.created_at' = 'created_at'): Promise<O | undefined> {
    if (partitioned) {
      const t = now();
      const col = sql.ref(created);
      const hit = await q.where(sql<SqlBool>`${col} >= ${t - RECENT_BEFORE_MS} and ${col} < ${t + RECENT_AFTER_MS}`).executeTakeFirst();
      if (hit !== undefined) return hit;
    }
    return q.executeTakeFirst();
  }

  return {
    async findById(id) {
      const key = lookupId(id);
      if (key === undefined) return undefined;
      const row = await first(db.selectFrom('verification_requests').selectAll().where('id', '=', key));
      return row && toRecord(row);
    },

    async findWithDataKey(id) {
      const key = lookupId(id);
      if (key === undefined) return undefined;
      // Built once per repository (Kysely's builders are immutable), as credentials.findPresented's.
      withDataKey ??= dataKeyQuery(db);
      const row = await first(withDataKey.where('v.id', '=', key), 'v.created_at');
      if (!row) return undefined;
      const dataKey = row.person_id === null || row.p_wrapped_dek === null || row.p_kek_id === null ? undefined : { id: row.person_id, wrappedDek: row.p_wrapped_dek, kekId: row.p_kek_id };
      return { request: toRecord(row), dataKey };
    },

    async findByRef(refHash) {
      const row = await first(db.selectFrom('verification_requests').selectAll().where('ref_hash', '=', toDbBytes(assertBytes(refHash, 'ref hash'))));
      return row && toRecord(row);
    },

    async findByRefPresenting(refHash, credentialId) {
      const ref = toDbBytes(assertBytes(refHash, 'ref hash'));
      const key = lookupId(credentialId);
      if (key === undefined) {
        // No credential can have this id: the request alone.
        const row = await first(db.selectFrom('verification_requests').selectAll().where('ref_hash', '=', ref));
        return row && { request: toRecord(row), presented: undefined };
      }
      // The credential's lookup as a derived table beside the request (both are at most one row).
      presented ??= presentedQuery(db);
      const q = db
        .selectFrom('verification_requests as v')
        .leftJoin(presented.where('c.id', '=', key).as('pc'), (j) => j.onTrue())
        .selectAll('v')
        .selectAll('pc')
        .where('v.ref_hash', '=', ref);
      const row = await first(q, 'v.created_at');
      return row && { request: toRecord(row), presented: toPresented(row) };
    },

    async listByPerson(personId, limit = 50) {
      const key = lookupId(personId);
      if (key === undefined) return [];
      const rows = await db
        .selectFrom('verification_requests')
        .selectAll()
        .where('person_id', '=', key)
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(Math.max(1, Math.min(500, limit)))
        .execute();
      return rows.map(toRecord);
    },

    async listPendingForPerson(personId, at) {
      const key = lookupId(personId);
      if (key === undefined) return [];
      const rows = await db
        .selectFrom('verification_requests')
        .selectAll()
        .where('person_id', '=', key)
        .where('status', '=', 'pending')
        .where('expires_at', '>', assertEpochMs(at, 'now'))
        .orderBy('created_at', 'desc')
        .limit(50)
        .execute();
      return rows.map(toRecord);
    },

    async listByClient(clientId, opts = {}) {
      const limit = opts.limit ?? 50;
      if (!Number.isInteger(limit) || limit < 1 || limit > 500) throw new TypeError('limit must be 1..500');
      if (!isClientId(clientId)) return [];
      let q = db.selectFrom('verification_requests').selectAll().where('client_id', '=', clientId);
      if (opts.after !== undefined) {
        const at = assertEpochMs(opts.after.createdAt, 'after.createdAt');
        const id = writeId(opts.after.id, 'after.id');
        q = q.where((eb) => eb.or([eb('created_at', '<', at), eb.and([eb('created_at', '=', at), eb('id', '<', id)])]));
      }
      // The (client_id, biz_seq) unique index serves the client filter on both engines.
      const rows = await q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
      return rows.map(toRecord);
    },

    async insert(r) {
      const at = r.createdAt === undefined ? now() : assertEpochMs(r.createdAt, 'createdAt');
      const row = {
        id: writeId(r.id, 'verification id'),
        ref_hash: toDbBytes(assertBytes(r.refHash, 'ref hash')),
        client_id: assertText(r.clientId, 'client id', 64),
        kind: assertCode(r.kind, 'kind'),
        biz_seq: r.bizSeq === null ? null : assertText(r.bizSeq, 'bizSeq', 64),
        mode: assertCode(r.mode, 'mode'),
        scopes: JSON.stringify(r.scopes.map((s) => assertCode(s, 'scope'))),
        nonce: assertText(r.nonce, 'nonce', 128),
        face_challenge: null,
        binding_message: r.bindingMessage ? assertText(r.bindingMessage, 'binding message', 128) : null,
        status: 'pending',
        failure: null,
        person_id: r.personId ? writeId(r.personId, 'person id') : null,
        result: null,
        approved_at: null,
        expires_at: assertEpochMs(r.expiresAt, 'expiresAt'),
        created_at: at,
        updated_at: at,
      };
      await db.insertInto('verification_requests').values(row).execute();
      return toRecord(row as unknown as Selectable<VerificationRequestsTable>);
    },

    async transition(id, from, patch) {
      const key = lookupId(id);
      if (key === undefined) return false;
      const update = transitionQuery(db, key, from, patch, now());
      if (partitioned) {
        // The recent window first (see above); a miss there (an older request, or a lost
        // compare-and-set) tries everywhere.
        const t = now();
        const r = await update.where('created_at', '>=', t - RECENT_BEFORE_MS).where('created_at', '<', t + RECENT_AFTER_MS).executeTakeFirst();
        if (r.numUpdatedRows > 0n) return true;
      }
      const r = await update.executeTakeFirst();
      return r.numUpdatedRows > 0n;
    },

    async transitionWith(id, from, patch, rows) {
      const key = lookupId(id);
      const events = (rows.events ?? []).map((e) => eventRow(e, now));
      const queued = (rows.queued ?? []).map(queuedRow);
      if (key === undefined) return false;
      const update = transitionQuery(db, key, from, patch, now());
      if (!partitioned) {
        // SQLite: the caller's transaction (the store opens one around a call outside any).
        if ((await update.executeTakeFirst()).numUpdatedRows === 0n) return false;
        if (events.length > 0) await db.insertInto('events').values(events).execute();
        if (queued.length > 0) await db.insertInto('audit_queue').values(queued).execute();
        return true;
      }
      // PostgreSQL: one statement (store/moved.ts); the recent window first, as `transition`
      // (nothing was written by a miss, so trying everywhere after it is safe).
      const inserts = [...events.map((row) => ({ table: 'events' as const, row })), ...queued.map((row) => ({ table: 'audit_queue' as const, row }))];
      const once = (u: typeof update): Promise<boolean> => updateThenInsert(db, u, inserts);
      const t = now();
      if (await once(update.where('created_at', '>=', t - RECENT_BEFORE_MS).where('created_at', '<', t + RECENT_AFTER_MS))) return true;
      return once(update);
    },

    async consumeForReceipt(id, clientId, at) {
      const key = lookupId(id);
      if (key === undefined || !isClientId(clientId)) return undefined;
      const t = assertEpochMs(at, 'now');
      const keyOf = (row: Selectable<VerificationRequestsTable> & { p_wrapped_dek: Uint8Array | null; p_kek_id: string | null }) =>
        row.person_id === null || row.p_wrapped_dek === null || row.p_kek_id === null ? undefined : { id: row.person_id, wrappedDek: row.p_wrapped_dek, kekId: row.p_kek_id };
      if (!partitioned) {
        // SQLite: the read (with the data key) and a compare-and-set on the status read.
        withDataKey ??= dataKeyQuery(db);
        const row = await withDataKey.where('v.id', '=', key).where('v.client_id', '=', clientId).executeTakeFirst();
        if (!row) return undefined;
        const request = toRecord(row);
        const consumed = consumable(request, t) && (await transitionQuery(db, key, request.status, { status: 'consumed' }, t).executeTakeFirst()).numUpdatedRows > 0n;
        return { request, dataKey: keyOf(row), consumed };
      }
      // PostgreSQL: one statement. `old` locks the row (FOR UPDATE waits for a concurrent
      // writer and then reads the row as it committed), `moved` consumes it when it may be; the
      // recent window first, as the other lookups, then everywhere (a miss writes nothing).
      const once = async (window: boolean) => {
        const inWindow = (col: string) => (window ? sql`and ${sql.ref(col)} >= ${t - RECENT_BEFORE_MS} and ${sql.ref(col)} < ${t + RECENT_AFTER_MS}` : sql``);
        const { rows } = await sql<Selectable<VerificationRequestsTable> & { p_wrapped_dek: Uint8Array | null; p_kek_id: string | null; consumed: string }>`
          with old as (
            select v.*, p.wrapped_dek as p_wrapped_dek, p.kek_id as p_kek_id
            from verification_requests v left join persons p on p.id = v.person_id
            where v.id = ${key} and v.client_id = ${clientId} ${inWindow('v.created_at')}
            for update of v
          ), moved as (
            update verification_requests u set status = 'consumed', updated_at = ${t}
            from old
            where u.id = old.id ${inWindow('u.created_at')}
              and (old.status in ('approved', 'failed', 'declined') or (old.status = 'pending' and old.expires_at <= ${t}))
            returning u.id
          )
          select old.*, (select count(*) from moved) as consumed from old`.execute(db);
        const row = rows[0];
        return row && { request: toRecord(row), dataKey: keyOf(row), consumed: Number(row.consumed) > 0 };
      };
      return (await once(true)) ?? once(false);
    },

    ...verificationRetention(db),
  };
}

/** Whether a receipt fetch consumes a request in this status at `now`: answered, or pending past its expiry. */
function consumable(r: VerificationRequestRecord, now: number): boolean {
  return r.status === 'approved' || r.status === 'failed' || r.status === 'declined' || (r.status === 'pending' && r.expiresAt <= now);
}

/** The compare-and-set of `transition` and `transitionWith`: `patch` where the request is `from`. */
function transitionQuery(db: RepoContext['db'], key: string, from: VerificationStatus, patch: VerificationPatch, at: number) {
  const set: Record<string, unknown> = { updated_at: at };
  if (patch.status !== undefined) set.status = status(patch.status);
  if (patch.failure !== undefined) set.failure = patch.failure === null ? null : assertCode(patch.failure, 'failure');
  if (patch.personId !== undefined) set.person_id = patch.personId === null ? null : writeId(patch.personId, 'person id');
  if (patch.result !== undefined) set.result = patch.result === null ? null : toDbBytes(assertBytes(patch.result, 'result'));
  if (patch.approvedAt !== undefined) set.approved_at = patch.approvedAt === null ? null : assertEpochMs(patch.approvedAt, 'approvedAt');
  if (patch.faceChallenge !== undefined) set.face_challenge = patch.faceChallenge === null ? null : assertText(patch.faceChallenge, 'face challenge', 128);
  return db.updateTable('verification_requests').set(set).where('id', '=', key).where('status', '=', status(from));
}

export function toRecord(r: Selectable<VerificationRequestsTable>): VerificationRequestRecord {
  return {
    id: r.id,
    refHash: r.ref_hash,
    clientId: r.client_id,
    kind: r.kind,
    bizSeq: r.biz_seq,
    mode: r.mode,
    scopes: JSON.parse(r.scopes) as string[],
    nonce: r.nonce,
    faceChallenge: r.face_challenge,
    bindingMessage: r.binding_message,
    status: r.status as VerificationStatus,
    failure: r.failure,
    personId: r.person_id,
    result: r.result,
    approvedAt: r.approved_at === null ? null : Number(r.approved_at),
    expiresAt: Number(r.expires_at),
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
  };
}
