import { describe, expect, it } from 'vitest';
import { isWzError } from '../../src/errors.ts';
import {
  DOCUMENT_TYPES,
  DOCUMENT_TYPE_INFO,
  assertDocumentNumber,
  checkDocumentNumber,
  makeIdNumber,
  parseDocumentType,
  type DocumentType,
} from '../../src/documents/index.ts';

const NOW = new Date('2026-06-15T04:00:00Z');

function codeOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    if (isWzError(e)) return e.code;
    throw e;
  }
  return undefined;
}

describe('Enrollment step 1: the eight legal document types', () => {
  it('the closed set has exactly 8 stable codes with zh-CN and English names', () => {
    expect(DOCUMENT_TYPES).toEqual([
      'resident_id_card',
      'passport_abroad',
      'hk_macau_exit_entry_permit',
      'hk_macau_travel_permit',
      'taiwan_travel_permit',
      'hk_macau_residence_permit',
      'taiwan_residence_permit',
      'foreign_permanent_residence_id',
    ]);
    for (const t of DOCUMENT_TYPES) {
      expect(DOCUMENT_TYPE_INFO[t].code).toBe(t);
      expect(DOCUMENT_TYPE_INFO[t].zh).toMatch(/[\u4e00-\u9fff]/);
      expect(DOCUMENT_TYPE_INFO[t].en.length).toBeGreaterThan(5);
    }
    expect(DOCUMENT_TYPE_INFO.hk_macau_travel_permit.zh).toBe('港澳居民来往内地通行证');
    expect(DOCUMENT_TYPE_INFO.taiwan_travel_permit.zh).toBe('台湾居民来往大陆通行证');
  });

  it('parseDocumentType: every code parses; unknown, case-changed and non-strings are unknown_document_type', () => {
    for (const t of DOCUMENT_TYPES) expect(parseDocumentType(t)).toBe(t);
    for (const bad of ['passport', 'RESIDENT_ID_CARD', '', 'toString', '__proto__', 42, null, undefined, ['resident_id_card']]) {
      expect(codeOf(() => parseDocumentType(bad))).toBe('unknown_document_type');
    }
  });
});

describe('Document number formats', () => {
  const valid: Record<DocumentType, string> = {
    resident_id_card: '11010519491231002X',
    passport_abroad: 'EA1234567',
    hk_macau_exit_entry_permit: 'C12345678',
    hk_macau_travel_permit: 'H12345678',
    taiwan_travel_permit: '12345678',
    hk_macau_residence_permit: makeIdNumber({ regionCode: '820000', birthDate: '1999-12-20', sequence: 4 }),
    taiwan_residence_permit: makeIdNumber({ regionCode: '830000', birthDate: '1980-01-01', sequence: 5 }),
    foreign_permanent_residence_id: makeIdNumber({ regionCode: '931250', birthDate: '1975-03-03', sequence: 77 }),
  };
  const invalid: Record<DocumentType, [string, string]> = {
    resident_id_card: ['110105194912310029', 'invalid_id_number'],
    passport_abroad: ['EI1234567', 'invalid_document'],
    hk_macau_exit_entry_permit: ['C1234567', 'invalid_document'],
    hk_macau_travel_permit: ['H1234567890', 'invalid_document'],
    taiwan_travel_permit: ['1234567', 'invalid_document'],
    hk_macau_residence_permit: [makeIdNumber({ regionCode: '830000', birthDate: '1999-12-20', sequence: 4 }), 'invalid_id_number'],
    taiwan_residence_permit: [makeIdNumber({ regionCode: '810000', birthDate: '1980-01-01', sequence: 5 }), 'invalid_id_number'],
    foreign_permanent_residence_id: ['11010519491231002X', 'invalid_id_number'],
  };

  for (const t of DOCUMENT_TYPES) {
    it(`${t}: a valid number passes and a near miss fails with ${invalid[t][1]}`, () => {
      expect(checkDocumentNumber(t, valid[t], { now: NOW }).ok).toBe(true);
      expect(codeOf(() => assertDocumentNumber(t, invalid[t][0], { now: NOW }))).toBe(invalid[t][1]);
    });
  }

  it('passport: E + 8 digits and E + letter + 7 digits; letters I and O are excluded', () => {
    expect(checkDocumentNumber('passport_abroad', 'E12345678').ok).toBe(true);
    expect(checkDocumentNumber('passport_abroad', 'EO1234567').ok).toBe(false);
    expect(checkDocumentNumber('passport_abroad', 'G12345678').ok).toBe(false);
  });

  it('input is trimmed and upper-cased before checking', () => {
    expect(assertDocumentNumber('hk_macau_travel_permit', ' m12345678 ')).toBe('M12345678');
  });
});
