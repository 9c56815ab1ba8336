/**
 * Cancellation of a 网号 (注销): everything the platform holds about the person goes, in ONE
 * store transaction — all of it or, if any step fails, none of it:
 *
 *   1. check_person      the person still exists (else `already_cancelled`) and may be
 *                        cancelled this way (the person: active or locked)
 *   2. audit             `person.cancelled`, the person only as subjectRef(data key): once the
 *                        key is gone, no entry of the trail links to anyone, and the chain is intact
 *   3. tell_rps          an `account-purged` SET queued for every RP that knows the person and
 *                        asked for it (signals/emitter.ts), naming them by that RP's own
 *                        application identifier; sealed under a job key, not the person's, so it
 *                        is still delivered after step 5; the job row goes when delivered
 *                        (a failed one keeps no SET)
 *   4. erase_linked      verification requests and their OIDC authorizations and access tokens,
 *                        bans no longer in force (store/erasure)
 *   5. shred             credentials revoked (reason `cancelled`) and detached; the person row
 *                        deleted — the wrapped data key, the sealed profile, the 网号 — with its
 *                        blind indexes, devices, consents, history and passphrase (persons.shred)
 *   6. count             `persons.cancelled` + 1: the only trace, a number
 *
 * then, outside the transaction, `store.compact()` (SQLite: the write-ahead log, which still
 * holds the earlier page images, is checkpointed and truncated).
 *
 * What stays, on purpose (docs/person.md): a ban in force keeps its keyed digest (its person
 * link set to NULL), so a banned person cannot enroll again by cancelling first; audit entries
 * (unlinkable); the revoked 网证's status-list entries (pointing at no one); counters.
 *
 * Who may cancel: the person, through `POST /v1/me/cancel` — authenticated by their 网证 and
 * device key, bound to the request, with their passphrase and the typed confirmation — while
 * active or locked. A BANNED person's 网证 is suspended and the person API refuses it
 * (`credential_revoked`, reason `fraud_ban`): a fraudster must not be able to destroy, by
 * cancelling, the link between their identity and the application identifiers the RPs hold,
 * which the law-enforcement liaison may need. An operator cancels a banned 网号 on a legal basis
 * (`byOperator`), and the ban digest stays.
 *
 * Trust: `me` comes from the person authenticator (person/auth.ts); the operator's actor id from
 * the operator authentication of whatever route calls `byOperator`. The person's status is
 * re-read inside the transaction (a ban or another cancellation may have committed since).
 */
import type { Logger } from 'pino';
import { subjectRef, type AuditData } from '@wangzheng/core/audit/index';
import { WzError } from '@wangzheng/core/errors';
import { isValidNetid } from '@wangzheng/core/identifiers/index';
import { CANCEL_CONFIRMATION, type Cancelled } from '@wangzheng/core/person/cancel';
import type { SecurityEvent } from '@wangzheng/core/signals/index';
import type { AuditRecorder } from '../audit/index.ts';
import type { PassphraseHasher } from '../passphrase/hasher.ts';
import type { DataProtector } from '../protect/index.ts';
import type { PersonRecord, PersonStatus, Store, StoreTx } from '../store/index.ts';
import { checkPassphraseFactor, lockedError } from '../passphrase/factor.ts';
import { faultPoint } from '../faults/points.ts';

/** Queues an event for every RP that knows the person (signals/emitter.ts `emitForPerson`); returns what was queued. */
export interface PurgeNotifier {
  emitForPerson(tx: StoreTx, i: { personId: string; dek: Uint8Array; event: SecurityEvent }): Promise<readonly unknown[]>;
}

export interface CancellationDeps {
  readonly store: Store;
  readonly protector: DataProtector;
  readonly hasher: PassphraseHasher;
  readonly audit: Pick<AuditRecorder, 'record' | 'digest'>;
  readonly signals: PurgeNotifier;
  readonly now: () => number;
  readonly logger?: Pick<Logger, 'warn'>;
  /** The operator console's grants: a cancelled person's console roles go with them (a re-enrolled 网号 starts with none). */
  readonly consoleGrants?: { appIdOfPerson(person: PersonRecord, dek: Uint8Array): string };
}

/** What the person's own request carries besides the bound presentation. */
export interface CancelRequest {
  readonly passphrase: string;
  readonly confirm?: string | undefined;
}

/** The counter the platform keeps of cancellations: a number, nothing else. */
export const CANCELLED_COUNTER = 'persons.cancelled';

const BY_PERSON: ReadonlySet<PersonStatus> = new Set(['active', 'locked']);
const BY_OPERATOR: ReadonlySet<PersonStatus> = new Set(['active', 'locked', 'banned']);

export class Cancellation {
  constructor(private readonly deps: CancellationDeps) {}

  /** `POST /v1/me/cancel`: the typed confirmation, then the passphrase (with its lockout), then the cancellation. */
  async byPerson(me: { readonly person: PersonRecord; readonly dek: Uint8Array }, req: CancelRequest): Promise<Cancelled> {
    if (req.confirm !== CANCEL_CONFIRMATION) {
      throw new WzError('confirmation_required', `Cancelling deletes your 网号 and everything about you; to confirm, send confirm: "${CANCEL_CONFIRMATION}".`);
    }
    if ((await checkPassphraseFactor(this.deps, me.person.id, req.passphrase, this.deps.now())) === 'locked_now') throw lockedError();
    return this.#cancel(me.person.id, me.dek, { actor: 'person', allowed: BY_PERSON, data: { initiator: 'person' } });
  }

  /**
   * An operator cancels a 网号 on a legal basis (a banned 网号 whose retention has ended, a court
   * order): the legal reference goes into the audit entry only as a digest. Not mounted on HTTP
   * here: the operator routes call it with an authenticated actor id.
   */
  async byOperator(actor: string, req: { netid: string; legalRef: string }): Promise<Cancelled> {
    if (typeof req.netid !== 'string' || !isValidNetid(req.netid)) throw new WzError('invalid_netid', 'This is not a valid 网号.');
    if (typeof req.legalRef !== 'string' || req.legalRef.trim().length < 2 || req.legalRef.length > 400) {
      throw new WzError('invalid_request', 'A legal reference (2 to 400 characters) is required.');
    }
    const person = await this.deps.store.reader.persons.findByNetid(req.netid);
    if (!person) throw new WzError('unknown_netid', 'No person holds this 网号.');
    const dek = this.deps.protector.unwrapDataKey(person.id, person.wrappedDek, person.kekId);
    return this.#cancel(person.id, dek, { actor, allowed: BY_OPERATOR, data: { initiator: 'operator', legalRef: this.deps.audit.digest(req.legalRef) } });
  }

  async #cancel(personId: string, dek: Uint8Array, o: { actor: string; allowed: ReadonlySet<PersonStatus>; data: AuditData }): Promise<Cancelled> {
    const at = this.deps.now();
    let answer: Cancelled;
    try {
      answer = await this.deps.store.transaction(async (tx) => {
        const person = await tx.persons.findById(personId);
        if (!person) throw alreadyCancelled();
        if (!o.allowed.has(person.status)) {
          throw new WzError('person_status_conflict', 'This 网号 cannot be cancelled here now (it is banned); the platform operator decides.');
        }
        const credentialsRevoked = (await tx.credentials.listByPerson(personId)).filter((c) => c.status !== 'revoked').length;
        // Before the shred: the emitter opens the profile to find the RPs and their identifiers.
        const told = await this.deps.signals.emitForPerson(tx, { personId, dek, event: { code: 'account_purged' } });
        await tx.erasure.eraseLinkedRows(personId);
        faultPoint('lifecycle.cancel.mid-transaction');
        if (this.deps.consoleGrants) await tx.consoleOperators.delete(this.deps.consoleGrants.appIdOfPerson(person, dek));
        if (!(await tx.persons.shred(personId))) throw alreadyCancelled();
        await tx.counters.increment(CANCELLED_COUNTER);
        // The audit append last (its PostgreSQL row lock is held until the commit; docs/audit.md).
        await this.deps.audit.record(tx, { actor: o.actor, action: 'person.cancelled', subject: subjectRef(dek), data: o.data });
        return { status: 'cancelled', cancelledAt: new Date(at).toISOString(), credentialsRevoked, relyingPartiesNotified: told.length };
      });
    } finally {
      // Whatever happened, this request is done with the key (on PostgreSQL it would still open dead tuples).
      dek.fill(0);
    }
    faultPoint('lifecycle.cancel.after-commit');
    await this.#compact();
    return answer;
  }

  /** The cancellation has committed: a failed compaction is logged, never the request's failure. */
  async #compact(): Promise<void> {
    const done = await this.deps.store.compact().catch(() => false);
    if (!done) this.deps.logger?.warn({ engine: this.deps.store.engine }, 'write-ahead log not fully checkpointed after a cancellation; SQLite will finish it at its next checkpoint');
  }
}

function alreadyCancelled(): WzError {
  return new WzError('already_cancelled', 'This 网号 has already been cancelled.');
}
