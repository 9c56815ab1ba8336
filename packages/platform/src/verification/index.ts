/** Verification requests and receipts: service and routes. */
export { applicationIdentifier, PASSPHRASE_LOCK_AFTER, PASSPHRASE_LOCK_MS, REQUEST_TTL_MS, VerificationService, type ApproveRequest, type CreatedRequest } from './service.ts';
export { registerVerificationRoutes, verificationSchemas } from './routes.ts';
