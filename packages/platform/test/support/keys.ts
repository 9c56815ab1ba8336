/** Random key rings for tests; real ones come from configuration. */
import { randomBytes } from 'node:crypto';
import type { CryptoSuite } from '@wangzheng/core/crypto/types';
import type { KeyRingEntry } from '../../src/protect/keyring.ts';

export function kekRing(suite: CryptoSuite, ids: readonly string[] = ['kek-1']): KeyRingEntry[] {
  return ids.map((id) => ({ id, key: randomBytes(suite.aeadKeyLength) }));
}

export function blindKeyRing(ids: readonly string[] = ['bidx-1']): KeyRingEntry[] {
  return ids.map((id) => ({ id, key: randomBytes(32) }));
}
