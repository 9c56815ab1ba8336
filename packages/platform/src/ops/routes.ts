/**
 * The operations endpoints (docs/operations.md):
 *
 *   GET /healthz   liveness: the process answers and its store reads (unchanged since the start;
 *                  503 `store_unavailable` with `Retry-After` while the database is away)
 *   GET /readyz    readiness: 200 `ready` or 503 `not_ready` with `Retry-After` (readiness.ts)
 *   GET /metrics   Prometheus text format (metrics.ts)
 *
 * Who may read /metrics: with `WZ_METRICS_TOKEN` set, only a caller presenting it as
 * `Authorization: Bearer <token>` (compared in constant time; 401 `unauthenticated` without
 * one, 401 `invalid_token` with another). Without a token: open in development; in production
 * the route does not exist (404) — the figures say how busy the service is and which relying
 * parties' routes fail, which is not for everyone on the network.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { WzError } from '@wangzheng/core/errors';
import { STORE_RETRY_AFTER_S } from '../store/dialect.ts';
import type { Readiness } from './readiness.ts';

export const METRICS_REALM = 'wangzheng-metrics';
/** Seconds a load balancer waits before asking an unready process again. */
export const READYZ_RETRY_AFTER_S = 5;

export interface OpsRouteDeps {
  readonly registry: { readonly contentType: string; metrics(): Promise<string> };
  readonly readiness: Readiness;
  /** What /healthz reads (the store's health counter) and names. */
  readonly health: { ping(): Promise<unknown>; readonly store: string; readonly suite: string };
  readonly mode: 'development' | 'production';
  /** `WZ_METRICS_TOKEN`. */
  readonly metricsToken?: string | undefined;
}

export function registerOpsRoutes(app: FastifyInstance, d: OpsRouteDeps): void {
  app.get('/healthz', async () => {
    try {
      await d.health.ping();
    } catch (e) {
      throw new WzError('store_unavailable', 'The store is unavailable.', { cause: e, retryAfterS: STORE_RETRY_AFTER_S });
    }
    return { status: 'ok', store: d.health.store, suite: d.health.suite };
  });

  app.get('/readyz', async (_req, reply) => {
    const report = await d.readiness.check();
    void reply.header('cache-control', 'no-store');
    if (report.status !== 'ready') void reply.status(503).header('retry-after', String(READYZ_RETRY_AFTER_S));
    return report;
  });

  // Production without a token: no route at all, so the answer is the ordinary 404.
  if (d.metricsToken === undefined && d.mode === 'production') return;
  const expected = d.metricsToken === undefined ? undefined : digest(d.metricsToken);
  app.get('/metrics', async (req, reply) => {
    void reply.header('cache-control', 'no-store');
    if (expected !== undefined) checkToken(req.headers.authorization, expected, reply);
    const text = await d.registry.metrics();
    return reply.header('content-type', d.registry.contentType).send(text);
  });
}

function digest(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

/** @throws WzError `unauthenticated` (no bearer token) or `invalid_token` (another one), both 401 with a challenge. */
function checkToken(authorization: string | undefined, expected: Buffer, reply: FastifyReply): void {
  const m = typeof authorization === 'string' ? /^Bearer +(\S+)\s*$/i.exec(authorization) : null;
  if (!m) {
    void reply.header('www-authenticate', `Bearer realm="${METRICS_REALM}"`);
    throw new WzError('unauthenticated', 'The metrics need a token: Authorization: Bearer <token>.');
  }
  // Digests of equal length: the comparison's time says nothing about the token.
  if (!timingSafeEqual(digest(m[1]!), expected)) {
    void reply.header('www-authenticate', `Bearer realm="${METRICS_REALM}", error="invalid_token"`);
    throw new WzError('invalid_token', 'This token does not give access to the metrics.');
  }
}
