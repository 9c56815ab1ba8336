/**
 * The passphrase factor (口令) — of a verification, and of the person's own sensitive actions
 * (unlock, moving phones, cancellation): checked against the person's Argon2id hash,
 * with lockout — after PASSPHRASE_LOCK_AFTER wrong tries the passphrase is locked for
 * PASSPHRASE_LOCK_MS, and every try while locked is refused without hashing.
 */
import { WzError } from '@wangzheng/core/errors';
import type { PassphraseHasher } from './hasher.ts';
import type { Store } from '../store/index.ts';

export const PASSPHRASE_LOCK_AFTER = 5;
export const PASSPHRASE_LOCK_MS = 15 * 60_000;

export function lockedError(): WzError {
  return new WzError('passphrase_locked', 'Too many wrong passphrases: the passphrase is locked for a while.');
}

/**
 * `ok`, or `locked_now` when this wrong try locked the passphrase (the caller fails the request
 * and throws `lockedError()`). Throws `wrong_passphrase` (tries left) or `passphrase_locked`.
 */
export async function checkPassphraseFactor(
  deps: { store: Store; hasher: PassphraseHasher },
  personId: string,
  passphrase: string | undefined,
  now: number,
): Promise<'ok' | 'locked_now'> {
  const rec = await deps.store.passphrases.find(personId);
  if (!rec) throw new WzError('invalid_credential', 'No passphrase is set for this 网证.');
  if (rec.lockedUntil !== null && rec.lockedUntil > now) throw lockedError();
  if (typeof passphrase !== 'string' || !(await deps.hasher.verify(rec.hash, passphrase))) {
    const f = await deps.store.passphrases.recordFailure(personId, { lockAfter: PASSPHRASE_LOCK_AFTER, lockMs: PASSPHRASE_LOCK_MS, at: now });
    if (f !== undefined && f.lockedUntil !== null && f.lockedUntil > now) return 'locked_now';
    throw new WzError('wrong_passphrase', `Wrong passphrase; ${PASSPHRASE_LOCK_AFTER - (f?.failures ?? 0)} tries left before it locks.`);
  }
  // Nothing to reset after a clean record: one statement less on every right passphrase.
  // (A failure recorded meanwhile by a concurrent wrong try is reset by the next right one.)
  if (rec.failures > 0 || rec.lockedUntil !== null) await deps.store.passphrases.resetFailures(personId);
  return 'ok';
}
