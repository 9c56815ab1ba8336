// StatusListTokens (credential/status-list.ts): a list's signed token is built once and handed
// out again while its statuses stay the same, for at most maxAgeMs; a change of status is served
// at once, and a 304 (only the ETag asked for) builds nothing. The store is a stub holding the
// statuses that are not valid, as the partial index of migration 0015 gives them.
import { getListFromStatusListJWT } from '@sd-jwt/jwt-status-list';
import { expect, it, vi } from 'vitest';
import { generateKey, KeyRing } from '@wangzheng/core/crypto/index';
import { StatusListTokens } from '../../src/credential/status-list.ts';
import type { StoreReader } from '../../src/store/index.ts';

type Entry = { statusIndex: number; status: 'valid' | 'revoked' | 'suspended' };

it('builds a list once per interval while its statuses stay the same; a change is served at once', async () => {
  const entries: Entry[] = [{ statusIndex: 7, status: 'revoked' }];
  const store = { credentials: { listStatusChanges: async () => [...entries], hasStatusList: async () => true } } as unknown as StoreReader;
  const signing = new KeyRing(generateKey('SM2'));
  const signs = vi.spyOn(signing, 'signJws');
  const lists = new StatusListTokens({ store, signing, issuer: 'https://wangzheng.test' }, 1000);

  const first = await lists.answer('1', 10_000);
  expect(signs).not.toHaveBeenCalled(); // the ETag alone (a 304) builds nothing
  const token = first.token();
  expect(getListFromStatusListJWT(token).getStatus(7)).toBe(1);
  expect((await lists.answer('1', 10_999)).token()).toBe(token);
  expect(signs).toHaveBeenCalledTimes(1);

  // A second later: built again (a fresh iat), same statuses, same ETag.
  const later = await lists.answer('1', 11_000);
  expect(later.etag).toBe(first.etag);
  expect(later.token()).not.toBe(token);
  expect(signs).toHaveBeenCalledTimes(2);

  // A ban within the interval: a new ETag, never answered from what was built.
  entries.push({ statusIndex: 9, status: 'suspended' });
  const banned = await lists.answer('1', 11_001);
  expect(banned.etag).not.toBe(first.etag);
  expect(getListFromStatusListJWT(banned.token()).getStatus(9)).toBe(2);
  expect(signs).toHaveBeenCalledTimes(3);

  // Each list has its own.
  expect(getListFromStatusListJWT((await lists.answer('2', 11_002)).token()).getStatus(9)).toBe(2);
  expect(signs).toHaveBeenCalledTimes(4);
});
