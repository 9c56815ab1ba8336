/**
 * What the person's-controls subcommands share (`wallet status|lock|unlock|devices|history|
 * authorizations|withdraw|export`): the common options, opening the keystore and a `MeClient`
 * over it (@wangzheng/wallet/me: every call a fresh nonce and a presentation bound to it and to
 * the request), and the labels the output uses, in Chinese and English.
 *
 * Trust: everything the platform answers is shown as text with control characters removed;
 * the keystore's own 网证 names the platform it is presented to (its `iss`).
 */
import { WzError } from '@wangzheng/core/errors';
import type { RpCategory } from '@wangzheng/core/rp/types';
import type { VerificationOutcome } from '@wangzheng/core/person/views';
import { MODE_NAMES, isMode } from '@wangzheng/core/verification/modes';
import { openKeystore } from '@wangzheng/wallet';
import { MeClient } from '@wangzheng/wallet/me/client';
import { defaultWalletDir, passphraseOrAsk, type Ctx } from './context.ts';
import { issuingPlatform } from './holder.ts';
import { nodeHolder } from '@wangzheng/wallet/holder/node';
import { cli } from '../../util/invocation.ts';

/** Options every person's-controls subcommand takes. */
export const ME_OPTIONS = {
  passphrase: { type: 'string' },
  wallet: { type: 'string' },
  platform: { type: 'string' },
  json: { type: 'boolean', default: false },
} as const;

export const COMMON = '[--passphrase X] [--json] [--wallet DIR] [--platform URL]';

export interface MeValues {
  passphrase?: string | undefined;
  wallet?: string | undefined;
  platform?: string | undefined;
}

/** The keystore opened with the passphrase (asked once), and a client for `/v1/me` over its own 网证. */
export async function openMe(ctx: Ctx, v: MeValues): Promise<{ me: MeClient; passphrase: string }> {
  const passphrase = await passphraseOrAsk(ctx, v.passphrase);
  const wallet = await openKeystore(v.wallet ?? defaultWalletDir(ctx.env), passphrase);
  const own = wallet.credentials.find((c) => c.holder === 'self');
  if (!own) throw new WzError('invalid_credential', `This wallet holds no 网证 of its own; enroll first (${cli(ctx.env, 'wallet enroll')}).`);
  return { me: new MeClient(await issuingPlatform(v.platform, own.sdJwt), nodeHolder(own.sdJwt, wallet.deviceKey)), passphrase };
}

/** Text from the platform, safe to print on a terminal. */
export function shown(s: unknown): string {
  return String(s ?? '').replace(/[\p{Cc}\p{Cf}]/gu, ' ').slice(0, 500);
}

export function when(iso: string | null | undefined): string {
  return iso ? shown(iso).replace('T', ' ').replace(/\.\d{3}Z$/, 'Z') : '-';
}

export function modeName(m: string): string {
  return isMode(m) ? `${MODE_NAMES[m].zh} (${MODE_NAMES[m].en})` : shown(m);
}

const CATEGORY_NAMES: Record<RpCategory, string> = {
  internet_service: '互联网服务 internet service',
  telecom_operator: '电信运营商 telecom operator',
  bank: '银行 bank',
  payment_institution: '支付机构 payment institution',
  government_service: '政务服务 government service',
  venue: '场所 venue',
  other: '其他 other',
};

export function categoryName(c: string): string {
  return CATEGORY_NAMES[c as RpCategory] ?? shown(c);
}

export const OUTCOME_NAMES: Record<VerificationOutcome, string> = {
  passed: '通过 passed',
  failed: '未通过 failed',
  declined: '已拒绝 declined',
  expired: '已过期 expired',
  refused: '被拒绝 refused',
  pending: '待处理 pending',
  awaiting_guardian: '待监护人同意 awaiting guardian',
};

const EVENT_NAMES: Record<string, string> = {
  enrolled: '申领网证 enrolled',
  ward_enrolled: '为被监护人申领 enrolled a ward',
  ward_enrollment_approved: '同意被监护人申领 approved a ward’s enrollment',
  verified: '核验通过 verified',
  verification_declined: '拒绝核验 declined a verification',
  ward_verification_approved: '同意被监护人核验 approved a ward’s verification',
  locked: '锁定网证 locked',
  unlocked: '解锁网证 unlocked',
  device_revoked: '注销设备 device revoked',
  consent_withdrawn: '撤回授权 consent withdrawn',
  passphrase_changed: '更改口令 passphrase changed',
  phone_changed: '更换手机号 phone changed',
  credential_renewed: '网证续期 credential renewed',
  device_transferred: '迁移到新手机 moved to a new phone',
  venue_pass_issued: '领取场所码 venue pass issued',
};

export function eventName(kind: string): string {
  return EVENT_NAMES[kind] ?? shown(kind);
}
