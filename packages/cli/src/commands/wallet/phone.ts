/**
 * `wangzheng wallet phone <number>` — binds a new mobile number to the 网证: the platform sends
 * a one-time code to the NEW number; the code (--code, or read from the development SMS outbox
 * that stands in for that phone, as enrollment does) confirms it. At most 3 codes and 5 wrong
 * codes a day. Only masked numbers are printed.
 *
 * Exit codes: 0 done; 1 refused (phone_in_use, otp_invalid, too_many_attempts…); 2 bad input.
 */
import { parseArgs } from 'node:util';
import { parseMobile } from '@wangzheng/core/contact/phone';
import { readOutboxCode } from '@wangzheng/wallet/enroll/simulator';
import { InputError, asInput, defaultOutbox, type Ctx } from './context.ts';
import { openControls } from './controls-context.ts';
import { COMMON, ME_OPTIONS, shown, when } from './me-context.ts';
import { cli } from '../../util/invocation.ts';

export const PHONE_USAGE = `usage: wangzheng wallet phone <new mobile number> [--code 6DIGITS] [--outbox FILE] ${COMMON}`;

export async function phoneCommand(args: string[], ctx: Ctx): Promise<number> {
  const { values: v, positionals } = parseArgs({
    args,
    options: { ...ME_OPTIONS, code: { type: 'string' }, outbox: { type: 'string' } },
    strict: true,
    allowPositionals: true,
  });
  if (positionals.length !== 1) throw new InputError(`give exactly one mobile number: ${cli(ctx.env, 'wallet phone <number>')}`, undefined, true);
  const number = await asInput(async () => parseMobile(positionals[0]));
  if (v.code !== undefined && !/^[0-9]{6}$/.test(v.code)) throw new InputError('--code is the 6-digit code from the text message', 'otp_invalid');
  const o = await openControls(ctx, v);
  const sent = await o.controls.changePhone(number);
  if (!v.json) ctx.io.out(`验证码已发送 code sent to ${shown(sent.sentTo)} (valid until ${when(sent.codeExpiresAt)}; ${sent.sendsLeft} more today)`);
  const code = v.code ?? (await readOutboxCode(v.outbox ?? defaultOutbox(ctx.env), number));
  const done = await o.controls.confirmPhone(code);
  if (v.json) ctx.io.out(JSON.stringify(done, null, 2));
  else ctx.io.out(`手机号已更换 bound phone changed to ${shown(done.phone)}`);
  return 0;
}
