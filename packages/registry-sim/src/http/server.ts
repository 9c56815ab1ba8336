/**
 * The registry simulator's HTTP service — its own Fastify server, port and SQLite database.
 *
 * Request pipeline (in order):
 *   1. body read raw (any content type, ≤ bodyLimit → else 413 payload_too_large);
 *   2. /v1/*: HMAC-SM3 request signature over method, path, timestamp, nonce and body hash
 *      (core/registry/http-auth.ts) → else 401 unauthenticated. /health and /sim/* are open;
 *   3. POST bodies must be application/json and parse → else 415 / 400 invalid_json;
 *   4. each route validates its body with the contract's zod schema → 400 with a code.
 * Errors leave as `{ error, message }` (core/http-errors.ts): never a stack trace, never a 500
 * for bad input. Log lines carry method, route, status, time and key id — no bodies.
 */
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import pino, { type Logger } from 'pino';
import { WzError } from '@wangzheng/core/errors';
import { toErrorResponse } from '@wangzheng/core/http-errors';
import { ReplayCache, toSharedKey, verifyRequest, type SharedKey } from '@wangzheng/core/registry/http-auth';
import { openDb, type Db } from '../store/db.ts';
import { RegistryStore } from '../store/registry-store.ts';
import { IssuerPki } from '../pki/issuers.ts';
import { loadPopulation, loadPopulationParallel, PARALLEL_FROM, populationSize } from '../population/load.ts';
import { RegistryService, type RegistryServiceOptions } from '../service.ts';
import { registerContractRoutes } from './routes-v1.ts';
import { registerSimulationRoutes } from './routes-sim.ts';

export const DEFAULT_REGISTRY_PORT = 8081;
export const DEFAULT_POPULATION = { count: 10_000, seed: 'wangzheng' } as const;

export interface RegistryServerOptions extends RegistryServiceOptions {
  /** SQLite file (created if missing) or `:memory:`. */
  dbPath: string;
  /** Accepted shared keys (`keyId:base64url` or parsed); any of them authenticates. At least one. */
  sharedKeys: ReadonlyArray<SharedKey | string>;
  /** Population seeded when the database is empty. Default 10,000 people, seed `wangzheng`. `false`: none. */
  population?: { count: number; seed: string; asOf?: string } | false;
  /** Largest request body in bytes. Default 64 KiB. */
  bodyLimit?: number;
  /** Serve the /sim/* device-simulation endpoints. Default true. */
  simEndpoints?: boolean;
  logger?: Logger;
}

export interface RegistryServer {
  app: FastifyInstance;
  service: RegistryService;
  db: Db;
  /** Starts listening; resolves to the base URL. Defaults: 127.0.0.1:8081. */
  listen(opts?: { port?: number; host?: string }): Promise<string>;
  close(): Promise<void>;
}

declare module 'fastify' {
  interface FastifyRequest {
    rawBody?: Buffer;
    registryKeyId?: string;
  }
}

export async function createRegistryServer(opts: RegistryServerOptions): Promise<RegistryServer> {
  const keys = opts.sharedKeys.map(toSharedKey);
  if (keys.length === 0) throw new WzError('invalid_configuration', 'the registry needs at least one shared key');
  const log = opts.logger ?? pino({ level: 'silent' });
  const db = openDb(opts.dbPath);
  try {
    const population = opts.population ?? DEFAULT_POPULATION;
    if (population !== false && populationSize(db) === 0) {
      const r = population.count >= PARALLEL_FROM ? await loadPopulationParallel(db, population) : loadPopulation(db, population);
      log.info({ people: r.people, documents: r.documents, ms: Math.round(r.ms) }, 'registry population generated');
    }
    const pki = IssuerPki.open(db);
    const service = new RegistryService(new RegistryStore(db), pki, opts);
    const app = buildApp(service, keys, opts, log);
    await app.ready();
    return {
      app,
      service,
      db,
      async listen(l = {}) {
        return app.listen({ port: l.port ?? DEFAULT_REGISTRY_PORT, host: l.host ?? '127.0.0.1' });
      },
      async close() {
        await app.close();
        db.close();
      },
    };
  } catch (e) {
    db.close();
    throw e;
  }
}

function buildApp(service: RegistryService, keys: SharedKey[], opts: RegistryServerOptions, log: Logger): FastifyInstance {
  const app = Fastify({ bodyLimit: opts.bodyLimit ?? 65_536, logger: false, return503OnClosing: true });
  const replay = new ReplayCache();
  const now = opts.now ?? (() => new Date());

  // Keep the exact bytes: the signature covers them. JSON is parsed after authentication.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (req: FastifyRequest, body: Buffer, done: (err: Error | null, body?: unknown) => void) => {
    req.rawBody = body;
    done(null, undefined);
  });

  app.addHook('preHandler', async (req) => {
    const path = req.routeOptions.url ?? '';
    if (path.startsWith('/v1/')) {
      req.registryKeyId = verifyRequest(req.headers.authorization, { method: req.method, path: req.url, body: req.rawBody }, keys, { now: now(), replay }).keyId;
    }
    if (req.method === 'POST') {
      const type = String(req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
      if (type !== 'application/json') {
        throw new WzError('invalid_request', 'Unsupported content type; send application/json.', { status: 415 });
      }
      const raw = req.rawBody;
      if (!raw || raw.length === 0) {
        req.body = {};
        return;
      }
      try {
        req.body = JSON.parse(raw.toString('utf8'));
      } catch {
        throw new WzError('invalid_json', 'The request body is not valid JSON.');
      }
    }
  });

  app.setErrorHandler((err, req, reply) => {
    const res = toErrorResponse(err);
    const entry = { route: req.routeOptions.url, method: req.method, code: res.body.error, keyId: req.registryKeyId };
    if (res.status >= 500) log.error({ ...entry, detail: res.detail }, 'registry request failed');
    else log.info({ ...entry, detail: res.detail }, 'registry request rejected');
    void reply.status(res.status).header('cache-control', 'no-store').send(res.body);
  });
  app.setNotFoundHandler((_req, reply) => {
    void reply.status(404).header('cache-control', 'no-store').send({ error: 'not_found', message: 'No such route.' });
  });
  app.addHook('onSend', async (_req, reply) => {
    reply.header('cache-control', 'no-store');
  });
  app.addHook('onResponse', async (req, reply) => {
    log.debug({ route: req.routeOptions.url ?? 'unmatched', method: req.method, status: reply.statusCode, ms: Math.round(reply.elapsedTime), keyId: req.registryKeyId }, 'registry request');
  });

  app.get('/health', async () => ({ status: 'ok' }));
  registerContractRoutes(app, service);
  if (opts.simEndpoints ?? true) registerSimulationRoutes(app, service);
  return app;
}
