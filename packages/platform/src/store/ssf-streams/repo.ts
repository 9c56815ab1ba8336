/**
 * Shared Signals streams, one per relying party. The store checks shapes (client id, method,
 * event codes, status) and keeps the requested events as JSON text; what a receiver may
 * configure is the signals service's rule (`@wangzheng/core/signals` `parseStreamConfig`).
 * Counters change with one UPDATE each (`x = x + n`), so concurrent workers never lose a count.
 */
import type { Selectable } from 'kysely';
import { WzError } from '@wangzheng/core/errors';
import { isClientId } from '@wangzheng/core/rp/client-id';
import { DELIVERY_METHODS, EVENT_CODES, type DeliveryMethod, type EventCode } from '@wangzheng/core/signals/index';
import { toDbBytes } from '../dialect.ts';
import type { SsfStreamsTable } from '../schema.ts';
import { assertBytes, assertCode, assertEpochMs, assertText, type RepoContext } from '../context.ts';
import { STREAM_STATUSES, type SsfStreamReader, type SsfStreamRecord, type SsfStreamWriter, type StreamConfigRecord, type StreamStatus } from './types.ts';

const MAX_PAGE = 500;
const STREAM_ID = /^[A-Za-z0-9_-]{16,64}$/;
const METHODS: readonly string[] = Object.values(DELIVERY_METHODS);

/** The read-only methods: all that `store.reader.ssfStreams` carries. */
export const SSF_STREAM_READ = ['findByClientId', 'list'] as const satisfies readonly (keyof SsfStreamReader)[];

function clientIdOf(v: unknown): string {
  if (!isClientId(v)) throw new TypeError('client id must match rp_ + 22 base64url characters');
  return v;
}
function statusOf(v: unknown): StreamStatus {
  if (typeof v !== 'string' || !(STREAM_STATUSES as readonly string[]).includes(v)) throw new TypeError(`status must be one of ${STREAM_STATUSES.join(', ')}`);
  return v as StreamStatus;
}
function nullableText(v: unknown, what: string, max: number): string | null {
  return v === null || v === undefined ? null : assertText(v, what, max);
}

function configColumns(c: StreamConfigRecord) {
  if (typeof c.method !== 'string' || !METHODS.includes(c.method)) throw new TypeError('delivery method must be a DELIVERY_METHODS value');
  const push = c.method === DELIVERY_METHODS.push;
  if (push !== (c.endpointUrl !== null)) throw new TypeError('push needs an endpoint URL, poll has none');
  if (!push && c.authorization !== null) throw new TypeError('only push carries an authorization header');
  const events = [...new Set(c.eventsRequested)];
  if (events.length === 0 || events.some((e) => !(EVENT_CODES as readonly string[]).includes(e))) throw new TypeError('eventsRequested must be non-empty event codes');
  return {
    delivery_method: c.method,
    endpoint_url: c.endpointUrl === null ? null : assertText(c.endpointUrl, 'endpointUrl', 2048),
    auth_header: c.authorization === null ? null : toDbBytes(assertBytes(c.authorization.sealed, 'authorization')),
    auth_key: c.authorization === null ? null : toDbBytes(assertBytes(c.authorization.wrappedKey, 'authorization key')),
    auth_kek_id: c.authorization === null ? null : assertCode(c.authorization.kekId, 'kek id'),
    events_requested: JSON.stringify(events),
    description: nullableText(c.description, 'description', 256),
  };
}

export function ssfStreamRepo({ db, now }: RepoContext): SsfStreamWriter {
  return {
    async findByClientId(clientId) {
      if (!isClientId(clientId)) return undefined;
      const row = await db.selectFrom('ssf_streams').selectAll().where('client_id', '=', clientId).executeTakeFirst();
      return row && toStream(row);
    },

    async list(opts = {}) {
      const limit = opts.limit ?? 100;
      if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) throw new TypeError(`limit must be 1..${MAX_PAGE}`);
      let q = db.selectFrom('ssf_streams').selectAll();
      if (opts.after !== undefined) q = q.where('client_id', '>', clientIdOf(opts.after));
      return (await q.orderBy('client_id').limit(limit).execute()).map(toStream);
    },

    async insert(s) {
      const at = now();
      if (typeof s.streamId !== 'string' || !STREAM_ID.test(s.streamId)) throw new TypeError(`stream id must match ${STREAM_ID.source}`);
      const row = {
        client_id: clientIdOf(s.clientId),
        stream_id: s.streamId,
        ...configColumns(s),
        status: statusOf(s.status ?? 'enabled'),
        status_reason: null,
        delivered_count: 0,
        failed_count: 0,
        last_delivered_at: null,
        last_error_at: null,
        last_error: null,
        created_at: at,
        updated_at: at,
      };
      await db.insertInto('ssf_streams').values(row).execute();
      return toStream(row as Selectable<SsfStreamsTable>);
    },

    async updateConfig(clientId, config) {
      const r = await db
        .updateTable('ssf_streams')
        .set({ ...configColumns(config), updated_at: now() })
        .where('client_id', '=', clientIdOf(clientId))
        .executeTakeFirst();
      return Number(r.numUpdatedRows) === 1;
    },

    async setStatus(clientId, status, reason) {
      const r = await db
        .updateTable('ssf_streams')
        .set({ status: statusOf(status), status_reason: nullableText(reason, 'reason', 256), updated_at: now() })
        .where('client_id', '=', clientIdOf(clientId))
        .executeTakeFirst();
      return Number(r.numUpdatedRows) === 1;
    },

    async delete(clientId) {
      const r = await db.deleteFrom('ssf_streams').where('client_id', '=', clientIdOf(clientId)).executeTakeFirst();
      return Number(r.numDeletedRows) === 1;
    },

    async note(clientId, n) {
      const at = assertEpochMs(n.at, 'at');
      const count = n.outcome === 'error' ? 0 : (n.count ?? 1);
      if (!Number.isSafeInteger(count) || count < 0) throw new TypeError('count must be a non-negative integer');
      const q = db.updateTable('ssf_streams').where('client_id', '=', clientIdOf(clientId));
      if (n.outcome === 'delivered') {
        await q.set((eb) => ({ delivered_count: eb('delivered_count', '+', count), last_delivered_at: at })).execute();
      } else {
        const code = assertCode(n.code, 'error code');
        await q
          .set((eb) => ({ failed_count: eb('failed_count', '+', count), last_error_at: at, last_error: code }))
          .execute();
      }
    },
  };
}

function toStream(r: Selectable<SsfStreamsTable>): SsfStreamRecord {
  let events: unknown;
  try {
    events = JSON.parse(r.events_requested);
  } catch {
    throw new WzError('internal_error', 'storage failure', { detail: 'ssf_streams.events_requested is not JSON' });
  }
  return {
    clientId: r.client_id,
    streamId: r.stream_id,
    method: r.delivery_method as DeliveryMethod,
    endpointUrl: r.endpoint_url,
    authorization: r.auth_header && r.auth_key && r.auth_kek_id ? { sealed: r.auth_header, wrappedKey: r.auth_key, kekId: r.auth_kek_id } : null,
    eventsRequested: events as EventCode[],
    description: r.description,
    status: r.status as StreamStatus,
    statusReason: r.status_reason,
    delivered: Number(r.delivered_count),
    failed: Number(r.failed_count),
    lastDeliveredAt: r.last_delivered_at,
    lastErrorAt: r.last_error_at,
    lastError: r.last_error,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}
