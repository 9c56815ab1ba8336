/**
 * `wangzheng wallet approve` (guardian side) and `wangzheng wallet collect` (the minor's side)
 * of a 14–17-year-old's enrollment.
 *
 *   minor:    wallet enroll …            → awaiting_guardian, prints the approval code
 *   guardian: wallet approve --code C    → shows whose enrollment it is, asks, then presents the
 *                                          guardian's own 网证 over a fresh nonce
 *   minor:    wallet collect             → the 网证, checked and stored; the pending file removed
 */
import { parseArgs } from 'node:util';
import { DOCUMENT_TYPE_INFO, isDocumentType } from '@wangzheng/core/documents/document-types';
import { WzError, isWzError } from '@wangzheng/core/errors';
import { openKeystore } from '@wangzheng/wallet';
import { approveAsGuardian, collect } from '@wangzheng/wallet/enroll/enroll';
import { nodeHolder } from '@wangzheng/wallet/holder/node';
import { InputError, defaultWalletDir, passphraseOrAsk, serviceUrl, type Ctx } from './context.ts';
import { printIssued } from './enroll.ts';
import { ObservedClient, PENDING_FILE, checkIssued, issuingPlatform, payloadOf, readPending, removePending } from './holder.ts';
import { cli } from '../../util/invocation.ts';

export const APPROVE_USAGE = `usage: wangzheng wallet approve --code CODE [--yes | --decline] [--passphrase X] [--wallet DIR] [--platform URL]
  shows whose enrollment the code is for (name masked, document, age) and asks; --yes approves
  without asking (scripts), --decline refuses`;
export const COLLECT_USAGE = 'usage: wangzheng wallet collect [--passphrase X] [--wallet DIR] [--platform URL]';

const AGE_BANDS: Record<string, string> = { under_14: 'under 14', age_14_17: '14–17', adult: 'adult' };

/** `ABCD-EFGH`, `abcd efgh` → `ABCDEFGH`; the platform's alphabet has no 0, 1, I or O. */
function approvalCode(raw: string | undefined): string {
  if (raw === undefined || raw === '') throw new InputError('missing --code', undefined, true);
  const code = raw.replace(/[\s-]/g, '').toUpperCase();
  if (!/^[2-9A-HJ-NP-Z]{8}$/.test(code)) throw new InputError('--code must be the 8-character approval code the minor’s wallet showed (e.g. ABCD-EFGH)');
  return code;
}

export async function approveCommand(args: string[], ctx: Ctx): Promise<number> {
  const { values: v } = parseArgs({
    args,
    options: { code: { type: 'string' }, yes: { type: 'boolean', default: false }, decline: { type: 'boolean', default: false }, passphrase: { type: 'string' }, wallet: { type: 'string' }, platform: { type: 'string' } },
    strict: true,
  });
  const code = approvalCode(v.code);
  if (v.yes && v.decline) throw new InputError('give --yes or --decline, not both');
  if (!v.yes && !v.decline && !ctx.prompter.interactive) throw new InputError('without a terminal to ask, pass --yes to approve or --decline to refuse', undefined, true);
  const dir = v.wallet ?? defaultWalletDir(ctx.env);
  const wallet = await openKeystore(dir, await passphraseOrAsk(ctx, v.passphrase));
  const own = wallet.credentials.find((c) => c.holder === 'self');
  if (!own) throw new WzError('invalid_credential', 'This wallet holds no 网证 of its own; a guardian approves from their own enrolled wallet.');

  const r = await approveAsGuardian(await issuingPlatform(v.platform, own.sdJwt), {
    approvalCode: code,
    holder: nodeHolder(own.sdJwt, wallet.deviceKey),
    issuer: payloadOf(own.sdJwt).iss,
    decide: async (child) => {
      const t = child.documentType;
      const docName = isDocumentType(t) ? `${DOCUMENT_TYPE_INFO[t].zh} (${t})` : t;
      ctx.io.out(`enrollment of ${child.name}, ${docName}, age ${AGE_BANDS[child.ageBand] ?? child.ageBand}`);
      if (v.yes || v.decline) return v.yes;
      return ctx.prompter.confirm(`Approve the enrollment of ${child.name}? 是否同意为其开通网证？`);
    },
  });
  if (r.status === 'approved') {
    ctx.io.out(`approved: the 网证 is issued; the minor now runs \`${cli(ctx.env, 'wallet collect')}\` on their own wallet`);
  } else {
    ctx.io.out('declined: that enrollment has ended');
  }
  return 0;
}

export async function collectCommand(args: string[], ctx: Ctx): Promise<number> {
  const { values: v } = parseArgs({
    args,
    options: { passphrase: { type: 'string' }, wallet: { type: 'string' }, platform: { type: 'string' } },
    strict: true,
  });
  const dir = v.wallet ?? defaultWalletDir(ctx.env);
  const pending = await readPending(dir);
  if (!pending) throw new WzError('enrollment_not_found', `No enrollment waits in ${dir} (${PENDING_FILE}); run \`${cli(ctx.env, 'wallet enroll')}\` first.`);
  const platformUrl = serviceUrl(v.platform ?? pending.platform, 'platform');
  const wallet = await openKeystore(dir, await passphraseOrAsk(ctx, v.passphrase));
  if (wallet.deviceKey.publicKey.thumbprint !== pending.deviceKid) {
    throw new WzError('invalid_request', `${PENDING_FILE} belongs to another device key than this wallet’s; enroll again.`);
  }
  const client = new ObservedClient(platformUrl);
  let issued;
  try {
    issued = await collect(client, pending.pending);
  } catch (e) {
    if (isWzError(e, 'enrollment_not_found') || isWzError(e, 'enrollment_expired')) {
      await removePending(dir); // the platform no longer knows it: nothing left to collect
      ctx.io.err(`the pending enrollment is gone from the platform; removed ${PENDING_FILE}`);
    }
    throw e;
  }
  const stored = await checkIssued(client, issued, { issuer: pending.issuer, device: wallet.deviceKey.publicKey }, 'self');
  wallet.addCredential(stored);
  await wallet.save();
  await removePending(dir);
  printIssued(ctx, stored, wallet, wallet.path);
  return 0;
}
