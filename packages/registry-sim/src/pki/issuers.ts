/**
 * The simulated document-issuer PKI (SM2 throughout):
 *
 *   country signing root ──certifies──▶ document signer, one per issuing authority
 *                                        ├ mps-<province>: resident ID cards, residence permits
 *                                        ├ nia (National Immigration Administration): permits, foreigner's ID
 *                                        └ mfa (consular service): passports of citizens abroad
 *   document signer ──signs──▶ each document's security object (SOD, see chip.ts)
 *
 * Keys are generated once, on first start, and kept in the registry database (a real issuer
 * keeps them in an HSM). Certificates are compact JWS by the root (core/documents/chip.ts
 * documents the simplification versus X.509).
 */
import type { DocumentType } from '@wangzheng/core/documents/document-types';
import { DSC_TYP, type SignerCertPayload, type TrustAnchor } from '@wangzheng/core/documents/chip';
import { generateKey, importPrivateKeyPem, signJws } from '@wangzheng/core/crypto/index';
import type { PrivateKey } from '@wangzheng/core/crypto/types';
import type { Db } from '../store/db.ts';
import { PROVINCES } from '../population/regions.ts';

export const ROOT_NAME = 'Simulated Country Signing Root (Wangzheng test PKI)';
const ROOT_NOT_BEFORE = '2000-01-01T00:00:00.000Z';
const ROOT_NOT_AFTER = '2100-01-01T00:00:00.000Z';
/** Signers must cover the personalisation date of every document still in circulation. */
const SIGNER_NOT_BEFORE = '2000-01-01T00:00:00.000Z';
const SIGNER_NOT_AFTER = '2099-12-31T00:00:00.000Z';

const MUNICIPALITIES = new Set(['11', '12', '31', '50']);

export interface AuthoritySpec {
  id: string;
  name: string;
  docTypes: DocumentType[];
}

export function authorities(): AuthoritySpec[] {
  return [
    ...PROVINCES.map((p) => ({
      id: `mps-${p.code}`,
      name: `${p.name}${MUNICIPALITIES.has(p.code) ? '公安局' : '公安厅'}`,
      docTypes: ['resident_id_card', 'hk_macau_residence_permit', 'taiwan_residence_permit'] as DocumentType[],
    })),
    { id: 'nia', name: '国家移民管理局', docTypes: ['hk_macau_exit_entry_permit', 'hk_macau_travel_permit', 'taiwan_travel_permit', 'foreign_permanent_residence_id'] },
    { id: 'mfa', name: '中华人民共和国外交部', docTypes: ['passport_abroad'] },
  ];
}

const unix = (iso: string): number => Math.floor(Date.parse(iso) / 1000);

/** A signer certificate: the root vouches for `key` as authority `spec` from nbf to exp. */
export function certifySigner(root: PrivateKey, spec: AuthoritySpec, key: PrivateKey, validity: { nbf: number; exp: number }): string {
  const payload: SignerCertPayload = {
    typ: 'wz-dsc',
    iss: root.publicKey.thumbprint,
    sub: spec.id,
    name: spec.name,
    jwk: key.publicKey.toJwk(),
    docTypes: spec.docTypes,
    nbf: validity.nbf,
    exp: validity.exp,
  };
  return signJws(payload, root, { typ: DSC_TYP });
}

export function trustAnchorOf(root: PrivateKey, name = ROOT_NAME, notBefore = ROOT_NOT_BEFORE, notAfter = ROOT_NOT_AFTER): TrustAnchor {
  return { kid: root.publicKey.thumbprint, name, jwk: { ...root.publicKey.toJwk(), kid: root.publicKey.thumbprint }, notBefore, notAfter };
}

interface IssuerRow {
  id: string;
  kind: 'root' | 'signer';
  name: string;
  private_pem: string;
  certificate: string | null;
  not_before: string;
  not_after: string;
}

export interface Signer {
  authority: string;
  key: PrivateKey;
  certificate: string;
}

/** Parsed issuer keys, loaded once. */
export class IssuerPki {
  readonly root: PrivateKey;
  readonly anchor: TrustAnchor;
  private readonly signers = new Map<string, Signer>();

  private constructor(rows: IssuerRow[]) {
    const root = rows.find((r) => r.kind === 'root');
    if (!root) throw new Error('issuer PKI: no root in the database');
    this.root = importPrivateKeyPem(root.private_pem);
    this.anchor = trustAnchorOf(this.root, root.name, root.not_before, root.not_after);
    for (const r of rows) {
      if (r.kind === 'signer') this.signers.set(r.id, { authority: r.id, key: importPrivateKeyPem(r.private_pem), certificate: r.certificate! });
    }
  }

  /** Loads the PKI, creating root and signers on first use. */
  static open(db: Db): IssuerPki {
    let rows = db.prepare('SELECT id, kind, name, private_pem, certificate, not_before, not_after FROM issuers').all() as IssuerRow[];
    if (rows.length === 0) {
      IssuerPki.create(db);
      rows = db.prepare('SELECT id, kind, name, private_pem, certificate, not_before, not_after FROM issuers').all() as IssuerRow[];
    }
    return new IssuerPki(rows);
  }

  private static create(db: Db): void {
    const ins = db.prepare('INSERT INTO issuers (id, kind, name, private_pem, public_jwk, certificate, not_before, not_after) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
    const root = generateKey('SM2');
    db.transaction(() => {
      ins.run('root', 'root', ROOT_NAME, root.toPem(), JSON.stringify(root.publicKey.toJwk()), null, ROOT_NOT_BEFORE, ROOT_NOT_AFTER);
      for (const spec of authorities()) {
        const key = generateKey('SM2');
        const cert = certifySigner(root, spec, key, { nbf: unix(SIGNER_NOT_BEFORE), exp: unix(SIGNER_NOT_AFTER) });
        ins.run(spec.id, 'signer', spec.name, key.toPem(), JSON.stringify(key.publicKey.toJwk()), cert, SIGNER_NOT_BEFORE, SIGNER_NOT_AFTER);
      }
    })();
  }

  signer(authority: string): Signer {
    const s = this.signers.get(authority);
    if (!s) throw new Error(`issuer PKI: no signer for authority ${authority}`);
    return s;
  }

  certificates(): string[] {
    return [...this.signers.values()].map((s) => s.certificate);
  }
}

