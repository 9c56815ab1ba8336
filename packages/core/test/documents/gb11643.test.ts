import { describe, expect, it } from 'vitest';
import { isWzError } from '../../src/errors.ts';
import {
  checkForeignPermanentResidenceNumber,
  checkIdNumber,
  makeIdNumber,
  mod11_2CheckCharacter,
  parseIdNumber,
} from '../../src/documents/index.ts';

const NOW = new Date('2026-06-15T04:00:00Z'); // 12:00 in China

function reasonOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    if (isWzError(e, 'invalid_id_number')) return e.detail;
    throw e;
  }
  return undefined;
}

describe('GB 11643-1999: citizen identity number', () => {
  it('GB 11643 annex examples validate (check characters X and 4)', () => {
    expect(parseIdNumber('11010519491231002X', { now: NOW })).toEqual({
      number: '11010519491231002X',
      regionCode: '110105',
      birthDate: '1949-12-31',
      sequence: '002',
      sex: 'F',
    });
    expect(parseIdNumber('440524188001010014', { now: NOW }).sex).toBe('M');
  });

  it('ISO 7064 MOD 11-2: check character for every remainder, incl. X for 10', () => {
    expect(mod11_2CheckCharacter('11010519491231002')).toBe('X');
    expect(mod11_2CheckCharacter('44052418800101001')).toBe('4');
    const seen = new Set<string>();
    for (let s = 0; s < 200; s++) seen.add(mod11_2CheckCharacter(`3301061990010${String(s).padStart(4, '0')}`));
    expect([...seen].sort()).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'X']);
    expect(() => mod11_2CheckCharacter('1234')).toThrow(TypeError);
  });

  it('check character: right vs one-off is valid vs check_character', () => {
    expect(checkIdNumber('11010519491231002X', { now: NOW }).ok).toBe(true);
    expect(reasonOf(() => parseIdNumber('110105194912310029', { now: NOW }))).toBe('check_character');
    expect(reasonOf(() => parseIdNumber('440524188001010013', { now: NOW }))).toBe('check_character');
  });

  it('lowercase x is accepted and normalised', () => {
    expect(parseIdNumber('11010519491231002x', { now: NOW }).number).toBe('11010519491231002X');
  });

  it('format: 17 vs 18 vs 19 characters, letters in the body', () => {
    expect(reasonOf(() => parseIdNumber('11010519491231002', { now: NOW }))).toBe('format');
    expect(reasonOf(() => parseIdNumber('11010519491231002X1', { now: NOW }))).toBe('format');
    expect(reasonOf(() => parseIdNumber('1101051949123100AX', { now: NOW }))).toBe('format');
    expect(reasonOf(() => parseIdNumber(' 11010519491231002X', { now: NOW }))).toBe('format');
  });

  it('Feb 29: valid in leap year 2000 and 2024, impossible in 1900 and 2023', () => {
    for (const d of ['2000-02-29', '2024-02-29']) {
      expect(checkIdNumber(makeIdNumber({ regionCode: '320102', birthDate: d, sequence: 11 }), { now: NOW }).ok).toBe(true);
    }
    for (const d of ['1900-02-29', '2023-02-29']) {
      expect(reasonOf(() => parseIdNumber(makeIdNumber({ regionCode: '320102', birthDate: d, sequence: 11 }), { now: NOW }))).toBe('birth_date');
    }
    expect(reasonOf(() => parseIdNumber(makeIdNumber({ regionCode: '320102', birthDate: '1990-13-01', sequence: 11 }), { now: NOW }))).toBe('birth_date');
    expect(reasonOf(() => parseIdNumber(makeIdNumber({ regionCode: '320102', birthDate: '1990-04-31', sequence: 11 }), { now: NOW }))).toBe('birth_date');
  });

  it('birth date: today (China time) is valid, tomorrow is future_birth_date', () => {
    const today = makeIdNumber({ regionCode: '310101', birthDate: '2026-06-15', sequence: 1 });
    const tomorrow = makeIdNumber({ regionCode: '310101', birthDate: '2026-06-16', sequence: 1 });
    expect(checkIdNumber(today, { now: NOW }).ok).toBe(true);
    expect(reasonOf(() => parseIdNumber(tomorrow, { now: NOW }))).toBe('future_birth_date');
    // 2026-06-15T17:00Z is already 2026-06-16 in China: tomorrow becomes today.
    expect(checkIdNumber(tomorrow, { now: new Date('2026-06-15T17:00:00Z') }).ok).toBe(true);
  });

  it('region: mainland province codes only on resident numbers (11 valid, 10/71/81 not)', () => {
    expect(checkIdNumber(makeIdNumber({ regionCode: '110101', birthDate: '1990-01-01', sequence: 1 }), { now: NOW }).ok).toBe(true);
    for (const r of ['100101', '710101', '810000', '990101']) {
      expect(reasonOf(() => parseIdNumber(makeIdNumber({ regionCode: r, birthDate: '1990-01-01', sequence: 1 }), { now: NOW }))).toBe('region');
    }
  });

  it('the error message never contains the number', () => {
    try {
      parseIdNumber('110105194912310029', { now: NOW });
      expect.unreachable();
    } catch (e) {
      expect(isWzError(e, 'invalid_id_number')).toBe(true);
      expect((e as Error).message).not.toContain('1101051949');
      expect(JSON.stringify(e)).not.toContain('1101051949');
    }
  });

  it('sex from the 17th digit: odd male, even female', () => {
    expect(parseIdNumber(makeIdNumber({ regionCode: '420102', birthDate: '1985-07-07', sequence: 127 }), { now: NOW }).sex).toBe('M');
    expect(parseIdNumber(makeIdNumber({ regionCode: '420102', birthDate: '1985-07-07', sequence: 128 }), { now: NOW }).sex).toBe('F');
  });
});

describe('GB 11643 layout: residence permits and the 2023 foreigner permanent residence ID', () => {
  it('HK/Macao residence permit numbers start 810000/820000, Taiwan 830000', () => {
    const hk = makeIdNumber({ regionCode: '810000', birthDate: '2000-02-29', sequence: 1 });
    expect(checkIdNumber(hk, { now: NOW, family: 'hk_macau_residence' }).ok).toBe(true);
    expect(checkIdNumber(hk, { now: NOW, family: 'taiwan_residence' })).toEqual({ ok: false, reason: 'region' });
    expect(checkIdNumber(hk, { now: NOW })).toEqual({ ok: false, reason: 'region' });
    const tw = makeIdNumber({ regionCode: '830000', birthDate: '1970-10-10', sequence: 2 });
    expect(checkIdNumber(tw, { now: NOW, family: 'taiwan_residence' }).ok).toBe(true);
    expect(checkIdNumber(makeIdNumber({ regionCode: '810001', birthDate: '2000-01-01', sequence: 1 }), { now: NOW, family: 'hk_macau_residence' })).toEqual({ ok: false, reason: 'region' });
  });

  it('foreigner PR ID: 9 + province + nationality, MOD 11-2; China (156) and 000 are not nationalities', () => {
    const ok = makeIdNumber({ regionCode: '911840', birthDate: '1990-05-05', sequence: 123 });
    expect(checkForeignPermanentResidenceNumber(ok, { now: NOW })).toMatchObject({ ok: true, nationality: '840' });
    const badCheck = ok.slice(0, 17) + (ok[17] === '0' ? '1' : '0');
    expect(checkForeignPermanentResidenceNumber(badCheck, { now: NOW })).toEqual({ ok: false, reason: 'check_character' });
    expect(checkForeignPermanentResidenceNumber(makeIdNumber({ regionCode: '911156', birthDate: '1990-05-05', sequence: 1 }), { now: NOW })).toEqual({ ok: false, reason: 'region' });
    expect(checkForeignPermanentResidenceNumber(makeIdNumber({ regionCode: '971840', birthDate: '1990-05-05', sequence: 1 }), { now: NOW })).toEqual({ ok: false, reason: 'region' });
    expect(checkForeignPermanentResidenceNumber(makeIdNumber({ regionCode: '811840', birthDate: '1990-05-05', sequence: 1 }), { now: NOW })).toEqual({ ok: false, reason: 'region' });
  });

  it('makeIdNumber rejects misuse with TypeError', () => {
    expect(() => makeIdNumber({ regionCode: '11010', birthDate: '1990-01-01', sequence: 1 })).toThrow(TypeError);
    expect(() => makeIdNumber({ regionCode: '110101', birthDate: '1990-01-01', sequence: '1' })).toThrow(TypeError);
  });
});
