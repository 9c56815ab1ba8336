/**
 * What the operator sees of Shared Signals delivery, per relying party: how its stream
 * delivers, its status, and the counters — delivered, failed for good, still queued, when it
 * last succeeded, and the last error (a code, never the receiver's text). No SET, no subject,
 * no push URL credential appears here; the push URL itself is the RP's public endpoint and is
 * shown so an operator can tell which receiver is failing.
 *
 * Trust: read-only, from our own records through the store's reader.
 */
import { EVENT_TYPE_URIS, type DeliveryMethod, type EventTypeUri } from '@wangzheng/core/signals/index';
import type { SsfStreamRecord, StoreReader, StreamStatus } from '../store/index.ts';

export interface StreamReportItem {
  clientId: string;
  streamId: string;
  method: DeliveryMethod;
  endpointUrl: string | null;
  status: StreamStatus;
  eventsRequested: EventTypeUri[];
  delivered: number;
  failed: number;
  pending: number;
  lastDeliveredAt: string | null;
  lastErrorAt: string | null;
  lastError: string | null;
}

const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());

/** One stream's line of the report, given its queued-job count. */
function reportItem(s: SsfStreamRecord, pending: number): StreamReportItem {
  return {
    clientId: s.clientId,
    streamId: s.streamId,
    method: s.method,
    endpointUrl: s.endpointUrl,
    status: s.status,
    eventsRequested: s.eventsRequested.map((c) => EVENT_TYPE_URIS[c]),
    delivered: s.delivered,
    failed: s.failed,
    pending,
    lastDeliveredAt: iso(s.lastDeliveredAt),
    lastErrorAt: iso(s.lastErrorAt),
    lastError: s.lastError,
  };
}

/** One page of streams in client-id order, with their counters. */
export async function streamReport(reader: StoreReader, page: { limit: number; after?: string }): Promise<{ items: StreamReportItem[]; next?: string }> {
  const streams = await reader.ssfStreams.list(page);
  const counts = await reader.jobs.countByQueue(streams.map((s) => s.clientId));
  const items = streams.map((s) => reportItem(s, counts[s.clientId]?.pending ?? 0));
  const last = streams.at(-1);
  return { items, ...(streams.length === page.limit && last ? { next: last.clientId } : {}) };
}

/** One RP's stream with its counters (what the RP itself may see of it), or undefined without a stream. */
export async function streamReportOf(reader: StoreReader, clientId: string): Promise<StreamReportItem | undefined> {
  const s = await reader.ssfStreams.findByClientId(clientId);
  if (!s) return undefined;
  const counts = await reader.jobs.countByQueue([clientId]);
  return reportItem(s, counts[clientId]?.pending ?? 0);
}
