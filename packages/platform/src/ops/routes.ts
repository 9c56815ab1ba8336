/**
 * The operations endpoints (docs/operations.md):
 *
 *   GET /healthz   liveness: the process answers and its event loop is not stalled (liveness.ts);
 *                  reads nothing outside the process, so a database outage leaves it 200
 *   GET /readyz    readiness: 200 `ready` or 503 `not_ready` with `Retry-After` (readiness.ts)
 *   GET /metrics   Prometheus text format (metrics.ts); in a cluster worker, the sum over every
 *                  worker (cluster.ts)
 *
 * Who may read /metrics: with `WZ_METRICS_TOKEN` set, only a caller presenting it as
 * `Authorization: Bearer <token>` (compared in constant time; 401 `unauthenticated` without
 * one, 401 `invalid_token` with another). Without a token: open in development; in production
 * the route does not exist (404) — the figures say how busy the service is and which relying
 * parties' routes fail, which is not for everyone on the network. Wrong tokens are locked out per
 * source like operator tokens (`source_fail`, 429 with `Retry-After`: http/lockout.ts).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Registry } from 'prom-client';
import { WzError } from '@wangzheng/core/errors';
import { clusterMetricsSource } from './cluster.ts';
import { Liveness } from './liveness.ts';
import type { Readiness } from './readiness.ts';

export const METRICS_REALM = 'wangzheng-metrics';
/** Seconds a load balancer waits before asking an unready process again. */
export const READYZ_RETRY_AFTER_S = 5;

export interface OpsRouteDeps {
  /** This platform's registry (ops/metrics.ts); in a cluster worker, merged with the others' (cluster.ts). */
  readonly registry: Registry;
  readonly readiness: Readiness;
  /** What /healthz names. (`ping` is /readyz's; liveness reads nothing outside the process.) */
  readonly health: { ping?(): Promise<unknown>; readonly store: string; readonly suite: string };
  /** The event-loop check of /healthz; default a `Liveness` started here and stopped on close. */
  readonly liveness?: Liveness;
  readonly mode: 'development' | 'production';
  /** `WZ_METRICS_TOKEN`. */
  readonly metricsToken?: string | undefined;
}

export function registerOpsRoutes(app: FastifyInstance, d: OpsRouteDeps): void {
  const liveness = d.liveness ?? new Liveness();
  if (d.liveness === undefined) {
    liveness.start();
    app.addHook('onClose', async () => liveness.stop());
  }
  app.get('/healthz', async (_req, reply) => {
    const live = liveness.check();
    void reply.header('cache-control', 'no-store');
    if (live.status === 'ok') return { status: 'ok', store: d.health.store, suite: d.health.suite };
    return reply.status(503).send({ status: live.status, store: d.health.store, suite: d.health.suite, eventLoopDelayMs: live.eventLoopDelayMs });
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
  const source = clusterMetricsSource(d.registry);
  app.addHook('onClose', async () => source.close());
  app.get('/metrics', async (req, reply) => {
    void reply.header('cache-control', 'no-store');
    if (expected !== undefined) checkToken(req.headers.authorization, expected, reply);
    const text = await source.metrics();
    return reply.header('content-type', source.contentType).send(text);
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
