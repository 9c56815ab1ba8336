/**
 * The Fastify instance every platform route is mounted on, with the house rules applied once:
 * - every error leaves as `{ error, message }` with a stable code (see core/http-errors);
 * - unknown routes are a JSON 404, never an HTML page;
 * - what Fastify and Node would answer on their own — a malformed URL, an over-long path
 *   parameter, oversized headers, a request that is not HTTP — is answered in the same shape,
 *   and never echoes the URL or any header back;
 * - bodies over the configured limit are a 413; only JSON bodies are parsed;
 * - a client gets `headersMs` for its headers and `requestMs` for the whole request, body
 *   included, counted from the request's start (a connection that sends nothing is cut too); past
 *   either, Node's check (every `connectionsCheckingInterval`) answers 408 `request_timeout` and
 *   closes the socket, so slow clients cannot hold connections (slowloris). An idle keep-alive
 *   connection is closed after `keepAliveMs`;
 * - every request has an id (the caller's `x-request-id` when well-formed, else a fresh one),
 *   echoed in the `x-request-id` response header and on each log line about the request;
 * - the log never sees bodies, query strings, headers or credentials: one access-log line per
 *   request with its id, method, route pattern, status, time and size (ops/access-log.ts);
 * - a 5xx is logged at `error`, except that a database outage (`store_unavailable`) is logged
 *   once at `error` and then at `debug` until the store answers (http/store-outage.ts);
 * - the secrets that routes check on their own (the metrics token, operator tokens, the
 *   person's passphrases and codes) are locked out per source (http/lockout.ts).
 */
import type { Socket } from 'node:net';
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import type { Logger } from 'pino';
import { WzError, type ErrorCode } from '@wangzheng/core/errors';
import { toErrorResponse } from '@wangzheng/core/http-errors';
import { answeredOf, logAccess, UNMATCHED_ROUTE, type AnsweredRequest } from '../ops/access-log.ts';
import { REQUEST_ID_HEADER, requestIdOf } from '../ops/request-id.ts';
import { registerLockouts } from '../http/lockout.ts';
import { StoreOutageLog } from '../http/store-outage.ts';
import { localRateLimits, type RateLimits } from '../limits/index.ts';

export interface HttpAppOptions {
  bodyLimit: number;
  logger: Logger;
  /** One `info` line per request (WZ_ACCESS_LOG). Default true. */
  accessLog?: boolean;
  /** Told about every answered request (ops/metrics.ts). */
  metrics?: { request(a: AnsweredRequest): void };
  /** WZ_HTTP_*_TIMEOUT_MS; defaults as in config.ts. `headersMs` must not exceed `requestMs`. */
  timeouts?: HttpTimeouts;
  /** WZ_TRUST_PROXY: the load balancers whose `X-Forwarded-For` names the client (`req.ip`). None: nobody's. */
  trustProxy?: readonly string[];
  /**
   * The platform's rate limits (limits/, shared through Redis when configured): the lockouts of
   * the metrics token, operator tokens and the person's secrets count there (http/lockout.ts).
   * Without it, a limiter of this process alone with the default policies.
   */
  limits?: RateLimits;
}

export interface HttpTimeouts {
  headersMs: number;
  requestMs: number;
  keepAliveMs: number;
}

/** The configuration's defaults (config.ts; a test keeps the two equal). */
export const DEFAULT_HTTP_TIMEOUTS: HttpTimeouts = { headersMs: 10_000, requestMs: 30_000, keepAliveMs: 5_000 };

/** How often Node looks for requests past their deadline (its default, 30 s, would let them run that much longer). */
function timeoutCheckInterval(t: HttpTimeouts): number {
  return Math.min(1_000, Math.max(25, Math.floor(t.headersMs / 4)));
}

export function createHttpApp(opts: HttpAppOptions): FastifyInstance {
  const t = opts.timeouts ?? DEFAULT_HTTP_TIMEOUTS;
  const app = Fastify({
    bodyLimit: opts.bodyLimit,
    // Node's own deadlines (Fastify sets requestTimeout and keepAliveTimeout on the server after
    // creating it, so they go to both). No socket idle timeout (connectionTimeout): these cover
    // receiving a request and idling between requests, our answers are small enough for the
    // kernel's send buffer, and an idle timeout would also cut a handler waiting on the registry.
    requestTimeout: t.requestMs,
    keepAliveTimeout: t.keepAliveMs,
    http: { headersTimeout: t.headersMs, requestTimeout: t.requestMs, connectionsCheckingInterval: timeoutCheckInterval(t) },
    // We log requests ourselves (below) so that URLs with query strings never reach a log line.
    logger: false,
    return503OnClosing: true,
    // Only the configured balancers may say who the client is (the rate limits' source).
    trustProxy: opts.trustProxy && opts.trustProxy.length > 0 ? opts.trustProxy.join(',') : false,
    // The id is ours to choose: the caller's only when it has a safe shape (ops/request-id.ts).
    requestIdHeader: false,
    genReqId: requestIdOf,
    // Before routing: a URL that does not decode, a path parameter past maxParamLength.
    frameworkErrors: (err, req, reply) => {
      const e =
        err.code === 'FST_ERR_MAX_PARAM_LENGTH'
          ? new WzError('uri_too_long', 'A path parameter is too long.', { detail: err.code })
          : new WzError('invalid_request', 'The request URL is malformed.', { detail: err.code });
      // (Fastify types this reply for an unknown route schema; it is a plain reply.)
      void (reply as unknown as FastifyReply).status(e.status).header('cache-control', 'no-store').header(REQUEST_ID_HEADER, req.id).send(e.toJSON());
    },
    // Before Fastify sees a request at all: Node's HTTP parser refused it.
    clientErrorHandler: (err: Error & { code?: string }, socket: Socket) => writeClientError(err, socket),
  });
  const log = opts.logger;
  // A database outage is logged once at error level, not once per refused request (http/store-outage.ts).
  const outage = new StoreOutageLog(log);
  app.decorate('storeOutage', outage);

  app.setErrorHandler((err, req, reply) => {
    const res = toErrorResponse(err);
    if (res.body.error === 'store_unavailable') {
      outage.refused(req.routeOptions.url ?? UNMATCHED_ROUTE, { reqId: req.id, route: req.routeOptions.url, method: req.method, code: res.body.error, detail: res.detail });
    } else if (res.status >= 500) {
      log.error({ reqId: req.id, route: req.routeOptions.url, method: req.method, code: res.body.error, detail: res.detail }, 'request failed');
    } else {
      log.info({ reqId: req.id, route: req.routeOptions.url, method: req.method, code: res.body.error }, 'request rejected');
    }
    if (res.retryAfterS !== undefined) void reply.header('retry-after', String(res.retryAfterS));
    void reply.status(res.status).header('cache-control', 'no-store').send(res.body);
  });
  app.setNotFoundHandler((req, reply) => {
    void reply.status(404).send({ error: 'not_found', message: 'no such route' });
  });
  // The hooks every request passes are callback style: an async hook costs each request a promise.
  app.addHook('onRequest', (req, reply, done) => {
    void reply.header(REQUEST_ID_HEADER, req.id);
    done();
  });
  const accessLog = opts.accessLog !== false;
  app.addHook('onResponse', (req, reply, done) => {
    const answered = answeredOf(req, reply);
    if (accessLog) logAccess(log, answered);
    opts.metrics?.request(answered);
    outage.answered(answered.route, answered.status);
    done();
  });
  // Lockouts of secrets the routes check without the limiter around them (http/lockout.ts).
  registerLockouts(app, opts.limits ?? localRateLimits());
  return app;
}

const CLIENT_ERRORS: Record<string, { code: ErrorCode; message: string }> = {
  HPE_HEADER_OVERFLOW: { code: 'header_too_large', message: 'The request headers are too large.' },
  ERR_HTTP_REQUEST_TIMEOUT: { code: 'request_timeout', message: 'The request took too long to arrive.' },
};

/** A `{ error, message }` answer written straight to a socket whose request never parsed. */
function writeClientError(err: Error & { code?: string }, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const known = CLIENT_ERRORS[err.code ?? ''] ?? { code: 'invalid_request' as const, message: 'The request is not valid HTTP.' };
  const e = new WzError(known.code, known.message);
  // As Node does: never write into a response that has already begun on this socket.
  const inFlight = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (socket.writable && !inFlight?.headersSent) {
    const body = JSON.stringify(e.toJSON());
    // An answer to HEAD has no body (RFC 9110 §9.3.2): the parser failed, but the method was read.
    const packet = (err as { rawPacket?: unknown }).rawPacket;
    const head = packet instanceof Buffer && packet.subarray(0, 5).toString('latin1') === 'HEAD ';
    socket.write(`HTTP/1.1 ${e.status} ${STATUS_TEXT[e.status] ?? 'Bad Request'}\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\ncache-control: no-store\r\nconnection: close\r\n\r\n${head ? '' : body}`);
  }
  socket.destroy(err);
}

const STATUS_TEXT: Record<number, string> = { 400: 'Bad Request', 408: 'Request Timeout', 431: 'Request Header Fields Too Large' };
