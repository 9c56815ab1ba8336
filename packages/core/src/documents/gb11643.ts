/**
 * GB 11643-1999 citizen identity numbers (公民身份号码), and the other 18-character numbers that
 * share its layout: residence permits for Hong Kong/Macao/Taiwan residents (region 810000,
 * 820000, 830000) and the 2023 foreigner's permanent residence ID (first character 9).
 *
 *   RRRRRR YYYYMMDD SSS C
 *   region birth    seq check     (the sequence's last digit is odd for men, even for women)
 *
 * The check character is ISO 7064 MOD 11-2: Σ aᵢ·2^(17-i) over the 17 digits, then
 * (12 - Σ mod 11) mod 11, with 10 written as `X`.
 *
 * Simplifications, on purpose:
 * - The region code is checked at province level only (the first two digits must name a
 *   mainland province-level division). County codes change over the years but numbers
 *   issued under an abolished county stay valid for life, so a table of today's counties
 *   would reject real people.
 * - Birth dates from 1880-01-01 on are accepted; a date after today (China time) is refused.
 *
 * Failures carry the code `invalid_id_number` with a safe message (never the number itself)
 * and the machine reason in `detail`: `format`, `region`, `birth_date`, `future_birth_date`
 * or `check_character`.
 */
import { WzError } from '../errors.ts';

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
const CHECK_CHARS = '10X98765432';

/** Province-level codes of the mainland (GB/T 2260). 71 (Taiwan), 81, 82 are not issued on resident ID cards. */
export const MAINLAND_PROVINCE_CODES: ReadonlySet<string> = new Set([
  '11', '12', '13', '14', '15', '21', '22', '23', '31', '32', '33', '34', '35', '36', '37',
  '41', '42', '43', '44', '45', '46', '50', '51', '52', '53', '54', '61', '62', '63', '64', '65',
]);

export type IdNumberFailure = 'format' | 'region' | 'birth_date' | 'future_birth_date' | 'check_character';

const FAILURE_MESSAGES: Record<IdNumberFailure, string> = {
  format: 'The identity number must be 17 digits followed by a digit or X.',
  region: 'The identity number does not start with a valid region code.',
  birth_date: 'The identity number does not contain a real calendar date of birth.',
  future_birth_date: 'The identity number contains a date of birth in the future.',
  check_character: 'The identity number check character is wrong (a typing error?).',
};

/** The ISO 7064 MOD 11-2 check character of 17 digits. Misuse (not 17 digits) throws TypeError. */
export function mod11_2CheckCharacter(first17: string): string {
  if (!/^[0-9]{17}$/.test(first17)) throw new TypeError('mod11_2CheckCharacter expects exactly 17 digits');
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += (first17.charCodeAt(i) - 48) * WEIGHTS[i]!;
  return CHECK_CHARS[sum % 11]!;
}

/** Today's date in China (UTC+8), as YYYY-MM-DD. Birth dates and validity dates are China dates. */
export function chinaDate(now: Date = new Date()): string {
  return new Date(now.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
}

/** True when YYYYMMDD (or YYYY-MM-DD) is a real Gregorian date from 1880 on. */
export function isCalendarDate(s: string): boolean {
  const m = /^([0-9]{4})-?([0-9]{2})-?([0-9]{2})$/.exec(s);
  if (!m) return false;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  if (y < 1880 || mo < 1 || mo > 12 || d < 1) return false;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][mo - 1]!;
  return d <= days;
}

export interface ParsedIdNumber {
  /** The number, upper-cased (a lowercase `x` is accepted on input). */
  number: string;
  regionCode: string;
  /** YYYY-MM-DD. */
  birthDate: string;
  sequence: string;
  sex: 'M' | 'F';
}

export type IdNumberCheck = { ok: true; value: ParsedIdNumber } | { ok: false; reason: IdNumberFailure };

export interface IdNumberOptions {
  /** Reference time for the "not in the future" rule. Default: now. */
  now?: Date;
}

/** Which leading codes a number of this family may carry. */
export type IdNumberFamily = 'resident' | 'hk_residence' | 'macau_residence' | 'hk_macau_residence' | 'taiwan_residence';

function regionAllowed(family: IdNumberFamily, region: string): boolean {
  switch (family) {
    case 'resident':
      return MAINLAND_PROVINCE_CODES.has(region.slice(0, 2));
    case 'hk_residence':
      return region === '810000';
    case 'macau_residence':
      return region === '820000';
    case 'hk_macau_residence':
      return region === '810000' || region === '820000';
    case 'taiwan_residence':
      return region === '830000';
  }
}

function checkLayout(input: string, now: Date, regionOk: (first6: string) => boolean): IdNumberCheck {
  if (typeof input !== 'string') return { ok: false, reason: 'format' };
  const s = input.toUpperCase();
  if (!/^[0-9]{17}[0-9X]$/.test(s)) return { ok: false, reason: 'format' };
  const region = s.slice(0, 6);
  if (!regionOk(region)) return { ok: false, reason: 'region' };
  const ymd = s.slice(6, 14);
  if (!isCalendarDate(ymd)) return { ok: false, reason: 'birth_date' };
  const birthDate = `${ymd.slice(0, 4)}-${ymd.slice(4, 6)}-${ymd.slice(6, 8)}`;
  if (birthDate > chinaDate(now)) return { ok: false, reason: 'future_birth_date' };
  if (mod11_2CheckCharacter(s.slice(0, 17)) !== s[17]) return { ok: false, reason: 'check_character' };
  const sequence = s.slice(14, 17);
  return { ok: true, value: { number: s, regionCode: region, birthDate, sequence, sex: Number(sequence[2]) % 2 === 1 ? 'M' : 'F' } };
}

/**
 * Checks an 18-character number of the GB 11643 family without throwing.
 * `family` defaults to `resident` (a mainland citizen identity number).
 */
export function checkIdNumber(input: string, opts: IdNumberOptions & { family?: IdNumberFamily } = {}): IdNumberCheck {
  const family = opts.family ?? 'resident';
  return checkLayout(input, opts.now ?? new Date(), (r) => regionAllowed(family, r));
}

/** Like `checkIdNumber`, but throws `WzError('invalid_id_number')` with the reason in `detail`. */
export function parseIdNumber(input: string, opts: IdNumberOptions & { family?: IdNumberFamily } = {}): ParsedIdNumber {
  const r = checkIdNumber(input, opts);
  if (!r.ok) throw idNumberError(r.reason);
  return r.value;
}

export function idNumberError(reason: IdNumberFailure): WzError {
  return new WzError('invalid_id_number', FAILURE_MESSAGES[reason], { detail: reason });
}

/**
 * The 2023 foreigner's permanent residence ID: `9` + province of issue (2) + nationality (3,
 * ISO 3166-1 numeric, not 156) + birth date (8) + sequence (3) + MOD 11-2 check character.
 * The sequence's last digit carries the sex as in GB 11643 (an assumption of this model).
 */
export function checkForeignPermanentResidenceNumber(input: string, opts: IdNumberOptions = {}): IdNumberCheck & { nationality?: string } {
  const r = checkLayout(input, opts.now ?? new Date(), (first6) => {
    if (first6[0] !== '9') return false;
    const nat = first6.slice(3, 6);
    return MAINLAND_PROVINCE_CODES.has(first6.slice(1, 3)) && nat !== '000' && nat !== '156';
  });
  return r.ok ? { ...r, nationality: r.value.regionCode.slice(3, 6) } : r;
}

/**
 * Builds a valid 18-character number from its parts, computing the check character.
 * For generators and tests. Misuse throws TypeError.
 *
 * @example makeIdNumber({ regionCode: '110105', birthDate: '1949-12-31', sequence: '002' }) // '11010519491231002X'
 */
export function makeIdNumber(parts: { regionCode: string; birthDate: string; sequence: string | number }): string {
  const seq = typeof parts.sequence === 'number' ? String(parts.sequence).padStart(3, '0') : parts.sequence;
  const ymd = parts.birthDate.replaceAll('-', '');
  if (!/^[0-9]{6}$/.test(parts.regionCode) || !/^[0-9]{8}$/.test(ymd) || !/^[0-9]{3}$/.test(seq)) {
    throw new TypeError('makeIdNumber: regionCode must be 6 digits, birthDate YYYY-MM-DD, sequence 3 digits');
  }
  const first17 = parts.regionCode + ymd + seq;
  return first17 + mod11_2CheckCharacter(first17);
}
