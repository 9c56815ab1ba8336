/**
 * The access log: one `info` line per answered request —
 *
 *   {"level":30,"time":…,"msg":"request","reqId":"k3J…","method":"POST","route":"/v1/receipt-requests/:id/receipt","status":200,"ms":4.2,"bytes":912}
 *
 * The route is the Fastify route pattern (`unmatched` when no route matched), never the URL: a
 * path can hold a request reference or an enrollment id, and a query string can hold anything.
 * Deliberately never logged: the client's IP address and user agent (personal data under PIPL,
 * and of no use to the platform's operation), query strings, bodies and headers (tokens,
 * presentations, passphrases, phone numbers travel there).
 *
 * The probe and scrape routes (`/healthz`, `/readyz`, `/metrics`) are logged at `debug`: a load
 * balancer and Prometheus call them every few seconds, and their count is in the metrics.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';

/** One answered HTTP request, as the access log and the metrics see it. */
export interface AnsweredRequest {
  readonly reqId: string;
  readonly method: string;
  /** The Fastify route pattern (`/v1/receipt-requests/:id`), or `unmatched`: never the URL. */
  readonly route: string;
  readonly status: number;
  /** Server handling time, ms (0.1 ms resolution). */
  readonly ms: number;
  /** The response's `content-length`, when it had one. */
  readonly bytes?: number;
}

export const UNMATCHED_ROUTE = 'unmatched';
const QUIET_ROUTES: ReadonlySet<string> = new Set(['/healthz', '/readyz', '/metrics']);

export function answeredOf(req: FastifyRequest, reply: FastifyReply): AnsweredRequest {
  const length = Number(reply.getHeader('content-length'));
  return {
    reqId: req.id,
    method: req.method,
    route: req.routeOptions.url ?? UNMATCHED_ROUTE,
    status: reply.statusCode,
    ms: Math.round(reply.elapsedTime * 10) / 10,
    ...(Number.isSafeInteger(length) && length >= 0 ? { bytes: length } : {}),
  };
}

export function logAccess(log: Pick<Logger, 'info' | 'debug'>, a: AnsweredRequest): void {
  if (QUIET_ROUTES.has(a.route)) log.debug(a, 'request');
  else log.info(a, 'request');
}
