/**
 * What one enrollment writes, built for a whole batch of the registry simulator's people — the
 * rows of `enrollment/issue.ts` (`Issuer.issue` for a first enrollment, collected at once),
 * sealed and digested with the platform's own DataProtector and BlindIndexer under the keys of
 * the data directory the platform will run with:
 *
 *   persons        1  netid (allocated as allocateNetid does), person index, wrapped DEK, sealed profile
 *   blind_indexes  2  document:<type> and phone
 *   devices        1  an SM2 device key (device-keys.ts), no label
 *   credentials    1  valid, a random free position of the open status list, clamped expiry
 *   passphrases    1  an Argon2id PHC string (see `passphraseHash` in generate.ts)
 *   consents       2  the notice's processing and sensitive-data subjects
 *   events         1  `enrolled`, sealed
 *   counters          enrollments.started/issued, status_list.open, status_list.<n>.allocated
 *
 * Who is enrolled: adults (18+ on the day of generation) whose first document is neither
 * reported lost nor expired — the people who enroll themselves in one sitting. Minors need a
 * guardian's approval (another flow) and are skipped; so are the other documents of a person.
 * The credential is not signed: the platform keeps only its id, position and times, never the
 * SD-JWT, so a signature would be thrown away.
 */
import { randomInt, randomUUID } from 'node:crypto';
import { ageOn, chinaDate } from '@wangzheng/core/calendar';
import { deriveNetidCandidate } from '@wangzheng/core/identifiers/index';
import type { SyntheticPerson } from '@wangzheng/registry-sim';
import { credentialExpiry } from '@wangzheng/platform/enrollment/issue';
import { consentSubjects, NOTICE } from '@wangzheng/platform/enrollment/notice';
import { historyEvent } from '@wangzheng/platform/person/history';
import type { PersonProfile } from '@wangzheng/platform/person/profile';
import type { BlindDigest, BlindIndexer, DataProtector } from '@wangzheng/platform/protect/index';
import { LIST_FILL, LIST_SIZE } from '@wangzheng/platform/credential/status-list';
import type { DeviceKey } from './device-keys.ts';

export interface Keys {
  readonly protector: DataProtector;
  readonly blindIndexer: BlindIndexer;
  readonly netidKey: Uint8Array;
  readonly passphraseHash: string;
  readonly validityDays: number;
}

/** A person of the population who enrolls, with the document and the person index (blind index of the person reference). */
export interface Chosen {
  readonly p: SyntheticPerson;
  readonly doc: SyntheticPerson['documents'][number];
  readonly personIndex: BlindDigest;
}

/** One table's rows as columns (what a multi-row INSERT or `unnest` wants). */
export type Columns = Record<string, unknown[]>;

export interface Batch {
  readonly persons: Columns;
  readonly blind_indexes: Columns;
  readonly devices: Columns;
  readonly credentials: Columns;
  readonly passphrases: Columns;
  readonly consents: Columns;
  readonly events: Columns;
  /** Counter increments (added to what is there). */
  readonly counters: Map<string, number>;
  /** People written by this batch. */
  readonly people: number;
}

const cols = (...names: string[]): Columns => Object.fromEntries(names.map((n) => [n, []]));

/** A mainland mobile number per population index: 19x xxxx xxxx, never one the benchmarks' own holders use (137…). */
export function phoneOf(index: number): string {
  return `19${String(index).padStart(9, '0')}`;
}

/**
 * Whether person `p`, enrolling at `at`, does so in one sitting, and with which document: an
 * adult on that day whose first document is not reported lost and whose 网证 issued then is
 * still valid at `now` (by default the same moment).
 */
export function enrollsWith(p: SyntheticPerson, at: number, validityDays: number, now = at): SyntheticPerson['documents'][number] | undefined {
  const doc = p.documents[0];
  if (!doc || doc.lostOn !== null) return undefined;
  if (ageOn(p.birthDate, chinaDate(at)) < 18) return undefined;
  if (credentialExpiry({ birthDate: p.birthDate, documentValidUntil: doc.validUntil }, at, validityDays) <= now) return undefined;
  return doc;
}

/**
 * The open status list and the positions taken in it: a new credential gets a random free one,
 * as `allocateStatus` draws; the next list opens when half of this one is taken.
 */
export class StatusPositions {
  list: number;
  allocated: number;
  #taken: Uint8Array;
  /** `status_list.open` as stored (0 when never written: list 1 is open). */
  #stored: number;

  constructor(storedOpen: number, taken: Iterable<number>) {
    this.#stored = storedOpen;
    this.list = storedOpen || 1;
    this.#taken = new Uint8Array(LIST_SIZE);
    this.allocated = 0;
    for (const i of taken) {
      this.#taken[i] = 1;
      this.allocated++;
    }
  }

  draw(counters: Map<string, number>): { list: string; idx: number } {
    if (this.allocated >= LIST_FILL) {
      this.list += 1;
      this.#taken = new Uint8Array(LIST_SIZE);
      this.allocated = 0;
      counters.set('status_list.open', (counters.get('status_list.open') ?? 0) + this.list - this.#stored);
      this.#stored = this.list;
    }
    for (;;) {
      const idx = randomInt(LIST_SIZE);
      if (this.#taken[idx]) continue;
      this.#taken[idx] = 1;
      this.allocated++;
      const name = `status_list.${this.list}.allocated`;
      counters.set(name, (counters.get(name) ?? 0) + 1);
      return { list: String(this.list), idx };
    }
  }
}

/**
 * The rows for `people` (with their population indexes), issued at `now`. `netidTaken` says
 * whether a 网号 is already held in the database; candidates are also checked within the batch.
 */
export async function buildBatch(
  keys: Keys,
  people: readonly Chosen[],
  devices: readonly DeviceKey[],
  status: StatusPositions,
  netidTaken: (candidates: string[]) => Promise<Set<string>>,
  now: number,
): Promise<Batch> {
  const { protector, blindIndexer: bi } = keys;
  const b: Batch = {
    persons: cols('id', 'netid', 'netid_attempt', 'person_index', 'person_index_key_id', 'wrapped_dek', 'kek_id', 'profile', 'status', 'created_at', 'updated_at'),
    blind_indexes: cols('kind', 'digest', 'key_id', 'person_id', 'created_at'),
    devices: cols('id', 'person_id', 'public_jwk', 'thumbprint', 'label', 'created_at', 'revoked_at'),
    credentials: cols('id', 'person_id', 'device_id', 'status', 'status_list', 'status_index', 'issued_at', 'expires_at', 'revoked_at', 'reason'),
    passphrases: cols('person_id', 'hash', 'failures', 'locked_until', 'updated_at'),
    consents: cols('id', 'person_id', 'subject', 'scope', 'granted_at', 'withdrawn_at'),
    events: cols('id', 'person_id', 'type', 'created_at', 'data'),
    counters: new Map([['enrollments.started', people.length], ['enrollments.issued', people.length]]),
    people: people.length,
  };
  // 网号: attempt 0 for almost everyone; a candidate already held (in the database or earlier in
  // this batch) moves that person to the next attempt, as allocateNetid does one by one.
  const attempts = people.map(() => 0);
  const netids = people.map(({ p }) => deriveNetidCandidate(keys.netidKey, p.personRef, 0) as string);
  for (let round = 0; ; round++) {
    const held = await netidTaken(netids);
    const seen = new Set<string>();
    let moved = false;
    netids.forEach((n, k) => {
      if (held.has(n) || seen.has(n)) {
        attempts[k]! += 1;
        netids[k] = deriveNetidCandidate(keys.netidKey, people[k]!.p.personRef, attempts[k]!);
        moved = true;
      } else seen.add(n);
    });
    if (!moved) break;
    if (round > 32) throw new Error('scale: no free 网号 after 32 attempts');
  }
  const subjects = consentSubjects(NOTICE.version);
  const push = (c: Columns, row: Record<string, unknown>): void => {
    for (const k of Object.keys(c)) c[k]!.push(row[k] ?? null);
  };
  people.forEach(({ p, doc, personIndex }, k) => {
    const id = randomUUID();
    const dk = protector.newDataKey(id);
    const phone = phoneOf(p.index);
    const profile: PersonProfile = {
      v: 1,
      personRef: p.personRef,
      name: p.name,
      // The chip carries a Latin name on every document but the resident ID card (registry-sim service.ts).
      ...(doc.type !== 'resident_id_card' && p.nameLatin ? { nameLatin: p.nameLatin } : {}),
      sex: p.sex,
      birthDate: p.birthDate,
      nationality: p.nationality,
      documents: [{ type: doc.type, number: doc.number, validUntil: doc.validUntil }],
      phone,
    };
    push(b.persons, {
      id,
      netid: netids[k],
      netid_attempt: attempts[k],
      person_index: personIndex.digest,
      person_index_key_id: personIndex.keyId,
      wrapped_dek: dk.wrappedDek,
      kek_id: dk.kekId,
      profile: protector.sealFor(dk.dek, id, 'profile', profile),
      status: 'active',
      created_at: now,
      updated_at: now,
    });
    for (const d of [bi.digest(`document:${doc.type}`, doc.number), bi.digest('phone', phone)]) {
      push(b.blind_indexes, { kind: d.kind, digest: d.digest, key_id: d.keyId, person_id: id, created_at: now });
    }
    const device = devices[k]!;
    const deviceId = randomUUID();
    push(b.devices, { id: deviceId, person_id: id, public_jwk: device.publicJwk, thumbprint: device.thumbprint, created_at: now });
    const credentialId = randomUUID();
    const pos = status.draw(b.counters);
    const expiresAt = credentialExpiry({ birthDate: p.birthDate, documentValidUntil: doc.validUntil }, now, keys.validityDays);
    push(b.credentials, { id: credentialId, person_id: id, device_id: deviceId, status: 'valid', status_list: pos.list, status_index: pos.idx, issued_at: now, expires_at: expiresAt });
    push(b.passphrases, { person_id: id, hash: keys.passphraseHash, failures: 0, updated_at: now });
    push(b.consents, { id: randomUUID(), person_id: id, subject: subjects.processing, scope: 'enrollment', granted_at: now });
    push(b.consents, { id: randomUUID(), person_id: id, subject: subjects.sensitive, scope: 'face,id_document', granted_at: now });
    const ev = historyEvent(protector, { personId: id, dek: dk.dek }, {
      kind: 'enrolled',
      documentType: doc.type,
      device: device.thumbprint,
      faceSimilarity: 0.9 + (p.faceSeed % 900) / 10_000,
      noticeVersion: NOTICE.version,
      credentialId,
    }, now);
    push(b.events, { id: randomUUID(), person_id: id, type: ev.type, created_at: ev.createdAt, data: ev.data });
  });
  return b;
}
