import { describe, expect, it } from 'vitest';
import { organisationCodeCheckCharacter, parseUscc, usccCheckCharacter, USCC_ALPHABET, isValidUscc } from '../../src/rp/uscc.ts';
import { thrown } from '../identifiers/support/errors.ts';

/**
 * Codes of registered organisations, as published in the national enterprise credit
 * information system (public business data), and the example printed in many guides.
 */
const VALID = [
  '91350100M000100Y43', // the widely printed example
  '914403001922038216', // 华为技术有限公司
  '9144030071526726XG', // 深圳市腾讯计算机系统有限公司
  '91330100716105852F', // 阿里巴巴（中国）有限公司
  '91110000802100433B', // 中国石油化工股份有限公司
  '911100001000079554', // 国家电网有限公司
  '91110108551385082Q', // 小米科技有限责任公司
  '911101085923662400',
];

describe('GB 32100-2015: unified social credit code', () => {
  it('published codes validate, including check characters 0 and a letter', () => {
    for (const c of VALID) expect(parseUscc(c)).toBe(c);
  });

  it('weights are 3^(i-1) mod 31 and the check character is 31 − (Σ mod 31), 31 ↦ 0', () => {
    expect(USCC_ALPHABET).toBe('0123456789ABCDEFGHJKLMNPQRTUWXY');
    expect(USCC_ALPHABET).not.toMatch(/[IOZSV]/);
    for (const c of VALID) expect(usccCheckCharacter(c.slice(0, 17))).toBe(c[17]);
    // Σ ≡ 0 (mod 31) gives 31, written 0: the all-zero body.
    expect(usccCheckCharacter('0'.repeat(17))).toBe('0');
  });

  it('GB 11714-1997: the organisation code inside (positions 9–17) has its own check character', () => {
    for (const c of VALID) expect(organisationCodeCheckCharacter(c.slice(8, 16))).toBe(c[16]);
    // The GB 11714 mapping of remainders: 10 ↦ X (Tencent's 71526726X), 11 ↦ 0.
    expect(organisationCodeCheckCharacter('71526726')).toBe('X');
    expect(organisationCodeCheckCharacter('59236624')).toBe('0');
  });

  it('every one-character change of a valid code is refused with invalid_uscc', () => {
    let tried = 0;
    for (const c of VALID) {
      for (let i = 0; i < 18; i++) {
        for (const ch of USCC_ALPHABET) {
          if (ch === c[i]) continue;
          const changed = c.slice(0, i) + ch + c.slice(i + 1);
          expect(isValidUscc(changed), changed).toBe(false);
          tried++;
        }
      }
    }
    expect(tried).toBe(VALID.length * 18 * 30);
  });

  it('every transposition of two adjacent different characters is refused', () => {
    for (const c of VALID) {
      for (let i = 0; i < 17; i++) {
        if (c[i] === c[i + 1]) continue;
        const swapped = c.slice(0, i) + c[i + 1] + c[i] + c.slice(i + 2);
        expect(isValidUscc(swapped), swapped).toBe(false);
      }
    }
  });

  it('input forms: lower case, full-width and spaced input are canonicalised', () => {
    expect(parseUscc('9144030071526726xg')).toBe('9144030071526726XG');
    expect(parseUscc('９１３５０１００Ｍ０００１００Ｙ４３')).toBe('91350100M000100Y43');
    expect(parseUscc(' 9135 0100 M000 100Y 43 ')).toBe('91350100M000100Y43');
  });

  it('structure: length 18, the GB 32100 alphabet, digits in positions 3–8; the message names the rule, not the value', () => {
    const cases = ['91350100M000100Y4', '91350100M000100Y433', '91350100M000I00Y43', '9135010AM000100Y43', '', 'ABCDEFGHJKLMNPQRTU'];
    for (const c of cases) {
      const t = thrown(() => parseUscc(c));
      expect(t.code, c).toBe('invalid_uscc');
      if (c.length > 4) expect(t.message).not.toContain(c);
    }
    expect(thrown(() => parseUscc(91350100)).code).toBe('invalid_uscc');
    expect(thrown(() => parseUscc('91350100M000100Y44')).message).toMatch(/check character/);
  });
});
