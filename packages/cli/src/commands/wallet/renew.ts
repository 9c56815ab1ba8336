/**
 * `wangzheng wallet renew` — a new 网证 for this device (same 网号), within the renewal window
 * before the current one expires (WZ_RENEWAL_WINDOW_DAYS, 30 by default; earlier:
 * renewal_not_due). The platform revokes the old one (reason `renewed`); the new one is verified
 * and replaces it in this wallet.
 *
 * Exit codes: 0 done; 1 refused (renewal_not_due, renewal_not_extended, document_expired…); 2 bad input.
 */
import { parseArgs } from 'node:util';
import type { Ctx } from './context.ts';
import { openControls, storeReissued } from './controls-context.ts';
import { COMMON, ME_OPTIONS, shown, when } from './me-context.ts';

export const RENEW_USAGE = `usage: wangzheng wallet renew ${COMMON}   (in the last days before your 网证 expires)`;

export async function renewCommand(args: string[], ctx: Ctx): Promise<number> {
  const { values: v } = parseArgs({ args, options: ME_OPTIONS, strict: true });
  const o = await openControls(ctx, v);
  const r = await o.controls.renew();
  const stored = await storeReissued(o.client, o.wallet, o.own, r);
  if (v.json) ctx.io.out(JSON.stringify({ status: r.status, netid: r.netid, credentialId: r.credentialId, expiresAt: r.expiresAt, deviceId: r.deviceId, revokedCredentialId: r.revokedCredentialId }, null, 2));
  else {
    ctx.io.out('网证已续期 renewed');
    ctx.io.out(`  网号 netid      ${shown(stored.netid)} (unchanged)`);
    ctx.io.out(`  网证 credential ${shown(stored.credentialId)}, valid until ${when(stored.expiresAt)}`);
    ctx.io.out(`  the old one (${shown(r.revokedCredentialId)}) is revoked (renewed)`);
  }
  return 0;
}
