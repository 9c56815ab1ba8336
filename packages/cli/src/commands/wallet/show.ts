/**
 * `wangzheng wallet show`: what the keystore holds — the device key (public part) and each
 * 网证's 网号, id, validity by time and the key it is bound to. Never the private key, the
 * SD-JWT or its disclosures (they carry the person's name and document number).
 *
 * "Validity by time" is the credential's own iat/exp against this clock: revocation is the
 * platform's status list and is not looked up here.
 */
import { parseArgs } from 'node:util';
import { openKeystore } from '@wangzheng/wallet';
import { defaultWalletDir, passphraseOrAsk, type Ctx } from './context.ts';
import { boundKid } from './holder.ts';

export const SHOW_USAGE = 'usage: wangzheng wallet show [--passphrase X] [--json] [--wallet DIR]';

type TimeState = 'valid' | 'expired' | 'not_yet_valid';

function timeState(issuedAt: string, expiresAt: string, now: number): TimeState {
  if (now < Date.parse(issuedAt)) return 'not_yet_valid';
  if (now >= Date.parse(expiresAt)) return 'expired';
  return 'valid';
}

export async function showCommand(args: string[], ctx: Ctx): Promise<number> {
  const { values: v } = parseArgs({
    args,
    options: { passphrase: { type: 'string' }, wallet: { type: 'string' }, json: { type: 'boolean', default: false } },
    strict: true,
  });
  const dir = v.wallet ?? defaultWalletDir(ctx.env);
  const wallet = await openKeystore(dir, await passphraseOrAsk(ctx, v.passphrase));
  const now = Date.now();
  const device = {
    alg: wallet.deviceKey.alg,
    kid: wallet.deviceKey.publicKey.thumbprint,
    ...(wallet.label !== undefined ? { label: wallet.label } : {}),
    createdAt: wallet.deviceCreatedAt,
  };
  const credentials = wallet.credentials.map((c) => ({
    holder: c.holder,
    ...(c.wardLabel !== undefined ? { wardLabel: c.wardLabel } : {}),
    netid: c.netid,
    credentialId: c.credentialId,
    issuedAt: c.issuedAt,
    expiresAt: c.expiresAt,
    state: timeState(c.issuedAt, c.expiresAt, now),
    boundTo: boundKid(c.sdJwt),
  }));

  if (v.json) {
    ctx.io.out(JSON.stringify({ path: wallet.path, suite: wallet.suite, device, credentials }, null, 2));
    return 0;
  }
  ctx.io.out(`wallet ${wallet.path} (suite ${wallet.suite})`);
  ctx.io.out(`  device key   ${device.alg} ${device.kid}${device.label !== undefined ? ` (${device.label})` : ''}, created ${device.createdAt}`);
  if (credentials.length === 0) ctx.io.out('  no 网证 yet');
  for (const c of credentials) {
    const days = Math.floor((Date.parse(c.expiresAt) - now) / 86_400_000);
    const state = c.state === 'valid' ? `valid, ${days} day${days === 1 ? '' : 's'} left` : c.state.replaceAll('_', ' ');
    ctx.io.out('');
    ctx.io.out(`  ${c.holder === 'self' ? '网证 (self)' : `网证 (ward${c.wardLabel !== undefined ? `: ${c.wardLabel}` : ''})`}`);
    ctx.io.out(`    网号         ${c.netid}`);
    ctx.io.out(`    credential   ${c.credentialId}`);
    ctx.io.out(`    issued       ${c.issuedAt}`);
    ctx.io.out(`    expires      ${c.expiresAt} (${state} by time; revocation is not checked here)`);
    ctx.io.out(`    bound to     ${c.boundTo === device.kid ? 'this device key' : `device key ${c.boundTo} (ward-${c.netid}.json)`}`);
  }
  return 0;
}
