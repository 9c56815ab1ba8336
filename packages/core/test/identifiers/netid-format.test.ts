/**
 * 网号 text form: alphabet, check character (weighted sum mod 31), parsing and display.
 * The detection guarantees are checked both algebraically (for every position and symbol
 * pair) and exhaustively on thousands of random 网号.
 */
import { randomInt } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  ALPHABET,
  CHECK_WEIGHTS,
  checkValue,
  formatNetid,
  isValidNetid,
  NETID_SPACE,
  netidFromValue,
  netidValue,
  parseNetid,
  type Netid,
} from '../../src/identifiers/index.ts';
import { thrown } from './support/errors.ts';

const SAMPLE = 3000;

/** Least non-negative residue (JS % keeps the sign, and -0 is not 0 to Object.is). */
function mod31(x: number): number {
  return ((x % 31) + 31) % 31;
}

function randomNetids(n: number): Netid[] {
  const out: Netid[] = [];
  // randomInt's range is limited to 2^48; 31^9 < 2^45.
  for (let i = 0; i < n; i++) out.push(netidFromValue(randomInt(0, NETID_SPACE)));
  return out;
}

describe('alphabet', () => {
  it('has 31 distinct symbols: digits and upper-case letters without 0, O, 1, I, L', () => {
    expect(ALPHABET).toHaveLength(31);
    expect(new Set(ALPHABET).size).toBe(31);
    for (const c of '0O1IL') expect(ALPHABET).not.toContain(c);
    expect(ALPHABET).toMatch(/^[2-9A-Z]+$/);
    expect([...ALPHABET].sort().join('')).toBe(ALPHABET);
  });
});

describe('check character: Σ wᵢ·vᵢ ≡ 0 (mod 31)', () => {
  it('weights are non-zero and pairwise distinct modulo 31', () => {
    expect(CHECK_WEIGHTS).toHaveLength(10);
    for (const w of CHECK_WEIGHTS) expect(mod31(w)).toBeGreaterThan(0);
    expect(new Set(CHECK_WEIGHTS.map(mod31)).size).toBe(10);
  });

  it('worked example from docs/identifiers.md: WANGZHENG → check E', () => {
    const values = [...'WANGZHENG'].map((c) => ALPHABET.indexOf(c));
    expect(values).toEqual([27, 8, 19, 14, 30, 15, 12, 19, 14]);
    expect(values.reduce((s, v, i) => s + v * (CHECK_WEIGHTS[i] as number), 0)).toBe(980);
    expect(checkValue(values)).toBe(12);
    expect(ALPHABET[12]).toBe('E');
    expect(parseNetid('WANGZHENGE')).toBe('WANGZHENGE');
    expect(thrown(() => parseNetid('WANGZHENGF')).code).toBe('invalid_check_character');
    expect(thrown(() => parseNetid('WANGZHENEG')).code).toBe('invalid_check_character');
  });

  it('algebra: every substitution changes the sum by wᵢ·(v′−v) ≢ 0 for every position and symbol pair', () => {
    let undetected = 0;
    for (const w of CHECK_WEIGHTS) {
      for (let v = 0; v < 31; v++) for (let u = 0; u < 31; u++) if (u !== v && mod31(w * (u - v)) === 0) undetected++;
    }
    expect(undetected).toBe(0);
  });

  it('algebra: every transposition (any two positions) changes the sum by (wᵢ−wⱼ)·(vⱼ−vᵢ) ≢ 0', () => {
    let undetected = 0;
    for (let i = 0; i < 10; i++) {
      for (let j = i + 1; j < 10; j++) {
        const dw = (CHECK_WEIGHTS[i] as number) - (CHECK_WEIGHTS[j] as number);
        for (let v = 0; v < 31; v++) for (let u = 0; u < 31; u++) if (u !== v && mod31(dw * (u - v)) === 0) undetected++;
      }
    }
    expect(undetected).toBe(0);
  });

  it(`detects every single-character substitution, exhaustively over all positions and all 30 substitutes, on ${SAMPLE} random 网号`, () => {
    let checked = 0;
    let missed = 0;
    for (const n of randomNetids(SAMPLE)) {
      expect(isValidNetid(n)).toBe(true);
      for (let pos = 0; pos < 10; pos++) {
        for (const c of ALPHABET) {
          if (c === n[pos]) continue;
          const typo = n.slice(0, pos) + c + n.slice(pos + 1);
          if (isValidNetid(typo)) missed++;
          checked++;
        }
      }
    }
    expect(checked).toBe(SAMPLE * 10 * 30);
    expect(missed).toBe(0);
  });

  it(`detects every adjacent transposition of distinct characters on ${SAMPLE} random 网号 (and every non-adjacent one)`, () => {
    let adjacent = 0;
    let missed = 0;
    for (const n of randomNetids(SAMPLE)) {
      for (let i = 0; i < 10; i++) {
        for (let j = i + 1; j < 10; j++) {
          if (n[i] === n[j]) continue;
          const swapped = [...n];
          [swapped[i], swapped[j]] = [swapped[j] as string, swapped[i] as string];
          if (isValidNetid(swapped.join(''))) missed++;
          if (j === i + 1) adjacent++;
        }
      }
    }
    expect(adjacent).toBeGreaterThan(SAMPLE * 8); // ≈ 9 · 30/31 per 网号
    expect(missed).toBe(0);
  });

  it('a mistyped 网号 is reported as invalid_check_character by parseNetid', () => {
    for (const n of randomNetids(200)) {
      const pos = randomInt(0, 10);
      const other = ALPHABET[(ALPHABET.indexOf(n[pos] as string) + 1 + randomInt(0, 30)) % 31] as string;
      expect(thrown(() => parseNetid(n.slice(0, pos) + other + n.slice(pos + 1))).code).toBe('invalid_check_character');
    }
  });

  it('every symbol occurs as a check character (no ISBN-style extra symbol needed)', () => {
    const seen = new Set<string>();
    for (let v = 0; v < 31 * 31; v++) seen.add(netidFromValue(v)[9] as string);
    expect(seen.size).toBe(31);
  });
});

describe('parseNetid', () => {
  it('accepts the canonical form, surrounding white space, lower case and the display form XXXXX-XXXXX', () => {
    for (const input of ['WANGZHENGE', '  WANGZHENGE\t', 'wangzhenge', 'WangZhengE', 'WANGZ-HENGE', ' wangz-henge\n', '\u3000WANGZHENGE\u3000']) {
      expect(parseNetid(input)).toBe('WANGZHENGE');
    }
  });

  it('rejects a wrong length with invalid_netid (boundary: 9 and 11 characters)', () => {
    for (const input of ['', '   ', 'WANGZHENG', 'WANGZHENGEE', 'W'.repeat(5000)]) {
      expect(thrown(() => parseNetid(input)).code).toBe('invalid_netid');
    }
  });

  it('rejects separators other than one hyphen between two groups of five', () => {
    for (const input of ['WANGZ HENGE', 'WANG-ZHENGE', 'WANGZH-ENGE', 'WANGZ--HENGE', 'WANGZ_HENGE', 'WANGZ.HENGE', '-WANGZHENGE', 'WANGZHENGE-', 'WANGZ‐HENGE']) {
      expect(thrown(() => parseNetid(input)).code).toBe('invalid_netid');
    }
  });

  it('rejects look-alike symbols 0, O, 1, I, L instead of guessing', () => {
    for (const bad of ['0', 'O', 'o', '1', 'I', 'i', 'L', 'l']) {
      expect(thrown(() => parseNetid(`WANGZHEN${bad}E`)).code).toBe('invalid_netid');
    }
  });

  it('rejects non-ASCII characters, including ones that upper-case to ASCII (ſ → S, ı → I) and full-width forms', () => {
    for (const input of ['WANGZHENſE', 'WAſGZHENGE', 'WANGZHENıE', 'WANGZHENGＥ', 'ＷANGZHENGE', 'WANGZHENG\u212A', 'WANGZHÉNGE', 'WANGZHENG\u0000']) {
      expect(thrown(() => parseNetid(input)).code).toBe('invalid_netid');
    }
  });

  it('never echoes the input in its error message', () => {
    for (const input of ['SECRETXXXX1', 'SECRETXXXY', 'SECRE-TXXXY']) {
      const e = thrown(() => parseNetid(input));
      expect(e.code).toMatch(/^invalid_/);
      expect(e.message).not.toContain('SECRET');
    }
  });

  it('throws TypeError for a non-string (programmer misuse)', () => {
    expect(() => parseNetid(12345 as unknown as string)).toThrow(TypeError);
  });
});

describe('isValidNetid and formatNetid', () => {
  it('isValidNetid accepts only the canonical form', () => {
    expect(isValidNetid('WANGZHENGE')).toBe(true);
    for (const s of ['wangzhenge', 'WANGZ-HENGE', ' WANGZHENGE', 'WANGZHENGF', 'WANGZHENG', '', 42, null, undefined]) {
      expect(isValidNetid(s)).toBe(false);
    }
  });

  it('formatNetid gives XXXXX-XXXXX and parseNetid reads it back', () => {
    expect(formatNetid('wangzhenge')).toBe('WANGZ-HENGE');
    for (const n of randomNetids(100)) expect(parseNetid(formatNetid(n))).toBe(n);
    expect(thrown(() => formatNetid('WANGZHENGF')).code).toBe('invalid_check_character');
  });
});

describe('netidFromValue / netidValue', () => {
  it('maps [0, 31^9) one-to-one onto the data symbols, boundaries included', () => {
    expect(netidFromValue(0).slice(0, 9)).toBe('222222222');
    expect(netidFromValue(NETID_SPACE - 1).slice(0, 9)).toBe('ZZZZZZZZZ');
    for (const v of [0, 1, 30, 31, NETID_SPACE - 1, 123456789012]) {
      const n = netidFromValue(v);
      expect(isValidNetid(n)).toBe(true);
      expect(netidValue(n)).toBe(v);
    }
  });

  it('rejects values outside [0, 31^9) with TypeError', () => {
    for (const v of [-1, NETID_SPACE, 1.5, Number.NaN, 2 ** 53]) expect(() => netidFromValue(v)).toThrow(TypeError);
  });
});
