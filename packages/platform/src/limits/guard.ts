/**
 * What the domains call: the limiter turned into the few checks the platform makes.
 *
 * - `failures(checks, run, isFailure)` — a secret check with lockout. Before `run`, every
 *   check is peeked: one past its limit refuses the request (429 `rate_limited`, `Retry-After`)
 *   without running it, so a correct secret is refused too until the window ends — otherwise
 *   a guesser would simply keep going and be told when they are right. A failure of `run` (as
 *   `isFailure` judges it) is counted against every check; a success counts nothing.
 * - `count(policy, key)` — an event that is always counted (an RP's calls, a text message).
 * - `sms(number, source)` — one text message: per phone-number digest and, when known, per source.
 *
 * Keys are made here from `KeyHasher` and `sourceKey` (limiter.ts); callers hand over raw
 * values, which go no further. A refusal is logged by the error handler like any 4xx — with
 * the policy's name in the private detail, never the key.
 */
import type { WzError } from '@wangzheng/core/errors';
import { KeyHasher, rateLimited, sourceKey, type Limiter, type LimiterMetrics, type PolicyName } from './limiter.ts';

export interface Check {
  readonly policy: PolicyName;
  readonly key: string;
}

export interface RateLimitsDeps {
  readonly limiter: Limiter;
  readonly keys: KeyHasher;
  readonly metrics?: LimiterMetrics;
}

export class RateLimits {
  readonly #d: RateLimitsDeps;

  constructor(deps: RateLimitsDeps) {
    this.#d = deps;
  }

  /** The key of a client id (claimed or authenticated): a keyed digest. */
  client(clientId: string): string {
    return this.#d.keys.keyOf('client', clientId);
  }

  /** The key of a source address (limiter.ts `sourceKey`). */
  source(ip: string | undefined): string {
    return sourceKey(ip);
  }

  /** The checks of a client authentication: per source, per (client, source), per client. */
  clientChecks(clientId: string | undefined, ip: string | undefined): Check[] {
    const source = this.source(ip);
    const checks: Check[] = [{ policy: 'source_fail', key: source }];
    if (clientId !== undefined && clientId !== '') {
      const client = this.client(clientId.slice(0, 256));
      checks.push({ policy: 'client_fail', key: `${client}|${source}` }, { policy: 'client_fail_any', key: client });
    }
    return checks;
  }

  /** Runs a secret check under lockout (see the header). */
  async failures<T>(checks: readonly Check[], run: () => Promise<T>, isFailure: (e: unknown) => boolean): Promise<T> {
    await this.check(checks);
    try {
      return await run();
    } catch (e) {
      if (isFailure(e)) await this.failed(checks);
      throw e;
    }
  }

  /**
   * The first half of `failures`, for a secret checked where the limiter cannot be awaited around
   * it (http/lockout.ts: a hook before the route, another when it fails): 429 when any check is
   * past its limit; counts nothing.
   */
  async check(checks: readonly Check[]): Promise<void> {
    const peeked = await Promise.all(checks.map((c) => this.#d.limiter.peek(c.policy, c.key)));
    const refused = peeked.findIndex((d) => !d.allowed);
    if (refused >= 0) throw this.#refuse(checks[refused]!.policy, Math.max(...peeked.map((d) => d.retryAfterS)));
  }

  /** The second half: one failure counted against every check. */
  async failed(checks: readonly Check[]): Promise<void> {
    await Promise.all(checks.map((c) => this.#d.limiter.hit(c.policy, c.key)));
  }

  /** Counts one event; past the limit, 429. */
  async count(policy: PolicyName, key: string): Promise<void> {
    const d = await this.#d.limiter.hit(policy, key);
    if (!d.allowed) throw this.#refuse(policy, d.retryAfterS);
  }

  /** One text message to `number` (canonical form), asked for from `ip` when known. */
  async sms(number: string, ip?: string): Promise<void> {
    if (ip !== undefined) await this.count('sms_source', this.source(ip));
    await this.count('sms_phone', this.#d.keys.keyOf('phone', number));
  }

  #refuse(policy: PolicyName, retryAfterS: number): WzError {
    this.#d.metrics?.limited(policy);
    return rateLimited(retryAfterS, policy);
  }
}
