/**
 * Token Status Lists (draft-ietf-oauth-status-list): where a verifier learns, without telling
 * us which credential it holds, whether a 网证 is still valid. Each credential names a list and
 * an index; a list is a signed JWT (`typ: statuslist+jwt`) carrying a ZLIB-compressed array of
 * 2-bit statuses: 0 VALID, 1 INVALID (revoked), 2 SUSPENDED (a ban, which an unban lifts).
 *
 * Herd privacy (the draft's privacy considerations): a list has LIST_SIZE (2^20) positions and
 * a new credential gets a position drawn at random among the free ones of the open list, so an
 * index reveals neither when a credential was issued nor how many exist; every list is served
 * at its full size. A list stays open until half its positions are taken (so a random draw
 * finds a free one in about two tries), then the next one opens.
 *
 * Freshness: the list is built from the store on every request, so a ban shows at once; the
 * token says `ttl` (how long a verifier may cache it) and `exp`, and the HTTP answer carries an
 * ETag of the statuses so that a verifier revalidating every few seconds costs a 304 — without
 * building, compressing or signing the list.
 */
import { createHash, randomInt } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import { b64u, type KeyRing } from '@wangzheng/core/crypto/index';
import { WzError } from '@wangzheng/core/errors';
import type { CredentialStatus, StoreReader, StoreTx } from '../store/index.ts';

export const LIST_SIZE = 1 << 20;
/** A list takes new credentials until this many of its positions are allocated. */
export const LIST_FILL = LIST_SIZE / 2;
export const STATUS_BITS = 2;
export const STATUS_LIST_TYP = 'statuslist+jwt';
/** How long a verifier may cache a list (seconds): the `ttl` claim. Short, so a ban travels fast. */
export const STATUS_LIST_TTL = 60;

const VALUE: Record<CredentialStatus, number> = { valid: 0, revoked: 1, suspended: 2 };
const MAX_DRAWS = 64;

export function statusListUri(issuer: string, list: string): string {
  return `${issuer}/status-lists/${list}`;
}

/**
 * Allocates a status position for a new credential: a random free index of the open list.
 * Inside the issuing transaction; two issuances drawing the same index at the same instant
 * (about one in a million) make one of them fail with `conflict` on the unique (list, index).
 */
export async function allocateStatus(tx: StoreTx): Promise<{ list: string; idx: number }> {
  let list = (await tx.counters.get('status_list.open')) || 1;
  if ((await tx.counters.get(`status_list.${list}.allocated`)) >= LIST_FILL) {
    list += 1;
    await tx.counters.increment('status_list.open', list - (await tx.counters.get('status_list.open')));
  }
  for (let draw = 0; draw < MAX_DRAWS; draw++) {
    const idx = randomInt(LIST_SIZE);
    if (!(await tx.credentials.isStatusEntryTaken(String(list), idx))) {
      await tx.counters.increment(`status_list.${list}.allocated`);
      return { list: String(list), idx };
    }
  }
  throw new WzError('conflict', 'No free status position was found; try again.', { detail: `list ${list}` });
}

/**
 * Every status list there is (`GET /status-lists`), for a verifier that caches them all ahead of
 * time — the venue checker, which must work offline and cannot ask for the one it needs. Lists
 * are numbered from 1 up to the open one; a list with no position allocated yet is left out.
 */
export async function statusListIndex(store: StoreReader, issuer: string): Promise<{ lists: string[]; ttl: number }> {
  const open = (await store.counters.get('status_list.open')) || 1;
  const lists: string[] = [];
  for (let n = 1; n <= open; n++) {
    if ((await store.counters.get(`status_list.${n}.allocated`)) > 0) lists.push(statusListUri(issuer, String(n)));
  }
  return { lists, ttl: STATUS_LIST_TTL };
}

export interface StatusListAnswer {
  /** The signed JWT, signed when asked for: a revalidation answered 304 signs nothing. */
  token(): string;
  /** A strong validator of the statuses (not of the signature, which changes with `iat`). */
  readonly etag: string;
}

/** The signed status list JWT for `list`. Unknown list (no credential yet) → `not_found`. */
export async function statusListToken(store: StoreReader, signing: KeyRing, issuer: string, list: string, now: number): Promise<StatusListAnswer> {
  if (!/^[1-9][0-9]{0,8}$/.test(list)) throw new WzError('not_found', 'No such status list.');
  // Only what is not valid is encoded (valid is 0 bits): read through the partial index of 0015.
  const entries = await store.credentials.listStatusChanges(list);
  if (entries.length === 0 && !(await store.credentials.hasStatusList(list))) throw new WzError('not_found', 'No such status list.');
  // The statuses that are not 0, in index order: the validator is their digest, so a revalidation
  // answered 304 neither builds the 2^20-entry list, nor compresses it (~2 ms), nor signs it.
  const set = entries.map((e) => [e.statusIndex, VALUE[e.status] ?? 0] as const).filter(([, v]) => v !== 0).sort((a, b) => a[0] - b[0]);
  const etag = `"${createHash('sha256').update(set.map(([i, v]) => `${i}:${v}`).join(',')).digest('base64url').slice(0, 27)}"`;
  const iat = Math.floor(now / 1000);
  const token = (): string => {
    const bytes = new Uint8Array((LIST_SIZE * STATUS_BITS) / 8);
    for (const [i, v] of set) bytes[(i * STATUS_BITS) >> 3]! |= v << ((i * STATUS_BITS) & 7);
    const lst = deflateSync(bytes);
    return signing.signJws(
      { sub: statusListUri(issuer, list), iat, exp: iat + 2 * STATUS_LIST_TTL, ttl: STATUS_LIST_TTL, status_list: { bits: STATUS_BITS, lst: b64u(lst) } },
      { typ: STATUS_LIST_TYP },
    );
  };
  return { token, etag };
}

/**
 * The signed lists as the platform serves them: a list's token, once built, is handed out again
 * for up to `maxAgeMs` while its statuses stay the same (same ETag) — so a crowd of verifiers
 * fetching the lists costs at most one build (compression, signature) per list and interval in
 * each process, and a change is served at once (a new ETag is never answered from the cache).
 */
export class StatusListTokens {
  readonly #built = new Map<string, { etag: string; token: string; at: number }>();

  constructor(
    private readonly deps: { store: StoreReader; signing: KeyRing; issuer: string },
    private readonly maxAgeMs = 1000,
  ) {}

  async answer(list: string, now: number): Promise<StatusListAnswer> {
    const a = await statusListToken(this.deps.store, this.deps.signing, this.deps.issuer, list, now);
    const token = (): string => {
      const b = this.#built.get(list);
      if (b && b.etag === a.etag && now >= b.at && now - b.at < this.maxAgeMs) return b.token;
      const built = a.token();
      this.#built.set(list, { etag: a.etag, token: built, at: now });
      return built;
    };
    return { etag: a.etag, token };
  }
}
