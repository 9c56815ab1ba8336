/**
 * Shared Signals event streams: one per relying party (SSF 1.0 §8). A row holds the RP's
 * receiver configuration — delivery method, push URL, requested event types, a description —
 * its status, and the operator's delivery counters. Business data about the RP, not personal
 * data. The push `authorization_header` is a credential for the RP's receiver: it is stored
 * only sealed (see jobs/sealer.ts) and never returned by any read API.
 */
import type { DeliveryMethod, EventCode } from '@wangzheng/core/signals/index';
import type { SealedBlob } from '../jobs/types.ts';

/** SSF 1.0 §8.1.2: `enabled` delivers, `paused` holds events, `disabled` drops them. */
export const STREAM_STATUSES = ['enabled', 'paused', 'disabled'] as const;
export type StreamStatus = (typeof STREAM_STATUSES)[number];

/** The receiver-chosen part of a stream. */
export interface StreamConfigRecord {
  readonly method: DeliveryMethod;
  /** Push only: the receiver's URL. */
  readonly endpointUrl: string | null;
  /** Push only: the sealed `Authorization` value to send, or null. */
  readonly authorization: SealedBlob | null;
  readonly eventsRequested: readonly EventCode[];
  readonly description: string | null;
}

export interface SsfStreamRecord extends StreamConfigRecord {
  readonly clientId: string;
  readonly streamId: string;
  readonly status: StreamStatus;
  /** The RP's own reason for its last status change, or null. */
  readonly statusReason: string | null;
  readonly delivered: number;
  readonly failed: number;
  readonly lastDeliveredAt: number | null;
  readonly lastErrorAt: number | null;
  /** A code, never remote text. */
  readonly lastError: string | null;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export interface NewSsfStream extends StreamConfigRecord {
  readonly clientId: string;
  readonly streamId: string;
  /** Default `enabled`. */
  readonly status?: StreamStatus;
}

/** A delivery result, for the counters. */
export type DeliveryNote =
  | { readonly outcome: 'delivered'; readonly count?: number; readonly at: number }
  | { readonly outcome: 'failed'; readonly count?: number; readonly at: number; readonly code: string }
  | { readonly outcome: 'error'; readonly at: number; readonly code: string };

export interface SsfStreamReader {
  /** A string that is not a client id finds nothing. */
  findByClientId(clientId: string): Promise<SsfStreamRecord | undefined>;
  /** Ordered by client id; keyset paging with `after`. */
  list(opts?: { limit?: number; after?: string }): Promise<SsfStreamRecord[]>;
}

export interface SsfStreamWriter extends SsfStreamReader {
  /** The RP already has a stream → `conflict`. */
  insert(stream: NewSsfStream): Promise<SsfStreamRecord>;
  /** Replaces the receiver-chosen part. Returns whether the stream exists. */
  updateConfig(clientId: string, config: StreamConfigRecord): Promise<boolean>;
  /** Returns whether the stream exists. */
  setStatus(clientId: string, status: StreamStatus, reason: string | null): Promise<boolean>;
  /** Returns whether it existed. */
  delete(clientId: string): Promise<boolean>;
  /**
   * Counts a delivery outcome: `delivered` adds to the delivered counter, `failed` (for good) to
   * the failed one, `error` (will be retried) only records the code and time.
   */
  note(clientId: string, note: DeliveryNote): Promise<void>;
}
