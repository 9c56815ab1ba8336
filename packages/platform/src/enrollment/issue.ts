/**
 * Issuance: the last step of an enrollment, in ONE store transaction — either the person, the
 * device, the credential, the passphrase hash, the consents and the history event all exist
 * afterwards, or none of them does (no half-issued credential).
 *
 * - The person is found by the blind index of the registry's person reference, so the same
 *   person enrolling again (another document, another phone) keeps their 网号; their earlier
 *   网证 are revoked (`reenrolled`) and earlier devices retired.
 * - A new person gets a fresh data key and a 网号 allocated from the netid key ring.
 * - The 网证 (SD-JWT VC) is signed here; its disclosures (salts + values) go back to the
 *   wallet only. The platform keeps the credential's id, status entry and expiry — never the
 *   disclosures.
 * - Claims never go stale: the credential expires no later than the document, and for age
 *   claims no later than the holder's next 14th/16th/18th/60th birthday.
 */
import { addYears, ageOn, chinaDate, chinaMidnight } from '@wangzheng/core/calendar';
import type { IdentityClaims } from '@wangzheng/core/credential/index';
import type { KeyRing, PublicJwk } from '@wangzheng/core/crypto/index';
import { WzError } from '@wangzheng/core/errors';
import { allocateNetid, type SecretRing } from '@wangzheng/core/identifiers/index';
import type { BlindIndexer, DataProtector } from '../protect/index.ts';
import { newId, type PersonRecord, type Store, type StoreTx } from '../store/index.ts';
import { mintCredential } from '../credential/mint.ts';
import { faultPoint } from '../faults/points.ts';
import { historyEvent } from '../person/history.ts';
import type { PersonProfile } from '../person/profile.ts';
import { consentSubjects } from './notice.ts';
import type { EnrollmentSessions, Opened } from './session.ts';
import type { EnrolleeData, EnrollmentState } from './state.ts';

export interface IssuedCredential {
  readonly netid: string;
  readonly credentialId: string;
  /** The SD-JWT VC with every disclosure: for the wallet only. */
  readonly credential: string;
  readonly expiresAt: string;
}

/** Moved to person/profile.ts; re-exported here for the modules that import it from enrollment. */
export type { PersonProfile } from '../person/profile.ts';

export interface IssuerDeps {
  readonly store: Store;
  readonly sessions: EnrollmentSessions;
  readonly protector: DataProtector;
  readonly blindIndexer: BlindIndexer;
  readonly netidKeys: SecretRing;
  readonly signing: KeyRing;
  readonly issuerUrl: string;
  readonly validityDays: number;
  readonly now: () => number;
}

const AGE_BOUNDARIES = [14, 16, 18, 60] as const;
const DAY = 86_400_000;

/** Latest expiry at which every claim of the credential is still true. */
export function credentialExpiry(e: Pick<EnrolleeData, 'birthDate' | 'documentValidUntil'>, issuedAt: number, validityDays: number): number {
  let exp = issuedAt + validityDays * DAY;
  if (e.documentValidUntil) exp = Math.min(exp, chinaMidnight(e.documentValidUntil) + DAY);
  const age = ageOn(e.birthDate, chinaDate(issuedAt));
  const next = AGE_BOUNDARIES.find((b) => b > age);
  if (next !== undefined) exp = Math.min(exp, chinaMidnight(addYears(e.birthDate, next)));
  return exp;
}

export function netidClaims(e: EnrolleeData, today: string): IdentityClaims {
  const age = ageOn(e.birthDate, today);
  return {
    name: e.name,
    sex: e.sex,
    birth_date: e.birthDate,
    nationality: e.nationality,
    document_type: e.documentType,
    document_number: e.documentNumber,
    document_expires: e.documentValidUntil,
    age_over_14: age >= 14,
    age_over_16: age >= 16,
    age_over_18: age >= 18,
    age_over_60: age >= 60,
  };
}

export class Issuer {
  constructor(private readonly deps: IssuerDeps) {}

  /**
   * Issues for a completed enrollment. `collectNow`: the enrollment ends here and the caller
   * hands the credential to the wallet; otherwise (a guardian approved) it waits, sealed, in
   * the enrollment until the wallet collects it.
   */
  async issue(o: Opened, state: EnrollmentState, opts: { collectNow: boolean }): Promise<IssuedCredential> {
    const { store, protector, blindIndexer: bi } = this.deps;
    const e = state.enrollee;
    const device = state.device;
    if (!e || !device || !state.passphraseHash || !state.consent || !state.phone || !state.phoneVerifiedAt || !state.face) {
      throw new WzError('step_out_of_order', 'The enrollment is not complete.');
    }
    const now = this.deps.now();
    const expiresAt = credentialExpiry(e, now, this.deps.validityDays);
    if (expiresAt <= now) throw new WzError('document_expired', 'This document has expired; enroll with a valid document.');
    const credentialId = newId();

    let ended = false;
    const out = await store.transaction(async (tx) => {
      if (await tx.devices.findByThumbprint(device.thumbprint)) {
        throw new WzError('invalid_device_proof', 'This device key is already bound to a credential; generate a new key.');
      }
      const { person, dek } = await this.#person(tx, e, state.phone!.number, state.guardianLed ? state.guardian?.personId : undefined);

      // Re-enrollment: the earlier credentials and devices stop working now.
      await tx.credentials.revokeAllOfPerson(person.id, 'reenrolled', now);
      for (const d of await tx.devices.listByPerson(person.id)) if (d.revokedAt === null) await tx.devices.revoke(d.id, now);

      const dev = await tx.devices.insert({
        personId: person.id,
        publicJwk: JSON.stringify(device.jwk),
        thumbprint: device.thumbprint,
        label: device.label ? protector.sealFor(dek, person.id, 'device_label', device.label) : null,
        createdAt: now,
      });
      // The credential row (random status position) and the signed 网证: credential/mint.ts, shared with renewal and transfer.
      const sd = await mintCredential(tx, this.deps, {
        credentialId,
        personId: person.id,
        netid: person.netid,
        deviceId: dev.id,
        deviceJwk: device.jwk as unknown as PublicJwk,
        claims: netidClaims(e, chinaDate(now)),
        issuedAt: now,
        expiresAt,
      });
      await tx.passphrases.set(person.id, state.passphraseHash!, now);
      const subjects = consentSubjects(state.consent!.noticeVersion);
      await tx.consents.insert({ personId: person.id, subject: subjects.processing, scope: 'enrollment', grantedAt: state.consent!.at });
      await tx.consents.insert({ personId: person.id, subject: subjects.sensitive, scope: 'face,id_document', grantedAt: state.consent!.at });
      await tx.events.append(
        historyEvent(protector, { personId: person.id, dek }, {
          kind: 'enrolled',
          documentType: e.documentType,
          device: device.thumbprint,
          faceSimilarity: state.face!.similarity,
          noticeVersion: state.consent!.noticeVersion,
          credentialId,
          ...(state.guardian ? { guardianPersonId: state.guardian.personId } : {}),
        }, now),
      );
      if (state.guardian) {
        // The guardian sees in their own history that they enrolled or approved a ward.
        const g = await tx.persons.findById(state.guardian.personId);
        if (g) {
          const gdek = protector.unwrapDataKey(g.id, g.wrappedDek, g.kekId);
          await tx.events.append(
            historyEvent(protector, { personId: g.id, dek: gdek }, { kind: state.guardianLed ? 'ward_enrolled' : 'ward_enrollment_approved', wardNetid: person.netid, credentialId }, now),
          );
        }
      }

      const issued: IssuedCredential = { netid: person.netid, credentialId, credential: sd.sdJwt, expiresAt: new Date(expiresAt).toISOString() };
      if (opts.collectNow) {
        ended = await this.deps.sessions.end(o.id, 'issued', undefined, tx);
      } else {
        await this.deps.sessions.advance(o, 'issued', { ...state, issued: { netid: person.netid, credentialId, credential: sd.sdJwt, expiresAt } }, `issued:${credentialId}`, {
          tx,
          keepNonce: true,
        });
      }
      // A guardian's approval issues here too (collectNow false, approval.ts): its own point.
      if (opts.collectNow) faultPoint('enrollment.issue.before-commit');
      else faultPoint('enrollment.guardian.before-commit');
      return issued;
    });
    faultPoint('enrollment.issue.after-commit');
    if (ended) this.deps.sessions.report('issued');
    return out;
  }

  /** The enrolling person's record and data key: found by person reference, or created. */
  async #person(tx: StoreTx, e: EnrolleeData, phone: string, guardianId?: string): Promise<{ person: PersonRecord; dek: Uint8Array }> {
    const { protector, blindIndexer: bi } = this.deps;
    const doc = { type: e.documentType, number: e.documentNumber, validUntil: e.documentValidUntil };
    const existing = await tx.persons.findByPersonIndex(bi.candidates('person_ref', e.personRef).map((c) => c.digest));
    const phoneOwner = await tx.persons.findByBlindIndex('phone', bi.candidates('phone', phone).map((c) => c.digest));
    const docKind = `document:${e.documentType}` as const;

    if (existing) {
      const dek = protector.unwrapDataKey(existing.id, existing.wrappedDek, existing.kekId);
      const profile = protector.openFor(dek, existing.id, 'profile', existing.profile) as PersonProfile;
      profile.documents = [...profile.documents.filter((d) => d.type !== doc.type), doc];
      profile.phone = phone;
      profile.name = e.name;
      if (guardianId) profile.guardians = [...new Set([...(profile.guardians ?? []), guardianId])];
      await tx.persons.updateProfile(existing.id, protector.sealFor(dek, existing.id, 'profile', profile));
      await tx.persons.replaceBlindIndexes(existing.id, docKind, [bi.digest(docKind, e.documentNumber)]);
      if (!phoneOwner || phoneOwner.id === existing.id) await tx.persons.replaceBlindIndexes(existing.id, 'phone', [bi.digest('phone', phone)]);
      return { person: existing, dek };
    }

    const id = newId();
    const dk = protector.newDataKey(id);
    const key = this.deps.netidKeys[0];
    const { netid, attempt } = await allocateNetid({ key: key.key, personRef: e.personRef, isTaken: (n) => tx.persons.isNetidTaken(n) });
    const profile: PersonProfile = {
      v: 1,
      personRef: e.personRef,
      name: e.name,
      ...(e.nameLatin ? { nameLatin: e.nameLatin } : {}),
      sex: e.sex,
      birthDate: e.birthDate,
      nationality: e.nationality,
      documents: [doc],
      phone,
      ...(guardianId ? { guardians: [guardianId] } : {}),
    };
    const personIndex = bi.digest('person_ref', e.personRef);
    const person = await tx.persons.insert({
      id,
      netid,
      netidAttempt: attempt,
      personIndex: personIndex.digest,
      personIndexKeyId: personIndex.keyId,
      wrappedDek: dk.wrappedDek,
      kekId: dk.kekId,
      profile: protector.sealFor(dk.dek, id, 'profile', profile),
    });
    // A phone number already bound to someone else (a parent's phone on a child's 网证) is kept
    // in the profile but not indexed twice: lookups by phone find its first holder.
    const indexes = [bi.digest(docKind, e.documentNumber), ...(phoneOwner ? [] : [bi.digest('phone', phone)])];
    await tx.persons.addBlindIndexes(id, indexes);
    return { person, dek: dk.dek };
  }
}
