/**
 * The `ssf.deliver` job: push one SET to the RP's receiver, as the RP's stream says today
 * (the stream may have changed since the SET was queued):
 * - no stream, or disabled → fails (`stream_disabled`): SSF 1.0 §8.1.2, a disabled stream
 *   does not hold events;
 * - switched to poll → handed to `ssf.poll` (held for the RP's next poll);
 * - paused → deferred (not an attempt) and looked at again a minute later, or at once when
 *   the RP enables the stream (streams.ts wakes the queue);
 * - enabled → POST (push.ts) with the sealed `authorization_header`, opened just for the call.
 * The outcome updates the stream's counters in the transaction that records it.
 *
 * Trust: the stream row is the RP's own configuration, already validated when it was written;
 * the URL is still guarded at connect time in production (endpoint-guard.ts).
 */
import { DELIVERY_METHODS } from '@wangzheng/core/signals/index';
import type { JobHandler } from '../jobs/index.ts';
import type { Sealer } from '../jobs/sealer.ts';
import type { Store } from '../store/index.ts';
import { DEFAULT_PUSH_TIMEOUT_MS, pushSet, type PushFn } from './push.ts';

export const PAUSED_RECHECK_MS = 60_000;

export interface PushHandlerDeps {
  readonly store: Store;
  readonly sealer: Sealer;
  /** Production: refuse receivers on non-public addresses. */
  readonly guard: boolean;
  readonly now: () => number;
  readonly timeoutMs?: number;
  /** The HTTP call (tests may count or fail it). */
  readonly push?: PushFn;
}

const decoder = new TextDecoder('utf-8', { fatal: true });

export function ssfPushHandler(d: PushHandlerDeps): JobHandler {
  const push = d.push ?? pushSet;
  return {
    async run(job) {
      const stream = await d.store.ssfStreams.findByClientId(job.queue);
      if (!stream || stream.status === 'disabled') return { type: 'fail', code: 'stream_disabled' };
      if (stream.method === DELIVERY_METHODS.poll) return { type: 'defer', runAt: d.now(), kind: 'ssf.poll' };
      if (stream.status === 'paused') return { type: 'defer', runAt: d.now() + PAUSED_RECHECK_MS };
      if (job.payload === null || stream.endpointUrl === null) return { type: 'fail', code: 'payload_missing' };
      let authorization: string | undefined;
      if (stream.authorization !== null) {
        try {
          authorization = decoder.decode(d.sealer.open(stream.clientId, 'ssf_auth_header', stream.authorization));
        } catch {
          // Its KEK left the ring: the RP must set the header again (PATCH the stream).
          return { type: 'retry', code: 'auth_header_unreadable' };
        }
      }
      const r = await push({ url: stream.endpointUrl, authorization }, decoder.decode(job.payload), { timeoutMs: d.timeoutMs ?? DEFAULT_PUSH_TIMEOUT_MS, guard: d.guard });
      switch (r.type) {
        case 'delivered':
          return { type: 'done' };
        case 'retry':
          return { type: 'retry', code: r.code };
        case 'rejected':
          return { type: 'fail', code: r.code };
      }
    },

    async settled(tx, job, s) {
      if (s.outcome === 'done') await tx.ssfStreams.note(job.queue, { outcome: 'delivered', at: s.at });
      else if (s.outcome === 'failed') await tx.ssfStreams.note(job.queue, { outcome: 'failed', at: s.at, code: s.code ?? 'failed' });
      else if (s.outcome === 'retry') await tx.ssfStreams.note(job.queue, { outcome: 'error', at: s.at, code: s.code ?? 'retry' });
    },
  };
}
