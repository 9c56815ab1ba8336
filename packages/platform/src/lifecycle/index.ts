/** Lifecycle of a 网号 and its 网证: nationwide bans (more to come: renewal, cancellation). */
export { BAN_CREDENTIAL_REASON, BAN_REASONS, Bans, type AuditSink, type BanDeps, type BanReason, type BanView, type SignalSink } from './bans.ts';
export { lifecycleSchemas, registerLifecycleRoutes } from './routes.ts';
export { Renewal, RENEWED, type RenewalDeps } from './renewal.ts';
export { DeviceTransfer, TRANSFERRED, type TransferDeps } from './transfer.ts';
