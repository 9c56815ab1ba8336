import { CodedError } from '@wangzheng/core/errors';

/** The code of the coded error (platform `WzError` or wallet `WalletError`) `f` throws, `raw:<text>` for any other exception, undefined when it returns. */
export function errorCode(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    return e instanceof CodedError ? e.code : `raw:${String(e)}`;
  }
  return undefined;
}

/** The coded error's code a promise rejects with, `not a WzError: …` for another rejection, `no error` when it resolves. */
export async function rejectionCode(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    return e instanceof CodedError ? e.code : `not a WzError: ${String(e)}`;
  }
  return 'no error';
}
