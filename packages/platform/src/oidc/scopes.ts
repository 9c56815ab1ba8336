/**
 * OAuth scopes ↔ disclosure scopes (docs/relying-parties.md). `openid` is the verification
 * result — always, and the only thing an RP gets by default (Art. 8); every other disclosure
 * scope is `wz:<name>`. Anything else (`profile`, `email`, `offline_access`…) is refused with
 * `invalid_scope`, never ignored: an RP always knows what it will get.
 */
import { DISCLOSURE_SCOPES, type DisclosureScope, type RpCategory } from '@wangzheng/core/rp/types';

export const SCOPE_PREFIX = 'wz:';

/** Every OAuth scope this provider knows, for discovery. */
export const OAUTH_SCOPES: readonly string[] = ['openid', ...DISCLOSURE_SCOPES.filter((s) => s !== 'result').map((s) => `${SCOPE_PREFIX}${s}`)];

/** The claims each disclosure scope adds to the id_token and userinfo (see core verification/disclosure.ts). */
export const SCOPE_CLAIMS: Readonly<Record<DisclosureScope, readonly string[]>> = {
  result: [],
  age_band: ['age_band'],
  sex: ['gender'],
  masked_name: ['masked_name'],
  masked_id_number: ['masked_document_number'],
  masked_phone: ['masked_phone_number'],
  document_type: ['document_type'],
  full_name_and_id_number: ['name', 'document_number'],
};

/** Claims every id_token carries (result only). */
export const PROTOCOL_CLAIMS = ['iss', 'sub', 'aud', 'exp', 'iat', 'auth_time', 'nonce', 'acr'] as const;

export const CLAIMS_SUPPORTED: readonly string[] = [...PROTOCOL_CLAIMS, ...Object.values(SCOPE_CLAIMS).flat()];

/** `wz:age_band` → `age_band`; `openid` → `result`; anything else → undefined. */
export function disclosureScopeOf(oauthScope: string): DisclosureScope | undefined {
  if (oauthScope === 'openid') return 'result';
  if (!oauthScope.startsWith(SCOPE_PREFIX)) return undefined;
  const name = oauthScope.slice(SCOPE_PREFIX.length);
  return name !== 'result' && (DISCLOSURE_SCOPES as readonly string[]).includes(name) ? (name as DisclosureScope) : undefined;
}

/** The OAuth `scope` string for disclosure scopes, in the canonical order. */
export function oauthScopeString(scopes: readonly string[]): string {
  return ['openid', ...DISCLOSURE_SCOPES.filter((s) => s !== 'result' && scopes.includes(s)).map((s) => `${SCOPE_PREFIX}${s}`)].join(' ');
}

/** What the authorize page shows for each field (zh-CN, English). */
export const SCOPE_LABELS: Readonly<Record<DisclosureScope, { zh: string; en: string }>> = {
  result: { zh: '核验结果（是否通过、方式、时间、本应用下的标识）', en: 'the result (passed or not, how, when, your identifier at this service)' },
  age_band: { zh: '年龄段', en: 'age band' },
  sex: { zh: '性别', en: 'sex' },
  masked_name: { zh: '姓名（部分隐藏）', en: 'name, partly hidden' },
  masked_id_number: { zh: '证件号码（部分隐藏）', en: 'document number, partly hidden' },
  masked_phone: { zh: '手机号码（部分隐藏）', en: 'phone number, partly hidden' },
  document_type: { zh: '证件类型', en: 'document type' },
  full_name_and_id_number: { zh: '姓名和证件号码', en: 'full name and document number' },
};

export const CATEGORY_LABELS: Readonly<Record<RpCategory, { zh: string; en: string }>> = {
  internet_service: { zh: '互联网服务', en: 'internet service' },
  telecom_operator: { zh: '电信运营商', en: 'telecom operator' },
  bank: { zh: '银行', en: 'bank' },
  payment_institution: { zh: '支付机构', en: 'payment institution' },
  government_service: { zh: '政务服务', en: 'government service' },
  venue: { zh: '场所', en: 'venue' },
  other: { zh: '其他', en: 'other' },
};
