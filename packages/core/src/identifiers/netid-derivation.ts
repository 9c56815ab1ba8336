/**
 * Derivation of a 网号 from the registry's stable person reference.
 *
 *     candidate(attempt) = data ‖ check
 *     data  = 9 base-31 digits of (first 16 bytes of HMAC-SM3(key, msg) mod 31^9)
 *     msg   = "wangzheng/netid/v1" ‖ 0x00 ‖ u32(len(personRef)) ‖ personRef ‖ u32(attempt)
 *
 * The person reference is the registry's opaque handle for a natural person — the same for
 * every document they hold — so one person gets one 网号 whichever document they enroll with.
 * Without the key nobody can compute a 网号 from a person reference or an ID number, nor
 * tell whether two 网号 belong to related inputs.
 */

import { allocateUnique, type IsTaken } from './allocate.ts';
import { assertKey, encodeMessage, hmacSm3, inputLength, NETID_LABEL, reduceToNumber } from './derive.ts';
import { NETID_SPACE, netidFromValue, type Netid } from './netid.ts';

/** Digest bytes reduced mod 31^9: bias below 31^9 / 2^128 < 2^-83. */
const REDUCED_BYTES = 16;

function checkAttempt(attempt: number): void {
  if (!Number.isInteger(attempt) || attempt < 0 || attempt > 0xffff_ffff) {
    throw new TypeError('attempt must be an integer in [0, 2^32)');
  }
}

/**
 * The data value (0 ≤ n < 31^9) of the candidate 网号 for `personRef` at `attempt`:
 * the number that `netidFromValue` turns into the 网号.
 */
export function netidCandidateValue(key: Uint8Array, personRef: string, attempt: number): number {
  assertKey(key, 'netid derivation');
  checkAttempt(attempt);
  const msg = encodeMessage(NETID_LABEL, [personRef], ['personRef'], attempt);
  return reduceToNumber(hmacSm3(key, msg), REDUCED_BYTES, NETID_SPACE);
}

/** The candidate 网号 for `personRef` at `attempt` (0 for almost everyone). */
export function deriveNetidCandidate(key: Uint8Array, personRef: string, attempt: number): Netid {
  return netidFromValue(netidCandidateValue(key, personRef, attempt));
}

export interface AllocateNetidOptions {
  /** The current netid key (first entry of its secret ring), at least 32 bytes. */
  key: Uint8Array;
  /** The registry's stable person reference. */
  personRef: string;
  /** True if the 网号 is already held by someone (the caller has already checked that this
   * person has no 网号 yet). */
  isTaken: IsTaken<Netid>;
  /** Give up after this many taken candidates (default 32). */
  maxAttempts?: number;
}

export interface NetidAllocation {
  netid: Netid;
  /** Store with the 网号 (and the key id): `deriveNetidCandidate(key, personRef, attempt)`
   * reproduces it. */
  attempt: number;
}

/**
 * Allocates the 网号 for a person enrolling for the first time: the first candidate, from
 * attempt 0 up, that is not taken.
 *
 * @throws WzError `internal_error` if `maxAttempts` candidates are all taken.
 * @example
 *   const { netid, attempt } = await allocateNetid({ key: ring[0].key, personRef, isTaken: (n) => store.netidExists(n) });
 *   await store.insertPerson({ netid, attempt, keyId: ring[0].id, ... }); // unique index on netid
 */
export async function allocateNetid(opts: AllocateNetidOptions): Promise<NetidAllocation> {
  const { key, personRef } = opts;
  assertKey(key, 'netid derivation');
  inputLength(personRef, 'personRef');
  const { value, attempt } = await allocateUnique<Netid>({
    candidate: (a) => deriveNetidCandidate(key, personRef, a),
    isTaken: opts.isTaken,
    maxAttempts: opts.maxAttempts,
  });
  return { netid: value, attempt };
}
