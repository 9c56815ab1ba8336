/**
 * What a relying party would receive for each field it asks for, for the consent screen: the
 * wallet library's `consentPreview` (the platform's own masking over the person's 网证
 * disclosures: 刘*, 4408**********0813), with codes (age band, sex, document type) put in the
 * person's language. The phone number is not in the 网证: the masked number this browser was
 * told at enrollment, if it knows it.
 */
import type { DisclosureScope } from '@wangzheng/core/rp/types';
import { ownDocument } from '@wangzheng/wallet/holder/credential';
import { consentPreview } from '@wangzheng/wallet/holder/consent';
import { label, type Catalogue } from '../shared/i18n/index.ts';
import type { StoredWallet } from '../shared/store.ts';

/** Today in China (the registry's and the platform's calendar), `YYYY-MM-DD`. */
export function chinaToday(now = Date.now()): string {
  return new Date(now + 8 * 3_600_000).toISOString().slice(0, 10);
}

/** The document the 网证 was issued for (its own disclosures): what the simulated camera needs. */
export function documentOf(w: StoredWallet): { documentType: string; documentNumber: string } | undefined {
  return ownDocument(w.credential);
}

/** The value shown for `scope`; `result` has its own sentence. */
export function valueFor(scope: string, w: StoredWallet, t: Catalogue): string {
  if (scope === 'result') return t.verify.resultValue;
  let v: string | null | undefined;
  try {
    v = consentPreview(w.credential, [scope as DisclosureScope], { today: chinaToday(), maskedPhone: w.maskedPhone })[scope as DisclosureScope];
  } catch {
    return '';
  }
  if (v === null || v === undefined) return scope === 'masked_phone' ? t.verify.phoneValueUnknown : '';
  if (scope === 'age_band') return label(t.labels.ageBands, v);
  if (scope === 'sex') return label(t.labels.sexes, v);
  if (scope === 'document_type') return label(t.labels.documentTypes, v);
  return v;
}
