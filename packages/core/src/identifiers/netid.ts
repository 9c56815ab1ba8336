/**
 * 网号 (NetID number): the text form, parsing and display.
 *
 * Canonical form: exactly 10 symbols of the 31-symbol alphabet — 9 data symbols and 1 check
 * symbol (check.ts). This is the only form that is stored, compared, signed into a 网证 or
 * passed between services. For people, `formatNetid` shows it as two groups of five joined
 * by a hyphen (`WANGZ-HENGX`), and `parseNetid` accepts exactly that display form back, in
 * either case, with surrounding white space. Nothing else is accepted: no other separators,
 * no look-alike symbols silently mapped (O→0, I→1), no non-ASCII letters that happen to
 * upper-case to ASCII (U+017F 'ſ' → 'S').
 *
 * Trust: `parseNetid` input is untrusted; what it returns is a well-formed 网号 — it says
 * nothing about whether that 网号 was ever issued.
 */

import { WzError } from '../errors.ts';
import { ALPHABET, RADIX, symbolOf, symbolValue } from './alphabet.ts';
import { CHECK_WEIGHTS, checkSumIsZero } from './check.ts';

/** A 网号 in canonical form (10 symbols, check character verified). */
export type Netid = string & { readonly __brand: 'Netid' };

/** Symbols in a 网号, data symbols, and the number of distinct data values (31^9 < 2^53). */
export const NETID_LENGTH = 10;
export const NETID_DATA_LENGTH = 9;
export const NETID_SPACE = RADIX ** NETID_DATA_LENGTH; // 26 439 622 160 671

const DISPLAY_SEPARATOR = '-';
const DISPLAY_GROUP = 5;

const FORMAT_MESSAGE = `A 网号 is 10 characters from ${ALPHABET} (letters in either case), optionally written as two groups of five joined by a hyphen.`;
const CHECK_MESSAGE = 'The 网号 check character does not match: a character was probably mistyped or two were swapped.';

/**
 * Parses a 网号 typed or pasted by a person or sent by a client.
 * Trims white space, upper-cases ASCII letters, accepts the display form `XXXXX-XXXXX`.
 *
 * @throws WzError `invalid_netid` for the wrong length or a symbol outside the alphabet;
 *         `invalid_check_character` when the form is right but the check fails.
 * @example parseNetid(' wangz-hengx ') // → 'WANGZHENGX' if the check character fits
 */
export function parseNetid(input: string): Netid {
  if (typeof input !== 'string') throw new TypeError('parseNetid expects a string');
  let s = input.trim();
  if (s.length === NETID_LENGTH + 1 && s[DISPLAY_GROUP] === DISPLAY_SEPARATOR) {
    s = s.slice(0, DISPLAY_GROUP) + s.slice(DISPLAY_GROUP + 1);
  }
  if (s.length !== NETID_LENGTH) {
    throw new WzError('invalid_netid', FORMAT_MESSAGE, { detail: `length ${Math.min(s.length, 1000)} after trimming` });
  }
  const values = new Array<number>(NETID_LENGTH);
  let canonical = '';
  for (let i = 0; i < NETID_LENGTH; i++) {
    let code = s.charCodeAt(i);
    if (code >= 0x61 && code <= 0x7a) code -= 0x20; // ASCII a–z only
    const v = symbolValue(code);
    if (v < 0) throw new WzError('invalid_netid', FORMAT_MESSAGE, { detail: `position ${i + 1} is not in the alphabet` });
    values[i] = v;
    canonical += symbolOf(v);
  }
  if (!checkSumIsZero(values)) throw new WzError('invalid_check_character', CHECK_MESSAGE);
  return canonical as Netid;
}

/**
 * True iff `s` is a 网号 in canonical form: 10 upper-case alphabet symbols with a matching
 * check character. Does not trim, upper-case or accept the display form — use `parseNetid`
 * for anything a person typed.
 */
export function isValidNetid(s: unknown): s is Netid {
  if (typeof s !== 'string' || s.length !== NETID_LENGTH) return false;
  const values = new Array<number>(NETID_LENGTH);
  for (let i = 0; i < NETID_LENGTH; i++) {
    const v = symbolValue(s.charCodeAt(i));
    if (v < 0) return false;
    values[i] = v;
  }
  return checkSumIsZero(values);
}

/**
 * The display form for people: `XXXXX-XXXXX`. Accepts anything `parseNetid` accepts.
 * @throws WzError as `parseNetid`.
 */
export function formatNetid(netid: string): string {
  const n = parseNetid(netid);
  return n.slice(0, DISPLAY_GROUP) + DISPLAY_SEPARATOR + n.slice(DISPLAY_GROUP);
}

/**
 * The 网号 whose 9 data symbols are the base-31 digits of `value` (0 ≤ value < 31^9),
 * followed by its check character.
 */
export function netidFromValue(value: number): Netid {
  if (!Number.isSafeInteger(value) || value < 0 || value >= NETID_SPACE) {
    throw new TypeError('netidFromValue expects an integer in [0, 31^9)');
  }
  // Base-31 digits, least significant last, and the weighted check sum in the same pass.
  const codes = new Array<number>(NETID_LENGTH);
  let v = value;
  let sum = 0;
  for (let i = NETID_DATA_LENGTH - 1; i >= 0; i--) {
    const d = v % RADIX;
    codes[i] = ALPHABET.charCodeAt(d);
    sum += (CHECK_WEIGHTS[i] as number) * d;
    v = (v - d) / RADIX;
  }
  codes[NETID_DATA_LENGTH] = ALPHABET.charCodeAt((RADIX - (sum % RADIX)) % RADIX);
  return String.fromCharCode(...codes) as Netid;
}

/**
 * The integer (0 ≤ n < 31^9) that the 9 data symbols of a canonical 网号 encode. Two 网号 are
 * equal iff their values are equal (the check character is a function of the data).
 */
export function netidValue(netid: Netid): number {
  let n = 0;
  for (let i = 0; i < NETID_DATA_LENGTH; i++) {
    const v = symbolValue(netid.charCodeAt(i));
    if (v < 0) throw new TypeError('netidValue expects a canonical 网号');
    n = n * RADIX + v;
  }
  return n;
}
