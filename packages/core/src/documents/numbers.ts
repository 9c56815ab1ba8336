/**
 * Number-format validators, one per document type. They check what a number can tell by
 * itself (layout, check character, embedded birth date); whether such a document exists is
 * the registry's business.
 *
 * The 18-character types fail with `invalid_id_number` (reason in `detail`, see gb11643.ts);
 * the others with `invalid_document` (reason `format`). Messages never echo the number.
 *
 * Simplifications: passports and exit-entry permits are checked against the current
 * electronic-document layouts only (older booklet formats are refused); the Hong Kong/Macao
 * travel permit against the 2012 card (H/M + 8 digits; the 10-digit booklet suffix is refused).
 */
import { WzError } from '../errors.ts';
import { DOCUMENT_TYPE_INFO, type DocumentType } from './document-types.ts';
import { checkForeignPermanentResidenceNumber, checkIdNumber, idNumberError, type IdNumberFailure } from './gb11643.ts';

export type DocumentNumberCheck =
  | { ok: true; normalized: string }
  | { ok: false; code: 'invalid_id_number' | 'invalid_document'; reason: IdNumberFailure };

const PATTERNS: Partial<Record<DocumentType, RegExp>> = {
  passport_abroad: /^E(?:[0-9]{8}|[A-HJ-NP-Z][0-9]{7})$/,
  hk_macau_exit_entry_permit: /^C[0-9A-HJ-NP-Z][0-9]{7}$/,
  hk_macau_travel_permit: /^[HM][0-9]{8}$/,
  taiwan_travel_permit: /^[0-9]{8}$/,
};

/** Checks `number` against the format of `type`. Input is trimmed and upper-cased first. */
export function checkDocumentNumber(type: DocumentType, number: string, opts: { now?: Date } = {}): DocumentNumberCheck {
  if (typeof number !== 'string') return { ok: false, code: 'invalid_document', reason: 'format' };
  const s = number.trim().toUpperCase();
  const now = opts.now ?? new Date();
  const idFamily = (r: ReturnType<typeof checkIdNumber>): DocumentNumberCheck =>
    r.ok ? { ok: true, normalized: r.value.number } : { ok: false, code: 'invalid_id_number', reason: r.reason };
  switch (type) {
    case 'resident_id_card':
      return idFamily(checkIdNumber(s, { now, family: 'resident' }));
    case 'hk_macau_residence_permit':
      return idFamily(checkIdNumber(s, { now, family: 'hk_macau_residence' }));
    case 'taiwan_residence_permit':
      return idFamily(checkIdNumber(s, { now, family: 'taiwan_residence' }));
    case 'foreign_permanent_residence_id':
      return idFamily(checkForeignPermanentResidenceNumber(s, { now }));
    case 'passport_abroad':
    case 'hk_macau_exit_entry_permit':
    case 'hk_macau_travel_permit':
    case 'taiwan_travel_permit':
      return PATTERNS[type]!.test(s) ? { ok: true, normalized: s } : { ok: false, code: 'invalid_document', reason: 'format' };
  }
}

/** Returns the normalised number or throws `invalid_id_number` / `invalid_document`. */
export function assertDocumentNumber(type: DocumentType, number: string, opts: { now?: Date } = {}): string {
  const r = checkDocumentNumber(type, number, opts);
  if (r.ok) return r.normalized;
  if (r.code === 'invalid_id_number') throw idNumberError(r.reason);
  throw new WzError('invalid_document', `The document number does not match the format of a ${DOCUMENT_TYPE_INFO[type].en}.`, {
    detail: `format:${type}`,
  });
}
