/**
 * The rate-limit contract: a fixed-window counter per (policy, key), shared by every backend.
 *
 *   hit(policy, key)   counts one event and says whether it is within the policy's limit
 *   peek(policy, key)  says whether one more would be, without counting (a lockout check)
 *
 * A window opens at a key's first hit and lasts `windowS`; until it ends the key has `limit`
 * events; the one past it is refused with the seconds left (`retryAfterS`). Windows are fixed,
 * not sliding: at a window's edge a caller can get up to twice the limit in a short span, which
 * every policy here tolerates (docs/limits.md).
 *
 * Trust and privacy: a key is built here (`keyOf`, `sourceKey`), never by a caller from raw
 * input, so it never holds a secret or plaintext personal data — client ids and phone numbers
 * are HMAC'd with a platform-held key (a plain hash of an 11-digit phone number is reversed by
 * trying them all); a source address is kept as given (an IPv6 address by its /64 prefix, which
 * one customer usually holds whole) but no key is ever logged. A limiter never throws: a backend
 * fault is answered from a stricter local count (redis.ts).
 */
import { createHmac } from 'node:crypto';
import { isIPv6 } from 'node:net';
import { WzError } from '@wangzheng/core/errors';

/** The closed set of policies (policies.ts holds their defaults and meaning). */
export const POLICY_NAMES = ['rp_calls', 'client_fail', 'client_fail_any', 'source_fail', 'holder_fail', 'sms_source', 'sms_phone'] as const;
export type PolicyName = (typeof POLICY_NAMES)[number];

/** At most `limit` events per key in `windowS` seconds. */
export interface Policy {
  readonly limit: number;
  readonly windowS: number;
}
export type Policies = Readonly<Record<PolicyName, Policy>>;

export interface Decision {
  readonly allowed: boolean;
  /** Seconds until the key's window ends (0 when allowed). */
  readonly retryAfterS: number;
  /** Events left in the window after this one. */
  readonly remaining: number;
}

export interface Limiter {
  hit(policy: PolicyName, key: string): Promise<Decision>;
  peek(policy: PolicyName, key: string): Promise<Decision>;
  close(): Promise<void>;
}

/** What the operations metrics are told (the composition root wires prom-client counters). */
export interface LimiterMetrics {
  /** A request was refused by `policy`. */
  limited(policy: PolicyName): void;
  /** An answer came from the local fallback because the shared backend failed. */
  fallback(): void;
}

/** The decision for a window holding `count` events (after this one, for a hit) that ends in `ttlMs`. */
export function decide(policy: Policy, count: number, ttlMs: number, counting: boolean): Decision {
  const allowed = counting ? count <= policy.limit : count < policy.limit;
  return {
    allowed,
    retryAfterS: allowed ? 0 : Math.max(1, Math.ceil(ttlMs / 1000)),
    remaining: Math.max(0, policy.limit - count),
  };
}

/** The error a refused request gets: 429 `rate_limited` with `Retry-After`. No key, no count in it. */
export function rateLimited(retryAfterS: number, detail: PolicyName): WzError {
  return new WzError('rate_limited', `Too many requests; try again in ${retryAfterS} s.`, { retryAfterS, detail: `limit ${detail}` });
}

/**
 * The key of a source address: IPv4 as given, IPv6 by its /64 prefix (a host picks any address
 * in its /64 at will). An IPv4-mapped IPv6 address counts as the IPv4 one.
 */
export function sourceKey(ip: string | undefined): string {
  if (ip === undefined || ip === '') return 'unknown';
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) return mapped[1]!;
  if (!isIPv6(ip)) return ip.slice(0, 64);
  const [head = '', tail = ''] = ip.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === '' ? [] : tail.split(':');
  const groups = ip.includes('::') ? [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right] : left;
  return `${groups.slice(0, 4).map((g) => (parseInt(g, 16) || 0).toString(16)).join(':')}::/64`;
}

/** At most this many client keys are kept (a bound against unknown ids sent on purpose; then it starts over). */
const CLIENT_KEYS_MAX = 10_000;

/**
 * Keys for values that must not be stored as they are (client ids, phone numbers): an HMAC
 * under a key derived from a platform secret, so every process (sharing Redis) makes the same
 * key and nobody without the secret can tell which value a key stands for.
 */
export class KeyHasher {
  readonly #key: Buffer;
  /**
   * Client ids' keys, made once: every call of a relying party asks for its key, and client ids
   * are a small set of public identifiers. Phone numbers are never kept here (personal data).
   */
  readonly #clients = new Map<string, string>();

  constructor(secret: Uint8Array) {
    this.#key = createHmac('sha256', secret).update('wangzheng-rate-limit-keys').digest();
  }

  keyOf(kind: 'client' | 'phone', value: string): string {
    if (kind === 'phone') return this.#hash(kind, value);
    let k = this.#clients.get(value);
    if (k === undefined) {
      if (this.#clients.size >= CLIENT_KEYS_MAX) this.#clients.clear();
      k = this.#hash(kind, value);
      this.#clients.set(value, k);
    }
    return k;
  }

  #hash(kind: 'client' | 'phone', value: string): string {
    return `${kind[0]}:${createHmac('sha256', this.#key).update(`${kind}\u0000${value}`).digest('base64url').slice(0, 22)}`;
  }
}
