/**
 * Collision resolution with a recorded attempt counter.
 *
 * A keyed hash into 31^9 values is not injective: at national scale (1.4e9 people) about
 * 37 000 pairs would collide (docs/identifiers.md). So the allocator tries candidate(0),
 * candidate(1), … and takes the first one the store does not already hold; the store records
 * the attempt next to the identifier and enforces uniqueness with a unique index. Given the
 * key and the store's contents the result is deterministic, and since every stored identifier
 * is distinct by the index, the mapping person → identifier is one-to-one.
 *
 * `isTaken` is advisory: between the check and the insert another enrollment may take the
 * same value. The unique index is authoritative; on a unique-violation the caller simply
 * allocates again (the value now reads as taken, so the next attempt is used).
 */

import { WzError } from '../errors.ts';

/** Attempts before giving up. With at most 1.4e9 of 2.6e13 values in use (load α ≈ 5.3e-5),
 * needing more than k attempts has probability α^k: for 32, below 10^-130. */
export const DEFAULT_MAX_ATTEMPTS = 32;

/** The largest attempt the encoding can carry (u32). */
export const MAX_ATTEMPT = 0xffff_ffff;

export type IsTaken<T> = (candidate: T) => boolean | Promise<boolean>;

export interface Allocation<T> {
  value: T;
  /** The counter that produced `value`: record it with the value. */
  attempt: number;
}

export interface AllocateUniqueOptions<T> {
  /** Candidate for attempt 0, 1, 2, … — a pure function of the attempt. */
  candidate: (attempt: number) => T;
  isTaken: IsTaken<T>;
  maxAttempts?: number;
}

/**
 * Returns the first candidate that is not taken and its attempt number.
 * @throws WzError `internal_error` after `maxAttempts` taken candidates.
 */
export async function allocateUnique<T>(opts: AllocateUniqueOptions<T>): Promise<Allocation<T>> {
  const max = opts.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  if (!Number.isSafeInteger(max) || max < 1 || max - 1 > MAX_ATTEMPT) {
    throw new TypeError(`maxAttempts must be an integer in [1, ${MAX_ATTEMPT + 1}]`);
  }
  for (let attempt = 0; attempt < max; attempt++) {
    const value = opts.candidate(attempt);
    const t = opts.isTaken(value);
    const taken = typeof t === 'boolean' ? t : await t;
    if (!taken) return { value, attempt };
  }
  throw new WzError('internal_error', 'No free identifier could be allocated.', {
    detail: `all ${max} candidates were taken`,
  });
}
