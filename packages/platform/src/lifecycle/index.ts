/**
 * Lifecycle of a 网号 and its 网证: nationwide bans, renewal, moving to a new phone, the
 * person's controls over their credentials (mounted under /v1/me), and cancellation (cancel.ts).
 */
export { BAN_CREDENTIAL_REASON, BAN_REASONS, Bans, type BanDeps, type BanReason, type BanView } from './bans.ts';
export { lifecycleSchemas, registerLifecycleRoutes } from './routes.ts';
export { Renewal, RENEWED, type RenewalDeps } from './renewal.ts';
export { DeviceTransfer, TRANSFERRED, type TransferDeps } from './transfer.ts';
export { createPersonControls, type PersonControlDeps, type PersonControls } from './controls.ts';
export { registerPersonControlRoutes } from './controls-routes.ts';
