import { beforeAll, describe, expect, it } from 'vitest';
import { isWzError } from '@wangzheng/core/errors';
import { encodeDocumentData, type ChipData, type DocumentData } from '@wangzheng/core/documents/chip';
import { verifyDocumentResponseSchema } from '@wangzheng/core/registry/schemas';
import { openDb, type Db } from '../src/store/db.ts';
import { loadPopulation } from '../src/population/load.ts';
import { IssuerPki } from '../src/pki/issuers.ts';
import { RegistryStore } from '../src/store/registry-store.ts';
import { RegistryService, type Sample } from '../src/service.ts';
import { chipData, signSod } from '../src/pki/chip.ts';

let clock = new Date('2026-06-15T04:00:00Z');
const now = (): Date => clock;
let db: Db;
let service: RegistryService;
let samples: Map<Sample['label'], Sample>;

function codeOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (isWzError(e)) return e.code;
    throw e;
  }
  return 'none';
}

function sample(label: Sample['label']): Sample {
  const s = samples.get(label);
  if (!s) throw new Error(`no sample ${label}`);
  return s;
}

beforeAll(() => {
  db = openDb(':memory:');
  loadPopulation(db, { count: 3000, seed: 'service-test' });
  service = new RegistryService(new RegistryStore(db), IssuerPki.open(db), { now, challengeTtlSeconds: 120 });
  samples = new Map(service.samples().map((s) => [s.label, s]));
});

describe('Registry contract: verifyDocument', () => {
  it('every sample kind is present', () => {
    expect([...samples.keys()].sort()).toEqual(
      ['adult', 'citizen_abroad', 'expired_document', 'foreigner', 'hk_macau_resident', 'lost_document', 'minor_14_17', 'minor_under_14', 'taiwan_resident', 'two_document_types'].sort(),
    );
  });

  it('a genuine chip of a valid document: status valid, personRef, birth date, age band; answer matches the contract schema', () => {
    const s = sample('adult');
    const r = service.verifyDocument(service.readChip(s.documentType, s.documentNumber));
    expect(verifyDocumentResponseSchema.parse(r)).toEqual(r);
    expect(r).toMatchObject({ status: 'valid', documentType: 'resident_id_card', birthDate: s.birthDate, ageBand: 'adult' });
    expect(r.personRef).toMatch(/^pr_/);
    expect(r.personRef).not.toContain(s.documentNumber.slice(6, 14));
  });

  it('one person, two document types → the same personRef', () => {
    const s = sample('two_document_types');
    const a = service.verifyDocument(service.readChip(s.documentType, s.documentNumber));
    const b = service.verifyDocument(service.readChip(s.otherDocument!.documentType, s.otherDocument!.documentNumber));
    expect(a.documentType).toBe('hk_macau_exit_entry_permit');
    expect(b.documentType).toBe('resident_id_card');
    expect(a.personRef).toBe(b.personRef);
  });

  it('expired and lost documents are reported as such (not as errors)', () => {
    const e = sample('expired_document');
    expect(service.verifyDocument(service.readChip(e.documentType, e.documentNumber)).status).toBe('expired');
    const l = sample('lost_document');
    expect(service.verifyDocument(service.readChip(l.documentType, l.documentNumber)).status).toBe('lost');
  });

  it('expiry boundary: valid on its last day, expired the day after (China time)', () => {
    const rec = db.prepare("SELECT type, number, valid_until AS u FROM documents WHERE valid_until IS NOT NULL AND lost_on IS NULL AND valid_until > '2026-07-01' LIMIT 1").get() as { type: string; number: string; u: string };
    const chip = service.readChip(rec.type, rec.number);
    const saved = clock;
    try {
      clock = new Date(`${rec.u}T15:59:59Z`); // 23:59:59 in China on the last day
      expect(service.verifyDocument(chip).status).toBe('valid');
      clock = new Date(`${rec.u}T16:00:00Z`); // 00:00 the next day in China
      expect(service.verifyDocument(chip).status).toBe('expired');
    } finally {
      clock = saved;
    }
  });

  it('age bands for the minors\' rules: under 14 and 14-17', () => {
    const u = sample('minor_under_14');
    expect(service.verifyDocument(service.readChip(u.documentType, u.documentNumber)).ageBand).toBe('under_14');
    const m = sample('minor_14_17');
    expect(service.verifyDocument(service.readChip(m.documentType, m.documentNumber)).ageBand).toBe('age_14_17');
  });

  it('a chip with an altered field → forged_chip_data', () => {
    const s = sample('adult');
    const chip = service.readChip(s.documentType, s.documentNumber);
    const dg1 = JSON.parse(Buffer.from(chip.dg1, 'base64url').toString('utf8')) as DocumentData;
    const altered: ChipData = { ...chip, dg1: encodeDocumentData({ ...dg1, birthDate: '2015-01-01' }).toString('base64url') };
    expect(codeOf(() => service.verifyDocument(altered))).toBe('forged_chip_data');
  });

  it('a chip from another registry\'s PKI → forged_chip_data', () => {
    const other = openDb(':memory:');
    const foreignSigner = IssuerPki.open(other).signer('mps-11');
    other.close();
    const s = sample('adult');
    const dg1 = JSON.parse(Buffer.from(service.readChip(s.documentType, s.documentNumber).dg1, 'base64url').toString('utf8')) as DocumentData;
    const forged = chipData(foreignSigner, { ...dg1, issuer: 'mps-11' }, signSod(foreignSigner, { ...dg1, issuer: 'mps-11' }));
    expect(codeOf(() => service.verifyDocument(forged))).toBe('forged_chip_data');
  });

  it('the SOD is made once and kept: two reads give identical chip data', () => {
    const s = sample('foreigner');
    expect(service.readChip(s.documentType, s.documentNumber)).toEqual(service.readChip(s.documentType, s.documentNumber));
  });

  it('device simulation input checks: unknown type, malformed number, no such document', () => {
    expect(codeOf(() => service.readChip('driving_licence', '123'))).toBe('unknown_document_type');
    expect(codeOf(() => service.readChip('resident_id_card', '110105194912310029'))).toBe('invalid_id_number');
    expect(codeOf(() => service.readChip('taiwan_travel_permit', '1234'))).toBe('invalid_document');
    expect(codeOf(() => service.readChip('resident_id_card', '11010519491231002X'))).toBe('unknown_person');
  });
});

describe('Registry contract: guardianship (Art. 4, 5)', () => {
  it('the registered guardian of a child → true; the reverse and a stranger → false; unknown child → unknown_person', () => {
    const u = sample('minor_under_14');
    const child = service.verifyDocument(service.readChip(u.documentType, u.documentNumber)).personRef;
    const guardian = service.verifyDocument(service.readChip(u.guardian!.documentType, u.guardian!.documentNumber)).personRef;
    const a = sample('adult');
    const stranger = service.verifyDocument(service.readChip(a.documentType, a.documentNumber)).personRef;
    expect(service.isGuardian({ guardianRef: guardian, childRef: child })).toBe(true);
    expect(service.isGuardian({ guardianRef: child, childRef: guardian })).toBe(false);
    expect(service.isGuardian({ guardianRef: stranger, childRef: child })).toBe(false);
    expect(service.isGuardian({ guardianRef: 'pr_nobody-at-all', childRef: child })).toBe(false);
    expect(codeOf(() => service.isGuardian({ guardianRef: guardian, childRef: 'pr_nobody-at-all' }))).toBe('unknown_person');
  });
});

describe('Registry contract: face challenge and 1:1 match', () => {
  function personOf(s: Sample): string {
    return service.verifyDocument(service.readChip(s.documentType, s.documentNumber)).personRef;
  }

  it('the holder\'s capture matches (≥ threshold); someone else\'s does not (< threshold), over 20 captures each', () => {
    const list = [sample('adult'), sample('minor_under_14'), sample('foreigner'), sample('taiwan_resident')];
    let minSelf = 1;
    let maxOther = -1;
    for (let k = 0; k < 20; k++) {
      const s = list[k % list.length]!;
      const ref = personOf(s);
      for (const subject of ['self', 'other'] as const) {
        const { nonce } = service.faceChallenge();
        const probe = service.camera({ documentType: s.documentType, documentNumber: s.documentNumber, subject, nonce });
        const r = service.faceMatch({ personRef: ref, nonce, probe });
        expect(r.threshold).toBe(0.8);
        expect(r.match).toBe(subject === 'self');
        if (subject === 'self') minSelf = Math.min(minSelf, r.similarity);
        else maxOther = Math.max(maxOther, r.similarity);
      }
    }
    expect(minSelf).toBeGreaterThan(0.9);
    expect(maxOther).toBeLessThan(0.5);
  });

  it('a nonce is single use: the second match with it → challenge_expired', () => {
    const s = sample('adult');
    const { nonce } = service.faceChallenge();
    const probe = service.camera({ documentType: s.documentType, documentNumber: s.documentNumber, subject: 'self', nonce });
    const ref = personOf(s);
    expect(service.faceMatch({ personRef: ref, nonce, probe }).match).toBe(true);
    expect(codeOf(() => service.faceMatch({ personRef: ref, nonce, probe }))).toBe('challenge_expired');
    expect(codeOf(() => service.camera({ documentType: s.documentType, documentNumber: s.documentNumber, subject: 'self', nonce }))).toBe('challenge_expired');
  });

  it('nonce lifetime: usable 1 ms before expiry, challenge_expired at expiry; unknown nonce → challenge_expired', () => {
    const s = sample('adult');
    const ref = personOf(s);
    const saved = clock;
    try {
      const a = service.faceChallenge();
      const probeA = service.camera({ documentType: s.documentType, documentNumber: s.documentNumber, subject: 'self', nonce: a.nonce });
      const b = service.faceChallenge();
      clock = new Date(Date.parse(a.expiresAt) - 1);
      expect(service.faceMatch({ personRef: ref, nonce: a.nonce, probe: probeA }).match).toBe(true);
      clock = new Date(Date.parse(b.expiresAt));
      expect(codeOf(() => service.faceMatch({ personRef: ref, nonce: b.nonce, probe: probeA }))).toBe('challenge_expired');
    } finally {
      clock = saved;
    }
    expect(codeOf(() => service.faceMatch({ personRef: ref, nonce: 'AAAAAAAAAAAAAAAAAAAAAAAA', probe: new Array(128).fill(0.1) }))).toBe('challenge_expired');
  });

  it('probe shape: 127 or 129 numbers, a string, null or all zeros → invalid_face_template (nonce kept)', () => {
    const s = sample('adult');
    const ref = personOf(s);
    const { nonce } = service.faceChallenge();
    const ok = service.camera({ documentType: s.documentType, documentNumber: s.documentNumber, subject: 'self', nonce });
    for (const probe of [ok.slice(0, 127), [...ok, 0.1], [...ok.slice(0, 127), '0.1'], [...ok.slice(0, 127), null], new Array(128).fill(0), 'x', undefined]) {
      expect(codeOf(() => service.faceMatch({ personRef: ref, nonce, probe }))).toBe('invalid_face_template');
    }
    expect(service.faceMatch({ personRef: ref, nonce, probe: ok }).match).toBe(true);
  });

  it('unknown person → unknown_person (the nonce is spent)', () => {
    const { nonce } = service.faceChallenge();
    expect(codeOf(() => service.faceMatch({ personRef: 'pr_nobody-at-all', nonce, probe: new Array(128).fill(0.1) }))).toBe('unknown_person');
    expect(codeOf(() => service.faceMatch({ personRef: 'pr_nobody-at-all', nonce, probe: new Array(128).fill(0.1) }))).toBe('challenge_expired');
  });

  it('the threshold is configurable: at 0.99 the holder\'s own capture no longer matches', () => {
    const strict = new RegistryService(service.store, service.pki, { now, faceThreshold: 0.99 });
    const s = sample('adult');
    const { nonce } = strict.faceChallenge();
    const probe = strict.camera({ documentType: s.documentType, documentNumber: s.documentNumber, subject: 'self', nonce });
    const r = strict.faceMatch({ personRef: personOf(s), nonce, probe });
    expect(r).toMatchObject({ match: false, threshold: 0.99 });
    expect(r.similarity).toBeGreaterThan(0.8);
  });
});

describe('Registry contract: issuer keys', () => {
  it('one root and one certificate per issuing authority (31 provinces, NIA, MFA)', () => {
    const k = service.issuerKeys();
    expect(k.roots).toHaveLength(1);
    expect(k.roots[0]!.jwk).toMatchObject({ kty: 'EC', crv: 'SM2' });
    expect(k.signers).toHaveLength(33);
    expect(JSON.stringify(k)).not.toMatch(/"d"/);
  });
});
