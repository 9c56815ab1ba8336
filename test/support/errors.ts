import { isWzError } from '@wangzheng/core/errors';

/** The WzError code `f` throws, `raw:<text>` for any other exception, undefined when it returns. */
export function errorCode(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    return isWzError(e) ? e.code : `raw:${String(e)}`;
  }
  return undefined;
}

/** The WzError code a promise rejects with, `not a WzError: …` for another rejection, `no error` when it resolves. */
export async function rejectionCode(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    return isWzError(e) ? e.code : `not a WzError: ${String(e)}`;
  }
  return 'no error';
}
