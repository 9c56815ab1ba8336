/**
 * The one-time code of `wallet enroll`'s phone step. On a terminal the person types the
 * 6-digit code sent to their number, as on a phone; in development no phone receives it, so
 * the wallet says where the platform's SMS outbox file is. A code that is not 6 digits is
 * asked again here, before it costs one of the platform's tries; a wrong one comes back from
 * the platform as `otp_invalid` ("Wrong code; 4 tries left.") and is asked again by the
 * wallet core's enrollment (packages/wallet/src/enroll/enroll.ts) while the platform allows attempts (OTP_MAX_WRONG,
 * core/contact/otp.ts); the fifth wrong code ends the enrollment (`too_many_attempts`).
 *
 * Without a terminal (scripts, tests) the code is read from the outbox file, as before.
 * The code is never printed.
 */
import { maskMobile } from '@wangzheng/core/contact/phone';
import { WzError, type ErrorCode } from '@wangzheng/core/errors';
import type { Correctable } from '@wangzheng/wallet/enroll/hardware';
import { readOutboxCode } from '@wangzheng/wallet/enroll/simulator';
import { InputError, type Ctx } from './context.ts';
import { MAX_TRIES } from './questions.ts';

const CODE = /^[0-9]{6}$/;

export interface SmsCodes {
  /**
   * `hardware.readSmsCode(phone, refused)`: the code; after the platform refused one
   * (`otp_invalid`, "Wrong code; 4 tries left.") the person is told and types it again. Without
   * a terminal a refusal ends the enrollment with its code (the outbox holds no other code).
   */
  read(phone: string, refused?: Correctable): Promise<string>;
}

async function ask(ctx: Ctx, question: string): Promise<string> {
  for (let i = 0; i < MAX_TRIES; i++) {
    const a = (await ctx.prompter.ask(question)).replace(/[\s-]/g, '');
    if (CODE.test(a)) return a;
    ctx.io.err('the code is the 6 digits in the text message (短信验证码为 6 位数字)');
  }
  throw new InputError('no 6-digit code given', 'otp_invalid');
}

export function smsCodes(ctx: Ctx, outbox: string): SmsCodes {
  if (!ctx.prompter.interactive) {
    return {
      read: (phone, refused) => (refused ? Promise.reject(new WzError(refused.code as ErrorCode, refused.message)) : readOutboxCode(outbox, phone)),
    };
  }
  return {
    async read(phone, refused) {
      if (refused) {
        ctx.io.err(`${refused.message} [${refused.code}]`);
        return ask(ctx, 'type the code again (6 digits): ');
      }
      ctx.io.out(`A text message with a 6-digit code was sent to ${maskMobile(phone)}. 验证码已发送。`);
      ctx.io.out(`  (development: no phone receives it; the platform writes each text to ${outbox}, the newest line for your number holds the code)`);
      return ask(ctx, 'code from the text message (短信验证码, 6 digits): ');
    },
  };
}
