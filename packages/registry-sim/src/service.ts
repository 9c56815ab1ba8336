/**
 * The registry's logic, independent of HTTP: the adapter contract (verify a document, face
 * challenge and match, guardianship, issuer keys) and the device simulation (chip read,
 * camera capture, sample documents).
 *
 * Log lines and errors name internal ids only — never a name, number or template.
 */
import { createHash, randomBytes } from 'node:crypto';
import { WzError } from '@wangzheng/core/errors';
import { parseDocumentType, type DocumentType } from '@wangzheng/core/documents/document-types';
import { assertDocumentNumber } from '@wangzheng/core/documents/numbers';
import { chinaDate } from '@wangzheng/core/documents/gb11643';
import type { ChipData, DocumentData } from '@wangzheng/core/documents/chip';
import { createPassiveAuthenticator, type PassiveAuthenticator } from '@wangzheng/core/documents/passive-auth';
import type { AgeBand, DocumentStatus, FaceChallengeResponse, FaceMatchResponse, IssuerKeysResponse, VerifyDocumentResponse } from '@wangzheng/core/registry/schemas';
import { cosineSimilarity, parseFaceTemplate } from '@wangzheng/core/registry/face-template';
import { addYears, ageOn } from './population/calendar.ts';
import { capture, DEFAULT_FACE_THRESHOLD, faceTemplate } from './face/template.ts';
import { chipData, signSod } from './pki/chip.ts';
import type { IssuerPki } from './pki/issuers.ts';
import type { DocumentRecord, RegistryStore } from './store/registry-store.ts';

export interface RegistryServiceOptions {
  /** Cosine similarity at or above which a probe matches. Default 0.80. */
  faceThreshold?: number;
  /** Lifetime of a face challenge nonce. Default 180 s. */
  challengeTtlSeconds?: number;
  now?: () => Date;
}

export interface Sample {
  label: 'adult' | 'minor_14_17' | 'minor_under_14' | 'expired_document' | 'lost_document' | 'two_document_types' | 'hk_macau_resident' | 'taiwan_resident' | 'foreigner' | 'citizen_abroad';
  description: string;
  documentType: DocumentType;
  documentNumber: string;
  name: string;
  birthDate: string;
  ageBand: AgeBand;
  status: DocumentStatus;
  guardian?: { documentType: DocumentType; documentNumber: string; name: string };
  otherDocument?: { documentType: DocumentType; documentNumber: string };
}

export function ageBandOf(birthDate: string, today: string): AgeBand {
  const age = ageOn(birthDate, today);
  return age < 14 ? 'under_14' : age < 18 ? 'age_14_17' : 'adult';
}

function statusOf(d: Pick<DocumentRecord, 'lostOn' | 'validUntil'>, today: string): DocumentStatus {
  if (d.lostOn !== null) return 'lost';
  if (d.validUntil !== null && d.validUntil < today) return 'expired';
  return 'valid';
}

function noSuchDocument(): WzError {
  return new WzError('unknown_person', 'No such document in the registry.', { detail: 'document not found' });
}

export class RegistryService {
  readonly faceThreshold: number;
  private readonly ttlMs: number;
  private readonly now: () => Date;
  private readonly passiveAuth: PassiveAuthenticator;
  private samplesCache: { day: string; samples: Sample[] } | undefined;

  constructor(
    readonly store: RegistryStore,
    readonly pki: IssuerPki,
    opts: RegistryServiceOptions = {},
  ) {
    this.faceThreshold = opts.faceThreshold ?? DEFAULT_FACE_THRESHOLD;
    if (!(this.faceThreshold > -1 && this.faceThreshold <= 1)) throw new TypeError('faceThreshold must be in (-1, 1]');
    this.ttlMs = (opts.challengeTtlSeconds ?? 180) * 1000;
    this.now = opts.now ?? (() => new Date());
    this.passiveAuth = createPassiveAuthenticator({ trustAnchors: [pki.anchor] });
  }

  // ---------------------------------------------------------------- adapter contract

  /**
   * Passive authentication against our own root, then the registry's word on the document:
   * whose it is (personRef), and whether it is valid, expired or reported lost.
   */
  verifyDocument(chip: unknown): VerifyDocumentResponse {
    const now = this.now();
    const { document: d } = this.passiveAuth.authenticate(chip, now);
    const rec = this.store.findDocument(d.documentType, d.documentNumber);
    if (!rec) throw new WzError('invalid_document', 'The registry has no record of this document.', { detail: 'authentic chip, no record' });
    if (rec.name !== d.name || rec.sex !== d.sex || rec.birthDate !== d.birthDate || rec.validFrom !== d.validFrom || rec.validUntil !== d.validUntil || rec.issuer !== d.issuer) {
      // Authentic but superseded (e.g. the record was corrected after the chip was written).
      throw new WzError('invalid_document', 'The document does not match the registry record.', { detail: `record mismatch doc#${rec.docId}` });
    }
    const today = chinaDate(now);
    return {
      status: statusOf(rec, today),
      documentType: rec.type,
      personRef: rec.personRef,
      birthDate: rec.birthDate,
      ageBand: ageBandOf(rec.birthDate, today),
      validUntil: rec.validUntil,
      checkedAt: now.toISOString(),
    };
  }

  faceChallenge(): FaceChallengeResponse {
    const now = this.now().getTime();
    const nonce = randomBytes(18).toString('base64url');
    this.store.addChallenge(nonce, now + this.ttlMs, now);
    return { nonce, expiresAt: new Date(now + this.ttlMs).toISOString() };
  }

  /** 1:1 match of a live probe against the registry template. The nonce is consumed first. */
  faceMatch(req: { personRef: string; nonce: string; probe: unknown }): FaceMatchResponse {
    const probe = parseFaceTemplate(req.probe);
    if (!this.store.consumeChallenge(req.nonce, this.now().getTime())) {
      throw new WzError('challenge_expired', 'The face challenge is unknown, used or expired; request a new one.');
    }
    const person = this.store.personByRef(req.personRef);
    if (!person) throw new WzError('unknown_person', 'No such person in the registry.');
    const similarity = Math.round(cosineSimilarity(probe, faceTemplate(person.faceSeed)) * 1e6) / 1e6;
    return { match: similarity >= this.faceThreshold, similarity, threshold: this.faceThreshold };
  }

  /** Is `guardianRef` a registered guardian of `childRef`? Unknown child → `unknown_person`. */
  isGuardian(req: { guardianRef: string; childRef: string }): boolean {
    const child = this.store.personByRef(req.childRef);
    if (!child) throw new WzError('unknown_person', 'No such person in the registry.', { detail: 'child' });
    const guardian = this.store.personByRef(req.guardianRef);
    if (!guardian) return false;
    return this.store.isGuardian(child.id, guardian.id);
  }

  issuerKeys(): IssuerKeysResponse {
    return { roots: [this.pki.anchor], signers: this.pki.certificates() };
  }

  // ---------------------------------------------------------------- device simulation

  private documentOrThrow(documentType: unknown, documentNumber: unknown): DocumentRecord {
    const type = parseDocumentType(documentType);
    const number = assertDocumentNumber(type, typeof documentNumber === 'string' ? documentNumber : '', { now: this.now() });
    const rec = this.store.findDocument(type, number);
    if (!rec) throw noSuchDocument();
    return rec;
  }

  /** What a phone's NFC reader gets from the document's chip. */
  readChip(documentType: unknown, documentNumber: unknown): ChipData {
    const rec = this.documentOrThrow(documentType, documentNumber);
    const doc: DocumentData = {
      v: 1,
      documentType: rec.type,
      documentNumber: rec.number,
      name: rec.name,
      ...(rec.type === 'resident_id_card' ? {} : { nameLatin: rec.nameLatin }),
      sex: rec.sex,
      birthDate: rec.birthDate,
      nationality: rec.nationality,
      issuer: rec.issuer,
      issuerName: rec.issuerName,
      validFrom: rec.validFrom,
      validUntil: rec.validUntil,
    };
    const signer = this.pki.signer(rec.issuer);
    let sod = rec.sod;
    if (sod === null) {
      sod = signSod(signer, doc);
      this.store.saveSod(rec.docId, sod);
    }
    return chipData(signer, doc, sod);
  }

  /**
   * What the phone's camera produces during the liveness step: a noisy template of the
   * document's holder (`self`) or of somebody else (`other`). The nonce must be an open
   * challenge; it is not consumed here (the match consumes it).
   */
  camera(req: { documentType: unknown; documentNumber: unknown; subject: 'self' | 'other'; nonce: string }): number[] {
    if (!this.store.challengeOpen(req.nonce, this.now().getTime())) {
      throw new WzError('challenge_expired', 'The face challenge is unknown, used or expired; request a new one.');
    }
    const rec = this.documentOrThrow(req.documentType, req.documentNumber);
    const h = createHash('sha256').update(req.nonce).digest();
    const noiseSeed = h.readUIntBE(0, 6);
    const face = req.subject === 'self' ? faceTemplate(rec.faceSeed) : faceTemplate(h.readUIntBE(6, 6) + 1);
    return capture(face, noiseSeed);
  }

  /** A few documents to try enrollment with, picked for today's date. */
  samples(): Sample[] {
    const today = chinaDate(this.now());
    if (this.samplesCache?.day === today) return this.samplesCache.samples;
    const adultBefore = addYears(today, -18);
    const fourteenBefore = addYears(today, -14);
    const validDoc = `d.lost_on IS NULL AND (d.valid_until IS NULL OR d.valid_until >= ?)`;
    const specs: Array<{ label: Sample['label']; description: string; where: string; params: unknown[] }> = [
      { label: 'adult', description: 'An adult mainland resident with a valid resident ID card.', where: `+d.type = 'resident_id_card' AND ${validDoc} AND p.birth_date <= ?`, params: [today, addYears(today, -25)] },
      { label: 'minor_14_17', description: 'A minor aged 14-17: enrolls under a guardian\'s supervision.', where: `+d.type = 'resident_id_card' AND ${validDoc} AND p.birth_date > ? AND p.birth_date <= ?`, params: [today, adultBefore, fourteenBefore] },
      {
        label: 'minor_under_14',
        description: 'A child under 14: a guardian applies and consents (the guardian\'s document is given).',
        where: `+d.type = 'resident_id_card' AND ${validDoc} AND p.birth_date > ? AND EXISTS (SELECT 1 FROM guardianships g JOIN documents gd ON gd.person_id = g.guardian_id WHERE g.child_id = p.id AND gd.type = 'resident_id_card' AND gd.lost_on IS NULL AND (gd.valid_until IS NULL OR gd.valid_until >= ?))`,
        params: [today, fourteenBefore, today],
      },
      { label: 'expired_document', description: 'An expired resident ID card: enrollment is refused (document_expired).', where: `+d.type = 'resident_id_card' AND d.lost_on IS NULL AND d.valid_until < ? AND p.birth_date <= ?`, params: [today, adultBefore] },
      { label: 'lost_document', description: 'A resident ID card reported lost: enrollment is refused (document_lost).', where: `+d.type = 'resident_id_card' AND d.lost_on IS NOT NULL AND p.birth_date <= ?`, params: [adultBefore] },
      {
        label: 'two_document_types',
        description: 'A person holding a resident ID card and an exit-entry permit: both enroll to the same 网号.',
        where: `+d.type = 'hk_macau_exit_entry_permit' AND ${validDoc} AND p.birth_date <= ? AND EXISTS (SELECT 1 FROM documents o WHERE o.person_id = p.id AND o.type = 'resident_id_card' AND o.lost_on IS NULL AND (o.valid_until IS NULL OR o.valid_until >= ?))`,
        params: [today, adultBefore, today],
      },
      { label: 'hk_macau_resident', description: 'A Hong Kong or Macao resident with a mainland travel permit.', where: `+d.type = 'hk_macau_travel_permit' AND ${validDoc} AND p.birth_date <= ?`, params: [today, adultBefore] },
      { label: 'taiwan_resident', description: 'A Taiwan resident with a mainland travel permit.', where: `+d.type = 'taiwan_travel_permit' AND ${validDoc} AND p.birth_date <= ?`, params: [today, adultBefore] },
      { label: 'foreigner', description: 'A foreigner with a permanent residence ID card.', where: `+d.type = 'foreign_permanent_residence_id' AND ${validDoc} AND p.birth_date <= ?`, params: [today, adultBefore] },
      { label: 'citizen_abroad', description: 'A Chinese citizen settled abroad, with a passport.', where: `+d.type = 'passport_abroad' AND ${validDoc} AND p.birth_date <= ?`, params: [today, adultBefore] },
    ];
    const samples: Sample[] = [];
    for (const s of specs) {
      const rec = this.store.firstDocument(s.where, s.params);
      if (!rec) continue;
      const sample: Sample = {
        label: s.label,
        description: s.description,
        documentType: rec.type,
        documentNumber: rec.number,
        name: rec.name,
        birthDate: rec.birthDate,
        ageBand: ageBandOf(rec.birthDate, today),
        status: statusOf(rec, today),
      };
      if (s.label === 'minor_under_14' || s.label === 'minor_14_17') {
        for (const gid of this.store.guardiansOf(rec.personId)) {
          const gdoc = this.store.documentsOf(gid).find((d) => d.type === 'resident_id_card' && statusOf(d, today) === 'valid');
          if (gdoc) {
            sample.guardian = { documentType: gdoc.type, documentNumber: gdoc.number, name: gdoc.name };
            break;
          }
        }
      }
      if (s.label === 'two_document_types') {
        const other = this.store.documentsOf(rec.personId).find((d) => d.type === 'resident_id_card');
        if (other) sample.otherDocument = { documentType: other.type, documentNumber: other.number };
      }
      samples.push(sample);
    }
    this.samplesCache = { day: today, samples };
    return samples;
  }
}

