/**
 * What a document's chip holds, as the phone's NFC reader hands it over. Modelled on ICAO
 * 9303 passive authentication, with JOSE in place of ASN.1/CMS:
 *
 * - `dg1`: data group 1, the document's printed fields (`DocumentData`), as the exact JSON
 *   bytes in base64url. Hashing bytes, not a re-serialisation, means no canonical-JSON rules.
 * - `sod`: the document security object — a compact JWS (SM2) by a document signer over
 *   `{ documentType, hashAlg: 'SM3', dg: { '1': base64url(SM3(dg1 bytes)) }, iat }`.
 * - `dsc`: the document signer certificate — a compact JWS by the country signing root over
 *   `{ sub: authority id, jwk: signer public key, docTypes, nbf, exp }`.
 *
 * Simplification versus X.509/CMS: certificates are JWS, not X.509; there is no CRL (a
 * compromised signer is removed by re-issuing the trust list); chips carry no active
 * authentication key, so a chip's bytes can be cloned (ICAO has the same limit without AA).
 *
 * Trust: everything in a `ChipData` is untrusted until `passiveAuthenticate` has checked it.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { DOCUMENT_TYPES } from './document-types.ts';
import { isCalendarDate } from './gb11643.ts';

export const dateSchema = z.string().regex(/^[0-9]{4}-[0-9]{2}-[0-9]{2}$/, 'expected YYYY-MM-DD').refine(isCalendarDate, 'not a calendar date');
export const documentTypeSchema = z.enum(DOCUMENT_TYPES);
const b64u = (max: number) => z.string().max(max).regex(/^[A-Za-z0-9_-]+$/, 'expected base64url');
const jws = z.string().max(8192).regex(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/, 'expected a compact JWS');

/** Data group 1: the printed fields of the document. */
export const documentDataSchema = z.strictObject({
  v: z.literal(1),
  documentType: documentTypeSchema,
  documentNumber: z.string().min(1).max(32),
  /** Name in Chinese characters (or as printed). */
  name: z.string().min(1).max(100),
  /** Latin-script name where the document prints one (passports, permits, foreigner's ID). */
  nameLatin: z.string().min(1).max(100).optional(),
  sex: z.enum(['M', 'F']),
  birthDate: dateSchema,
  /** ISO 3166-1 alpha-3; CHN for Chinese citizens incl. HK/Macao/Taiwan residents. */
  nationality: z.string().regex(/^[A-Z]{3}$/),
  /** Authority id, the `sub` of the signer certificate that must have signed this document. */
  issuer: z.string().min(1).max(64),
  issuerName: z.string().min(1).max(100),
  validFrom: dateSchema,
  /** `null` = long-term validity (长期), as on ID cards issued at 46 or older. */
  validUntil: dateSchema.nullable(),
});
export type DocumentData = z.infer<typeof documentDataSchema>;

export const chipDataSchema = z.strictObject({
  v: z.literal(1),
  dg1: b64u(4096),
  sod: jws,
  dsc: jws,
});
export type ChipData = z.infer<typeof chipDataSchema>;

export const sodPayloadSchema = z.strictObject({
  typ: z.literal('wz-sod'),
  documentType: documentTypeSchema,
  hashAlg: z.literal('SM3'),
  dg: z.strictObject({ '1': b64u(64) }),
  /** Unix seconds when the chip was personalised. */
  iat: z.number().int().nonnegative(),
});
export type SodPayload = z.infer<typeof sodPayloadSchema>;

export const publicJwkSchema = z.strictObject({
  kty: z.enum(['EC', 'OKP']),
  crv: z.enum(['SM2', 'P-256', 'Ed25519']),
  x: b64u(64),
  y: b64u(64).optional(),
  kid: z.string().max(128).optional(),
  alg: z.enum(['SM2', 'ES256', 'EdDSA']).optional(),
  use: z.literal('sig').optional(),
});

export const signerCertPayloadSchema = z.strictObject({
  typ: z.literal('wz-dsc'),
  /** Thumbprint of the root that issued it. */
  iss: z.string().min(1).max(128),
  /** Issuing authority id, e.g. `mps-11` or `nia`. */
  sub: z.string().min(1).max(64),
  name: z.string().min(1).max(100),
  jwk: publicJwkSchema,
  docTypes: z.array(documentTypeSchema).min(1).max(DOCUMENT_TYPES.length),
  nbf: z.number().int().nonnegative(),
  exp: z.number().int().nonnegative(),
});
export type SignerCertPayload = z.infer<typeof signerCertPayloadSchema>;

/** A country signing root as published by the registry (`issuerKeys`) and pinned by the platform. */
export const trustAnchorSchema = z.strictObject({
  kid: z.string().min(1).max(128),
  name: z.string().min(1).max(100),
  jwk: publicJwkSchema,
  notBefore: z.iso.datetime(),
  notAfter: z.iso.datetime(),
});
export type TrustAnchor = z.infer<typeof trustAnchorSchema>;

/** JOSE `typ` header values, so a certificate can never pass as an SOD or the reverse. */
export const SOD_TYP = 'wz-sod+jwt';
export const DSC_TYP = 'wz-dsc+jwt';

/** SM3 digest (base64url) of a data group's bytes, as the SOD lists it. */
export function dataGroupDigest(bytes: Uint8Array): string {
  return createHash('sm3').update(bytes).digest('base64url');
}

/** The exact bytes of DG1 for a document (used by issuers; verifiers hash what they receive). */
export function encodeDocumentData(d: DocumentData): Buffer {
  return Buffer.from(JSON.stringify(documentDataSchema.parse(d)), 'utf8');
}
