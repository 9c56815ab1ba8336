/** The tamper-evident audit trail: the service (record, checkpoint, search, verify) and the operator routes. */
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
