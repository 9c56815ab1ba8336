/**
 * The one-time code of `wallet enroll`'s phone step. On a terminal the person types the
 * 6-digit code sent to their number, as on a phone; in development no phone receives it, so
 * the wallet says where the platform's SMS outbox file is. A code that is not 6 digits is
 * asked again here, before it costs one of the platform's tries; a wrong one comes back from
 * the platform as `otp_invalid` ("Wrong code; 4 tries left.") and is asked again by the
 * enrollment's client (enroll-client.ts) while the platform allows attempts (OTP_MAX_WRONG,
 * core/contact/otp.ts); the fifth wrong code ends the enrollment (`too_many_attempts`).
 *
 * Without a terminal (scripts, tests) the code is read from the outbox file, as before.
 * The code is never printed.
 */
import { maskMobile } from '@wangzheng/core/contact/phone';
import { readOutboxCode } from '@wangzheng/wallet/enroll/simulator';
import { InputError, type Ctx } from './context.ts';
import { MAX_TRIES } from './questions.ts';

const CODE = /^[0-9]{6}$/;

export interface SmsCodes {
  /** The first code, for `hardware.readSmsCode(phone)`. */
  read(phone: string): Promise<string>;
  /** Another code after the platform refused one (`otp_invalid`); undefined without a terminal. */
  again?: () => Promise<string>;
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
  if (!ctx.prompter.interactive) return { read: (phone) => readOutboxCode(outbox, phone) };
  let asked = false;
  const again = (): Promise<string> => ask(ctx, 'type the code again (6 digits): ');
  return {
    // Called once by the wallet core's enroll(); if a later core asks again after a wrong
    // code, the hint is not repeated.
    async read(phone) {
      if (asked) return again();
      asked = true;
      ctx.io.out(`A text message with a 6-digit code was sent to ${maskMobile(phone)}. 验证码已发送。`);
      ctx.io.out(`  (development: no phone receives it; the platform writes each text to ${outbox}, the newest line for your number holds the code)`);
      return ask(ctx, 'code from the text message (短信验证码, 6 digits): ');
    },
    again,
  };
}
