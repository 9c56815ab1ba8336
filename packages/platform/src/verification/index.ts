/** Verification requests and receipts: service and routes. */
export { PASSPHRASE_LOCK_AFTER, PASSPHRASE_LOCK_MS, REQUEST_TTL_MS, VerificationService } from './service.ts';
export { applicationIdentifier } from './app-ids.ts';
export type { Answered, ApproveRequest, CreatedRequest } from './types.ts';
export type { VerificationMetrics, VerificationSettled } from './metrics.ts';
export { registerVerificationRoutes, verificationSchemas } from './routes.ts';
export { Reverification, REVERIFY_CATEGORIES, REVERIFY_TTL_MS, WALLET_NONCE_TTL_MS, type PendingForWallet } from './reverify.ts';
