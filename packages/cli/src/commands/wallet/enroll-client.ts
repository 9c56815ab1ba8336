/**
 * The platform client `wallet enroll` hands to the wallet's `enroll()`: an ObservedClient that
 * can answer a refused step again, on a terminal, without ending the enrollment.
 *
 * `enroll()` (packages/wallet/src/enroll/enroll.ts) posts each step once. Two of the platform's
 * refusals leave the step open for another try — the step's nonce is not consumed:
 *
 * - `POST …/phone/verify` → `otp_invalid` ("Wrong code; 4 tries left."): the platform records
 *   the wrong try and keeps the nonce, up to OTP_MAX_WRONG (the last wrong one ends the attempt
 *   with `too_many_attempts`, which is not retried);
 * - `POST …/passphrase` → `weak_passphrase`: the platform's birth-date rule, which the wallet
 *   cannot check before it knows the birth date (a passport number does not carry it).
 *
 * `onRefusal` sees such a refusal and returns the body to post again (a new code, a new
 * passphrase), or undefined to let the refusal end the enrollment as before. The answer
 * `enroll()` receives is the successful one, so it goes on with that step's nonce.
 */
import { isWzError, type WzError } from '@wangzheng/core/errors';
import { ObservedClient } from './holder.ts';

export type Refusal = (path: string, body: unknown, error: WzError) => Promise<unknown>;

export class EnrollClient extends ObservedClient {
  constructor(
    baseUrl: string,
    private readonly onRefusal: Refusal,
  ) {
    super(baseUrl);
  }

  override async post<T>(path: string, body: unknown, token?: string): Promise<T> {
    let b = body;
    for (;;) {
      try {
        return await super.post<T>(path, b, token);
      } catch (e) {
        if (!isWzError(e)) throw e;
        const again = await this.onRefusal(path, b, e);
        if (again === undefined) throw e;
        b = again;
      }
    }
  }
}
