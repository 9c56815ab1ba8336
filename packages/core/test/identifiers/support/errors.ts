import { isWzError } from '../../../src/errors.ts';

/** The WzError a call throws (sync or async), or a marker string if it throws something else or nothing. */
export function thrown(fn: () => unknown): { code: string; message: string } {
  try {
    fn();
  } catch (e) {
    return isWzError(e) ? { code: e.code, message: e.message } : { code: `not a WzError: ${String(e)}`, message: '' };
  }
  return { code: 'nothing thrown', message: '' };
}

export async function rejected(fn: () => Promise<unknown>): Promise<{ code: string; message: string; detail: string | undefined }> {
  try {
    await fn();
  } catch (e) {
    return isWzError(e) ? { code: e.code, message: e.message, detail: e.detail } : { code: `not a WzError: ${String(e)}`, message: '', detail: undefined };
  }
  return { code: 'nothing thrown', message: '', detail: undefined };
}
