/**
 * `wangzheng wallet cancel` — cancel the 网号 (注销), docs/person.md "Cancellation". Shows what
 * is lost, in Chinese and English; opens the keystore with the passphrase (asked without echo,
 * or --passphrase); asks the person to type 注销 (or CANCEL) unless --yes; sends the bound
 * request (@wangzheng/wallet/me/cancel) with the passphrase, which the platform checks too; and
 * once the platform confirms, deletes this wallet's keystore file (overwritten, then unlinked:
 * @wangzheng/wallet/forget) unless --keep-wallet. A child's own keystore (`ward-<网号>.json`)
 * in the same directory is never touched.
 *
 * Exit codes: 0 cancelled; 1 refused by the platform (a wrong passphrase, an already cancelled
 * or unknown 网证…) with the stable code, nothing changed; 2 bad input, or the confirmation not
 * given (`confirmation_required`), nothing changed.
 *
 * Trust: the platform's answer is shown as numbers only; the keystore is deleted only after a
 * successful answer, so a refused or failed cancellation leaves the wallet as it was.
 */
import { parseArgs } from 'node:util';
import { WzError } from '@wangzheng/core/errors';
import { openKeystore } from '@wangzheng/wallet';
import { forgetKeystore } from '@wangzheng/wallet/forget';
import { MeClient } from '@wangzheng/wallet/me/client';
import { CANCEL_CONFIRMATION, cancelNetid } from '@wangzheng/wallet/me/cancel';
import { InputError, defaultWalletDir, passphraseOrAsk, type Ctx } from './context.ts';
import { issuingPlatform } from './holder.ts';
import { COMMON, ME_OPTIONS } from './me-context.ts';
import { nodeHolder } from '@wangzheng/wallet/holder/node';
import { cli } from '../../util/invocation.ts';

export const CANCEL_USAGE = `usage: wangzheng wallet cancel [--yes] [--keep-wallet] ${COMMON}   (cancels your 网号: cannot be undone)`;

export const cancelWarning = (env: NodeJS.ProcessEnv): string => `注销网号 CANCEL YOUR 网号 — this cannot be undone:
  · 网证立即在所有平台失效               your 网证 stops working everywhere, at once
  · 核验过您的平台都会收到注销通知         every service that verified you is told (account purged)
  · 个人信息、核验记录、授权、设备全部删除  your personal data, history, authorizations and devices are deleted:
    此后无法查看或导出                      nothing can be viewed or exported afterwards
  · 如需留存，请先导出                     to keep a copy, first run: ${cli(env, 'wallet export --out FILE')}
  · 本设备上的钱包文件也将删除              this wallet's keystore is deleted too (--keep-wallet keeps it)
  · 日后可重新申领，网号不变                you may enroll again later and will get the same 网号`;

export async function cancelCommand(args: string[], ctx: Ctx): Promise<number> {
  const { values: v } = parseArgs({ args, options: { ...ME_OPTIONS, yes: { type: 'boolean', default: false }, 'keep-wallet': { type: 'boolean', default: false } }, strict: true });
  if (!v.yes && !ctx.prompter.interactive) {
    throw new InputError('cancelling needs your typed confirmation; without a terminal to ask, pass --yes', 'confirmation_required', true);
  }
  if (!v.json) ctx.io.out(cancelWarning(ctx.env));
  const passphrase = await passphraseOrAsk(ctx, v.passphrase);
  const wallet = await openKeystore(v.wallet ?? defaultWalletDir(ctx.env), passphrase);
  const own = wallet.credentials.find((c) => c.holder === 'self');
  if (!own) throw new WzError('invalid_credential', 'This wallet holds no 网证 of its own: there is nothing to cancel.');
  if (!v.yes) {
    const typed = await ctx.prompter.ask(`输入“${CANCEL_CONFIRMATION}”确认 type ${CANCEL_CONFIRMATION} or CANCEL to confirm: `);
    if (typed !== CANCEL_CONFIRMATION && typed.toUpperCase() !== 'CANCEL') throw new InputError('not confirmed; nothing was changed', 'confirmation_required');
  }

  const me = new MeClient(await issuingPlatform(v.platform, own.sdJwt), nodeHolder(own.sdJwt, wallet.deviceKey));
  const done = await cancelNetid(me, { passphrase, confirm: CANCEL_CONFIRMATION });
  const keep = v['keep-wallet'];
  if (!keep) await forgetKeystore(wallet.path);
  const wards = wallet.credentials.filter((c) => c.holder === 'ward').length;

  if (v.json) {
    ctx.io.out(JSON.stringify({ ...done, keystore: keep ? 'kept' : 'deleted', path: wallet.path }, null, 2));
    return 0;
  }
  ctx.io.out(`已注销 cancelled at ${done.cancelledAt}: your 网号 and everything the platform held about you are gone.`);
  ctx.io.out(`  ${done.credentialsRevoked} 网证 revoked; ${done.relyingPartiesNotified} service(s) notified (account purged).`);
  ctx.io.out(
    keep
      ? `  钱包已保留 the keystore ${wallet.path} was kept (--keep-wallet): nothing in it works any more; delete it when you like.`
      : `  钱包已删除 the keystore ${wallet.path} was deleted from this device.`,
  );
  if (wards > 0) ctx.io.out(`  Your ward's own keystore (ward-<网号>.json) in that directory was not touched: it is theirs.`);
  return 0;
}
