/**
 * Events: the person's history. A row holds a stable event type (a code), a time, the person's
 * internal id, and the event's details sealed with the person's data key. No plaintext personal
 * data is stored.
 */
import type { RetentionStep } from '../partitions.ts';
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
  /**
   * PostgreSQL: creates the monthly partitions from the month of `at` to `monthsAhead` months
   * after it that are missing; returns how many. SQLite: 0 (store/partitions.ts).
   */
  ensurePartitions(at: number, monthsAhead: number): Promise<number>;
  /**
   * Retention, one bounded step: removes history events older than `cutoff` (epoch ms).
   * PostgreSQL drops one monthly partition wholly before the cutoff, or else deletes up to
   * `limit` old rows of the DEFAULT partition; SQLite deletes up to `limit` rows, oldest first.
   * Never a row at or after the cutoff. Call again until `done`.
   */
  deleteBefore(cutoff: number, limit: number): Promise<RetentionStep>;
}
