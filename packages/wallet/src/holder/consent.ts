/**
 * What a relying party would receive for each field it asks for, computed on the device from
 * the person's own 网证, so that a consent screen shows the value ("刘*") and not an internal
 * name ("masked_name"). The platform computes the same values with the same function
 * (core's verification/disclosure.ts) when the person consents; nothing here is sent anywhere.
 *
 * The phone number is not in the 网证: `masked_phone` shows what the wallet was told at
 * enrollment (already masked), or null when it does not know it.
 */
import type { DisclosureScope } from '@wangzheng/core/rp/types';
import { disclosedClaims } from '@wangzheng/core/verification/disclosure';
import { disclosedValues } from './credential.ts';

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** `scope → the value(s) sent, joined by a space` (`result` → null: it carries no personal field). */
export function consentPreview(
  credential: string,
  scopes: readonly DisclosureScope[],
  o: { today: string; maskedPhone?: string | null },
): Partial<Record<DisclosureScope, string | null>> {
  const v = disclosedValues(credential);
  const src = {
    name: str(v['name']),
    sex: v['sex'] === 'F' ? ('F' as const) : ('M' as const),
    birthDate: str(v['birth_date']),
    documentType: str(v['document_type']),
    documentNumber: str(v['document_number']),
    phone: '',
  };
  const out: Partial<Record<DisclosureScope, string | null>> = {};
  for (const s of scopes) {
    if (s === 'result') out[s] = null;
    else if (s === 'masked_phone') out[s] = o.maskedPhone ?? null;
    else out[s] = Object.values(disclosedClaims(src, [s], o.today)).join(' ');
  }
  return out;
}
