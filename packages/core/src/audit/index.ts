/**
 * The tamper-evident audit trail: entries hash-chained with the suite's hash (SM3 by default),
 * pseudonymous subject references that die with the person's data key, checkpoints signed
 * with the platform's KeyRing, and a verifier that reports exactly what was tampered with.
 * Pure: no I/O, no clock, no database; storage is the caller's.
 */
export {
  AUDIT_ACTIONS,
  GENESIS_PREV,
  MAX_DATA_BYTES,
  isAuditAction,
  type AuditAction,
  type AuditData,
  type AuditEntry,
  type AuditFields,
  type AuditJson,
} from './entry.ts';
export { canonicalJson } from './canonical.ts';
export { canonicalEntry, entryHash, nextEntry, queuedFields, type AuditHead, type QueuedFields } from './chain.ts';
export { subjectRef, MIN_DATA_KEY_BYTES, SUBJECT_KEY_INFO, SUBJECT_REF_LABEL } from './subject.ts';
export { CHECKPOINT_TYP, signCheckpoint, verifyCheckpoint, type Checkpoint, type VerifyCheckpointOptions } from './checkpoint.ts';
export { FINDING_CODES, type AuditReport, type Finding, type FindingCode, type VerifyAuditOptions } from './findings.ts';
export { verifyAuditTrail } from './verify.ts';
