/**
 * Shared Signals delivery per relying party (`operator` role), over
 * packages/platform/src/signals/routes.ts and report.ts:
 *
 *   streams [--limit N] [--after CLIENT_ID]   GET /v1/admin/ssf/streams?limit=&after=
 *
 * Each stream: how it delivers (push or poll, and where), its status, delivered / failed for
 * good / still queued, the last success and the last error code.
 */
import { json, named, shown, STREAM_STATUS_NAMES, at, table } from './format.ts';
import { integer, str, clientId, type Call, type Sub } from './subcommand.ts';

interface StreamJson {
  clientId: string;
  streamId: string;
  method: string;
  endpointUrl: string | null;
  status: string;
  eventsRequested: string[];
  delivered: number;
  failed: number;
  pending: number;
  lastDeliveredAt: string | null;
  lastErrorAt: string | null;
  lastError: string | null;
}

const METHOD_NAMES: Record<string, string> = { push: '推送 push', poll: '轮询 poll' };

/** The event type's last path segment: `…/risc/event-type/account-disabled` → `account-disabled`. */
const short = (uri: string) => shown(uri.slice(uri.lastIndexOf('/') + 1));

async function streams(c: Call): Promise<number> {
  const limit = integer(str(c.values, 'limit'), '--limit', 1, 500);
  const after = str(c.values, 'after');
  const r = await c.api().get<{ items: StreamJson[]; next?: string }>('/v1/admin/ssf/streams', { limit, after: after === undefined ? undefined : clientId(after) });
  if (c.json) {
    json(c.io, r);
    return 0;
  }
  if (r.items.length === 0) {
    c.io.out('no relying party has a Shared Signals stream 暂无事件流');
    return 0;
  }
  table(
    c.io,
    ['client id', '状态 status', '方式 method', '已送达 delivered', '失败 failed', '排队 pending', '最近送达 last delivered', '最近错误 last error', '事件 events'],
    r.items.map((s) => [
      shown(s.clientId),
      named(STREAM_STATUS_NAMES, s.status),
      `${named(METHOD_NAMES, s.method)}${s.endpointUrl ? ` ${shown(s.endpointUrl)}` : ''}`,
      String(s.delivered),
      String(s.failed),
      String(s.pending),
      at(s.lastDeliveredAt),
      s.lastError ? `${shown(s.lastError)} ${at(s.lastErrorAt)}` : '-',
      s.eventsRequested.map(short).join(', ') || '-',
    ]),
  );
  if (r.next) c.io.err(`(more: --after ${shown(r.next)})`);
  return 0;
}

export const STREAM_SUBCOMMANDS: Record<string, Sub> = {
  streams: {
    usage: 'streams [--limit N] [--after CLIENT_ID]',
    summary: 'Shared Signals delivery per relying party: status, delivered, failed, queued, last error',
    options: { limit: { type: 'string' }, after: { type: 'string' } },
    run: streams,
  },
};
