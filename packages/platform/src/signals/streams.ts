/**
 * Stream management for relying parties (SSF 1.0 §8.1): each authenticated RP has at most one
 * event stream, which it creates, reads, updates, replaces, deletes, pauses or disables, and
 * verifies. Every method takes the authenticated client id: an RP can only ever address its
 * own stream, and a `stream_id` that is not its own is `stream_not_found` (404) — the same
 * answer as no stream at all, so nothing tells one RP that another has a stream.
 *
 * Rules:
 * - configuration bodies are parsed by core (`parseStreamConfig`: `invalid_request` naming the
 *   field); in production a push URL pointing at loopback or a private address is refused
 *   (`endpoint_not_allowed`, endpoint-guard.ts); plain-http localhost only in development;
 * - the push `authorization_header` is sealed at once and never returned (the read view omits
 *   it); a PATCH without `delivery` keeps it, one with `delivery` replaces it;
 * - status changes act on the backlog: `disabled` drops the stream's queued SETs (§8.1.2: a
 *   disabled stream holds nothing), `enabled` after `paused` makes the held ones due at once;
 *   switching push ↔ poll moves queued SETs to the other delivery path.
 *
 * Trust: bodies and query strings are untrusted; the client id comes from client authentication.
 */
import { z } from 'zod';
import { WzError } from '@wangzheng/core/errors';
import { parseBody } from '@wangzheng/core/http-errors';
import {
  DELIVERY_METHODS,
  EVENT_CODES,
  EVENT_TYPE_URIS,
  eventCodeOf,
  newJti,
  parseStreamConfig,
  pollEndpointUrl,
  type DeliveryMethod,
  type EventCode,
  type SigningRings,
  type StreamConfigRequest,
} from '@wangzheng/core/signals/index';
import type { Outbox } from '../jobs/outbox.ts';
import type { Sealer } from '../jobs/sealer.ts';
import type { RelyingPartyRecord, SsfStreamRecord, Store, StreamConfigRecord, StreamStatus } from '../store/index.ts';
import { STREAM_STATUSES } from '../store/ssf-streams/types.ts';
import { pushHostProblem } from './endpoint-guard.ts';
import { signVerificationSet } from './verification.ts';

export interface StreamServiceDeps {
  readonly store: Store;
  readonly sealer: Sealer;
  readonly outbox: Outbox;
  readonly signing: SigningRings;
  readonly issuer: string;
  /** Development: http://localhost receivers, no address guard. */
  readonly development: boolean;
  readonly now: () => number;
}

/** The stream configuration as SSF 1.0 §8.1.1 returns it. */
export interface StreamView {
  stream_id: string;
  iss: string;
  aud: string;
  events_supported: string[];
  events_requested: string[];
  events_delivered: string[];
  delivery: { method: DeliveryMethod; endpoint_url: string };
  description?: string;
}

export interface StatusView {
  stream_id: string;
  status: StreamStatus;
  reason?: string;
}

const streamIdField = z.string().min(1).max(128);
const schemas = {
  id: z.object({ stream_id: streamIdField }),
  optionalId: z.object({ stream_id: streamIdField.optional() }),
  patch: z.object({ stream_id: streamIdField, delivery: z.unknown().optional(), events_requested: z.unknown().optional(), description: z.unknown().optional() }),
  status: z.object({ stream_id: streamIdField, status: z.enum(STREAM_STATUSES), reason: z.string().min(1).max(256).regex(/^[^\u0000-\u001f\u007f]*$/).optional() }),
  verify: z.object({ stream_id: streamIdField, state: z.string().min(1).max(256).optional() }),
};

const notFound = () => new WzError('stream_not_found', 'This relying party has no event stream with that stream_id.');
const KIND_OF = { [DELIVERY_METHODS.push]: 'ssf.deliver', [DELIVERY_METHODS.poll]: 'ssf.poll' } as const;

export class StreamService {
  readonly #d: StreamServiceDeps;

  constructor(deps: StreamServiceDeps) {
    this.#d = deps;
  }

  /** POST: 409 `stream_exists` when the RP already has one (one stream per RP). */
  async create(clientId: string, body: unknown): Promise<StreamView> {
    const config = this.#parse(body);
    const streamId = newJti();
    const created = await this.#d.store.transaction(async (tx) => {
      if (await tx.ssfStreams.findByClientId(clientId)) return undefined;
      return tx.ssfStreams.insert({ clientId, streamId, ...this.#record(clientId, config) });
    });
    if (!created) throw new WzError('stream_exists', 'This relying party already has an event stream: read, update or delete it.');
    return this.view(created);
  }

  /** GET: with `stream_id` the stream (404 if not the RP's); without, a list of zero or one. */
  async read(clientId: string, query: unknown): Promise<StreamView | StreamView[]> {
    const { stream_id } = parseBody(schemas.optionalId, query ?? {});
    const s = await this.#d.store.ssfStreams.findByClientId(clientId);
    if (stream_id === undefined) return s ? [this.view(s)] : [];
    return this.view(this.#own(s, stream_id));
  }

  /** PATCH (members present replace those stored) or PUT (the whole receiver configuration). */
  async update(clientId: string, body: unknown, how: 'patch' | 'replace'): Promise<StreamView> {
    const b = parseBody(schemas.patch, body ?? {});
    const s = this.#own(await this.#d.store.ssfStreams.findByClientId(clientId), b.stream_id);
    const keepDelivery = how === 'patch' && b.delivery === undefined;
    const candidate = how === 'replace' ? b : {
      delivery: b.delivery ?? (s.method === DELIVERY_METHODS.push ? { method: s.method, endpoint_url: s.endpointUrl } : { method: s.method }),
      events_requested: b.events_requested ?? s.eventsRequested.map((c) => EVENT_TYPE_URIS[c]),
      description: b.description ?? s.description ?? undefined,
    };
    const parsed = this.#record(clientId, this.#parse(candidate));
    const next: StreamConfigRecord = keepDelivery ? { ...parsed, authorization: s.authorization } : parsed;
    const updated = await this.#d.store.transaction(async (tx) => {
      if (!(await tx.ssfStreams.updateConfig(clientId, next))) return undefined;
      if (next.method !== s.method) await tx.jobs.changeKind(clientId, KIND_OF[s.method], KIND_OF[next.method]);
      return tx.ssfStreams.findByClientId(clientId);
    });
    return this.view(this.#own(updated, s.streamId));
  }

  /** DELETE: the stream and its queued SETs. */
  async remove(clientId: string, query: unknown): Promise<void> {
    const { stream_id } = parseBody(schemas.id, query ?? {});
    this.#own(await this.#d.store.ssfStreams.findByClientId(clientId), stream_id);
    await this.#d.store.transaction(async (tx) => {
      await tx.jobs.dropQueue(clientId);
      await tx.ssfStreams.delete(clientId);
    });
  }

  async status(clientId: string, query: unknown): Promise<StatusView> {
    const { stream_id } = parseBody(schemas.id, query ?? {});
    return statusView(this.#own(await this.#d.store.ssfStreams.findByClientId(clientId), stream_id));
  }

  async setStatus(clientId: string, body: unknown): Promise<StatusView> {
    const b = parseBody(schemas.status, body ?? {});
    const s = this.#own(await this.#d.store.ssfStreams.findByClientId(clientId), b.stream_id);
    const updated = await this.#d.store.transaction(async (tx) => {
      await tx.ssfStreams.setStatus(clientId, b.status, b.reason ?? null);
      if (b.status === 'disabled') await tx.jobs.dropQueue(clientId);
      else if (b.status === 'enabled' && s.status === 'paused') await tx.jobs.wake(clientId);
      return tx.ssfStreams.findByClientId(clientId);
    });
    return statusView(this.#own(updated, s.streamId));
  }

  /** POST verify (§8.1.4): queues a verification SET on the stream's delivery path. */
  async verify(rp: RelyingPartyRecord, body: unknown): Promise<void> {
    const b = parseBody(schemas.verify, body ?? {});
    const s = this.#own(await this.#d.store.ssfStreams.findByClientId(rp.clientId), b.stream_id);
    if (s.status !== 'enabled') throw new WzError('stream_state_conflict', 'Only an enabled stream can be verified: enable it first.');
    const { token, jti } = signVerificationSet(
      { issuer: this.#d.issuer, clientId: rp.clientId, streamId: s.streamId, iat: Math.floor(this.#d.now() / 1000), ...(b.state !== undefined ? { state: b.state } : {}) },
      this.#d.signing,
      rp.idTokenSigningAlg,
    );
    await this.#d.store.transaction((tx) => this.#d.outbox.enqueue(tx, { kind: KIND_OF[s.method], queue: rp.clientId, ref: jti, payload: new TextEncoder().encode(token) }));
  }

  view(s: SsfStreamRecord): StreamView {
    const uris = s.eventsRequested.map((c) => EVENT_TYPE_URIS[c]);
    return {
      stream_id: s.streamId,
      iss: this.#d.issuer,
      aud: s.clientId,
      events_supported: EVENT_CODES.map((c) => EVENT_TYPE_URIS[c]),
      events_requested: uris,
      events_delivered: uris,
      delivery: { method: s.method, endpoint_url: s.endpointUrl ?? pollEndpointUrl(this.#d.issuer, s.streamId) },
      ...(s.description !== null ? { description: s.description } : {}),
    };
  }

  #own(s: SsfStreamRecord | undefined, streamId: string): SsfStreamRecord {
    if (!s || s.streamId !== streamId) throw notFound();
    return s;
  }

  #parse(body: unknown): StreamConfigRequest {
    const config = parseStreamConfig(body ?? {}, { allowInsecureLocalhost: this.#d.development });
    if (config.delivery.method === DELIVERY_METHODS.push && !this.#d.development) {
      const problem = pushHostProblem(new URL(config.delivery.endpoint_url));
      if (problem) throw new WzError('endpoint_not_allowed', `delivery.endpoint_url ${problem}.`);
    }
    return config;
  }

  /** The stored form; the authorization header sealed to this RP's stream row (owner: client id). */
  #record(clientId: string, c: StreamConfigRequest): StreamConfigRecord {
    const push = c.delivery.method === DELIVERY_METHODS.push ? c.delivery : undefined;
    return {
      method: c.delivery.method,
      endpointUrl: push ? push.endpoint_url : null,
      authorization: push?.authorization_header ? this.#d.sealer.seal(clientId, 'ssf_auth_header', new TextEncoder().encode(push.authorization_header)) : null,
      eventsRequested: c.events_requested.map((u) => eventCodeOf(u) as EventCode),
      description: c.description ?? null,
    };
  }
}

function statusView(s: SsfStreamRecord): StatusView {
  return { stream_id: s.streamId, status: s.status, ...(s.statusReason !== null ? { reason: s.statusReason } : {}) };
}
