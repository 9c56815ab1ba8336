/**
 * The 网号 check character: a weighted sum modulo the prime 31 (the ISBN-10 construction over
 * a 31-symbol alphabet, so no extra symbol such as ISBN's 'X' is needed).
 *
 * With v₁…v₁₀ the symbol values and weights wᵢ = 11 − i (10, 9, …, 1), a 网号 is valid iff
 *
 *     Σ wᵢ·vᵢ ≡ 0 (mod 31).
 *
 * The check value is therefore v₁₀ = −Σᵢ₌₁⁹ wᵢ·vᵢ mod 31 (w₁₀ = 1). Because 31 is prime and
 * every weight is non-zero and distinct mod 31, changing one symbol changes the sum by
 * wᵢ·(v′ − v) ≢ 0 and swapping two different symbols at positions i, j changes it by
 * (wᵢ − wⱼ)·(vⱼ − vᵢ) ≢ 0: every single substitution and every transposition (adjacent or
 * not) is detected. Proof and worked example: docs/identifiers.md.
 */

import { RADIX } from './alphabet.ts';

/** Weights for positions 1…10 (index 0…9). */
export const CHECK_WEIGHTS: readonly number[] = Object.freeze([10, 9, 8, 7, 6, 5, 4, 3, 2, 1]);

/** The check value (0–30) for nine data values. */
export function checkValue(data: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += (CHECK_WEIGHTS[i] as number) * (data[i] as number);
  return (RADIX - (sum % RADIX)) % RADIX;
}

/** True iff the ten values satisfy Σ wᵢ·vᵢ ≡ 0 (mod 31). */
export function checkSumIsZero(values: ArrayLike<number>): boolean {
  let sum = 0;
  for (let i = 0; i < 10; i++) sum += (CHECK_WEIGHTS[i] as number) * (values[i] as number);
  return sum % RADIX === 0;
}
