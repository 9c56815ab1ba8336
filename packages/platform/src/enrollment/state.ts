/**
 * What an enrollment remembers between steps. The whole object is sealed (SM4-GCM / AES-GCM)
 * under the enrollment's own data key before it touches the store; the row itself carries
 * only the step name, digests and times.
 *
 * Steps, in order (the `state` column names the step the enrollment is waiting for):
 *
 *   guardian ─┐ (only when a guardian enrolls a child under 14 from their own wallet)
 *   chip ─────┴→ face → phone → phone_code → consent → passphrase → device
 *        → issued (credential waiting to be collected)            adult / guardian-led child
 *        → guardian_approval → issued                              14–17: a guardian approves
 */
import type { AgeBand } from '@wangzheng/core/registry/schemas';
import type { DocumentType } from '@wangzheng/core/documents/document-types';

export const STEPS = ['guardian', 'chip', 'face', 'phone', 'phone_code', 'consent', 'passphrase', 'device', 'guardian_approval', 'issued'] as const;
export type Step = (typeof STEPS)[number];

/** The person as the document chip (authenticated) and the registry describe them. */
export interface EnrolleeData {
  readonly personRef: string;
  readonly name: string;
  readonly nameLatin?: string;
  readonly sex: 'M' | 'F';
  readonly birthDate: string;
  readonly nationality: string;
  readonly documentType: DocumentType;
  readonly documentNumber: string;
  readonly documentValidUntil: string | null;
  readonly ageBand: AgeBand;
}

export interface EnrollmentState {
  readonly v: 1;
  readonly documentType: DocumentType;
  /** Whether a guardian is enrolling a child under 14 (the `guardian` step). */
  readonly guardianLed: boolean;
  /** Hash chain over every accepted step (base64url): the device proof signs it. */
  transcript: string;
  /** Platform person id of the authenticated guardian (guardian-led), and their registry ref. */
  guardian?: { personId: string; personRef: string };
  enrollee?: EnrolleeData;
  /** The registry's face challenge nonce for the pending face step. */
  faceChallenge?: string;
  face?: { similarity: number; threshold: number; at: number };
  phone?: { number: string; otpHash: string; otpExpiresAt: number; wrongTries: number; sends: number };
  phoneVerifiedAt?: number;
  consent?: { noticeVersion: string; at: number };
  passphraseHash?: string;
  device?: { jwk: Record<string, unknown>; thumbprint: string; alg: string; label?: string; environment?: Record<string, string> };
  /** 14–17: the nonce a guardian's wallet must sign to approve (digest), once asked for. */
  guardianApprovalNonceHash?: string;
  /** Set when issued and waiting to be collected by the wallet. */
  issued?: { netid: string; credentialId: string; credential: string; expiresAt: number };
}
