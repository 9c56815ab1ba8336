/**
 * The population registry as the platform sees it. Enrollment depends on this interface,
 * never on a transport: `http-client.ts` implements it against any registry that speaks the
 * contract of core/registry/schemas.ts (the simulator, or a real adapter).
 *
 * What the platform learns from the registry is deliberately small: a document's status,
 * an opaque `personRef` (the same for every document of one person; never an ID number),
 * the birth date for the minors' rules, a face-match score (never a template), and
 * guardianship yes/no.
 *
 * Passive authentication of chips is ALSO done by the platform (passive-auth.ts), against
 * its own pinned trust anchors: the registry is trusted for its records, and the chip for
 * nothing until its signatures check.
 */
import { WzError } from '@wangzheng/core/errors';
import type { ChipData } from '@wangzheng/core/documents/chip';
import type { FaceChallengeResponse, FaceMatchResponse, IssuerKeysResponse, VerifyDocumentResponse } from '@wangzheng/core/registry/schemas';

export type { ChipData, FaceChallengeResponse, FaceMatchResponse, IssuerKeysResponse, VerifyDocumentResponse };

export interface Registry {
  /**
   * Passive authentication by the registry plus its record of the document.
   * Errors: `invalid_document` (malformed chip, or no/different record), `forged_chip_data`.
   * An expired or lost document is NOT an error here: see `status` and `assertDocumentUsable`.
   */
  verifyDocument(chip: ChipData): Promise<VerifyDocumentResponse>;
  /** A single-use liveness nonce for the next `faceMatch`, valid for a few minutes. */
  faceChallenge(): Promise<FaceChallengeResponse>;
  /**
   * 1:1 comparison of a live probe with the registry template of `personRef`. Consumes the
   * nonce. Errors: `invalid_face_template`, `challenge_expired`, `unknown_person`.
   */
  faceMatch(req: { personRef: string; nonce: string; probe: readonly number[] }): Promise<FaceMatchResponse>;
  /** Is `guardianRef` a registered guardian of `childRef`? Unknown child → `unknown_person`. */
  isGuardian(req: { guardianRef: string; childRef: string }): Promise<boolean>;
  /** The registry's trust material: country signing roots and document signer certificates. */
  issuerKeys(): Promise<IssuerKeysResponse>;
}

/** Throws `document_expired` or `document_lost` unless the registry called the document valid. */
export function assertDocumentUsable(r: Pick<VerifyDocumentResponse, 'status'>): void {
  switch (r.status) {
    case 'valid':
      return;
    case 'expired':
      throw new WzError('document_expired', 'This document has expired; enroll with a valid document.');
    case 'lost':
      throw new WzError('document_lost', 'This document has been reported lost or stolen.');
  }
}
