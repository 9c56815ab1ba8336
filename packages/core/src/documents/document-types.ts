/**
 * The eight legal identity documents with which a person may apply for a 网号/网证
 * (MISSION.md, "Enrollment" step 1). A closed set: a `switch` over `DocumentType` is
 * exhaustive, and the codes are stable wire values — never rename one.
 */
import { WzError } from '../errors.ts';

export const DOCUMENT_TYPES = [
  'resident_id_card',
  'passport_abroad',
  'hk_macau_exit_entry_permit',
  'hk_macau_travel_permit',
  'taiwan_travel_permit',
  'hk_macau_residence_permit',
  'taiwan_residence_permit',
  'foreign_permanent_residence_id',
] as const;

export type DocumentType = (typeof DOCUMENT_TYPES)[number];

/** Who holds a document of this type. */
export type HolderCategory = 'mainland_resident' | 'citizen_abroad' | 'hk_macau_resident' | 'taiwan_resident' | 'foreigner';

export interface DocumentTypeInfo {
  readonly code: DocumentType;
  /** Official Chinese name. */
  readonly zh: string;
  readonly en: string;
  readonly holder: HolderCategory;
  /** Human description of the number format checked by `checkDocumentNumber`. */
  readonly numberFormat: string;
}

export const DOCUMENT_TYPE_INFO: Readonly<Record<DocumentType, DocumentTypeInfo>> = {
  resident_id_card: {
    code: 'resident_id_card',
    zh: '居民身份证',
    en: 'Resident identity card',
    holder: 'mainland_resident',
    numberFormat: 'GB 11643 citizen identity number: 6-digit region code, 8-digit birth date, 3-digit sequence, ISO 7064 MOD 11-2 check character (0-9 or X)',
  },
  passport_abroad: {
    code: 'passport_abroad',
    zh: '定居国外的中国公民护照',
    en: 'Passport of a Chinese citizen residing abroad',
    holder: 'citizen_abroad',
    numberFormat: 'E followed by 8 digits, or E, a letter (not I or O) and 7 digits',
  },
  hk_macau_exit_entry_permit: {
    code: 'hk_macau_exit_entry_permit',
    zh: '往来港澳通行证',
    en: 'Exit-entry permit for travelling to and from Hong Kong and Macao',
    holder: 'mainland_resident',
    numberFormat: 'C followed by a digit or letter (not I or O) and 7 digits',
  },
  hk_macau_travel_permit: {
    code: 'hk_macau_travel_permit',
    zh: '港澳居民来往内地通行证',
    en: 'Mainland travel permit for Hong Kong and Macao residents',
    holder: 'hk_macau_resident',
    numberFormat: 'H (Hong Kong) or M (Macao) followed by 8 digits',
  },
  taiwan_travel_permit: {
    code: 'taiwan_travel_permit',
    zh: '台湾居民来往大陆通行证',
    en: 'Mainland travel permit for Taiwan residents',
    holder: 'taiwan_resident',
    numberFormat: '8 digits',
  },
  hk_macau_residence_permit: {
    code: 'hk_macau_residence_permit',
    zh: '港澳居民居住证',
    en: 'Residence permit for Hong Kong and Macao residents',
    holder: 'hk_macau_resident',
    numberFormat: '18 characters in GB 11643 layout with region code 810000 (Hong Kong) or 820000 (Macao)',
  },
  taiwan_residence_permit: {
    code: 'taiwan_residence_permit',
    zh: '台湾居民居住证',
    en: 'Residence permit for Taiwan residents',
    holder: 'taiwan_resident',
    numberFormat: '18 characters in GB 11643 layout with region code 830000',
  },
  foreign_permanent_residence_id: {
    code: 'foreign_permanent_residence_id',
    zh: '外国人永久居留身份证',
    en: "Foreigner's permanent residence ID card",
    holder: 'foreigner',
    numberFormat: '18 characters (2023 edition): 9, 2-digit province of issue, 3-digit nationality code, 8-digit birth date, 3-digit sequence, MOD 11-2 check character',
  },
};

export function isDocumentType(s: unknown): s is DocumentType {
  return typeof s === 'string' && (DOCUMENT_TYPES as readonly string[]).includes(s);
}

/** Parses a wire value into a `DocumentType`; anything else is `unknown_document_type`. */
export function parseDocumentType(s: unknown): DocumentType {
  if (isDocumentType(s)) return s;
  throw new WzError('unknown_document_type', `Unknown document type; expected one of: ${DOCUMENT_TYPES.join(', ')}.`);
}
