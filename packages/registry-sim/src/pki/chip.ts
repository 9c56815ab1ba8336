/**
 * Chip personalisation: the data an NFC reader gets from a document — DG1 (the printed
 * fields), the SOD signed by the authority's document signer, and that signer's certificate.
 * SODs are made the first time a chip is read and then kept (a real chip's SOD is fixed at
 * issuance; signing ten million of them up front would cost an hour of SM2 for nothing).
 */
import { SOD_TYP, dataGroupDigest, encodeDocumentData, type ChipData, type DocumentData, type SodPayload } from '@wangzheng/core/documents/chip';
import { signJws } from '@wangzheng/core/crypto/index';
import type { Signer } from './issuers.ts';

/** Personalisation time: the document's first day of validity, 09:00 China time. */
export function personalisedAt(validFrom: string): number {
  return Math.floor(Date.parse(`${validFrom}T01:00:00Z`) / 1000);
}

export function signSod(signer: Signer, doc: DocumentData): string {
  const payload: SodPayload = {
    typ: 'wz-sod',
    documentType: doc.documentType,
    hashAlg: 'SM3',
    dg: { '1': dataGroupDigest(encodeDocumentData(doc)) },
    iat: personalisedAt(doc.validFrom),
  };
  return signJws(payload, signer.key, { typ: SOD_TYP });
}

export function chipData(signer: Signer, doc: DocumentData, sod: string): ChipData {
  return { v: 1, dg1: encodeDocumentData(doc).toString('base64url'), sod, dsc: signer.certificate };
}
