/**
 * `wangzheng wallet status | lock | unlock` — the state of the person's 网证 at the platform,
 * and locking it (nothing verifies until it is unlocked: for a phone out of sight) and
 * unlocking it (with the passphrase as well as this device). docs/person.md.
 *
 * Exit codes: 0 done; 1 refused (already locked / not locked, a wrong passphrase, a revoked
 * device…) with the stable code; 2 bad input or usage.
 */
import { parseArgs } from 'node:util';
import { isWzError } from '@wangzheng/core/errors';
import type { CredentialStatusView } from '@wangzheng/core/person/controls';
import type { MeStatus } from '@wangzheng/core/person/views';
import { printCredentialStatus } from './controls-context.ts';
import type { Ctx } from './context.ts';
import { COMMON, ME_OPTIONS, openMe, shown, when } from './me-context.ts';
import { cli } from '../../util/invocation.ts';

export const STATUS_USAGE = `usage: wangzheng wallet status ${COMMON}`;
export const LOCK_USAGE = `usage: wangzheng wallet lock ${COMMON}    (nothing verifies until you unlock)`;
export const UNLOCK_USAGE = `usage: wangzheng wallet unlock ${COMMON}  (the keystore passphrase is also checked by the platform)`;

function print(ctx: Ctx, s: MeStatus, json: boolean): void {
  if (json) {
    ctx.io.out(JSON.stringify(s, null, 2));
    return;
  }
  const state = s.status === 'locked' ? `已锁定 locked — no service can verify you until you unlock (${cli(ctx.env, 'wallet unlock')})` : '正常 active';
  ctx.io.out(`网证状态 status   ${state}`);
  ctx.io.out(`  网号 netid      ${shown(s.netid)}`);
  ctx.io.out(`  网证 credential ${shown(s.credential.id)} (${shown(s.credential.status)}), expires ${when(s.credential.expiresAt)}`);
  ctx.io.out(`  本设备 device   ${shown(s.device.id)}`);
}

export async function statusCommand(args: string[], ctx: Ctx): Promise<number> {
  const { values: v } = parseArgs({ args, options: ME_OPTIONS, strict: true });
  const { me } = await openMe(ctx, v);
  let s: MeStatus;
  try {
    s = await me.status();
  } catch (e) {
    // A 网证 that no longer works: the platform says why (credential-status answers for it whatever its status).
    if (!isWzError(e) || (e.code !== 'credential_revoked' && e.code !== 'device_revoked')) throw e;
    const why = await me.call<CredentialStatusView>('/v1/me/credential-status');
    if (v.json) ctx.io.out(JSON.stringify(why, null, 2));
    else printCredentialStatus(ctx, why);
    return 1;
  }
  print(ctx, s, v.json);
  return 0;
}

export async function lockCommand(args: string[], ctx: Ctx): Promise<number> {
  const { values: v } = parseArgs({ args, options: ME_OPTIONS, strict: true });
  const { me } = await openMe(ctx, v);
  const s = await me.lock();
  if (!v.json) ctx.io.out('已锁定 locked: your 网证 cannot be used anywhere until you unlock it.');
  print(ctx, s, v.json);
  return 0;
}

export async function unlockCommand(args: string[], ctx: Ctx): Promise<number> {
  const { values: v } = parseArgs({ args, options: ME_OPTIONS, strict: true });
  // The keystore passphrase is the same 8 digits the platform holds as a hash: asked once.
  const { me, passphrase } = await openMe(ctx, v);
  const s = await me.unlock(passphrase);
  if (!v.json) ctx.io.out('已解锁 unlocked: your 网证 works again.');
  print(ctx, s, v.json);
  return 0;
}
