/**
 * Shared Signals over HTTP (docs/signals.md):
 *
 *   GET    /.well-known/ssf-configuration   public: transmitter metadata (SSF 1.0 §7)
 *   POST   /ssf/stream                      the RP: create its stream → 201
 *   GET    /ssf/stream[?stream_id=]         read it (a list of 0 or 1 without stream_id)
 *   PATCH  /ssf/stream                      update members; PUT replaces the configuration
 *   DELETE /ssf/stream?stream_id=           → 204
 *   GET    /ssf/status?stream_id=           { stream_id, status, reason? }
 *   POST   /ssf/status                      { stream_id, status, reason? }
 *   POST   /ssf/verify                      { stream_id, state? } → 204, a verification SET follows
 *   POST   /ssf/poll[/:streamId]            RFC 8936 poll: acks, errors, new SETs
 *   GET    /v1/admin/ssf/streams            operator: every stream with its delivery counters
 *
 * Every /ssf/ route authenticates the RP exactly as the token endpoint does (client_secret_basic
 * or private_key_jwt, the `authorization_schemes` the metadata lists), with the route's URL as
 * an accepted assertion audience; the client id comes from that, never from the body. Answers
 * are `no-store`. Nothing from a body is logged (the header of a push URL is a credential).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { parseBody } from '@wangzheng/core/http-errors';
import { SSF_PATHS, ssfConfigurationPath, type TransmitterMetadata } from '@wangzheng/core/signals/index';
import { challengeOnFailure } from '../http/challenge.ts';
import { operatorOf, type OperatorAuth } from '../http/operator.ts';
import { clientCredentialsFrom, type ClientAuthenticator } from '../rp/index.ts';
import type { RelyingPartyRecord, StoreReader } from '../store/index.ts';
import type { PollService } from './poll.ts';
import { streamReport } from './report.ts';
import type { StreamService } from './streams.ts';
import { noStore } from '../http/no-store.ts';

export interface SignalRoutesDeps {
  readonly issuer: string;
  readonly metadata: TransmitterMetadata;
  readonly streams: StreamService;
  readonly poll: PollService;
  readonly reader: StoreReader;
  readonly clientAuth: ClientAuthenticator;
  readonly adminAuth: OperatorAuth;
}

const adminList = z.strictObject({
  limit: z.coerce.number().int().min(1).max(500).optional(),
  after: z.string().regex(/^rp_[A-Za-z0-9_-]{22}$/).optional(),
});
const pollParams = z.strictObject({ streamId: z.string().max(128) });

export function registerSignalRoutes(app: FastifyInstance, d: SignalRoutesDeps): void {
  const { streams } = d;

  const client = async (req: FastifyRequest, reply: FastifyReply, path: string): Promise<RelyingPartyRecord> => {
    const { rp } = await challengeOnFailure(reply, req, () => d.clientAuth.authenticate(clientCredentialsFrom(req), { audience: `${d.issuer}${path}` }));
    return rp;
  };
  const operator = (req: FastifyRequest, reply: FastifyReply): string => operatorOf(d.adminAuth, req, reply, 'operator');

  noStore(app, (url) => url.startsWith('/ssf/') || url.startsWith('/v1/admin/ssf/'));

  app.get(ssfConfigurationPath(d.issuer), async (_req, reply) => {
    void reply.header('cache-control', 'public, max-age=300');
    return d.metadata;
  });

  const config = SSF_PATHS.configuration;
  app.post(config, async (req, reply) => {
    const rp = await client(req, reply, config);
    const view = await streams.create(rp.clientId, req.body);
    void reply.status(201);
    return view;
  });
  app.get(config, async (req, reply) => streams.read((await client(req, reply, config)).clientId, req.query));
  app.patch(config, async (req, reply) => streams.update((await client(req, reply, config)).clientId, req.body, 'patch'));
  app.put(config, async (req, reply) => streams.update((await client(req, reply, config)).clientId, req.body, 'replace'));
  app.delete(config, async (req, reply) => {
    await streams.remove((await client(req, reply, config)).clientId, req.query);
    return reply.status(204).send();
  });

  const status = SSF_PATHS.status;
  app.get(status, async (req, reply) => streams.status((await client(req, reply, status)).clientId, req.query));
  app.post(status, async (req, reply) => streams.setStatus((await client(req, reply, status)).clientId, req.body));

  const verify = SSF_PATHS.verification;
  app.post(verify, async (req, reply) => {
    await streams.verify(await client(req, reply, verify), req.body);
    return reply.status(204).send();
  });

  const poll = SSF_PATHS.poll;
  app.post(poll, async (req, reply) => d.poll.poll((await client(req, reply, poll)).clientId, undefined, req.body));
  app.post(`${poll}/:streamId`, async (req, reply) => {
    const { streamId } = parseBody(pollParams, req.params);
    return d.poll.poll((await client(req, reply, `${poll}/${streamId}`)).clientId, streamId, req.body);
  });

  app.get('/v1/admin/ssf/streams', async (req, reply) => {
    operator(req, reply);
    const q = parseBody(adminList, req.query);
    return streamReport(d.reader, { limit: q.limit ?? 100, ...(q.after ? { after: q.after } : {}) });
  });
}
