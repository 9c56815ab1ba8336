/**
 * The platform's public keys (`/.well-known/jwks.json`), fetched once and cached.
 *
 * Trusted: the JWKS as the TLS connection to the platform delivers it. Each key is imported
 * through @wangzheng/core `importPublicKey`, which takes only public members and refuses a
 * JWK carrying `d`; keys of types this SDK does not know are skipped (they cannot have signed
 * anything it accepts). The cache is refreshed after `maxAgeMs`, or earlier when a receipt
 * names a key id the cache does not hold (key rotation) — at most once per `minRefreshMs`, so
 * tokens with made-up key ids cannot make the SDK hammer the platform.
 */
import { importPublicKey, type PublicJwk, type PublicKey } from '@wangzheng/core/crypto/index';
import { WangzhengError } from './errors.ts';

export interface JwksCacheOptions {
  /** Keep a fetched set this long. Default 5 minutes (the platform's `cache-control`). */
  maxAgeMs?: number;
  /** Refetch for an unknown key id at most this often. Default 30 seconds. */
  minRefreshMs?: number;
  /** Per-fetch timeout. Default 10 seconds. */
  timeoutMs?: number;
}

export class JwksCache {
  #keys: PublicKey[] | undefined;
  #fetchedAt = 0;
  #inflight: Promise<PublicKey[]> | undefined;
  readonly #maxAgeMs: number;
  readonly #minRefreshMs: number;
  readonly #timeoutMs: number;

  /**
   * @example
   *   const jwks = new JwksCache('https://wangzheng.example/.well-known/jwks.json', fetch);
   *   const keys = await jwks.keys();
   */
  constructor(
    readonly url: string,
    private readonly fetchImpl: typeof fetch,
    o: JwksCacheOptions = {},
  ) {
    this.#maxAgeMs = o.maxAgeMs ?? 300_000;
    this.#minRefreshMs = o.minRefreshMs ?? 30_000;
    this.#timeoutMs = o.timeoutMs ?? 10_000;
  }

  /**
   * The cached keys, fetched if there are none or they are older than `maxAgeMs`. With
   * `kid`, refetches early (rate-limited) when no cached key has that RFC 7638 thumbprint.
   *
   * @example
   *   const keys = await jwks.keys(unverifiedHeader.kid);
   */
  async keys(kid?: string): Promise<PublicKey[]> {
    const now = Date.now();
    const fresh = this.#keys !== undefined && now - this.#fetchedAt < this.#maxAgeMs;
    const unknownKid = kid !== undefined && this.#keys !== undefined && !this.#keys.some((k) => k.thumbprint === kid);
    if (fresh && !(unknownKid && now - this.#fetchedAt >= this.#minRefreshMs)) return this.#keys!;
    this.#inflight ??= this.#fetch().finally(() => {
      this.#inflight = undefined;
    });
    return this.#inflight;
  }

  async #fetch(): Promise<PublicKey[]> {
    let body: unknown;
    try {
      const res = await this.fetchImpl(this.url, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(this.#timeoutMs) });
      if (!res.ok) throw new WangzhengError('jwks_unavailable', `The platform's JWKS answered HTTP ${res.status}.`, { status: res.status });
      body = await res.json();
    } catch (e) {
      if (e instanceof WangzhengError) throw e;
      throw new WangzhengError('jwks_unavailable', `Cannot fetch the platform's JWKS from ${this.url}.`, { cause: e });
    }
    const list = (body as { keys?: unknown } | null)?.keys;
    const keys: PublicKey[] = [];
    for (const k of Array.isArray(list) ? list : []) {
      try {
        keys.push(importPublicKey(k as PublicJwk));
      } catch {
        // an unknown or malformed key: it verifies nothing
      }
    }
    if (keys.length === 0) throw new WangzhengError('jwks_unavailable', 'The platform’s JWKS holds no key this SDK can use.');
    this.#keys = keys;
    this.#fetchedAt = Date.now();
    return keys;
  }
}
