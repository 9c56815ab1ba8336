/**
 * Events: the person's history. A row holds a stable event type (a code), a time, the person's
 * internal id, and the event's details sealed with the person's data key. No plaintext personal
 * data is stored.
 */
import type { Optional } from '../row-types.ts';

export interface EventRecord {
  readonly id: string;
  readonly personId: string | null;
  /** A stable event type (`enrolled`, `verified`, `consent_withdrawn`…). */
  readonly type: string;
  readonly createdAt: number;
  /** Event details sealed with the person's data key (or NULL). */
  readonly data: Uint8Array | null;
}

/** Omitted: a new id, no details, created now. */
export type NewEvent = Optional<EventRecord, 'id' | 'data' | 'createdAt'>;

export interface EventReader {
  /** Newest first. */
  listByPerson(personId: string, opts?: { limit?: number; before?: number }): Promise<EventRecord[]>;
}

export interface EventWriter extends EventReader {
  append(event: NewEvent): Promise<EventRecord>;
}
