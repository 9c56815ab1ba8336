/**
 * What `wallet enroll` says, and asks, when the platform has identified — by the document and
 * the live face — a person who already holds a working 网证: going on revokes it on the other
 * device (re-enrollment is the way back for someone who lost that phone). Bilingual, before
 * anything else is sent; `--yes` goes on after saying it, a terminal asks.
 */
import type { Ctx } from './context.ts';
import { cli } from '../../util/invocation.ts';

export async function confirmReplacement(ctx: Ctx, yes: boolean): Promise<boolean> {
  ctx.io.out('');
  ctx.io.out('注意：您已在另一台设备上持有有效的网证。继续申领将注销该设备上的网证，它将无法再使用。');
  ctx.io.out('Warning: you already hold a working 网证 on another device. Enrolling again revokes it there; it will stop working.');
  ctx.io.out(`  If you still have that phone, move the 网证 instead: ${cli(ctx.env, 'wallet move --to DIR')} (from the old phone’s wallet).`);
  if (yes) {
    ctx.io.out('  continuing (--yes) 继续申领');
    return true;
  }
  return ctx.prompter.confirm('Revoke the 网证 on the other device and go on? 是否注销其他设备上的网证并继续？');
}
