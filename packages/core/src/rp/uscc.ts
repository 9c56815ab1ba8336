/**
 * 统一社会信用代码 (unified social credit code, USCC), GB 32100-2015: the 18-character code
 * every Chinese organisation is registered under. A relying party registers with its own.
 *
 *   position  1     registration authority code (登记管理部门代码)
 *             2     organisation category code (机构类别代码)
 *             3–8   administrative division code of the registering authority (GB/T 2260), digits
 *             9–17  organisation identifier (主体标识码): the GB 11714 organisation code, whose
 *                   own check character is position 17
 *             18    check character over positions 1–17
 *
 * Alphabet: the digits and the capital letters except I, O, Z, S and V (31 symbols, value =
 * index). Check character (GB 32100-2015 §5, a mod-31 weighted sum):
 *
 *   W_i = 3^(i-1) mod 31                          (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
 *   C18 = 31 − (Σ_{i=1..17} C_i · W_i mod 31)     (31 ↦ 0)
 *
 * The organisation code inside it (positions 9–17, GB 11714-1997) carries its own check:
 *
 *   C9' = 11 − (Σ_{i=1..8} C_i' · w_i mod 11),   w = (3, 7, 9, 10, 5, 8, 4, 2), 10 ↦ X, 11 ↦ 0
 *   (digits are their value, letters A=10 … Z=35)
 *
 * Both checks catch every single-character substitution; the outer one also catches the
 * transposition of two adjacent characters. What is not checked: whether the code was ever
 * issued (that is the operator's review against the national register).
 *
 * Input is untrusted: errors say which rule failed and never echo the code.
 */
import { WzError } from '../errors.ts';

export const USCC_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
export const USCC_LENGTH = 18;
const WEIGHTS = Array.from({ length: 17 }, (_, i) => 3 ** i % 31);
const ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2] as const;

export type Uscc = string & { readonly __brand: 'Uscc' };

function invalid(message: string): WzError {
  return new WzError('invalid_uscc', message);
}

/** The GB 32100-2015 check character for the first 17 characters (already in the alphabet). */
export function usccCheckCharacter(first17: string): string {
  if (typeof first17 !== 'string' || first17.length !== 17) throw new TypeError('usccCheckCharacter expects 17 characters');
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const v = USCC_ALPHABET.indexOf(first17[i]!);
    if (v < 0) throw new TypeError('usccCheckCharacter: character outside the GB 32100 alphabet');
    sum += v * WEIGHTS[i]!;
  }
  const r = 31 - (sum % 31);
  return USCC_ALPHABET[r === 31 ? 0 : r]!;
}

/** The GB 11714-1997 check character of an organisation code's first 8 characters. */
export function organisationCodeCheckCharacter(first8: string): string {
  if (typeof first8 !== 'string' || !/^[0-9A-Z]{8}$/.test(first8)) throw new TypeError('organisationCodeCheckCharacter expects 8 characters 0-9 A-Z');
  let sum = 0;
  for (let i = 0; i < 8; i++) {
    const c = first8.charCodeAt(i);
    const v = c <= 57 ? c - 48 : c - 55;
    sum += v * ORG_WEIGHTS[i]!;
  }
  const r = 11 - (sum % 11);
  return r === 10 ? 'X' : r === 11 ? '0' : String(r);
}

/** The canonical form: Unicode NFKC (full-width → ASCII), white space removed, upper case. */
export function normaliseUscc(input: string): string {
  if (typeof input !== 'string') throw new TypeError('normaliseUscc expects a string');
  return input.normalize('NFKC').replace(/\s+/g, '').toUpperCase();
}

/**
 * Validates a unified social credit code and returns its canonical form.
 * @throws WzError `invalid_uscc` naming the rule that failed (never the value).
 * @example parseUscc('91350100M000100Y43') // '91350100M000100Y43'
 */
export function parseUscc(input: unknown): Uscc {
  if (typeof input !== 'string') throw invalid('The unified social credit code must be a string.');
  const code = normaliseUscc(input);
  if (code.length !== USCC_LENGTH) throw invalid('A unified social credit code has 18 characters (GB 32100-2015).');
  for (const ch of code) {
    if (!USCC_ALPHABET.includes(ch)) {
      throw invalid('A unified social credit code uses digits and capital letters other than I, O, Z, S and V (GB 32100-2015).');
    }
  }
  if (!/^[0-9]{6}$/.test(code.slice(2, 8))) throw invalid('Positions 3–8 of a unified social credit code are an administrative division code (digits).');
  if (organisationCodeCheckCharacter(code.slice(8, 16)) !== code[16]) {
    throw invalid('The organisation code inside the unified social credit code (positions 9–17) fails its GB 11714 check character.');
  }
  if (usccCheckCharacter(code.slice(0, 17)) !== code[17]) throw invalid('The unified social credit code fails its check character (GB 32100-2015); check for a typing error.');
  return code as Uscc;
}

/** True iff `input` is a valid code (in any form `parseUscc` accepts). */
export function isValidUscc(input: unknown): boolean {
  try {
    parseUscc(input);
    return true;
  } catch {
    return false;
  }
}
