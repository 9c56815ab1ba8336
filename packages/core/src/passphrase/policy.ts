/**
 * The credential passphrase (口令) rules: exactly 8 digits, and none of the guessable ones.
 *
 * Refused, each with its own reason so the wallet can say what to change:
 * - `not_8_digits`   anything but exactly eight ASCII digits;
 * - `all_same`       one digit repeated (00000000, 77777777);
 * - `sequence`       a straight run up or down, wrapping or not (12345678, 87654321, 90123456);
 * - `repeating`      a short block repeated (12121212, 12341234, 11223344 is allowed);
 * - `birth_date`     the person's birth date as YYYYMMDD, DDMMYYYY or MMDDYYYY.
 *
 * Pure: the wallet checks before sending, the platform checks again before hashing.
 * Nothing here logs or returns the passphrase.
 */

export const PASSPHRASE_LENGTH = 8;

export type PassphraseProblem = 'not_8_digits' | 'all_same' | 'sequence' | 'repeating' | 'birth_date';

export const PASSPHRASE_PROBLEM_MESSAGES: Record<PassphraseProblem, string> = {
  not_8_digits: 'The passphrase must be exactly 8 digits.',
  all_same: 'The passphrase must not be one digit repeated.',
  sequence: 'The passphrase must not be a run of consecutive digits.',
  repeating: 'The passphrase must not be a short group of digits repeated.',
  birth_date: 'The passphrase must not be your birth date.',
};

function isRun(p: string, step: 1 | -1): boolean {
  for (let i = 1; i < p.length; i++) {
    if ((Number(p[i - 1]) + step + 10) % 10 !== Number(p[i])) return false;
  }
  return true;
}

function isRepeatedBlock(p: string): boolean {
  for (const size of [2, 4]) {
    const block = p.slice(0, size);
    if (block.repeat(p.length / size) === p) return true;
  }
  return false;
}

/** Birth-date spellings a person might choose, from `YYYY-MM-DD`. */
export function birthDateSpellings(birthDate: string): string[] {
  const m = /^([0-9]{4})-([0-9]{2})-([0-9]{2})$/.exec(birthDate);
  if (!m) return [];
  const [, y, mo, d] = m as unknown as [string, string, string, string];
  return [`${y}${mo}${d}`, `${d}${mo}${y}`, `${mo}${d}${y}`];
}

/** The first rule `passphrase` breaks, or undefined when it is acceptable. */
export function checkPassphrase(passphrase: unknown, ctx: { birthDate?: string } = {}): PassphraseProblem | undefined {
  if (typeof passphrase !== 'string' || !/^[0-9]{8}$/.test(passphrase)) return 'not_8_digits';
  if (/^(.)\1{7}$/.test(passphrase)) return 'all_same';
  if (isRun(passphrase, 1) || isRun(passphrase, -1)) return 'sequence';
  if (isRepeatedBlock(passphrase)) return 'repeating';
  if (ctx.birthDate && birthDateSpellings(ctx.birthDate).includes(passphrase)) return 'birth_date';
  return undefined;
}
