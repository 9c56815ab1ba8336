/**
 * Driver errors become `WzError`s here, the same on both engines:
 * unique or foreign-key violation → `conflict`; lost connection, busy database →
 * `store_unavailable` (503 with `Retry-After: STORE_RETRY_AFTER_S`); anything else →
 * `internal_error`. The private detail names the constraint (`persons.netid`,
 * `persons_netid_key`), never a value.
 */
import { isWzError, WzError } from '@wangzheng/core/errors';
import { classifyDbError, constraintOf, storeUnavailable } from './dialect.ts';

export function toStoreError(e: unknown): Error {
  if (isWzError(e) || e instanceof TypeError) return e;
  switch (classifyDbError(e)) {
    case 'unique':
      return new WzError('conflict', 'the record already exists', { detail: `unique: ${constraintOf(e) ?? '?'}` });
    case 'foreign_key':
      return new WzError('conflict', 'a referenced record does not exist', { detail: `foreign key: ${constraintOf(e) ?? '?'}` });
    case 'unavailable':
      return storeUnavailable(e);
    default:
      return new WzError('internal_error', 'storage failure', { detail: codeOf(e) ?? 'unknown' });
  }
}

/**
 * Wraps every async method of a repository so that no raw driver error escapes it; `check`
 * runs before each call (it may throw).
 */
export function guarded<T extends object>(repo: T, check: () => void = () => {}): T {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(repo) as (keyof T & string)[]) {
    const fn = repo[key];
    if (typeof fn !== 'function') continue;
    out[key] = async (...args: unknown[]) => {
      check();
      try {
        return await (fn as (...a: unknown[]) => Promise<unknown>).apply(repo, args);
      } catch (e) {
        throw toStoreError(e);
      }
    };
  }
  return out as T;
}

/** A new object carrying only the named methods: a reader cannot be cast back to a writer. */
export function pick<T extends object, K extends keyof T>(obj: T, keys: readonly K[]): Pick<T, K> {
  const out = {} as Pick<T, K>;
  for (const k of keys) out[k] = obj[k];
  return out;
}

function codeOf(e: unknown): string | undefined {
  const code = typeof e === 'object' && e !== null ? (e as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : undefined;
}
