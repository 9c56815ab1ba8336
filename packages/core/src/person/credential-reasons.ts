/**
 * Why a 网证 stopped working, as the wallet tells its holder: the closed set of reason codes the
 * platform records on a revoked or suspended 网证 (and the few states of the person behind it),
 * each with the sentence a wallet shows, in Chinese and English. The platform sends the code;
 * every wallet (CLI, web) shows the same words.
 */

export const CREDENTIAL_REASONS = {
  fraud_ban: { zh: '您的网号已被全国封禁（涉嫌诈骗等违法行为），网证暂停使用', en: 'your 网号 is banned nationwide (fraud or another legal ground); the 网证 is suspended' },
  reenrolled: { zh: '您已重新申领，此网证已被新申领的网证替换', en: 'you enrolled again; a newer 网证 from that enrollment replaced this one' },
  renewed: { zh: '此网证已续期，由新的网证替换', en: 'this 网证 was renewed; the new one replaced it' },
  transferred: { zh: '网证已迁移到新手机，本设备不再可用', en: 'the 网证 was moved to a new phone; this device no longer holds it' },
  device_lost: { zh: '本设备已从您的其他设备上注销（设备丢失）', en: 'this device was revoked from another of your devices (reported lost)' },
  device_revoked: { zh: '本设备已被注销', en: 'this device was revoked' },
  cancelled: { zh: '网号已注销，所有个人信息已删除', en: 'the 网号 was cancelled and its personal data deleted' },
  locked: { zh: '网证已被您锁定，解锁后方可使用', en: 'you locked your 网证; unlock it to use it again' },
  expired: { zh: '网证已过期，请续期或重新申领', en: 'the 网证 has expired; enroll again' },
} as const satisfies Record<string, { zh: string; en: string }>;

export type CredentialReason = keyof typeof CREDENTIAL_REASONS;

export function isCredentialReason(s: unknown): s is CredentialReason {
  return typeof s === 'string' && Object.hasOwn(CREDENTIAL_REASONS, s);
}

/** The words for a reason code; an unknown code (a newer platform's) is shown as the code itself. */
export function reasonText(code: string): { zh: string; en: string } {
  return isCredentialReason(code) ? CREDENTIAL_REASONS[code] : { zh: code, en: code };
}
