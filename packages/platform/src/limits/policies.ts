/**
 * The rate-limit policies and their defaults (docs/limits.md explains each). The defaults are
 * chosen so that a legitimate high-volume relying party and the benchmarks (about a thousand
 * verifications a second from one address, one RP) are never refused, while guessing a secret
 * or pumping text messages is:
 *
 *   rp_calls         300000 / 60 s    every authenticated call of one RP (client id)
 *   client_fail          10 / 60 s    failed client authentications per (client id, source)
 *   client_fail_any     100 / 60 s    failed client authentications per client id, any source
 *   source_fail          30 / 60 s    failed client and operator authentications per source
 *   holder_fail         120 / 60 s    wrong passphrases and one-time codes per source (people's
 *                                     phones: many may share one carrier address, hence higher)
 *   sms_source          500 / 3600 s  text messages asked for per source
 *   sms_phone            10 / 3600 s  text messages per phone number (its keyed digest)
 *
 * A failure policy past its limit refuses the next request before the secret is looked at —
 * even a correct one — until the window ends: that is the lockout. `WZ_RATE_LIMITS` overrides
 * any of them: `policy=limit/windowSeconds,…`, validated at start-up.
 */
import { z } from 'zod';
import { POLICY_NAMES, type Policies, type Policy, type PolicyName } from './limiter.ts';

export const DEFAULT_POLICIES: Policies = {
  rp_calls: { limit: 300_000, windowS: 60 },
  client_fail: { limit: 10, windowS: 60 },
  client_fail_any: { limit: 100, windowS: 60 },
  source_fail: { limit: 30, windowS: 60 },
  holder_fail: { limit: 120, windowS: 60 },
  sms_source: { limit: 500, windowS: 3_600 },
  sms_phone: { limit: 10, windowS: 3_600 },
};

const ENTRY = /^([a-z_]+)=([0-9]{1,9})\/([0-9]{1,6})$/;

/**
 * The defaults with `spec`'s overrides (`client_fail=5/60,sms_phone=3/3600`).
 * @throws TypeError naming the entry that is not `policy=limit/seconds` with a known policy, a limit ≥ 1 and 1–86400 s.
 */
export function parsePolicies(spec: string | undefined): Policies {
  const out: Record<PolicyName, Policy> = { ...DEFAULT_POLICIES };
  for (const raw of (spec ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '')) {
    const m = ENTRY.exec(raw);
    const name = m?.[1] as PolicyName | undefined;
    const limit = Number(m?.[2]);
    const windowS = Number(m?.[3]);
    if (!m || !(POLICY_NAMES as readonly string[]).includes(name!) || limit < 1 || windowS < 1 || windowS > 86_400) {
      throw new TypeError(`rate limit entry "${raw.slice(0, 40)}": expected policy=limit/seconds with policy one of ${POLICY_NAMES.join(', ')}`);
    }
    out[name!] = { limit, windowS };
  }
  return out;
}

/** `WZ_RATE_LIMITS` in the configuration schema: the spec in, the policies out; a bad spec names the rule, never the value. */
export const policiesSpec = z
  .string()
  .max(2000)
  .optional()
  .transform((spec, ctx) => {
    try {
      return parsePolicies(spec);
    } catch {
      ctx.addIssue({ code: 'custom', message: `expected policy=limit/windowSeconds,… with a known policy (${POLICY_NAMES.join(', ')}), a limit ≥ 1 and 1–86400 s` });
      return z.NEVER;
    }
  });

/** The stricter policies of one process answering alone while the shared counter is down. */
export function dividePolicies(policies: Policies, divisor: number): Policies {
  const out = {} as Record<PolicyName, Policy>;
  for (const name of POLICY_NAMES) out[name] = { limit: Math.max(1, Math.floor(policies[name].limit / divisor)), windowS: policies[name].windowS };
  return out;
}
