/**
 * The checker's cache of the platform's Token Status Lists (draft-ietf-oauth-status-list), for
 * offline checks. Portable: the signature goes through the injected crypto port and the list is
 * inflated with the web platform's `DecompressionStream('deflate')` (ZLIB, RFC 1950 — what the
 * platform writes), available in browsers and in Node ≥ 18.
 *
 *   const list = await verifyStatusListToken(await (await fetch(url)).text(), { keys: jwks, crypto });
 *   cache.put(list);                                  // keep it (IndexedDB, memory)
 *   verifyVenuePresentation(text, { …, statusLookup: cache.lookup });
 *   cache.staleLists(now)                             // lists older than their ttl: SAY SO on screen
 *
 * The ttl rule: a list may be relied on for `ttl` seconds after its `iat` (60 s on our platform,
 * so that a ban travels fast). An offline checker keeps using an older list — there is nothing
 * better — but every answer from it carries `stale: true` and the page must show that it checked
 * against a list of such-and-such age. After `maxAgeSeconds` (default one day) the cache stops
 * answering (`unknown` → `venue_status_unknown`): a checker offline for that long knows nothing
 * about bans.
 */
import type { PublicJwk } from '../crypto/types.ts';
import { b64uDecode, b64uEncode, fromUtf8, utf8 } from '../encoding/bytes.ts';
import { algOfJwk } from './keys.ts';
import type { VenueCrypto, VenueStatus, VenueStatusAnswer } from './ports.ts';
import { thumbprintDigest } from './thumbprint.ts';

export const STATUS_LIST_JWT_TYP = 'statuslist+jwt';
/** The largest inflated list accepted (a zip bomb stops here). 2^20 entries × 2 bits = 256 KiB on our platform. */
export const MAX_STATUS_LIST_BYTES = 4 * 1024 * 1024;
export const DEFAULT_STATUS_MAX_AGE_SECONDS = 86_400;

export interface VerifiedStatusList {
  /** The list's id: `<id>` of `…/status-lists/<id>` in `sub`. */
  readonly listId: string;
  readonly uri: string;
  readonly bits: 1 | 2 | 4 | 8;
  /** The inflated status bytes. */
  readonly statuses: Uint8Array;
  readonly iat: number;
  readonly exp: number | undefined;
  readonly ttl: number | undefined;
}

export type StatusListError = 'malformed' | 'unsupported_algorithm' | 'signature_invalid' | 'wrong_issuer';

/** Verifies a status list JWT with the cached platform keys; `issuer` pins its `sub` to `<issuer>/status-lists/<id>`. */
export async function verifyStatusListToken(
  token: string,
  o: { readonly keys: readonly unknown[] | { readonly keys: readonly unknown[] }; readonly crypto: VenueCrypto; readonly issuer?: string },
): Promise<VerifiedStatusList | { error: StatusListError }> {
  try {
    if (typeof token !== 'string' || token.length > 8 * 1024 * 1024) return { error: 'malformed' };
    const segs = token.trim().split('.');
    if (segs.length !== 3) return { error: 'malformed' };
    const header = jsonObject(segs[0]!);
    const payload = jsonObject(segs[1]!);
    const sig = b64uDecode(segs[2]!);
    if (!header || !payload || !sig) return { error: 'malformed' };
    const alg = header['alg'];
    if (alg !== 'SM2' && alg !== 'ES256') return { error: 'unsupported_algorithm' };
    if (header['typ'] !== STATUS_LIST_JWT_TYP || header['crit'] !== undefined) return { error: 'malformed' };
    const input = utf8(`${segs[0]}.${segs[1]}`);
    let ok = false;
    for (const jwk of await keysOf(o.keys, alg, header['kid'], o.crypto)) {
      try {
        if ((await o.crypto.verify(alg, jwk, input, sig)) === true) {
          ok = true;
          break;
        }
      } catch {
        // a malformed signature for this key: try the next
      }
    }
    if (!ok) return { error: 'signature_invalid' };

    const sub = payload['sub'];
    const iat = payload['iat'];
    const sl = payload['status_list'] as Record<string, unknown> | undefined;
    if (typeof sub !== 'string' || typeof iat !== 'number' || typeof sl !== 'object' || sl === null) return { error: 'malformed' };
    const m = /\/status-lists\/([1-9][0-9]{0,8})$/.exec(sub);
    if (!m) return { error: 'malformed' };
    if (o.issuer !== undefined && sub !== `${o.issuer.replace(/\/+$/, '')}/status-lists/${m[1]}`) return { error: 'wrong_issuer' };
    const bits = sl['bits'];
    if (bits !== 1 && bits !== 2 && bits !== 4 && bits !== 8) return { error: 'malformed' };
    const lst = typeof sl['lst'] === 'string' ? b64uDecode(sl['lst']) : undefined;
    if (!lst) return { error: 'malformed' };
    const statuses = await inflate(lst);
    if (!statuses) return { error: 'malformed' };
    const exp = typeof payload['exp'] === 'number' ? payload['exp'] : undefined;
    const ttl = typeof payload['ttl'] === 'number' ? payload['ttl'] : undefined;
    return { listId: m[1]!, uri: sub, bits, statuses, iat, exp, ttl };
  } catch {
    return { error: 'malformed' };
  }
}

/** The status of entry `idx` (draft §4.1: 0 VALID, 1 INVALID, 2 SUSPENDED; anything else or out of range → unknown). */
export function statusAt(list: Pick<VerifiedStatusList, 'bits' | 'statuses'>, idx: number): VenueStatus {
  if (!Number.isSafeInteger(idx) || idx < 0) return 'unknown';
  const bit = idx * list.bits;
  const byte = list.statuses[Math.floor(bit / 8)];
  if (byte === undefined) return 'unknown';
  const v = (byte >> (bit % 8)) & ((1 << list.bits) - 1);
  return v === 0 ? 'valid' : v === 1 ? 'revoked' : v === 2 ? 'suspended' : 'unknown';
}

/** Cached status lists, one per id (a newer `iat` replaces an older one). */
export class StatusListCache {
  readonly #lists = new Map<string, VerifiedStatusList>();
  readonly #maxAge: number;

  constructor(o: { maxAgeSeconds?: number } = {}) {
    this.#maxAge = o.maxAgeSeconds ?? DEFAULT_STATUS_MAX_AGE_SECONDS;
  }

  put(list: VerifiedStatusList): void {
    const cur = this.#lists.get(list.listId);
    if (!cur || cur.iat <= list.iat) this.#lists.set(list.listId, list);
  }

  /** For `verifyVenuePresentation`'s `statusLookup`: the status and whether the list is older than its ttl. */
  readonly lookup = (listId: string, idx: number, now: number): VenueStatusAnswer => {
    const l = this.#lists.get(listId);
    if (!l) return { status: 'unknown' };
    const age = now - l.iat;
    if (age > this.#maxAge) return { status: 'unknown', stale: true };
    return { status: statusAt(l, idx), stale: age > (l.ttl ?? 0) };
  };

  /** Lists older than their `ttl` at `now` (seconds): the page must show these ages. */
  staleLists(now: number): { listId: string; ageSeconds: number; ttl: number | undefined }[] {
    return [...this.#lists.values()].filter((l) => now - l.iat > (l.ttl ?? 0)).map((l) => ({ listId: l.listId, ageSeconds: now - l.iat, ttl: l.ttl }));
  }

  get listIds(): string[] {
    return [...this.#lists.keys()];
  }
}

async function keysOf(keys: readonly unknown[] | { readonly keys: readonly unknown[] }, alg: 'SM2' | 'ES256', kid: unknown, crypto: VenueCrypto): Promise<PublicJwk[]> {
  const list = Array.isArray(keys) ? keys : (keys as { keys?: unknown }).keys;
  if (!Array.isArray(list)) return [];
  const usable: PublicJwk[] = [];
  for (const k of list as unknown[]) {
    if (typeof k !== 'object' || k === null || 'd' in k) continue;
    const r = k as Record<string, unknown>;
    if (typeof r['x'] !== 'string' || typeof r['kty'] !== 'string' || typeof r['crv'] !== 'string') continue;
    const jwk: PublicJwk = { kty: r['kty'] as PublicJwk['kty'], crv: r['crv'] as PublicJwk['crv'], x: r['x'], ...(typeof r['y'] === 'string' ? { y: r['y'] } : {}) };
    if (algOfJwk(jwk) === alg) usable.push(jwk);
  }
  if (typeof kid !== 'string') return usable;
  const named: PublicJwk[] = [];
  for (const jwk of usable) if (b64uEncode(await thumbprintDigest(jwk, crypto.digest)) === kid) named.push(jwk);
  return named.length > 0 ? named : usable;
}

function jsonObject(seg: string): Record<string, unknown> | undefined {
  const b = b64uDecode(seg);
  const s = b && fromUtf8(b);
  if (s === undefined) return undefined;
  try {
    const v: unknown = JSON.parse(s);
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** ZLIB inflate with the web platform's DecompressionStream; undefined on a corrupt or oversized stream. */
async function inflate(data: Uint8Array): Promise<Uint8Array | undefined> {
  try {
    const ds = new DecompressionStream('deflate');
    const writer = ds.writable.getWriter();
    void writer.write(data as Uint8Array<ArrayBuffer>).catch(() => {});
    void writer.close().catch(() => {});
    const reader = ds.readable.getReader();
    const chunks: Uint8Array[] = [];
    let total = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.length;
      if (total > MAX_STATUS_LIST_BYTES) {
        void reader.cancel().catch(() => {});
        return undefined;
      }
      chunks.push(value);
    }
    const out = new Uint8Array(total);
    let o = 0;
    for (const c of chunks) {
      out.set(c, o);
      o += c.length;
    }
    return out;
  } catch {
    return undefined;
  }
}
