/**
 * Passive authentication of chip data (ICAO 9303 §5.1, transposed to JWS): proves that the
 * document's data was written by an authority the country signing root certified, and has
 * not been altered since. Run by the registry AND by the platform, each against its own
 * configured root — the platform does not take the registry's word for the chip.
 *
 * Steps, in order; every failure of an integrity check is `forged_chip_data`:
 *   1. the chip is well-formed (else `invalid_document`);
 *   2. the signer certificate (dsc) verifies under a trust anchor (SM2 only), the anchor and
 *      the certificate are valid now, and the certificate allows this document type;
 *   3. the SOD verifies under the certified signer key (SM2 only);
 *   4. SM3(dg1 bytes) equals the digest listed in the SOD;
 *   5. DG1 parses, names the same document type and the same issuing authority, was
 *      personalised inside the certificate's validity, and its number has the type's format.
 * Expiry, loss and theft are not passive-authentication questions: the result carries the
 * validity dates and the registry answers for the document's status.
 */
import { WzError, isWzError } from '../errors.ts';
import { importPublicKey, verifyJws } from '../crypto/index.ts';
import type { PublicKey } from '../crypto/types.ts';
import {
  DSC_TYP,
  SOD_TYP,
  chipDataSchema,
  dataGroupDigest,
  documentDataSchema,
  signerCertPayloadSchema,
  sodPayloadSchema,
  type DocumentData,
  type SignerCertPayload,
  type TrustAnchor,
} from './chip.ts';
import { checkDocumentNumber } from './numbers.ts';

export interface PassiveAuthResult {
  /** The document's fields — trustworthy now: signed by a certified signer and unaltered. */
  document: DocumentData;
  signer: { authority: string; name: string; kid: string };
  /** When the chip was personalised (SOD `iat`). */
  personalisedAt: Date;
}

export interface PassiveAuthenticator {
  /** Checks untrusted chip data; throws `invalid_document` or `forged_chip_data`. */
  authenticate(chip: unknown, now?: Date): PassiveAuthResult;
}

function forged(detail: string): WzError {
  return new WzError('forged_chip_data', 'The document chip data failed authentication.', { detail });
}

interface Anchor {
  kid: string;
  key: PublicKey;
  notBefore: number;
  notAfter: number;
}

interface CertifiedSigner {
  cert: SignerCertPayload;
  key: PublicKey;
  anchor: Anchor;
}

const ALGS = ['SM2'] as const;
const dec = new TextDecoder('utf-8', { fatal: true });

/** Builds an authenticator for a set of trust anchors (country signing roots). */
export function createPassiveAuthenticator(opts: { trustAnchors: readonly TrustAnchor[]; now?: () => Date }): PassiveAuthenticator {
  if (opts.trustAnchors.length === 0) throw new TypeError('createPassiveAuthenticator: at least one trust anchor is required');
  const anchors: Anchor[] = opts.trustAnchors.map((a) => {
    const key = importPublicKey(a.jwk);
    if (key.alg !== 'SM2') throw new TypeError('trust anchors must be SM2 keys');
    return { kid: key.thumbprint, key, notBefore: Date.parse(a.notBefore), notAfter: Date.parse(a.notAfter) };
  });
  // Verified certificates, keyed by their exact token: each is checked once, then only its
  // validity dates are re-checked. Bounded; a real deployment has a few hundred signers.
  const certCache = new Map<string, CertifiedSigner>();

  function certifiedSigner(dsc: string): CertifiedSigner {
    const cached = certCache.get(dsc);
    if (cached) return cached;
    let verified;
    try {
      verified = verifyJws(dsc, anchors.map((a) => a.key), { algorithms: ALGS, typ: DSC_TYP });
    } catch (e) {
      throw forged(`signer certificate: ${isWzError(e) ? e.code : 'unverifiable'}`);
    }
    const parsed = signerCertPayloadSchema.safeParse(safeJson(verified.payload));
    if (!parsed.success) throw forged('signer certificate payload malformed');
    const anchor = anchors.find((a) => a.key === verified.key)!;
    if (parsed.data.iss !== anchor.kid) throw forged('signer certificate issuer mismatch');
    let key: PublicKey;
    try {
      key = importPublicKey(parsed.data.jwk);
    } catch {
      throw forged('signer certificate key invalid');
    }
    if (key.alg !== 'SM2') throw forged('signer key is not SM2');
    const entry = { cert: parsed.data, key, anchor };
    if (certCache.size >= 1024) certCache.clear();
    certCache.set(dsc, entry);
    return entry;
  }

  return {
    authenticate(chip: unknown, now: Date = opts.now?.() ?? new Date()): PassiveAuthResult {
      const c = chipDataSchema.safeParse(chip);
      if (!c.success) throw new WzError('invalid_document', 'The document chip data is malformed.', { detail: 'chip schema' });
      const t = now.getTime();

      const signer = certifiedSigner(c.data.dsc);
      if (t < signer.anchor.notBefore || t > signer.anchor.notAfter) throw forged('trust anchor outside its validity');
      if (t < signer.cert.nbf * 1000 || t > signer.cert.exp * 1000) throw forged('signer certificate outside its validity');

      let sodToken;
      try {
        sodToken = verifyJws(c.data.sod, signer.key, { algorithms: ALGS, typ: SOD_TYP });
      } catch (e) {
        throw forged(`sod: ${isWzError(e) ? e.code : 'unverifiable'}`);
      }
      const sod = sodPayloadSchema.safeParse(safeJson(sodToken.payload));
      if (!sod.success) throw forged('sod payload malformed');
      if (!signer.cert.docTypes.includes(sod.data.documentType)) throw forged('document type not allowed for this signer');
      if (sod.data.iat < signer.cert.nbf || sod.data.iat > signer.cert.exp) throw forged('personalised outside the signer validity');

      const dg1Bytes = Buffer.from(c.data.dg1, 'base64url');
      if (dataGroupDigest(dg1Bytes) !== sod.data.dg['1']) throw forged('dg1 digest mismatch');

      // From here the bytes are authentic; what remains are consistency checks.
      const doc = documentDataSchema.safeParse(safeJson(dg1Bytes));
      if (!doc.success) throw new WzError('invalid_document', 'The document data is malformed.', { detail: 'dg1 schema' });
      const d = doc.data;
      if (d.documentType !== sod.data.documentType) throw forged('dg1 document type differs from sod');
      if (d.issuer !== signer.cert.sub) throw forged('dg1 issuer differs from signer');
      if (!checkDocumentNumber(d.documentType, d.documentNumber, { now }).ok) {
        throw new WzError('invalid_document', 'The document number on the chip is malformed.', { detail: `dg1 number format ${d.documentType}` });
      }
      return {
        document: d,
        signer: { authority: signer.cert.sub, name: signer.cert.name, kid: signer.key.thumbprint },
        personalisedAt: new Date(sod.data.iat * 1000),
      };
    },
  };
}

function safeJson(bytes: Uint8Array): unknown {
  try {
    return JSON.parse(dec.decode(bytes));
  } catch {
    return undefined;
  }
}
