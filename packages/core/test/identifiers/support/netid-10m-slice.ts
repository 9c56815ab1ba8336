/**
 * One slice of the 10-million uniqueness test: derives the attempt-0 网号 of persons
 * `P${from}` … `P${to - 1}` with the real derivation (`deriveNetidCandidate`), counts any that
 * are not valid 网号, and writes each one's data value into `values[i]`.
 */
import { deriveNetidCandidate, isValidNetid, netidValue } from '../../../src/identifiers/index.ts';

export function personRef(i: number): string {
  return `P${i}`;
}

export function deriveSlice(key: Uint8Array, from: number, to: number, values: Float64Array): number {
  let invalid = 0;
  for (let i = from; i < to; i++) {
    const netid = deriveNetidCandidate(key, personRef(i), 0);
    if (!isValidNetid(netid)) invalid++;
    values[i] = netidValue(netid);
  }
  return invalid;
}
