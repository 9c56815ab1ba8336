/**
 * Rate limits and lockouts (docs/limits.md): the contract (limiter.ts), the in-process backend
 * (memory.ts), the shared one with its stricter local fallback (redis.ts), the policies and their
 * defaults (policies.ts), and the checks the domains call (guard.ts). `openRateLimits` is called
 * once by the composition root (server/platform.ts), which closes the limiter with the platform.
 * Secrets that routes check on their own (metrics and operator tokens, the person's passphrases)
 * are locked out by the HTTP app's hooks over the same checks (http/lockout.ts).
 */
import { randomBytes } from 'node:crypto';
import { KeyHasher, type Limiter, type LimiterMetrics, type Policies } from './limiter.ts';
import { MemoryLimiter } from './memory.ts';
import { RedisLimiter, type LimiterLogger } from './redis.ts';
import { RateLimits } from './guard.ts';
import { DEFAULT_POLICIES } from './policies.ts';

export { KeyHasher, POLICY_NAMES, rateLimited, sourceKey, type Decision, type Limiter, type LimiterMetrics, type Policies, type Policy, type PolicyName } from './limiter.ts';
export { MemoryLimiter, type MemoryLimiterOptions } from './memory.ts';
export { RedisLimiter, type LimiterLogger, type RedisLimiterOptions } from './redis.ts';
export { DEFAULT_POLICIES, dividePolicies, parsePolicies } from './policies.ts';
export { RateLimits, type Check } from './guard.ts';
export { limiterMetrics } from './metrics.ts';
export { RateLimitedSmsSender } from './sms.ts';

export interface RateLimitsOptions {
  readonly policies: Policies;
  /** `WZ_REDIS_URL`: shared counters; unset, this process counts alone. */
  readonly redisUrl?: string | undefined;
  /** `WZ_RATE_LIMIT_FALLBACK_DIVISOR`: local limits = shared ones ÷ this while Redis is down. */
  readonly fallbackDivisor: number;
  /** The platform secret the digests in keys are made with (the blind-index key). */
  readonly keySecret: Uint8Array;
  readonly logger: LimiterLogger;
  readonly metrics?: LimiterMetrics;
  readonly now?: () => number;
}

/** The limiter the configuration asks for, and the checks over it. */
export async function openRateLimits(o: RateLimitsOptions): Promise<{ limits: RateLimits; limiter: Limiter }> {
  let limiter: Limiter;
  if (o.redisUrl) {
    const redis = new RedisLimiter({
      url: o.redisUrl,
      policies: o.policies,
      fallbackDivisor: o.fallbackDivisor,
      logger: o.logger,
      ...(o.metrics ? { metrics: o.metrics } : {}),
      ...(o.now ? { now: o.now } : {}),
    });
    // Not fatal: until Redis answers, the stricter local limits do (and a warning says so).
    await redis.ready(1000);
    limiter = redis;
  } else {
    limiter = new MemoryLimiter({ policies: o.policies, ...(o.now ? { now: o.now } : {}) });
  }
  const limits = new RateLimits({ limiter, keys: new KeyHasher(o.keySecret), ...(o.metrics ? { metrics: o.metrics } : {}) });
  return { limits, limiter };
}

/**
 * Checks over a limiter of this process alone with the default policies, for an HTTP app whose
 * caller supplied none (server/http.ts): source addresses only, so its digest key is random.
 */
export function localRateLimits(policies: Policies = DEFAULT_POLICIES): RateLimits {
  return new RateLimits({ limiter: new MemoryLimiter({ policies, maxKeys: 10_000 }), keys: new KeyHasher(randomBytes(32)) });
}
