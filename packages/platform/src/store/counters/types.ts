/**
 * Counters: named numbers (abandoned enrollments, expired ones swept…). A row holds a name (a
 * code) and a value; nothing is sealed because nothing personal is stored.
 */

/** Named counters (abandoned enrollments…): numbers only, never anything personal. */
export interface CounterReader {
  get(name: string): Promise<number>;
}

export interface CounterWriter extends CounterReader {
  /** Atomically adds `by` (default 1) and returns the new value. */
  increment(name: string, by?: number): Promise<number>;
}
