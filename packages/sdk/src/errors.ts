/**
 * The SDK's one error type. Every failure a relying party's code can handle arrives as a
 * `WangzhengError` with a stable `code` to `switch` on:
 *
 * - the platform's own codes (`scope_not_approved`, `verification_pending`, `biz_seq_reused`,
 *   `invalid_client`, …), taken from its `{ error, message }` answer, with the HTTP `status`;
 * - the SDK's codes for what happens on this side (`SDK_ERROR_CODES`): the platform cannot be
 *   reached, did not answer in time, answered something that is not the API, or a receipt does
 *   not verify.
 *
 * Programming mistakes (a missing option, a malformed key) throw `TypeError` instead, at once.
 *
 * Messages are safe to log: the platform's are written to be, and the SDK's never contain a
 * client secret, an assertion, a receipt or a request reference.
 */
import type { ErrorCode } from '@wangzheng/core/errors';

/** Codes the SDK produces itself (no HTTP answer from the platform, or a receipt that fails). */
export const SDK_ERROR_CODES = [
  /** The platform could not be reached (DNS, connection refused, TLS). */
  'network_error',
  /** No answer within the request timeout, or `waitForReceipt` gave up. */
  'timeout',
  /** An answer that is not the API's JSON (a proxy's error page, a truncated body). */
  'invalid_response',
  /** The JWKS could not be fetched or holds no key this SDK can use. */
  'jwks_unavailable',
  /** A receipt verified, but it is not the one expected (`jti` or `biz_seq` differ). */
  'receipt_mismatch',
] as const;
export type SdkErrorCode = (typeof SDK_ERROR_CODES)[number];

/**
 * A platform error code (see docs/rp-guide.en.md, "Error codes") or an SDK one. A newer
 * platform may answer a code this SDK does not list yet: it still arrives, as a string.
 */
export type WangzhengErrorCode = ErrorCode | SdkErrorCode | (string & {});

export class WangzhengError extends Error {
  /** Stable machine code: switch on it, never on the message. */
  readonly code: WangzhengErrorCode;
  /** The HTTP status of the platform's answer; `undefined` when the error arose in the SDK. */
  readonly status: number | undefined;

  /**
   * @example
   *   try {
   *     await client.fetchReceipt(requestId);
   *   } catch (e) {
   *     if (e instanceof WangzhengError && e.code === 'verification_pending') { … try again later … }
   *     else throw e;
   *   }
   */
  constructor(code: WangzhengErrorCode, message: string, opts: { status?: number; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'WangzhengError';
    this.code = code;
    this.status = opts.status;
  }
}

/**
 * True when `e` is a `WangzhengError`, and (if given) has this code.
 *
 * @example
 *   if (isWangzhengError(e, 'biz_seq_reused')) bizSeq = newBizSeq();
 */
export function isWangzhengError(e: unknown, code?: WangzhengErrorCode): e is WangzhengError {
  return e instanceof WangzhengError && (code === undefined || e.code === code);
}
