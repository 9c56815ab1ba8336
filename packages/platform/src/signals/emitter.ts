/**
 * The emitter other domains call when something happens that relying parties must hear about
 * (a ban, an unban, a cancellation, a revoked 网证, a withdrawn consent). In the caller's
 * transaction it builds one Security Event Token per relying party that knows the person and
 * has a stream requesting that event, and queues it (jobs/outbox.ts): the SETs exist if and
 * only if the caller's change commits.
 *
 * Who knows the person: the RPs in the person's sealed profile (`appIds`: client id →
 * application identifier, recorded when the RP first verified them, verification/app-ids.ts).
 * Each SET names the person only by that RP's own application identifier (`sub_id` iss_sub,
 * RFC 9493) — never the 网号, which `issSubSubject` refuses — is addressed to that RP alone
 * (`aud`), and is signed with the algorithm the RP registered (SM2 or ES256).
 *
 * Streams that are `paused` get the SET too (SSF 1.0 §8.1.2: a paused stream holds events);
 * `disabled` ones do not. An RP's own status (suspended) does not stop a signal: it tells the RP
 * to stop using an account and discloses nothing new.
 *
 * Trust: the caller supplies the person's data key (it has just used it); the profile is
 * opened with it and only `appIds` is read, shape-checked. Everything else is our own records.
 */
import { z } from 'zod';
import { buildSet, DELIVERY_METHODS, issSubSubject, signSet, type SecurityEvent, type SigningRings } from '@wangzheng/core/signals/index';
import type { Outbox } from '../jobs/outbox.ts';
import type { DataProtector } from '../protect/index.ts';
import type { StoreTx } from '../store/index.ts';

export interface EmitterDeps {
  readonly protector: DataProtector;
  readonly signing: SigningRings;
  /** The platform issuer URL: the SETs' `iss` and the subjects' `iss`. */
  readonly issuer: string;
  readonly outbox: Outbox;
  readonly now: () => number;
}

export interface EmitForPersonInput {
  readonly personId: string;
  /** The person's data key (to open their profile). */
  readonly dek: Uint8Array;
  readonly event: SecurityEvent;
  /** Shared by the SETs of one cause (SSF 1.0 §4.1.9), e.g. the ban's id. URL-safe. */
  readonly txn?: string;
}

export interface EmitToRpInput {
  readonly clientId: string;
  /** The person's application identifier at this RP. */
  readonly appId: string;
  readonly event: SecurityEvent;
  readonly txn?: string;
}

/** One queued SET. */
export interface Emitted {
  readonly clientId: string;
  readonly jti: string;
}

const profileAppIds = z.object({ appIds: z.record(z.string(), z.string()).optional() });

export class SignalEmitter {
  readonly #d: EmitterDeps;

  constructor(deps: EmitterDeps) {
    this.#d = deps;
  }

  /** Queues the event for every RP that knows the person and wants it; returns what was queued. */
  async emitForPerson(tx: StoreTx, i: EmitForPersonInput): Promise<Emitted[]> {
    const person = await tx.persons.findById(i.personId);
    if (!person) return [];
    const parsed = profileAppIds.safeParse(this.#d.protector.openFor(i.dek, person.id, 'profile', person.profile));
    if (!parsed.success) throw new TypeError('emitForPerson: the sealed profile has no readable appIds');
    const out: Emitted[] = [];
    for (const [clientId, appId] of Object.entries(parsed.data.appIds ?? {}).sort(([a], [b]) => (a < b ? -1 : 1))) {
      const e = await this.emitToRp(tx, { clientId, appId, event: i.event, ...(i.txn !== undefined ? { txn: i.txn } : {}) });
      if (e) out.push(e);
    }
    return out;
  }

  /** Queues the event for one RP (e.g. consent withdrawn there); null when its stream does not want it. */
  async emitToRp(tx: StoreTx, i: EmitToRpInput): Promise<Emitted | null> {
    const stream = await tx.ssfStreams.findByClientId(i.clientId);
    if (!stream || stream.status === 'disabled' || !stream.eventsRequested.includes(i.event.code)) return null;
    const rp = await tx.relyingParties.findByClientId(i.clientId);
    if (!rp) return null;
    const iat = Math.floor(this.#d.now() / 1000);
    const event = { ...i.event, eventTimestamp: i.event.eventTimestamp ?? iat } as SecurityEvent;
    const claims = buildSet({
      issuer: this.#d.issuer,
      audience: rp.clientId,
      event,
      subject: issSubSubject(this.#d.issuer, i.appId),
      iat,
      ...(i.txn !== undefined ? { txn: i.txn } : {}),
    });
    const token = signSet(claims, this.#d.signing, rp.idTokenSigningAlg);
    await this.#d.outbox.enqueue(tx, {
      kind: stream.method === DELIVERY_METHODS.push ? 'ssf.deliver' : 'ssf.poll',
      queue: rp.clientId,
      ref: claims.jti,
      payload: new TextEncoder().encode(token),
    });
    return { clientId: rp.clientId, jti: claims.jti };
  }
}
