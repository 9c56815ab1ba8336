/**
 * Nationwide bans (封禁) of a 网号: an operator bans with a reason code and a legal reference;
 * with four eyes configured, a second operator must approve before it takes effect. In force,
 * a ban
 * - suspends every valid 网证 of the person (status list value SUSPENDED: every flow and every
 *   relying party that reads the list refuses them at once — see credential/holder.ts);
 * - sets the person's status to `banned`;
 * - refuses enrollment by the same person, also after they cancel: the ban is found by a keyed
 *   digest of the registry's person reference, which is all that is kept for it;
 * - is audited (the legal reference as a digest: the trail is never erased), and told to every relying party that knows the person (Shared Signals
 *   `account-disabled`), in the same transaction.
 * An unban goes the same way back: the same approval, the suspended credentials valid again,
 * status `active`, `account-enabled`.
 *
 * Trusted: the operator's identity (authenticated by the caller, here only an actor id) and the
 * store. Nothing personal is written: the digest, codes, actor ids, the legal citation.
 */
import { isValidNetid } from '@wangzheng/core/identifiers/index';
import { subjectRef, type AuditAction } from '@wangzheng/core/audit/index';
import { WzError } from '@wangzheng/core/errors';
import type { PersonProfile } from '../person/profile.ts';
import type { BlindIndexer, DataProtector } from '../protect/index.ts';
import type { AuditSink, SignalSink } from '../notify/sinks.ts';
import type { BanRecord, PersonRecord, Store, StoreTx } from '../store/index.ts';
import { faultPoint } from '../faults/points.ts';

export interface BanDeps {
  readonly store: Store;
  readonly protector: DataProtector;
  readonly blindIndexer: BlindIndexer;
  readonly audit?: AuditSink;
  readonly signals?: SignalSink;
  /** A second operator must approve bans and unbans. */
  readonly fourEyes: boolean;
}

export const BAN_REASONS = ['fraud', 'identity_theft', 'court_order', 'other_legal'] as const;
export type BanReason = (typeof BAN_REASONS)[number];

/** The credential reason code a ban suspends with (and an unban restores). */
export const BAN_CREDENTIAL_REASON = 'fraud_ban';

export interface BanView {
  readonly id: string;
  readonly state: BanRecord['state'];
  readonly reason: string;
  readonly legalRef: string;
  readonly requestedBy: string;
  readonly approvedBy: string | null;
  readonly unbanRequestedBy: string | null;
  readonly unbanApprovedBy: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export class Bans {
  constructor(private readonly deps: BanDeps) {}

  /** Is the person with this registry reference banned (or a ban pending)? For enrollment. */
  async isBanned(personRef: string): Promise<boolean> {
    const ban = await this.deps.store.reader.bans.findOpenByDigest(this.#digests(personRef));
    return ban !== undefined && (ban.state === 'active' || ban.state === 'unban_requested');
  }

  /** Bans a 网号. With four eyes, the ban waits in `requested` for `approve`. */
  async ban(actor: string, req: { netid: string; reason: BanReason; legalRef: string }): Promise<BanView> {
    return afterCommit(await this.deps.store.transaction(async (tx) => {
      const { person, dek, profile } = await this.#person(tx, req.netid);
      const digest = this.deps.blindIndexer.digest('ban', profile.personRef);
      if (await tx.bans.findOpenByDigest(this.#digests(profile.personRef))) {
        throw new WzError('ban_exists', 'This 网号 is already banned, or a ban of it awaits approval.');
      }
      const immediate = !this.deps.fourEyes;
      const ban = await tx.bans.insert({
        banDigest: digest.digest,
        banKeyId: digest.keyId,
        personId: person.id,
        state: immediate ? 'active' : 'requested',
        reason: req.reason,
        legalRef: req.legalRef,
        requestedBy: actor,
        approvedBy: immediate ? actor : null,
      });
      await this.#audit(tx, actor, 'netid.ban_requested', ban, dek);
      if (immediate) await this.#enforce(tx, ban, person, dek, actor);
      return view(ban);
    }));
  }

  /** The second operator approves a requested ban (not the one who asked for it). */
  async approve(actor: string, banId: string): Promise<BanView> {
    return afterCommit(await this.deps.store.transaction(async (tx) => {
      const ban = await this.#ban(tx, banId);
      if (ban.state !== 'requested') throw new WzError('ban_state_conflict', 'This ban is not awaiting approval.');
      if (ban.requestedBy === actor) throw new WzError('four_eyes_required', 'A second operator must approve what you requested.');
      if (!(await tx.bans.transition(ban.id, 'requested', { state: 'active', approvedBy: actor }))) {
        throw new WzError('ban_state_conflict', 'This ban was decided by someone else just now.');
      }
      const person = ban.personId ? await tx.persons.findById(ban.personId) : undefined;
      const updated = (await tx.bans.findById(ban.id))!;
      if (person) await this.#enforce(tx, updated, person, this.#dek(person), actor);
      return view(updated);
    }));
  }

  /** Refuses a requested ban (the second operator), or withdraws one's own request. */
  async reject(actor: string, banId: string): Promise<BanView> {
    return this.deps.store.transaction(async (tx) => {
      const ban = await this.#ban(tx, banId);
      if (ban.state === 'requested') {
        if (!(await tx.bans.transition(ban.id, 'requested', { state: 'withdrawn' }))) throw new WzError('ban_state_conflict', 'This ban was decided by someone else just now.');
      } else if (ban.state === 'unban_requested') {
        if (!(await tx.bans.transition(ban.id, 'unban_requested', { state: 'active', unbanRequestedBy: null, unbanLegalRef: null }))) {
          throw new WzError('ban_state_conflict', 'This unban was decided by someone else just now.');
        }
      } else {
        throw new WzError('ban_state_conflict', 'Nothing about this ban awaits a decision.');
      }
      return view((await tx.bans.findById(ban.id))!);
    });
  }

  /** Lifts a ban of a 网号. With four eyes, it waits in `unban_requested` for `approveUnban`. */
  async unban(actor: string, req: { netid: string; legalRef: string }): Promise<BanView> {
    return afterCommit(await this.deps.store.transaction(async (tx) => {
      const { person, dek, profile } = await this.#person(tx, req.netid);
      const ban = await tx.bans.findOpenByDigest(this.#digests(profile.personRef));
      if (!ban || ban.state === 'requested') throw new WzError('not_banned', 'This 网号 is not banned.');
      if (ban.state === 'unban_requested') throw new WzError('ban_state_conflict', 'An unban of this 网号 already awaits approval.');
      const immediate = !this.deps.fourEyes;
      const patch = { unbanRequestedBy: actor, unbanLegalRef: req.legalRef, ...(immediate ? { state: 'lifted' as const, unbanApprovedBy: actor } : { state: 'unban_requested' as const }) };
      if (!(await tx.bans.transition(ban.id, 'active', patch))) throw new WzError('ban_state_conflict', 'This ban changed just now; look again.');
      const updated = (await tx.bans.findById(ban.id))!;
      await this.#audit(tx, actor, 'netid.unban_requested', updated, dek);
      if (immediate) await this.#lift(tx, updated, person, dek, actor);
      return view(updated);
    }));
  }

  async approveUnban(actor: string, banId: string): Promise<BanView> {
    return afterCommit(await this.deps.store.transaction(async (tx) => {
      const ban = await this.#ban(tx, banId);
      if (ban.state !== 'unban_requested') throw new WzError('ban_state_conflict', 'No unban of this ban awaits approval.');
      if (ban.unbanRequestedBy === actor) throw new WzError('four_eyes_required', 'A second operator must approve what you requested.');
      if (!(await tx.bans.transition(ban.id, 'unban_requested', { state: 'lifted', unbanApprovedBy: actor }))) {
        throw new WzError('ban_state_conflict', 'This unban was decided by someone else just now.');
      }
      const updated = (await tx.bans.findById(ban.id))!;
      const person = ban.personId ? await tx.persons.findById(ban.personId) : undefined;
      if (person) await this.#lift(tx, updated, person, this.#dek(person), actor);
      return view(updated);
    }));
  }

  async list(opts: { state?: BanRecord['state']; limit?: number } = {}): Promise<BanView[]> {
    return (await this.deps.store.reader.bans.list(opts)).map(view);
  }

  // No `txn` on these SETs: one shared across relying parties would let them link their
  // pseudonyms of the same person.
  async #enforce(tx: StoreTx, ban: BanRecord, person: PersonRecord, dek: Uint8Array, actor: string): Promise<void> {
    await tx.credentials.suspendAllOfPerson(person.id, BAN_CREDENTIAL_REASON);
    await tx.persons.updateStatus(person.id, 'banned');
    await this.#audit(tx, actor, 'netid.banned', ban, dek);
    await this.deps.signals?.emitForPerson(tx, { personId: person.id, dek, event: { code: 'account_disabled', reason: 'nationwide-ban' } });
    faultPoint('lifecycle.ban.before-commit');
  }

  async #lift(tx: StoreTx, ban: BanRecord, person: PersonRecord, dek: Uint8Array, actor: string): Promise<void> {
    await tx.credentials.restoreSuspended(person.id, BAN_CREDENTIAL_REASON);
    if (person.status === 'banned') await tx.persons.updateStatus(person.id, 'active');
    await this.#audit(tx, actor, 'netid.unbanned', ban, dek);
    await this.deps.signals?.emitForPerson(tx, { personId: person.id, dek, event: { code: 'account_enabled' } });
    faultPoint('lifecycle.unban.before-commit');
  }

  async #audit(tx: StoreTx, actor: string, action: AuditAction, ban: BanRecord, dek: Uint8Array | undefined): Promise<void> {
    if (!this.deps.audit) return;
    // The person only as a reference derived from their data key: unlinkable once they cancel.
    await this.deps.audit.record(tx, { actor, action, ...(dek ? { subject: subjectRef(dek) } : {}), data: { ban: ban.id, reason: ban.reason, legalRef: this.deps.audit.digest(legalRefOf(action, ban)) } });
  }

  async #person(tx: StoreTx, netid: string): Promise<{ person: PersonRecord; dek: Uint8Array; profile: PersonProfile }> {
    if (typeof netid !== 'string' || !isValidNetid(netid)) throw new WzError('invalid_netid', 'This is not a valid 网号.');
    const person = await tx.persons.findByNetid(netid);
    if (!person || person.status === 'cancelled') throw new WzError('unknown_netid', 'No person holds this 网号.');
    const dek = this.#dek(person);
    return { person, dek, profile: this.deps.protector.openFor(dek, person.id, 'profile', person.profile) as PersonProfile };
  }

  #dek(person: PersonRecord): Uint8Array {
    return this.deps.protector.unwrapDataKey(person.id, person.wrappedDek, person.kekId);
  }

  async #ban(tx: StoreTx, id: string): Promise<BanRecord> {
    const ban = await tx.bans.findById(id);
    if (!ban) throw new WzError('ban_not_found', 'No such ban.');
    return ban;
  }

  #digests(personRef: string): Uint8Array[] {
    return this.deps.blindIndexer.candidates('ban', personRef).map((c) => c.digest);
  }
}

/** A ban that came into force or was lifted has committed: the fault point after it (test build only). */
function afterCommit(v: BanView): BanView {
  if (v.state === 'active') faultPoint('lifecycle.ban.after-commit');
  if (v.state === 'lifted') faultPoint('lifecycle.unban.after-commit');
  return v;
}

/** The legal reference an entry rests on: the unban's own for unban actions, the ban's otherwise. */
function legalRefOf(action: AuditAction, b: BanRecord): string {
  return action.startsWith('netid.unban') && b.unbanLegalRef !== null ? b.unbanLegalRef : b.legalRef;
}

function view(b: BanRecord): BanView {
  return {
    id: b.id,
    state: b.state,
    reason: b.reason,
    legalRef: b.legalRef,
    requestedBy: b.requestedBy,
    approvedBy: b.approvedBy,
    unbanRequestedBy: b.unbanRequestedBy,
    unbanApprovedBy: b.unbanApprovedBy,
    createdAt: new Date(b.createdAt).toISOString(),
    updatedAt: new Date(b.updatedAt).toISOString(),
  };
}
