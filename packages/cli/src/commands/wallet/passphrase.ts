/**
 * `wangzheng wallet passphrase change | reset` — the 网证's passphrase (口令), at the platform and
 * in this wallet (the keystore is sealed under the same 8 digits, so both change together).
 *
 *   change   the old passphrase (the keystore's) is checked by the platform under its lockout
 *            (5 wrong → locked 15 minutes); the new one must pass the rules
 *   reset    a live face capture instead of the old passphrase: for a passphrase locked after
 *            wrong tries (it clears the lock), or one that no longer matches the platform's.
 *            The camera is the registry simulator's (--registry, --face self|other)
 *
 * The platform changes first; then the keystore is re-sealed under the new passphrase. The new
 * passphrase is checked locally before anything is sent, and never printed.
 *
 * Exit codes: 0 done; 1 refused (wrong_passphrase, passphrase_locked, face_mismatch…); 2 bad input.
 */
import { parseArgs } from 'node:util';
import { simulatedHardware } from '@wangzheng/wallet/enroll/simulator';
import { InputError, defaultOutbox, defaultRegistryUrl, serviceUrl, type Ctx } from './context.ts';
import { openControls, ownDocument } from './controls-context.ts';
import { namedHardware } from './holder.ts';
import { COMMON, ME_OPTIONS, shown, when } from './me-context.ts';
import { askNewPassphrase, passphraseProblem } from './questions.ts';
import { cli } from '../../util/invocation.ts';

export const PASSPHRASE_USAGE = `usage: wangzheng wallet passphrase change [--new 8DIGITS] ${COMMON}
       wangzheng wallet passphrase reset  [--new 8DIGITS] [--face self|other] [--registry URL] ${COMMON}`;

export async function passphraseCommand(args: string[], ctx: Ctx): Promise<number> {
  const { values: v, positionals } = parseArgs({
    args,
    options: { ...ME_OPTIONS, new: { type: 'string' }, face: { type: 'string' }, registry: { type: 'string' } },
    strict: true,
    allowPositionals: true,
  });
  const [action, ...rest] = positionals;
  if ((action !== 'change' && action !== 'reset') || rest.length > 0) throw new InputError(`say what to do: ${cli(ctx.env, 'wallet passphrase change | reset')}`, undefined, true);
  if (v.face !== undefined && v.face !== 'self' && v.face !== 'other') throw new InputError('--face must be self or other');
  if (action === 'change' && (v.face !== undefined || v.registry !== undefined)) throw new InputError('--face and --registry go with reset');
  if (v.new !== undefined) {
    const bad = passphraseProblem(v.new);
    if (bad) throw bad;
  }
  const registryUrl = serviceUrl(v.registry ?? defaultRegistryUrl(ctx.env), 'registry');
  const o = await openControls(ctx, v);
  const next = v.new ?? (await askNewPassphrase(ctx, 'new passphrase (新口令, 8 digits): '));

  let r;
  if (action === 'change') {
    r = await o.controls.changePassphrase(o.passphrase, next);
  } else {
    const hw = namedHardware(simulatedHardware({ registryUrl, ...ownDocument(o.own), faceOf: v.face === 'other' ? 'other' : 'self', outboxFile: defaultOutbox(ctx.env) }), registryUrl);
    if (!v.json) ctx.io.out(`face: liveness capture with the simulated camera (registry simulator at ${registryUrl}) …`);
    r = await o.controls.resetPassphrase(next, (nonce) => hw.captureFace(nonce));
  }
  await o.wallet.changePassphrase(o.passphrase, next);
  if (v.json) ctx.io.out(JSON.stringify(r, null, 2));
  else {
    ctx.io.out(`口令已${action === 'change' ? '更改' : '重置'} passphrase ${action === 'change' ? 'changed' : 'reset'} (${r.method === 'face' ? 'with your face 人脸' : 'with the old one 原口令'}) at ${when(r.changedAt)}`);
    ctx.io.out(`  the platform and this wallet (${shown(o.dir)}) now both use the new passphrase`);
  }
  return 0;
}
