import { beforeAll, describe, expect, it } from 'vitest';
import { generateKey, signJws } from '../../src/crypto/index.ts';
import type { PrivateKey } from '../../src/crypto/types.ts';
import { isWzError } from '../../src/errors.ts';
import {
  DSC_TYP,
  SOD_TYP,
  createPassiveAuthenticator,
  dataGroupDigest,
  encodeDocumentData,
  type ChipData,
  type DocumentData,
  type DocumentType,
  type TrustAnchor,
} from '../../src/documents/index.ts';

const NOW = new Date('2026-06-15T04:00:00Z');
const s = (iso: string): number => Math.floor(Date.parse(iso) / 1000);

let root: PrivateKey;
let otherRoot: PrivateKey;
let signer: PrivateKey;
let anchor: TrustAnchor;

function anchorOf(k: PrivateKey, notAfter = '2100-01-01T00:00:00.000Z'): TrustAnchor {
  return { kid: k.publicKey.thumbprint, name: 'test root', jwk: k.publicKey.toJwk(), notBefore: '2000-01-01T00:00:00.000Z', notAfter };
}

function cert(by: PrivateKey, key: PrivateKey, o: { sub?: string; docTypes?: DocumentType[]; nbf?: number; exp?: number } = {}): string {
  return signJws(
    {
      typ: 'wz-dsc',
      iss: by.publicKey.thumbprint,
      sub: o.sub ?? 'mps-11',
      name: '北京市公安局',
      jwk: key.publicKey.toJwk(),
      docTypes: o.docTypes ?? ['resident_id_card'],
      nbf: o.nbf ?? s('2000-01-01T00:00:00Z'),
      exp: o.exp ?? s('2099-01-01T00:00:00Z'),
    },
    by,
    { typ: DSC_TYP },
  );
}

const DOC: DocumentData = {
  v: 1,
  documentType: 'resident_id_card',
  documentNumber: '11010519491231002X',
  name: '测试人',
  sex: 'F',
  birthDate: '1949-12-31',
  nationality: 'CHN',
  issuer: 'mps-11',
  issuerName: '北京市公安局朝阳分局',
  validFrom: '2010-05-01',
  validUntil: null,
};

function chip(o: { doc?: DocumentData; dg1?: Buffer; signWith?: PrivateKey; dsc?: string; sodType?: DocumentType; iat?: number; typ?: string } = {}): ChipData {
  const doc = o.doc ?? DOC;
  const dg1 = encodeDocumentData(doc);
  const sod = signJws(
    { typ: 'wz-sod', documentType: o.sodType ?? doc.documentType, hashAlg: 'SM3', dg: { '1': dataGroupDigest(dg1) }, iat: o.iat ?? s('2010-05-01T01:00:00Z') },
    o.signWith ?? signer,
    { typ: o.typ ?? SOD_TYP },
  );
  return { v: 1, dg1: (o.dg1 ?? dg1).toString('base64url'), sod, dsc: o.dsc ?? cert(root, signer) };
}

function failure(f: () => unknown): { code: string; detail: string | undefined } {
  try {
    f();
  } catch (e) {
    if (isWzError(e)) return { code: e.code, detail: e.detail };
    throw e;
  }
  return { code: 'none', detail: undefined };
}

beforeAll(() => {
  root = generateKey('SM2');
  otherRoot = generateKey('SM2');
  signer = generateKey('SM2');
  anchor = anchorOf(root);
});

describe('ICAO 9303 passive authentication (JWS/SM2 model)', () => {
  it('a chip signed by a certified signer authenticates and yields DG1', () => {
    const pa = createPassiveAuthenticator({ trustAnchors: [anchor] });
    const r = pa.authenticate(chip(), NOW);
    expect(r.document).toEqual(DOC);
    expect(r.signer.authority).toBe('mps-11');
    expect(r.personalisedAt.toISOString()).toBe('2010-05-01T01:00:00.000Z');
  });

  it('an altered DG1 field (birth date) fails: dg1 digest mismatch → forged_chip_data', () => {
    const pa = createPassiveAuthenticator({ trustAnchors: [anchor] });
    const good = chip();
    const altered = { ...good, dg1: encodeDocumentData({ ...DOC, birthDate: '1999-12-31' }).toString('base64url') };
    expect(failure(() => pa.authenticate(altered, NOW))).toEqual({ code: 'forged_chip_data', detail: 'dg1 digest mismatch' });
  });

  it('an altered SOD byte fails the signature → forged_chip_data', () => {
    const pa = createPassiveAuthenticator({ trustAnchors: [anchor] });
    const good = chip();
    const [h, p, sig] = good.sod.split('.') as [string, string, string];
    const flipped = sig.slice(0, 10) + (sig[10] === 'A' ? 'B' : 'A') + sig.slice(11);
    expect(failure(() => pa.authenticate({ ...good, sod: `${h}.${p}.${flipped}` }, NOW)).code).toBe('forged_chip_data');
  });

  it('a signer certified by another root fails → forged_chip_data', () => {
    const pa = createPassiveAuthenticator({ trustAnchors: [anchor] });
    expect(failure(() => pa.authenticate(chip({ dsc: cert(otherRoot, signer) }), NOW)).code).toBe('forged_chip_data');
  });

  it('a self-made signer (SOD by an uncertified key, genuine certificate attached) fails → forged_chip_data', () => {
    const pa = createPassiveAuthenticator({ trustAnchors: [anchor] });
    const rogue = generateKey('SM2');
    expect(failure(() => pa.authenticate(chip({ signWith: rogue }), NOW)).code).toBe('forged_chip_data');
  });

  it('signer certificate validity: valid until just after now passes; expired just before now fails', () => {
    const pa = createPassiveAuthenticator({ trustAnchors: [anchor] });
    const t = Math.floor(NOW.getTime() / 1000);
    expect(pa.authenticate(chip({ dsc: cert(root, signer, { exp: t + 1 }) }), NOW).document.documentNumber).toBe(DOC.documentNumber);
    expect(failure(() => pa.authenticate(chip({ dsc: cert(root, signer, { exp: t - 1 }) }), NOW))).toEqual({
      code: 'forged_chip_data',
      detail: 'signer certificate outside its validity',
    });
  });

  it('a chip personalised before the signer certificate was valid fails', () => {
    const pa = createPassiveAuthenticator({ trustAnchors: [anchor] });
    const dsc = cert(root, signer, { nbf: s('2011-01-01T00:00:00Z') });
    expect(failure(() => pa.authenticate(chip({ dsc }), NOW)).detail).toBe('personalised outside the signer validity');
  });

  it('an expired trust anchor fails', () => {
    const pa = createPassiveAuthenticator({ trustAnchors: [anchorOf(root, '2026-01-01T00:00:00.000Z')] });
    expect(failure(() => pa.authenticate(chip(), NOW)).detail).toBe('trust anchor outside its validity');
  });

  it('type constraint: a signer allowed only passports cannot sign an ID card', () => {
    const pa = createPassiveAuthenticator({ trustAnchors: [anchor] });
    const dsc = cert(root, signer, { docTypes: ['passport_abroad'] });
    expect(failure(() => pa.authenticate(chip({ dsc }), NOW)).detail).toBe('document type not allowed for this signer');
  });

  it('issuer constraint: DG1 naming another authority than the certificate subject fails', () => {
    const pa = createPassiveAuthenticator({ trustAnchors: [anchor] });
    expect(failure(() => pa.authenticate(chip({ doc: { ...DOC, issuer: 'mps-31' } }), NOW)).detail).toBe('dg1 issuer differs from signer');
  });

  it('typ separation: a certificate presented as an SOD (or an SOD with a wrong typ) fails', () => {
    const pa = createPassiveAuthenticator({ trustAnchors: [anchor] });
    expect(failure(() => pa.authenticate(chip({ typ: DSC_TYP }), NOW)).code).toBe('forged_chip_data');
    const c = chip();
    expect(failure(() => pa.authenticate({ ...c, dsc: c.sod }, NOW)).code).toBe('forged_chip_data');
  });

  it('malformed chip data is invalid_document, not forged', () => {
    const pa = createPassiveAuthenticator({ trustAnchors: [anchor] });
    expect(failure(() => pa.authenticate({ v: 1, dg1: 'x' }, NOW)).code).toBe('invalid_document');
    expect(failure(() => pa.authenticate('chip', NOW)).code).toBe('invalid_document');
    expect(failure(() => pa.authenticate({ ...chip(), extra: 1 }, NOW)).code).toBe('invalid_document');
  });
});
