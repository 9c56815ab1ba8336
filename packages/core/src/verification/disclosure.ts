/**
 * What each disclosure scope reveals, computed from the person's record at the moment of a
 * verification. Masking keeps just enough for a person to be recognised by someone who
 * already knows them (a bank clerk comparing with a card), never enough to reconstruct the
 * value: names keep the first character, ID numbers the first 4 and last 4, phones the
 * first 3 and last 4.
 */
import { ageOn } from '../calendar.ts';
import type { DisclosureScope } from '../rp/types.ts';

export interface DisclosureSource {
  readonly name: string;
  readonly sex: 'M' | 'F';
  readonly birthDate: string;
  readonly documentType: string;
  readonly documentNumber: string;
  readonly phone: string;
}

export type AgeBand = 'under_14' | '14_17' | '18_59' | '60_plus';

export function ageBand(birthDate: string, today: string): AgeBand {
  const a = ageOn(birthDate, today);
  return a < 14 ? 'under_14' : a < 18 ? '14_17' : a < 60 ? '18_59' : '60_plus';
}

export function maskName(name: string): string {
  const chars = [...name.trim()];
  if (chars.length === 0) return '';
  if (/^[\p{Script=Han}·]+$/u.test(name)) return chars[0] + '*'.repeat(Math.max(1, chars.length - 1));
  return name
    .trim()
    .split(/\s+/)
    .map((w) => [...w][0] + '*'.repeat(Math.max(1, [...w].length - 1)))
    .join(' ');
}

export function maskIdNumber(n: string): string {
  if (n.length <= 8) return '*'.repeat(n.length);
  return `${n.slice(0, 4)}${'*'.repeat(n.length - 8)}${n.slice(-4)}`;
}

export function maskPhone(p: string): string {
  return p.length === 11 ? `${p.slice(0, 3)}****${p.slice(-4)}` : '*'.repeat(p.length);
}

/** The claims for `scopes` (`result` adds none). Claim names are the OIDC ones where one exists. */
export function disclosedClaims(src: DisclosureSource, scopes: readonly DisclosureScope[], today: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const s of scopes) {
    switch (s) {
      case 'result':
        break;
      case 'age_band':
        out.age_band = ageBand(src.birthDate, today);
        break;
      case 'sex':
        out.gender = src.sex === 'M' ? 'male' : 'female';
        break;
      case 'masked_name':
        out.masked_name = maskName(src.name);
        break;
      case 'masked_id_number':
        out.masked_document_number = maskIdNumber(src.documentNumber);
        break;
      case 'masked_phone':
        out.masked_phone_number = maskPhone(src.phone);
        break;
      case 'document_type':
        out.document_type = src.documentType;
        break;
      case 'full_name_and_id_number':
        out.name = src.name;
        out.document_number = src.documentNumber;
        break;
    }
  }
  return out;
}
