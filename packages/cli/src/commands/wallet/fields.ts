/**
 * The fields a relying party asks for, as `wallet verify` shows them before the person
 * consents: each by its name in Chinese and English with the value the service would receive
 * — computed on this device from the person's own 网证 (@wangzheng/wallet's consentPreview,
 * the same function the platform applies when the person consents) — and its legal basis.
 * The ordinary fields are asked together; each sensitive one separately (PIPL Art. 29).
 *
 * Nothing here is sent anywhere: the values are the person's own, shown to them.
 */
import { DOCUMENT_TYPE_INFO, isDocumentType } from '@wangzheng/core/documents/document-types';
import { chinaDate } from '@wangzheng/core/documents/gb11643';
import { DISCLOSURE_SCOPES, type DisclosureScope } from '@wangzheng/core/rp/types';
import { consentPreview } from '@wangzheng/wallet/holder/consent';
import type { Ctx } from './context.ts';

export const SCOPE_NAMES: Record<DisclosureScope, string> = {
  result: '核验结果 the result: verified or not, the mode, the time, an identifier for you at this service only',
  age_band: '年龄段 age band',
  sex: '性别 sex',
  masked_name: '姓名（脱敏） masked name',
  masked_id_number: '证件号码（脱敏） masked ID number',
  masked_phone: '手机号（脱敏） masked phone number',
  document_type: '证件类型 document type',
  full_name_and_id_number: '姓名和证件号码 full name and ID number',
};

/** Text from the platform or a credential, safe to print on a terminal. */
export function shown(s: unknown): string {
  return String(s ?? '').replace(/[\p{Cc}\p{Cf}]/gu, ' ').slice(0, 500);
}

export function scopeName(s: string): string {
  return SCOPE_NAMES[s as DisclosureScope] ?? shown(s);
}

const AGE_BANDS: Record<string, string> = {
  under_14: '未满14周岁 under 14',
  '14_17': '14–17周岁 14 to 17',
  '18_59': '18–59周岁 18 to 59',
  '60_plus': '60周岁及以上 60 and over',
};
const SEXES: Record<string, string> = { male: '男', female: '女' };

/**
 * The value as the service receives it, in quotes, with a gloss where the value is a code
 * (`“18_59” (18–59周岁 18 to 59)`); a description where the wallet cannot know the value.
 */
function valueText(scope: string, value: string | null | undefined): string {
  if (scope === 'masked_phone' && !value) return 'your bound mobile number, masked like 138****5678 (the platform fills it in; this wallet does not keep it)';
  if (value === null || value === undefined || value === '') return '(not in your 网证)';
  const v = shown(value);
  const gloss =
    scope === 'age_band' ? AGE_BANDS[v] : scope === 'sex' ? SEXES[v] : scope === 'document_type' && isDocumentType(v) ? DOCUMENT_TYPE_INFO[v].zh : undefined;
  return `“${v}”${gloss ? ` (${gloss})` : ''}`;
}

export interface Field {
  scope: string;
  /** 中文 English. */
  name: string;
  /** What the service would receive, for the screen: `“刘*”`, `“male” (男)`. */
  value: string;
  basis: string;
  sensitive: boolean;
}

/** The requested fields beyond the result, each with the value computed from `credential`. */
export function fieldsOf(scopes: readonly { scope: string; legalBasisRef: string | null; sensitive: boolean }[], credential: string): Field[] {
  const extra = scopes.filter((s) => s.scope !== 'result');
  const known = extra.map((s) => s.scope).filter((s): s is DisclosureScope => (DISCLOSURE_SCOPES as readonly string[]).includes(s));
  let values: Partial<Record<DisclosureScope, string | null>> = {};
  try {
    values = consentPreview(credential, known, { today: chinaDate(), maskedPhone: null });
  } catch {
    // A credential without some disclosure: the fields are still listed, without their values.
  }
  return extra.map((s) => ({
    scope: s.scope,
    name: scopeName(s.scope),
    value: valueText(s.scope, values[s.scope as DisclosureScope]),
    basis: s.legalBasisRef ? shown(s.legalBasisRef) : 'none given',
    sensitive: s.sensitive,
  }));
}

export function printFields(ctx: Ctx, rp: string, fields: readonly Field[]): void {
  ctx.io.out('');
  ctx.io.out(`${rp} would receive, besides the result (computed on this device from your 网证) 将提供的信息:`);
  for (const f of fields) {
    ctx.io.out(`    ${f.name}  ${f.value}${f.sensitive ? '  [SENSITIVE 敏感个人信息]' : ''}  (legal basis: ${f.basis})`);
  }
}

/** Asks for the ordinary fields together, then for each sensitive one separately; returns the scopes consented to. */
export async function askFieldConsents(ctx: Ctx, rp: string, fields: readonly Field[]): Promise<string[]> {
  const chosen: string[] = [];
  const ordinary = fields.filter((f) => !f.sensitive);
  if (ordinary.length > 0 && (await ctx.prompter.confirm(`Share with ${rp}: ${ordinary.map((f) => `${f.name} ${f.value}`).join(', ')}? 是否同意提供以上信息？`))) {
    chosen.push(...ordinary.map((f) => f.scope));
  }
  for (const f of fields.filter((x) => x.sensitive)) {
    const question = `Separately, sensitive personal information: share ${f.name} ${f.value} with ${rp} (legal basis: ${f.basis})? 是否单独同意提供该敏感个人信息？`;
    if (await ctx.prompter.confirm(question)) chosen.push(f.scope);
  }
  return chosen;
}
