/**
 * Poll-based SET delivery (RFC 8936): the RP's receiver POSTs to its poll endpoint with
 * acknowledgements (`ack`: SETs it processed), errors (`setErrs`: SETs it refused) and how many
 * new SETs it wants (`maxEvents`); we answer `{ sets: { jti: SET }, moreAvailable }`.
 *
 * - An acknowledged SET's job is deleted (nothing lingers) and counted as delivered; a refused
 *   one fails for good, keeping only `rejected:<err>` (the receiver's `description` is dropped).
 * - SETs returned but not acknowledged stay queued and come again in the next poll (§2.4:
 *   at-least-once; receivers de-duplicate by `jti`).
 * - We always answer at once (no long polling): `returnImmediately: false` is allowed to, by
 *   §2.1, and the receiver simply polls again.
 * - A paused stream returns no SETs (it holds them); acks are still applied.
 *
 * Trust: the body is untrusted (parsed by core); acks and errors only touch jobs of the
 * authenticated RP's own queue, so a `jti` of another RP's SET changes nothing.
 */
import { WzError } from '@wangzheng/core/errors';
import { DELIVERY_METHODS, parsePollRequest, pollBatchSize, pollResponse, type PollResponse } from '@wangzheng/core/signals/index';
import type { Sealer } from '../jobs/sealer.ts';
import type { Store } from '../store/index.ts';

/** The most SETs one poll returns, whatever `maxEvents` says. */
export const POLL_BATCH_LIMIT = 100;
/** `rejected:<err>` keeps an RFC 8935 error code only when it looks like one. */
const ERR_CODE = /^[a-z][a-z0-9_]{0,40}$/;

export interface PollServiceDeps {
  readonly store: Store;
  readonly sealer: Sealer;
  readonly now: () => number;
}

export class PollService {
  readonly #d: PollServiceDeps;

  constructor(deps: PollServiceDeps) {
    this.#d = deps;
  }

  /** @param streamId from the poll URL (`/ssf/poll/<stream_id>`), when the receiver used it. */
  async poll(clientId: string, streamId: string | undefined, body: unknown): Promise<PollResponse> {
    const req = parsePollRequest(body ?? {});
    const stream = await this.#d.store.ssfStreams.findByClientId(clientId);
    if (!stream || (streamId !== undefined && streamId !== stream.streamId)) throw new WzError('stream_not_found', 'This relying party has no event stream with that stream_id.');
    if (stream.method !== DELIVERY_METHODS.poll) throw new WzError('stream_state_conflict', 'This stream delivers by push: switch it to poll (urn:ietf:rfc:8936) first.');
    const size = pollBatchSize(req, POLL_BATCH_LIMIT);
    return this.#d.store.transaction(async (tx) => {
      const at = this.#d.now();
      const acked = await tx.jobs.deleteRefs(clientId, 'ssf.poll', req.ack ?? []);
      if (acked > 0) await tx.ssfStreams.note(clientId, { outcome: 'delivered', count: acked, at });
      for (const [jti, e] of Object.entries(req.setErrs ?? {})) {
        const code = ERR_CODE.test(e.err) ? `rejected:${e.err}` : 'rejected:other';
        if (await tx.jobs.failRef(clientId, 'ssf.poll', jti, code)) await tx.ssfStreams.note(clientId, { outcome: 'failed', at, code });
      }
      if (size === 0 || stream.status !== 'enabled') return pollResponse([], false);
      const jobs = await tx.jobs.listPending(clientId, 'ssf.poll', size + 1);
      const items = jobs.slice(0, size).flatMap((j) => {
        if (j.ref === null || j.payload === null) return [];
        return [{ jti: j.ref, token: new TextDecoder().decode(this.#d.sealer.open(j.id, 'job_payload', j.payload)) }];
      });
      return pollResponse(items, jobs.length > size);
    });
  }
}
