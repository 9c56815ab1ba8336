/**
 * The shared limiter: one counter per (policy, key) in Redis (`WZ_REDIS_URL`), so that every
 * server process behind the load balancer counts against the same limit. Each decision is one
 * round trip: a Lua script (`defineCommand`) that increments the counter and sets its expiry on
 * the window's first hit, atomically — two processes racing get counts 1 and 2, never 1 and 1.
 *
 * Redis down → stricter local limits, never a fall-over. Every command has a short deadline
 * (`commandTimeout`, default 50 ms), no retries and no offline queue, so a dead or slow Redis
 * costs a request at most that long. A failed or late call is answered from an in-process
 * `MemoryLimiter` whose limits are the shared ones divided by `fallbackDivisor` (about the number
 * of server processes: together they then admit about what the shared limit would). Redis is
 * not asked again for `retryMs` (default 5 s); one warning is logged per outage and one line when
 * it is back — never a key — and each fallback answer is counted (`LimiterMetrics.fallback`).
 *
 * Trust: Redis holds only counters under keys made in limiter.ts (digests and source
 * addresses); what it answers is trusted as a count, nothing more.
 */
import { Redis } from 'ioredis';
import { decide, type Decision, type Limiter, type LimiterMetrics, type Policies, type PolicyName } from './limiter.ts';
import { MemoryLimiter } from './memory.ts';
import { dividePolicies } from './policies.ts';

/** KEYS[1] the counter; ARGV[1] 1 to count, 0 to peek; ARGV[2] the window in ms. Returns {count, ttl ms}. */
const WINDOW_SCRIPT = `
if ARGV[1] == '0' then
  local c = redis.call('GET', KEYS[1])
  if not c then return {0, 0} end
  return {tonumber(c), redis.call('PTTL', KEYS[1])}
end
local c = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  ttl = tonumber(ARGV[2])
end
return {c, ttl}
`;

/** The two log calls the limiter makes (a pino logger fits). */
export interface LimiterLogger {
  warn(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
}

interface WindowCommand {
  wzWindow(key: string, count: '0' | '1', windowMs: number): Promise<[number, number]>;
}

export interface RedisLimiterOptions {
  readonly url: string;
  readonly policies: Policies;
  /** The local fallback's limits are the shared ones divided by this (≥ 1). */
  readonly fallbackDivisor: number;
  readonly logger: LimiterLogger;
  readonly metrics?: LimiterMetrics;
  /** Clock of the fallback's windows (tests). */
  readonly now?: () => number;
  /** Deadline of one Redis call (default 50 ms). */
  readonly timeoutMs?: number;
  /** How long the fallback answers alone after a failure (default 5000 ms). */
  readonly retryMs?: number;
  /** Prefix of every key (default `wz:rl:`); tests use their own. */
  readonly prefix?: string;
}

export class RedisLimiter implements Limiter {
  readonly #redis: Redis & WindowCommand;
  readonly #policies: Policies;
  readonly #fallback: MemoryLimiter;
  readonly #o: RedisLimiterOptions;
  readonly #prefix: string;
  readonly #retryMs: number;
  #downUntil = 0;
  #outage = false;

  constructor(o: RedisLimiterOptions) {
    if (!(o.fallbackDivisor >= 1)) throw new TypeError('fallbackDivisor must be at least 1');
    this.#o = o;
    this.#policies = o.policies;
    this.#prefix = o.prefix ?? 'wz:rl:';
    this.#retryMs = o.retryMs ?? 5000;
    this.#fallback = new MemoryLimiter({ policies: dividePolicies(o.policies, o.fallbackDivisor), ...(o.now ? { now: o.now } : {}) });
    const timeout = o.timeoutMs ?? 50;
    const redis = new Redis(o.url, {
      commandTimeout: timeout,
      connectTimeout: Math.max(500, timeout * 10),
      maxRetriesPerRequest: 0,
      enableOfflineQueue: false,
      // Keep reconnecting in the background, at most every 2 s.
      retryStrategy: (times) => Math.min(times * 100, 2000),
    });
    redis.defineCommand('wzWindow', { numberOfKeys: 1, lua: WINDOW_SCRIPT });
    // Connection errors arrive as events too; without a listener Node would print them.
    redis.on('error', (e: unknown) => this.#down(e));
    // Connected again: ask Redis at once rather than at the end of the retry pause.
    redis.on('ready', () => {
      this.#downUntil = 0;
    });
    this.#redis = redis as Redis & WindowCommand;
  }

  /** Resolves once connected (true), or after `ms` without a connection (false: the fallback answers meanwhile). */
  ready(ms = 1000): Promise<boolean> {
    if (this.#redis.status === 'ready') return Promise.resolve(true);
    return new Promise((resolve) => {
      const onReady = (): void => {
        clearTimeout(timer);
        resolve(true);
      };
      const timer = setTimeout(() => {
        this.#redis.off('ready', onReady);
        resolve(false);
      }, ms);
      this.#redis.once('ready', onReady);
    });
  }

  /** Whether the last call to Redis failed and the fallback is answering. */
  get degraded(): boolean {
    return this.#outage;
  }

  hit(policy: PolicyName, key: string): Promise<Decision> {
    return this.#ask(policy, key, true);
  }

  peek(policy: PolicyName, key: string): Promise<Decision> {
    return this.#ask(policy, key, false);
  }

  async close(): Promise<void> {
    this.#redis.disconnect();
    await this.#fallback.close();
  }

  async #ask(policy: PolicyName, key: string, counting: boolean): Promise<Decision> {
    if (Date.now() < this.#downUntil) return this.#local(policy, key, counting);
    const p = this.#policies[policy];
    try {
      const [count, ttl] = await this.#redis.wzWindow(`${this.#prefix}${policy}:${key}`, counting ? '1' : '0', p.windowS * 1000);
      if (this.#outage) {
        this.#outage = false;
        this.#o.logger.info({ limiter: 'redis' }, 'rate-limit store reachable again; shared limits apply');
      }
      return decide(p, Number(count), Number(ttl), counting);
    } catch (e) {
      this.#down(e);
      return this.#local(policy, key, counting);
    }
  }

  #local(policy: PolicyName, key: string, counting: boolean): Decision {
    this.#o.metrics?.fallback();
    return counting ? this.#fallback.hitSync(policy, key) : this.#fallback.peekSync(policy, key);
  }

  #down(e: unknown): void {
    this.#downUntil = Date.now() + this.#retryMs;
    if (this.#outage) return;
    this.#outage = true;
    // The reason only (a connection or timeout message): never a key.
    const reason = e instanceof Error ? e.message.slice(0, 120) : 'unknown';
    this.#o.logger.warn({ limiter: 'redis', reason, divisor: this.#o.fallbackDivisor }, 'rate-limit store unreachable; stricter local limits apply until it is back');
  }
}
