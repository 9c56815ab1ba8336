/**
 * What an authenticated relying party manages and reads about itself (the developer portal,
 * docs/developers.md): its public keys for `private_key_jwt`, its own request log, and the
 * delivery counters of its own Shared Signals stream.
 *
 * Trust: the client id always comes from client authentication (the routes check it equals the
 * one in the path); bodies and query strings are untrusted. A JWKS goes through the same parser
 * as an application's (`parseClientJwks`: public members only, private material refused). The
 * request log is the RP's own rows only and carries nothing personal: no person id, no nonce,
 * no reference, no outcome — ids, codes and times.
 */
import { WzError } from '@wangzheng/core/errors';
import { parseClientJwks } from '@wangzheng/core/rp/client-jwks';
import type { ClientAuthMethod, RelyingParty } from '@wangzheng/core/rp/types';
import type { DeliveryMethod, EventTypeUri } from '@wangzheng/core/signals/index';
import type { AuditJson } from '@wangzheng/core/audit/index';
import type { AuditRecorder } from '../audit/index.ts';
import type { RelyingPartyRecord, Store, StreamStatus, VerificationRequestRecord } from '../store/index.ts';
import { publicRecord } from './service.ts';

export interface RpSelfServiceDeps {
  readonly store: Store;
  /** The RP's own Shared Signals stream with its delivery counters, as the operator sees it (signals/report.ts). */
  readonly deliveryOf: (clientId: string) => Promise<(NonNullable<DeliveryView['stream']> & { clientId: string }) | undefined>;
  readonly audit: AuditRecorder;
  readonly now: () => number;
}

/** One row of an RP's request log. */
export interface RequestLogItem {
  requestId: string;
  bizSeq: string | null;
  kind: string;
  mode: string;
  /** `pending`, `approved`, `failed`, `declined`, `consumed`, or `expired` (pending past its time). */
  status: string;
  createdAt: string;
  /** When the person answered (or the request was otherwise settled); null while pending. */
  settledAt: string | null;
  /** A failure code when `failed`. */
  failure: string | null;
}

export interface RequestLogPage {
  items: RequestLogItem[];
  /** The cursor of the next page (`<createdAt ms>.<requestId>`), when there may be one. */
  next?: string;
}

/** The RP's own stream as the operator sees it (signals/report.ts), or `stream: null`. */
export interface DeliveryView {
  stream: {
    streamId: string;
    method: DeliveryMethod;
    endpointUrl: string | null;
    status: StreamStatus;
    eventsRequested: EventTypeUri[];
    delivered: number;
    failed: number;
    pending: number;
    lastDeliveredAt: string | null;
    lastErrorAt: string | null;
    lastError: string | null;
  } | null;
}

/** `<createdAt ms>.<uuid>`: the request log's cursor. */
export const REQUEST_CURSOR = /^(\d{1,16})\.([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

export class RpSelfService {
  constructor(private readonly deps: RpSelfServiceDeps) {}

  /**
   * Registers (or replaces) the RP's public keys. A `client_secret_basic` client switches to
   * `private_key_jwt` only when it says so (`tokenEndpointAuthMethod: 'private_key_jwt'`): its
   * secret stops working in the same write. Recorded in the RP's history and the audit trail
   * (key ids and the set's digest, never the keys themselves in the trail).
   *
   * @throws `invalid_client_metadata` / `invalid_key` (the application's rules),
   *         `rp_state_conflict` (changed meanwhile).
   */
  async registerJwks(rp: RelyingPartyRecord, body: { jwks: unknown; tokenEndpointAuthMethod?: ClientAuthMethod | undefined }): Promise<RelyingParty> {
    if (body.tokenEndpointAuthMethod === 'client_secret_basic') {
      throw new WzError('invalid_client_metadata', 'A key set is for private_key_jwt; a client secret cannot be restored here.');
    }
    if (rp.tokenEndpointAuthMethod === 'client_secret_basic' && body.tokenEndpointAuthMethod !== 'private_key_jwt') {
      throw new WzError(
        'invalid_client_metadata',
        'This client authenticates with a secret. Registering keys switches it to private_key_jwt and the secret stops working: send tokenEndpointAuthMethod "private_key_jwt" to confirm.',
      );
    }
    const parsed = parseClientJwks(body.jwks);
    // Strictly after the record's last change: cached keys (client-auth.ts) are keyed by it.
    const at = Math.max(this.deps.now(), rp.updatedAt + 1);
    const switched = rp.tokenEndpointAuthMethod !== 'private_key_jwt';
    const kids = parsed.keys.map((k) => k.kid);
    await this.deps.store.transaction(async (tx) => {
      if (!(await tx.relyingParties.setJwks(rp.clientId, { jwks: parsed.jwks, expectedMethod: rp.tokenEndpointAuthMethod, at }))) {
        throw new WzError('rp_state_conflict', 'The relying party changed meanwhile; reload it and try again.');
      }
      await tx.relyingParties.appendEvent({ clientId: rp.clientId, type: 'rp.jwks_registered', actor: 'client', data: { kids, switchedFromSecret: switched }, createdAt: at });
      await this.deps.audit.record(tx, {
        actor: 'client',
        action: 'rp.jwks_registered',
        subject: rp.clientId,
        data: { keys: kids.length, switchedFromSecret: switched, jwks: this.deps.audit.digest(parsed.jwks as unknown as AuditJson) },
      });
    });
    const updated = await this.deps.store.relyingParties.findByClientId(rp.clientId);
    if (!updated) throw new WzError('rp_not_found', 'No relying party has this client id.');
    return publicRecord(updated);
  }

  /** The RP's own verification requests, newest first. */
  async requestLog(clientId: string, page: { limit: number; after?: string | undefined }): Promise<RequestLogPage> {
    let after: { createdAt: number; id: string } | undefined;
    if (page.after !== undefined) {
      const m = REQUEST_CURSOR.exec(page.after);
      if (!m) throw new WzError('invalid_request', 'after must be the cursor of a previous page.');
      after = { createdAt: Number(m[1]), id: m[2]! };
    }
    const rows = await this.deps.store.reader.verifications.listByClient(clientId, { limit: page.limit, ...(after ? { after } : {}) });
    const now = this.deps.now();
    const items = rows.map((r) => logItem(r, now));
    const last = rows.at(-1);
    return { items, ...(rows.length === page.limit && last ? { next: `${last.createdAt}.${last.id}` } : {}) };
  }

  /** The RP's own stream and its delivery counters (what the operator sees for it). */
  async delivery(clientId: string): Promise<DeliveryView> {
    const item = await this.deps.deliveryOf(clientId);
    if (!item) return { stream: null };
    const { clientId: _own, ...stream } = item;
    return { stream };
  }

}

function logItem(r: VerificationRequestRecord, now: number): RequestLogItem {
  const status = r.status === 'pending' && r.expiresAt <= now ? 'expired' : r.status;
  return {
    requestId: r.id,
    bizSeq: r.bizSeq,
    kind: r.kind,
    mode: r.mode,
    status,
    createdAt: new Date(r.createdAt).toISOString(),
    settledAt: r.status === 'pending' ? null : new Date(r.approvedAt ?? r.updatedAt).toISOString(),
    failure: r.failure,
  };
}
