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
