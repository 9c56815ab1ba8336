/**
 * Shared Signals transmitter (OpenID SSF 1.0): tells relying parties, as Security Event Tokens,
 * when a person they know is banned, unbanned or cancelled, loses a 网证, or withdraws consent.
 *
 * - `SignalEmitter` (emitter.ts): what other domains call, in their own transaction;
 * - `StreamService` (streams.ts) and `PollService` (poll.ts): the RP-facing management API and
 *   RFC 8936 poll;
 * - `ssfPushHandler` (push-handler.ts): the `ssf.deliver` job, RFC 8935 push with retries;
 * - `registerSignalRoutes` (routes.ts): the HTTP endpoints and the operator's view.
 *
 * ```ts
 * const signals = createSignals({ store, protector, signing, issuer, mode, now, logger, intervalMs: 250 });
 * registerSignalRoutes(app, { ...signals.routes, clientAuth, adminAuth });
 * signals.worker.start();
 * await store.transaction((tx) => signals.emitter.emitForPerson(tx, { personId, dek, event: { code: 'account_disabled', reason: 'nationwide-ban' } }));
 * ```
 */
import type { Logger } from 'pino';
import { WzError } from '@wangzheng/core/errors';
import { transmitterMetadata, type SigningRings } from '@wangzheng/core/signals/index';
import { Outbox, Sealer, Worker, type JobHandler, type JobKind, type JobMetrics } from '../jobs/index.ts';
import type { DataProtector } from '../protect/index.ts';
import type { Store } from '../store/index.ts';
import { SignalEmitter } from './emitter.ts';
import { PollService } from './poll.ts';
import { ssfPushHandler } from './push-handler.ts';
import type { PushFn } from './push.ts';
import type { SignalRoutesDeps } from './routes.ts';
import { StreamService } from './streams.ts';

export { SignalEmitter, type EmitForPersonInput, type EmitToRpInput, type Emitted } from './emitter.ts';
export { isPublicAddress, pushHostProblem, guardedLookup } from './endpoint-guard.ts';
export { POLL_BATCH_LIMIT, PollService } from './poll.ts';
export { PAUSED_RECHECK_MS, ssfPushHandler, type PushHandlerDeps } from './push-handler.ts';
export { classify, DEFAULT_PUSH_TIMEOUT_MS, pushSet, type PushFn, type PushResult } from './push.ts';
export { streamReport, streamReportOf, type StreamReportItem } from './report.ts';
export { registerSignalRoutes, type SignalRoutesDeps } from './routes.ts';
export { StreamService, type StatusView, type StreamView } from './streams.ts';
export { signVerificationSet, VERIFICATION_EVENT_URI } from './verification.ts';

/** What the signals components need, and nothing more. */
export interface SignalsDeps {
  readonly store: Store;
  readonly protector: DataProtector;
  readonly signing: SigningRings;
  /** The platform issuer URL (https; http://localhost only in development). */
  readonly issuer: string;
  readonly mode: 'development' | 'production';
  /** The worker's idle poll interval (ms, ≥ 1). */
  readonly intervalMs: number;
  readonly now: () => number;
  readonly logger?: Logger;
  /** The push call (tests). */
  readonly push?: PushFn;
  /** Other job kinds the same worker runs (the expiry sweep, jobs/sweep.ts). */
  readonly handlers?: Partial<Record<Exclude<JobKind, 'ssf.deliver'>, JobHandler>>;
  /** Operations metrics: the worker's outcomes by kind (push deliveries among them). */
  readonly metrics?: Pick<JobMetrics, 'settled'>;
}

export interface Signals {
  readonly emitter: SignalEmitter;
  readonly streams: StreamService;
  readonly poll: PollService;
  readonly outbox: Outbox;
  /** Runs `ssf.deliver` jobs and the kinds in `handlers`. Not started here: the composition root decides. */
  readonly worker: Worker;
  /** For `registerSignalRoutes`, with the RP and operator authenticators added. */
  readonly routes: Omit<SignalRoutesDeps, 'clientAuth' | 'adminAuth'>;
}

/** Wires the signals components. @throws WzError `invalid_configuration` when the issuer cannot be an SSF issuer (not https in production). */
export function createSignals(d: SignalsDeps): Signals {
  const development = d.mode === 'development';
  let metadata;
  try {
    metadata = transmitterMetadata(d.issuer, { allowInsecureLocalhost: development });
  } catch (e) {
    throw new WzError('invalid_configuration', 'WZ_PUBLIC_URL must be an https URL in production: Shared Signals receivers fetch keys and endpoints from it.', { cause: e });
  }
  const sealer = new Sealer(d.protector);
  const outbox = new Outbox({ sealer, now: d.now });
  const streams = new StreamService({ store: d.store, sealer, outbox, signing: d.signing, issuer: d.issuer, development, now: d.now });
  const poll = new PollService({ store: d.store, sealer, now: d.now });
  const push = ssfPushHandler({ store: d.store, sealer, guard: !development, now: d.now, ...(d.push ? { push: d.push } : {}) });
  const worker = new Worker({ store: d.store, sealer, handlers: { ...d.handlers, 'ssf.deliver': push }, intervalMs: d.intervalMs, now: d.now, ...(d.logger ? { logger: d.logger } : {}), ...(d.metrics ? { metrics: d.metrics } : {}) });
  return {
    emitter: new SignalEmitter({ protector: d.protector, signing: d.signing, issuer: d.issuer, outbox, now: d.now }),
    streams,
    poll,
    outbox,
    worker,
    routes: { issuer: d.issuer, metadata, streams, poll, reader: d.store.reader },
  };
}
