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
 * Exit codes: 0 done; 1 refused (wrong_passphrase, keystore_exists…); 2 bad input.
 */
import { rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createKeystore, type Wallet } from '@wangzheng/wallet';
import { InputError, type Ctx } from './context.ts';
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

  const fresh: Wallet = await createKeystore(v.to, o.passphrase, { suite: o.wallet.suite, ...(ctx.kdf ? { kdf: ctx.kdf } : {}), ...(v.label ? { label: v.label } : {}) });
  let moved;
  try {
    moved = await o.controls.transfer(keySigner(fresh.deviceKey), { passphrase: o.passphrase, ...(v.label ? { label: v.label } : {}) });
  } catch (e) {
    await rm(fresh.path, { force: true }); // nothing was bound to it
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
