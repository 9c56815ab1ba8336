/**
 * A text-message sender that counts every message against `sms_phone` (per keyed digest of the
 * number) before handing it on: one place that bounds what any flow — today the phone change at
 * /v1/me/phone — can send to one number. Enrollment checks its limits itself, before the step
 * advances, and also per source (enrollment/service.ts). Past the limit: 429 `rate_limited`.
 */
import type { SmsMessage, SmsSender } from '../sms/sender.ts';
import type { RateLimits } from './guard.ts';

export class RateLimitedSmsSender implements SmsSender {
  constructor(
    private readonly inner: SmsSender,
    private readonly limits: RateLimits,
  ) {}

  async send(message: SmsMessage): Promise<void> {
    await this.limits.sms(message.to);
    await this.inner.send(message);
  }
}
