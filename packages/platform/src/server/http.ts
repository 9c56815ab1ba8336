/**
 * The Fastify instance every platform route is mounted on, with the house rules applied once:
 * - every error leaves as `{ error, message }` with a stable code (see core/http-errors);
 * - unknown routes are a JSON 404, never an HTML page;
 * - bodies over the configured limit are a 413; only JSON bodies are parsed;
 * - the log never sees bodies, query strings or credentials: requests are logged by method,
 *   route pattern, status and time.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { toErrorResponse } from '@wangzheng/core/http-errors';

export interface HttpAppOptions {
  bodyLimit: number;
  logger: Logger;
}

export function createHttpApp(opts: HttpAppOptions): FastifyInstance {
  const app = Fastify({
    bodyLimit: opts.bodyLimit,
    // We log requests ourselves (below) so that URLs with query strings never reach a log line.
    logger: false,
    return503OnClosing: true,
    trustProxy: false,
  });
  const log = opts.logger;

  app.setErrorHandler((err, req, reply) => {
    const res = toErrorResponse(err);
    if (res.status >= 500) {
      log.error({ route: req.routeOptions.url, method: req.method, code: res.body.error, detail: res.detail }, 'request failed');
    } else {
      log.info({ route: req.routeOptions.url, method: req.method, code: res.body.error }, 'request rejected');
    }
    void reply.status(res.status).header('cache-control', 'no-store').send(res.body);
  });
  app.setNotFoundHandler((req, reply) => {
    void reply.status(404).send({ error: 'not_found', message: 'no such route' });
  });
  app.addHook('onResponse', async (req, reply) => {
    log.debug({ route: req.routeOptions.url ?? 'unmatched', method: req.method, status: reply.statusCode, ms: Math.round(reply.elapsedTime) }, 'request');
  });
  return app;
}
