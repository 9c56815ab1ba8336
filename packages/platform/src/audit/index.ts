/** The tamper-evident audit trail: the service (record, queue, sequence, checkpoint, search, verify), its schedules and the operator routes. */
export {
  AuditTrail,
  type AuditDeps,
  type AuditRecord,
  type AuditRecorder,
  type AuditStore,
  type AuditTx,
  type AuditVerification,
} from './service.ts';
export { auditSchemas, registerAuditRoutes, type AuditRoutesDeps } from './routes.ts';
export { scheduleCheckpoints, type CheckpointSchedule } from './checkpoints.ts';
export { scheduleSequencer, type SequencerSchedule } from './sequencer.ts';
