/**
 * The limiter's operations metrics, registered in the platform's own prom-client registry
 * (ops/metrics.ts): refusals by policy (a closed set) and answers from the local fallback while
 * Redis was unreachable. No key, address or client id is ever a label.
 */
import { Counter, type Registry } from 'prom-client';
import { POLICY_NAMES, type LimiterMetrics, type PolicyName } from './limiter.ts';

export function limiterMetrics(registry: Registry): LimiterMetrics {
  const limited = new Counter({ name: 'wz_rate_limited_total', help: 'Requests refused with 429 rate_limited, by policy.', labelNames: ['policy'], registers: [registry] });
  const fallback = new Counter({ name: 'wz_rate_limit_fallback_total', help: 'Rate-limit decisions answered by the local fallback because Redis was unreachable or slow.', registers: [registry] });
  for (const p of POLICY_NAMES) limited.inc({ policy: p }, 0);
  return {
    limited: (policy: PolicyName) => limited.inc({ policy: (POLICY_NAMES as readonly string[]).includes(policy) ? policy : 'other' }),
    fallback: () => fallback.inc(),
  };
}
