/**
 * `wangzheng wallet move --to DIR` — moves the 网证 to a new phone: a new keystore in DIR (the
 * new phone's wallet, its own new device key, sealed under the same passphrase), bound at the
 * platform from THIS wallet: the new key signs a transfer proof, this device signs the request,
 * the platform checks the passphrase. The new 网证 (same 网号) is verified and stored in DIR;
 * this device and its 网证 are revoked (reason `transferred`) — `wallet status` here then says so.
 *
 * Without the old phone, enroll again on the new one with the document and your face: that
 * revokes the 网证 on the other device too, and the wizard says so before going on.
 *
 * An unanswered move (no answer, or the platform's own 5xx) may have been made: it is asked again
 * with the same new key, up to TRIES times, and the platform answers a move it already made with
 * the 网证 it made (platform lifecycle/reissue-again.ts). If it still goes unanswered, the new
 * wallet in DIR is kept, and running the same command again picks it up (a keystore in DIR that
 * holds no 网证 of its own yet) — so the new key is never lost while a 网证 may be bound to it.
 *
 * Exit codes: 0 done; 1 refused (wrong_passphrase, keystore_exists…); 2 bad input.
 */
import { rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createKeystore, openKeystore, type Wallet } from '@wangzheng/wallet';
import { isWalletError } from '@wangzheng/wallet/errors';
import { isWzError } from '@wangzheng/core/errors';
import { InputError, UnreachableError, type Ctx } from './context.ts';
import { openControls, storeReissued } from './controls-context.ts';
import { COMMON, ME_OPTIONS, shown, when } from './me-context.ts';
import { keySigner } from '@wangzheng/wallet/holder/node';

export const MOVE_USAGE = `usage: wangzheng wallet move --to DIR [--label L] ${COMMON}   (DIR: the new phone's wallet, created)`;

export async function moveCommand(args: string[], ctx: Ctx): Promise<number> {
  const { values: v } = parseArgs({ args, options: { ...ME_OPTIONS, to: { type: 'string' }, label: { type: 'string' } }, strict: true });
  if (v.to === undefined || v.to === '') throw new InputError('missing --to DIR (the new phone’s wallet directory)', undefined, true);
  if (v.label !== undefined && (v.label.length === 0 || v.label.length > 64 || /[\p{Cc}\p{Cs}]/u.test(v.label))) {
    throw new InputError('--label must be 1 to 64 characters without control characters');
  }
  const o = await openControls(ctx, v);
  if (resolve(v.to) === resolve(o.dir)) throw new InputError('--to must be another directory than this wallet’s');

  const { wallet: fresh, resumed } = await newPhoneWallet(ctx, v.to, o.passphrase, { suite: o.wallet.suite, label: v.label });
  // Whether a 网证 may be bound to the new key: a move of it went unanswered (now or in an earlier run).
  let uncertain = resumed;
  let moved;
  try {
    moved = await askedAgainWhenUnanswered(ctx, () => o.controls.transfer(keySigner(fresh.deviceKey), { passphrase: o.passphrase, ...(v.label ? { label: v.label } : {}) }), () => (uncertain = true));
  } catch (e) {
    if (uncertain || unanswered(e)) {
      // The move may have been made: the new key stays, so that the same command can finish it.
      ctx.io.err(`迁移结果未知 the move may have been made; the new phone's wallet is kept in ${shown(fresh.path)}: run the same command again to finish it`);
    } else {
      await rm(fresh.path, { force: true }); // refused at once: nothing was bound to it
    }
    throw e;
  }
  const stored = await storeReissued(o.client, fresh, o.own, moved);
  if (v.json) ctx.io.out(JSON.stringify({ status: moved.status, netid: moved.netid, credentialId: moved.credentialId, expiresAt: moved.expiresAt, deviceId: moved.deviceId, revokedDeviceId: moved.revokedDeviceId, credentialsRevoked: moved.credentialsRevoked, wallet: fresh.path }, null, 2));
  else {
    ctx.io.out('网证已迁移到新手机 moved to the new phone');
    ctx.io.out(`  网号 netid      ${shown(stored.netid)} (unchanged)`);
    ctx.io.out(`  网证 credential ${shown(stored.credentialId)}, valid until ${when(stored.expiresAt)}`);
    ctx.io.out(`  new wallet      ${shown(fresh.path)} (device key ${fresh.deviceKey.alg} ${fresh.deviceKey.publicKey.thumbprint})`);
    ctx.io.out(`  this wallet's device and 网证 are revoked (transferred): use the new one from now on`);
  }
  return 0;
}

/** Tries of an unanswered move, and the pause before the n-th (ms). */
const TRIES = 3;
const pause = (n: number): number => 1000 * (n - 1);

/** No answer at all, or the platform's own failure (5xx): the request may have been carried out. */
function unanswered(e: unknown): boolean {
  return e instanceof UnreachableError || (isWzError(e) && e.status >= 500);
}

async function askedAgainWhenUnanswered<T>(ctx: Ctx, call: () => Promise<T>, onUnanswered: () => void): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await call();
    } catch (e) {
      if (unanswered(e)) onUnanswered();
      if (!unanswered(e) || n === TRIES) throw e;
      ctx.io.err(`平台未应答 no answer from the platform (${shown(e instanceof Error ? e.message : String(e))}); asking again with the same new key (${n + 1}/${TRIES}) …`);
      await new Promise((r) => setTimeout(r, pause(n + 1)));
    }
  }
}

/** The new phone's wallet: created in DIR, or the one a move left there unfinished (no 网证 of its own yet). */
async function newPhoneWallet(ctx: Ctx, dir: string, passphrase: string, o: { suite: Wallet['suite']; label: string | undefined }): Promise<{ wallet: Wallet; resumed: boolean }> {
  try {
    return { resumed: false, wallet: await createKeystore(dir, passphrase, { suite: o.suite, ...(ctx.kdf ? { kdf: ctx.kdf } : {}), ...(o.label ? { label: o.label } : {}) }) };
  } catch (e) {
    if (!isWalletError(e, 'keystore_exists')) throw e;
    const pending = await openKeystore(dir, passphrase).catch(() => undefined);
    if (!pending || pending.suite !== o.suite || pending.credentials.some((c) => c.holder === 'self')) throw e;
    ctx.io.err(`继续未完成的迁移 finishing the move to the new phone's wallet already in ${shown(pending.path)} (it holds no 网证 yet)`);
    return { wallet: pending, resumed: true };
  }
}
