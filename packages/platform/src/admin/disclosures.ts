/**
 * Who is behind a 网号 or an application identifier — the regulation's law-enforcement case.
 * Only the liaison role may ask; each request cites the competent authority's case reference
 * and takes effect only when a second liaison approves; the identity (name, documents, birth
 * date) and the person's authentication log are then shown to the requester, for a limited
 * time, each reading audited. Every step is in the audit trail; the person appears there only
 * as a reference derived from their data key, and the case reference only as a digest.
 *
 * Trusted: the operator's identity and roles (checked by the caller) and the store. The
 * disclosed identity is opened from the sealed profile when it is read, and never stored.
 */
import { subjectRef } from '@wangzheng/core/audit/index';
import { WzError } from '@wangzheng/core/errors';
import { isAppId, isValidNetid } from '@wangzheng/core/identifiers/index';
import { isClientId } from '@wangzheng/core/rp/client-id';
import type { HistoryEntry } from '@wangzheng/core/person/views';
import type { AuditSink } from '../notify/sinks.ts';
import { buildHistory } from '../person/history-view.ts';
import { openProfile } from '../person/profile.ts';
import { rpKind, type BlindIndexer, type DataProtector } from '../protect/index.ts';
import type { DisclosureRecord, PersonRecord, Store, StoreTx } from '../store/index.ts';

/** How long an approved disclosure may be read. */
export const DISCLOSURE_TTL_MS = 24 * 3600_000;

export interface DisclosureDeps {
  readonly store: Store;
  readonly protector: DataProtector;
  readonly blindIndexer: BlindIndexer;
  readonly audit: AuditSink;
  readonly now: () => number;
}

export type DisclosureSubject = { readonly netid: string } | { readonly clientId: string; readonly appId: string };

export interface DisclosureView {
  readonly id: string;
  readonly state: DisclosureRecord['state'];
  readonly namedBy: DisclosureRecord['namedBy'];
  readonly caseRef: string;
  readonly requestedBy: string;
  readonly approvedBy: string | null;
  readonly expiresAt: string | null;
  readonly createdAt: string;
}

export interface DisclosedIdentity {
  readonly disclosure: DisclosureView;
  readonly identity: {
    readonly netid: string;
    readonly name: string;
    readonly nameLatin?: string;
    readonly sex: 'M' | 'F';
    readonly birthDate: string;
    readonly nationality: string;
    readonly documents: readonly { type: string; number: string }[];
  };
  /** The person's authentication log: every verification attempt, newest first. */
  readonly authenticationLog: readonly HistoryEntry[];
}

export class Disclosures {
  constructor(private readonly deps: DisclosureDeps) {}

  async request(actor: string, subject: DisclosureSubject, caseRef: string): Promise<DisclosureView> {
    return this.deps.store.transaction(async (tx) => {
      const { person, namedBy } = await this.#find(tx, subject);
      const d = await tx.disclosures.insert({ personId: person.id, namedBy, caseRef, requestedBy: actor });
      await this.#audit(tx, actor, 'identity.disclosure_requested', d, person);
      return view(d);
    });
  }

  async approve(actor: string, id: string): Promise<DisclosureView> {
    return this.#decide(actor, id, 'approved');
  }

  async reject(actor: string, id: string): Promise<DisclosureView> {
    return this.#decide(actor, id, 'rejected');
  }

  async list(opts: { state?: DisclosureRecord['state']; limit?: number } = {}): Promise<DisclosureView[]> {
    return (await this.deps.store.reader.disclosures.list(opts)).map(view);
  }

  /** The disclosed identity: only to the liaison who asked, once approved, until it expires. Each reading is audited. */
  async read(actor: string, id: string): Promise<DisclosedIdentity> {
    // The checks and the audit entry commit together; the log is read after (store readers
    // are not usable inside a transaction).
    const { d, person, dek } = await this.deps.store.transaction(async (tx) => {
      const d = await tx.disclosures.findById(id);
      if (!d) throw new WzError('disclosure_not_found', 'No such disclosure request.');
      if (d.requestedBy !== actor) throw new WzError('forbidden', 'Only the liaison who asked may read this disclosure.');
      if (d.state !== 'approved') throw new WzError('disclosure_not_approved', 'This disclosure has not been approved by a second liaison.');
      if (d.expiresAt === null || d.expiresAt <= this.deps.now()) throw new WzError('disclosure_expired', 'This disclosure has expired; ask again.');
      const person = await tx.persons.findById(d.personId);
      if (!person) throw new WzError('disclosure_not_found', 'No such disclosure request.');
      const dek = this.deps.protector.unwrapDataKey(person.id, person.wrappedDek, person.kekId);
      await this.#audit(tx, actor, 'identity.disclosed', d, person, dek);
      return { d, person, dek };
    });
    const p = openProfile(this.deps.protector, dek, person);
    const log = await buildHistory({ reader: this.deps.store.reader, protector: this.deps.protector, now: this.deps.now }, { personId: person.id, dek });
    return {
      disclosure: view(d),
      identity: {
        netid: person.netid,
        name: p.name,
        ...(p.nameLatin ? { nameLatin: p.nameLatin } : {}),
        sex: p.sex,
        birthDate: p.birthDate,
        nationality: p.nationality,
        documents: p.documents.map((x) => ({ type: x.type, number: x.number })),
      },
      authenticationLog: log,
    };
  }

  async #decide(actor: string, id: string, state: 'approved' | 'rejected'): Promise<DisclosureView> {
    return this.deps.store.transaction(async (tx) => {
      const d = await tx.disclosures.findById(id);
      if (!d) throw new WzError('disclosure_not_found', 'No such disclosure request.');
      if (d.state !== 'requested') throw new WzError('disclosure_state_conflict', 'This disclosure has already been decided.');
      if (d.requestedBy === actor) throw new WzError('four_eyes_required', 'A second liaison must decide what you requested.');
      const expiresAt = state === 'approved' ? this.deps.now() + DISCLOSURE_TTL_MS : null;
      if (!(await tx.disclosures.decide(d.id, { state, approvedBy: actor, expiresAt }))) {
        throw new WzError('disclosure_state_conflict', 'This disclosure was decided by someone else just now.');
      }
      const updated = (await tx.disclosures.findById(d.id))!;
      const person = await tx.persons.findById(d.personId);
      if (person) await this.#audit(tx, actor, state === 'approved' ? 'identity.disclosure_approved' : 'identity.disclosure_rejected', updated, person);
      return view(updated);
    });
  }

  async #find(tx: StoreTx, s: DisclosureSubject): Promise<{ person: PersonRecord; namedBy: 'netid' | 'app_id' }> {
    if ('netid' in s) {
      if (!isValidNetid(s.netid)) throw new WzError('invalid_netid', 'This is not a valid 网号.');
      const person = await tx.persons.findByNetid(s.netid);
      if (!person || person.status === 'cancelled') throw new WzError('unknown_subject', 'No person is known by this identifier.');
      return { person, namedBy: 'netid' };
    }
    if (!isClientId(s.clientId) || !isAppId(s.appId)) throw new WzError('invalid_request', 'Give a client id and an application identifier of that relying party.');
    const kind = rpKind(s.clientId);
    const person = await tx.persons.findByBlindIndex(kind, this.deps.blindIndexer.candidates(kind, s.appId).map((c) => c.digest));
    if (!person || person.status === 'cancelled') throw new WzError('unknown_subject', 'No person is known by this identifier.');
    return { person, namedBy: 'app_id' };
  }

  async #audit(tx: StoreTx, actor: string, action: Parameters<AuditSink['record']>[1]['action'], d: DisclosureRecord, person: PersonRecord, dek?: Uint8Array): Promise<void> {
    const key = dek ?? this.deps.protector.unwrapDataKey(person.id, person.wrappedDek, person.kekId);
    await this.deps.audit.record(tx, { actor, action, subject: subjectRef(key), data: { disclosure: d.id, namedBy: d.namedBy, caseRef: this.deps.audit.digest(d.caseRef) } });
  }
}

function view(d: DisclosureRecord): DisclosureView {
  return {
    id: d.id,
    state: d.state,
    namedBy: d.namedBy,
    caseRef: d.caseRef,
    requestedBy: d.requestedBy,
    approvedBy: d.approvedBy,
    expiresAt: d.expiresAt === null ? null : new Date(d.expiresAt).toISOString(),
    createdAt: new Date(d.createdAt).toISOString(),
  };
}
