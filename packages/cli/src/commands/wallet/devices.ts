/**
 * `wangzheng wallet devices [revoke <id>]` — the person's devices at the platform (which one is
 * this, the label, the 网证 bound to each), and revoking another one: a lost phone. Its 网证 are
 * revoked with reason `device_lost`. This device cannot revoke itself; someone else's device is
 * `device_not_found`. docs/person.md.
 *
 * Exit codes: 0 done; 1 refused with the stable code; 2 bad input or usage.
 */
import { parseArgs } from 'node:util';
import type { DeviceView } from '@wangzheng/core/person/views';
import { InputError, type Ctx } from './context.ts';
import { COMMON, ME_OPTIONS, openMe, shown, when } from './me-context.ts';
import { cli } from '../../util/invocation.ts';

export const DEVICES_USAGE = `usage: wangzheng wallet devices ${COMMON}
       wangzheng wallet devices revoke <device id> ${COMMON}   (a lost phone: its 网证 stop working)`;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function printDevice(ctx: Ctx, d: DeviceView): void {
  const state = d.revokedAt ? `已注销 revoked ${when(d.revokedAt)}` : '有效 active';
  ctx.io.out(`  ${d.current ? '*' : ' '} ${shown(d.id)}${d.current ? '  本设备 this device' : ''}`);
  ctx.io.out(`      label     ${d.label === null ? '-' : shown(d.label)}`);
  ctx.io.out(`      added     ${when(d.createdAt)}   ${state}`);
  for (const c of d.credentials) ctx.io.out(`      网证      ${shown(c.id)} ${shown(c.status)}${c.reason ? ` (${shown(c.reason)})` : ''}, expires ${when(c.expiresAt)}`);
}

export async function devicesCommand(args: string[], ctx: Ctx): Promise<number> {
  const { values: v, positionals } = parseArgs({ args, options: ME_OPTIONS, strict: true, allowPositionals: true });
  const [action, id, ...rest] = positionals;
  if (action !== undefined && action !== 'revoke') throw new InputError(`unknown devices action '${shown(action)}': only 'revoke <device id>'`, undefined, true);
  if (action === 'revoke' && (id === undefined || rest.length > 0)) throw new InputError(`give exactly one device id: ${cli(ctx.env, 'wallet devices revoke <device id>')}`, undefined, true);
  if (id !== undefined && !UUID.test(id)) throw new InputError(`a device id is the UUID \`${cli(ctx.env, 'wallet devices')}\` lists`);
  const { me } = await openMe(ctx, v);

  if (action === 'revoke') {
    const r = await me.revokeDevice(id!.toLowerCase());
    if (v.json) ctx.io.out(JSON.stringify(r, null, 2));
    else {
      ctx.io.out(`已注销 revoked device ${shown(r.deviceId)} at ${when(r.revokedAt)}`);
      ctx.io.out(`  its 网证 no longer work (device_lost): ${r.credentialsRevoked.length > 0 ? r.credentialsRevoked.map(shown).join(', ') : 'none was valid'}`);
    }
    return 0;
  }
  const devices = await me.devices();
  if (v.json) {
    ctx.io.out(JSON.stringify({ devices }, null, 2));
    return 0;
  }
  ctx.io.out(`${devices.length} device${devices.length === 1 ? '' : 's'} 设备 (* = this device 本设备):`);
  for (const d of devices) printDevice(ctx, d);
  return 0;
}
