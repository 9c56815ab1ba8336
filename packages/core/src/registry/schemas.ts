/**
 * The wire contract between the platform and a population registry. Every request and
 * response body, as zod schemas; both sides validate with them (the registry its inputs,
 * the platform the answers — a registry is trusted for its facts, not for its JSON).
 *
 *   POST /v1/documents/verify   VerifyDocumentRequest  → VerifyDocumentResponse
 *   POST /v1/face/challenge     {}                     → FaceChallengeResponse
 *   POST /v1/face/match         FaceMatchRequest       → FaceMatchResponse
 *   POST /v1/guardianship/check GuardianCheckRequest   → GuardianCheckResponse
 *   GET  /v1/issuer-keys                               → IssuerKeysResponse
 *   GET  /health                                       → { status: 'ok' }   (no auth)
 *
 * Every /v1 call is authenticated (http-auth.ts). Errors are `{ error, message }` with the
 * codes in REGISTRY_ERROR_CODES. See docs/registry.md.
 */
import { z } from 'zod';
import type { ErrorCode } from '../errors.ts';
import { chipDataSchema, dateSchema, documentTypeSchema, trustAnchorSchema } from '../documents/chip.ts';

export { chipDataSchema, dateSchema, documentTypeSchema, trustAnchorSchema };

/** Dimension of a face template: 128 finite floats (unit-normalised by the registry). */
export const FACE_TEMPLATE_LENGTH = 128;

/**
 * An opaque, stable reference to a natural person, chosen by the registry: the same for
 * every document of that person, never derived from (or revealing) an identity number.
 */
export const personRefSchema = z.string().regex(/^[A-Za-z0-9._~-]{8,128}$/, 'expected an opaque person reference');

export const nonceSchema = z.string().regex(/^[A-Za-z0-9_-]{16,128}$/, 'expected a base64url nonce');

/** Age facts for the minors' rules (Art. 4, 5): under 14 needs a guardian to apply. */
export const ageBandSchema = z.enum(['under_14', 'age_14_17', 'adult']);
export type AgeBand = z.infer<typeof ageBandSchema>;

export const documentStatusSchema = z.enum(['valid', 'expired', 'lost']);
export type DocumentStatus = z.infer<typeof documentStatusSchema>;

export const verifyDocumentRequestSchema = z.strictObject({ chip: chipDataSchema });
export type VerifyDocumentRequest = z.infer<typeof verifyDocumentRequestSchema>;

export const verifyDocumentResponseSchema = z.strictObject({
  /** `valid`, or why the document cannot be used: `expired`, `lost` (reported lost or stolen). */
  status: documentStatusSchema,
  documentType: documentTypeSchema,
  personRef: personRefSchema,
  birthDate: dateSchema,
  /** Age band on the registry's `checkedAt` date (China time). */
  ageBand: ageBandSchema,
  /** `null` = long-term validity. */
  validUntil: dateSchema.nullable(),
  checkedAt: z.iso.datetime(),
});
export type VerifyDocumentResponse = z.infer<typeof verifyDocumentResponseSchema>;

export const faceChallengeResponseSchema = z.strictObject({
  nonce: nonceSchema,
  expiresAt: z.iso.datetime(),
});
export type FaceChallengeResponse = z.infer<typeof faceChallengeResponseSchema>;

/**
 * The probe is checked separately (`parseFaceTemplate`) so that a bad template gets its own
 * code, `invalid_face_template`, rather than the generic `invalid_request`.
 */
export const faceMatchRequestSchema = z.strictObject({
  personRef: personRefSchema,
  nonce: nonceSchema,
  probe: z.unknown(),
});
export type FaceMatchRequest = { personRef: string; nonce: string; probe: number[] };

export const faceMatchResponseSchema = z.strictObject({
  match: z.boolean(),
  /** Cosine similarity in [-1, 1]. */
  similarity: z.number().min(-1).max(1),
  threshold: z.number().min(-1).max(1),
});
export type FaceMatchResponse = z.infer<typeof faceMatchResponseSchema>;

export const guardianCheckRequestSchema = z.strictObject({
  guardianRef: personRefSchema,
  childRef: personRefSchema,
});
export type GuardianCheckRequest = z.infer<typeof guardianCheckRequestSchema>;

export const guardianCheckResponseSchema = z.strictObject({ guardian: z.boolean() });
export type GuardianCheckResponse = z.infer<typeof guardianCheckResponseSchema>;

export const issuerKeysResponseSchema = z.strictObject({
  /** Country signing roots. A platform pins these (by `kid`, an RFC 7638 thumbprint) in its configuration. */
  roots: z.array(trustAnchorSchema).min(1).max(16),
  /** Document signer certificates (compact JWS by a root), for information: chips carry their own. */
  signers: z.array(z.string().max(8192)).max(4096),
});
export type IssuerKeysResponse = z.infer<typeof issuerKeysResponseSchema>;

export const errorBodySchema = z.object({ error: z.string().max(64), message: z.string().max(1000) });
export type ErrorBody = z.infer<typeof errorBodySchema>;

/** The error codes a registry may answer with; anything else is treated as `registry_unavailable`. */
export const REGISTRY_ERROR_CODES = [
  'invalid_request',
  'invalid_json',
  'payload_too_large',
  'not_found',
  'unauthenticated',
  'unknown_document_type',
  'invalid_document',
  'invalid_id_number',
  'forged_chip_data',
  'unknown_person',
  'invalid_face_template',
  'challenge_expired',
  'rate_limited',
] as const satisfies readonly ErrorCode[];
export type RegistryErrorCode = (typeof REGISTRY_ERROR_CODES)[number];

/**
 * Checks a face template: an array of exactly 128 finite numbers, not all zero. Throws
 * `WzError('invalid_face_template')`. Returns a copy as a Float64Array.
 */
export { parseFaceTemplate } from './face-template.ts';
