/**
 * The identifier alphabet: 31 symbols, the digits and upper-case Latin letters without the
 * look-alikes 0/O and 1/I/L. 31 is prime, which is what makes the 网号 check character catch
 * every single substitution and every transposition (see check.ts and docs/identifiers.md).
 *
 * Values are the symbol's index: '2' → 0, '9' → 7, 'A' → 8, …, 'Z' → 30.
 */

export const ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';

/** The alphabet size and the check modulus. */
export const RADIX = 31;

/** symbol char code → value, or -1. Only ASCII can map to a value. */
const VALUE_OF: Int8Array = (() => {
  const t = new Int8Array(128).fill(-1);
  for (let i = 0; i < ALPHABET.length; i++) t[ALPHABET.charCodeAt(i)] = i;
  return t;
})();

/** The value (0–30) of one canonical (upper-case) symbol, or -1 if it is not in the alphabet. */
export function symbolValue(code: number): number {
  return code < 128 ? (VALUE_OF[code] as number) : -1;
}

/** The symbol for a value 0–30. */
export function symbolOf(value: number): string {
  return ALPHABET[value] as string;
}

/** Writes `value` (0 ≤ value < 31^digits) as exactly `digits` base-31 symbols, most significant first. */
export function bigToBase31(value: bigint, digits: number): string {
  let out = '';
  let v = value;
  for (let i = 0; i < digits; i++) {
    out = (ALPHABET[Number(v % 31n)] as string) + out;
    v /= 31n;
  }
  return out;
}
