/**
 * Token Status Lists (draft-ietf-oauth-status-list): where a verifier learns, without telling
 * us which credential it holds, whether a 网证 is still valid. Each credential names a list and
 * an index; a list is a signed JWT (`typ: statuslist+jwt`) carrying a ZLIB-compressed array of
 * 2-bit statuses: 0 VALID, 1 INVALID (revoked), 2 SUSPENDED.
 *
 * Lists are shards of LIST_SIZE entries (list 1 holds global positions 0…LIST_SIZE-1, and so
 * on), so a list stays small (256 KiB before compression) at any population. A position is
 * allocated once per credential from a counter and never reused.
 */
import { deflateSync } from 'node:zlib';
import { b64u, type KeyRing } from '@wangzheng/core/crypto/index';
import { WzError } from '@wangzheng/core/errors';
import type { CredentialStatus, StoreReader, StoreTx } from '../store/index.ts';

export const LIST_SIZE = 1 << 20;
export const STATUS_BITS = 2;
export const STATUS_LIST_TYP = 'statuslist+jwt';
/** How long a verifier may cache a list (seconds): the `ttl` claim. */
export const STATUS_LIST_TTL = 300;

const VALUE: Record<CredentialStatus, number> = { valid: 0, revoked: 1, suspended: 2 };

export function statusListUri(issuer: string, list: string): string {
  return `${issuer}/status-lists/${list}`;
}

/** Allocates the next status position: `{ list, idx }` for a new credential. */
export async function allocateStatus(tx: StoreTx): Promise<{ list: string; idx: number }> {
  const position = (await tx.counters.increment('status_list.position')) - 1;
  return { list: String(Math.floor(position / LIST_SIZE) + 1), idx: position % LIST_SIZE };
}

/** The signed status list JWT for `list`. Unknown list (no credential yet) → `not_found`. */
export async function statusListToken(store: StoreReader, signing: KeyRing, issuer: string, list: string, now: number): Promise<string> {
  if (!/^[1-9][0-9]{0,8}$/.test(list)) throw new WzError('not_found', 'No such status list.');
  const entries = await store.credentials.listStatusEntries(list);
  if (entries.length === 0) throw new WzError('not_found', 'No such status list.');
  const last = entries[entries.length - 1]!.statusIndex;
  const bytes = new Uint8Array(Math.ceil(((last + 1) * STATUS_BITS) / 8));
  for (const e of entries) {
    const v = VALUE[e.status];
    if (v) bytes[(e.statusIndex * STATUS_BITS) >> 3]! |= v << ((e.statusIndex * STATUS_BITS) & 7);
  }
  const iat = Math.floor(now / 1000);
  return signing.signJws(
    { sub: statusListUri(issuer, list), iat, exp: iat + 2 * STATUS_LIST_TTL, ttl: STATUS_LIST_TTL, status_list: { bits: STATUS_BITS, lst: b64u(deflateSync(bytes)) } },
    { typ: STATUS_LIST_TYP },
  );
}
