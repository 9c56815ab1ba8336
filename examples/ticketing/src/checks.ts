/**
 * Verifications the site asks for with the SDK (docs/rp-guide.en.md §5, §7), each followed in
 * the background until the person answers:
 *
 * - real-name registration (实名登记): a receipt request in mode 网证 — the site receives a
 *   platform-signed receipt saying `pass`, the mode, the time and its own identifier for the
 *   person, and nothing else;
 * - re-verification of a flagged account (动态身份认证): the request appears in that person's
 *   wallet with our message; they answer with their face.
 *
 * A receipt is trusted only after `verifyReceipt` (signature, our pinned algorithm, iss, aud, the
 * request id) and only for the account whose `sub` it names.
 */
import { isWangzhengError, type WangzhengClient } from '@wangzheng/sdk';
import { newId, type Account, type Check } from './store.ts';

async function follow(wz: WangzhengClient, account: Account, check: Check, timeoutMs: number, log: (s: string) => void): Promise<void> {
  try {
    const token = await wz.waitForReceipt(check.requestId, { timeoutMs, intervalMs: 1_000 });
    const receipt = await wz.verifyReceipt(token, { requestId: check.requestId });
    if (receipt.result === 'pass' && receipt.sub === account.sub) {
      Object.assign(check, { state: 'passed', mode: receipt.mode, at: receipt.service_time });
    } else {
      Object.assign(check, { state: 'failed', failure: receipt.failure ?? 'another_person' });
    }
  } catch (e) {
    Object.assign(check, { state: 'failed', failure: isWangzhengError(e) ? e.code : 'error' });
    log(`verification ${check.requestId}: ${isWangzhengError(e) ? e.code : String(e)}`);
  }
}

/** Starts real-name registration for the account; the person answers in their wallet. */
export async function startRegistration(wz: WangzhengClient, account: Account, log: (s: string) => void): Promise<Check> {
  const r = await wz.createReceiptRequest({ bizSeq: `reg-${newId(12)}`, mode: 'wz' });
  const check: Check = { state: 'pending', requestId: r.requestId, walletUrl: r.walletUrl, link: r.link, expiresAt: r.expiresAt };
  account.registration = check;
  void follow(wz, account, check, 330_000, log);
  return check;
}

/** Flags the account: asks the platform to re-verify the person behind it (face, in their own wallet). */
export async function startReview(wz: WangzhengClient, account: Account, log: (s: string) => void): Promise<Check> {
  const r = await wz.requestReverification({ sub: account.sub, bindingMessage: '云票务：账户出现异常购票，请确认是本人操作', bizSeq: `rv-${newId(12)}` });
  const check: Check = { state: 'pending', requestId: r.requestId, expiresAt: r.expiresAt };
  account.review = check;
  void follow(wz, account, check, 31 * 60_000, log);
  return check;
}
