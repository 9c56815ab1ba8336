/**
 * Queries of the registry simulator. Prepared once; every lookup is by an indexed key.
 */
import type { DocumentType, HolderCategory } from '@wangzheng/core/documents/document-types';
import type { Db } from './db.ts';

export interface DocumentRecord {
  docId: number;
  personId: number;
  type: DocumentType;
  number: string;
  issuer: string;
  issuerName: string;
  validFrom: string;
  validUntil: string | null;
  lostOn: string | null;
  sod: string | null;
  personRef: string;
  category: HolderCategory;
  name: string;
  nameLatin: string;
  sex: 'M' | 'F';
  birthDate: string;
  nationality: string;
  faceSeed: number;
}

export interface PersonRecord {
  id: number;
  personRef: string;
  birthDate: string;
  faceSeed: number;
}

const DOC_SELECT = `
SELECT d.id AS docId, d.person_id AS personId, d.type, d.number, o.issuer, o.name AS issuerName,
       d.valid_from AS validFrom, d.valid_until AS validUntil, d.lost_on AS lostOn, d.sod,
       p.person_ref AS personRef, p.category, p.name, p.name_latin AS nameLatin, p.sex,
       p.birth_date AS birthDate, p.nationality, p.face_seed AS faceSeed
FROM documents d JOIN persons p ON p.id = d.person_id JOIN offices o ON o.id = d.office_id`;

export class RegistryStore {
  private readonly q;

  constructor(readonly db: Db) {
    this.q = {
      docByNumber: db.prepare(`${DOC_SELECT} WHERE d.type = ? AND d.number = ?`),
      docById: db.prepare(`${DOC_SELECT} WHERE d.id = ?`),
      docsOfPerson: db.prepare(`${DOC_SELECT} WHERE d.person_id = ? ORDER BY d.id`),
      saveSod: db.prepare('UPDATE documents SET sod = ? WHERE id = ?'),
      personByRef: db.prepare('SELECT id, person_ref AS personRef, birth_date AS birthDate, face_seed AS faceSeed FROM persons WHERE person_ref = ?'),
      personById: db.prepare('SELECT id, person_ref AS personRef, birth_date AS birthDate, face_seed AS faceSeed FROM persons WHERE id = ?'),
      isGuardian: db.prepare('SELECT 1 AS x FROM guardianships WHERE child_id = ? AND guardian_id = ?'),
      guardiansOf: db.prepare('SELECT guardian_id AS id FROM guardianships WHERE child_id = ? ORDER BY guardian_id'),
      addChallenge: db.prepare('INSERT INTO face_challenges (nonce, expires_at) VALUES (?, ?)'),
      consumeChallenge: db.prepare('DELETE FROM face_challenges WHERE nonce = ? AND expires_at > ?'),
      peekChallenge: db.prepare('SELECT 1 AS x FROM face_challenges WHERE nonce = ? AND expires_at > ?'),
      purgeChallenges: db.prepare('DELETE FROM face_challenges WHERE expires_at <= ?'),
      personCount: db.prepare('SELECT count(*) AS n FROM persons'),
    };
  }

  findDocument(type: DocumentType, number: string): DocumentRecord | undefined {
    return this.q.docByNumber.get(type, number) as DocumentRecord | undefined;
  }

  documentById(id: number): DocumentRecord | undefined {
    return this.q.docById.get(id) as DocumentRecord | undefined;
  }

  documentsOf(personId: number): DocumentRecord[] {
    return this.q.docsOfPerson.all(personId) as DocumentRecord[];
  }

  saveSod(docId: number, sod: string): void {
    this.q.saveSod.run(sod, docId);
  }

  personByRef(ref: string): PersonRecord | undefined {
    return this.q.personByRef.get(ref) as PersonRecord | undefined;
  }

  personById(id: number): PersonRecord | undefined {
    return this.q.personById.get(id) as PersonRecord | undefined;
  }

  isGuardian(childId: number, guardianId: number): boolean {
    return this.q.isGuardian.get(childId, guardianId) !== undefined;
  }

  guardiansOf(childId: number): number[] {
    return (this.q.guardiansOf.all(childId) as { id: number }[]).map((r) => r.id);
  }

  addChallenge(nonce: string, expiresAtMs: number, nowMs: number): void {
    this.q.purgeChallenges.run(nowMs);
    this.q.addChallenge.run(nonce, expiresAtMs);
  }

  /** Single use: true exactly once for an issued, unexpired nonce. */
  consumeChallenge(nonce: string, nowMs: number): boolean {
    return this.q.consumeChallenge.run(nonce, nowMs).changes === 1;
  }

  challengeOpen(nonce: string, nowMs: number): boolean {
    return this.q.peekChallenge.get(nonce, nowMs) !== undefined;
  }

  /**
   * Runs a sample-finding query: the first document (in id order) whose person and document
   * match `where`. The population is well mixed, so matches come within the first rows.
   */
  firstDocument(where: string, params: unknown[]): DocumentRecord | undefined {
    return this.db.prepare(`${DOC_SELECT} WHERE ${where} ORDER BY d.id LIMIT 1`).get(...params) as DocumentRecord | undefined;
  }
}
