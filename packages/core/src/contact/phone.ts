/**
 * Mainland China mobile numbers, the only kind an enrollment binds (SMS one-time codes).
 * Accepted spellings: `13812345678`, `+86 138 1234 5678`, `0086-138-1234-5678`.
 * The canonical form is the 11 digits. Messages never quote the number.
 */
import { WzError } from '../errors.ts';

const MOBILE = /^1[3-9][0-9]{9}$/;

/** The canonical 11-digit number, or `invalid_phone`. */
export function parseMobile(input: unknown): string {
  if (typeof input !== 'string' || input.length > 32) throw new WzError('invalid_phone', 'Enter a mainland China mobile number (11 digits).');
  let digits = input.replace(/[\s-]/g, '');
  if (digits.startsWith('+86')) digits = digits.slice(3);
  else if (digits.startsWith('0086')) digits = digits.slice(4);
  if (!MOBILE.test(digits)) throw new WzError('invalid_phone', 'Enter a mainland China mobile number (11 digits).');
  return digits;
}

/** `138****5678`: what a person may be shown to recognise their own number. */
export function maskMobile(mobile: string): string {
  return `${mobile.slice(0, 3)}****${mobile.slice(-4)}`;
}
