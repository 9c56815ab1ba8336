/**
 * Lockouts for the secrets that route handlers check without the limiter around them: the
 * `/metrics` bearer token, operator tokens on `/v1/admin/*` (checked synchronously by
 * admin/auth.ts, which cannot await a shared counter), and the person's passphrase and phone
 * codes under `/v1/me/*` (checked deep inside each control by passphrase/factor.ts and
 * person/phone.ts). Two hooks on the whole app do what `RateLimits.failures` does around a call:
 *
 *   onRequest  a covered route: every check is peeked; one past its limit refuses the request
 *              with 429 `rate_limited` and `Retry-After` before the handler runs — before the
 *              secret is looked at, so a right one is refused too until the window ends;
 *   onError    a covered route failed with one of the rule's codes (a wrong secret): one
 *              failure is counted against every check. Success counts nothing.
 *
 * The counters are the platform's limiter (limits/), so with `WZ_REDIS_URL` every process counts
 * against the same limit; without it each process counts alone. Keys are made by `RateLimits`
 * (the source address); no key, token or passphrase is logged.
 *
 * Only the routes named here are covered, so that a source locked out of passphrase guessing
 * still reaches everything else of its own — `/v1/me/lock`, `/v1/me/status`, device revocation
 * and the face reset (`/v1/me/passphrase/reset`), which is how a person gets back in.
 * Trust: the route pattern is Fastify's (never the URL); the source is `req.ip` (WZ_TRUST_PROXY).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { isWzError } from '@wangzheng/core/errors';
import type { Check, RateLimits } from '../limits/guard.ts';
import type { PolicyName } from '../limits/limiter.ts';

export interface LockoutRule {
  /** What the rule protects (docs and tests). */
  readonly name: string;
  /** Route patterns covered: exact, or a prefix ending in `*`. */
  readonly routes: readonly string[];
  /** Counted per source address under this policy. */
  readonly policy: PolicyName;
  /** The stable error codes that mean "a wrong secret" on these routes. */
  readonly failures: readonly string[];
  /** Only requests carrying `Authorization` are covered (the console's sealed cookie is not guessed). */
  readonly withAuthorization?: boolean;
}

/** Every route of `/v1/me` whose handler checks a passphrase or a one-time code. */
export const ME_SECRET_ROUTES = ['/v1/me/unlock', '/v1/me/cancel', '/v1/me/passphrase', '/v1/me/devices/transfer', '/v1/me/phone/confirm'] as const;

export const LOCKOUT_RULES: readonly LockoutRule[] = [
  { name: 'metrics token', routes: ['/metrics'], policy: 'source_fail', failures: ['invalid_token'] },
  { name: 'operator token', routes: ['/v1/admin/*'], policy: 'source_fail', failures: ['invalid_token'], withAuthorization: true },
  { name: 'person secrets', routes: ME_SECRET_ROUTES, policy: 'holder_fail', failures: ['wrong_passphrase', 'passphrase_locked', 'otp_invalid'] },
];

/** The rule covering `route` (a Fastify route pattern), if any. */
export function ruleFor(route: string | undefined, rules: readonly LockoutRule[] = LOCKOUT_RULES): LockoutRule | undefined {
  if (route === undefined) return undefined;
  return rules.find((r) => r.routes.some((p) => (p.endsWith('*') ? route.startsWith(p.slice(0, -1)) : route === p)));
}

/** Installs the two hooks on `app` (before or after its routes: root hooks apply to all). */
export function registerLockouts(app: FastifyInstance, limits: RateLimits, rules: readonly LockoutRule[] = LOCKOUT_RULES): void {
  // One lookup per route pattern, not per request (the patterns are a closed set).
  const byRoute = new Map<string | undefined, LockoutRule | undefined>();
  const covered = (req: FastifyRequest): { rule: LockoutRule; checks: Check[] } | undefined => {
    const route = req.routeOptions.url;
    if (!byRoute.has(route)) byRoute.set(route, ruleFor(route, rules));
    const rule = byRoute.get(route);
    if (rule === undefined || (rule.withAuthorization === true && req.headers.authorization === undefined)) return undefined;
    return { rule, checks: [{ policy: rule.policy, key: limits.source(req.ip) }] };
  };
  // Callback style: a request on any other route passes without a promise (the hot paths).
  app.addHook('onRequest', (req, _reply, done) => {
    const c = covered(req);
    if (!c) return done();
    limits.check(c.checks).then(() => done(), done);
  });
  app.addHook('onError', async (req, _reply, err) => {
    const c = covered(req);
    if (c && isWzError(err) && c.rule.failures.includes(err.code)) await limits.failed(c.checks);
  });
}
