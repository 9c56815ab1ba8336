/**
 * What the verifier reports: a closed set of finding codes (a `switch` can narrow them), each
 * finding pinned to a sequence number (or a run of them) and to positions in the inputs.
 * Findings carry no entry content: they may go to logs and to the regulator as they are.
 */
import type { KeyRing, PublicKey, SigAlg } from '../crypto/index.ts';
import type { CryptoSuite } from '../crypto/types.ts';

export const FINDING_CODES = [
  'entry_malformed',
  'entry_changed',
  'chain_broken',
  'entry_removed',
  'entry_inserted',
  'entries_reordered',
  'checkpoint_invalid',
  'checkpoint_mismatch',
  'rollback',
] as const;

export type FindingCode = (typeof FINDING_CODES)[number];

export interface Finding {
  readonly code: FindingCode;
  /** The sequence number concerned (the first of a run); null when none can be trusted (an unreadable entry, an invalid checkpoint). */
  readonly seq: number | null;
  /** Last sequence number of a run, inclusive: `entry_removed` and `rollback` only. */
  readonly through?: number;
  /** Position of the entry concerned in `entries` (storage order). */
  readonly index?: number;
  /** Position of the checkpoint concerned in `checkpoints`. */
  readonly checkpoint?: number;
  /** A short note for operators (no entry content). */
  readonly detail: string;
}

export interface AuditReport {
  /** True iff there are no findings. */
  readonly ok: boolean;
  /** Entries examined (the length of `entries`). */
  readonly checked: number;
  /** Ordered by sequence number; findings without one come last. */
  readonly findings: readonly Finding[];
  /**
   * Set when the trail starts after entry 1 because retention removed its oldest entries: the
   * first entry kept, vouched for by a valid checkpoint at that entry (its hash, which covers the
   * link to the entry before it). Entries before it are not checked; nothing else is relaxed.
   */
  readonly prunedBefore?: number;
}

export interface VerifyAuditOptions {
  readonly suite: CryptoSuite;
  /** The audit signer's public keys (or its ring). */
  readonly keys: KeyRing | readonly PublicKey[];
  /** Mandatory, non-empty: the checkpoint algorithms accepted (`['SM2']` for gm, `['ES256']` for intl). */
  readonly algorithms: readonly SigAlg[];
}
