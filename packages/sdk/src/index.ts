/**
 * @wangzheng/sdk — the typed relying-party SDK for Wangzheng (网证): create verification
 * requests, re-verify flagged accounts, fetch and verify receipts (凭据) offline.
 * Guide: docs/rp-guide.zh-CN.md / docs/rp-guide.en.md; protocol: docs/receipts.md.
 * Installed from its tarball (docs/packages.md): build.ts bundles this with the core code it
 * uses into dist/ (ESM and declarations); SM2 there runs on sm-crypto-v2, with no native addon.
 *
 * @example
 *   import { WangzhengClient } from '@wangzheng/sdk';
 *   const wz = new WangzhengClient({ issuer: 'https://wangzheng.example', clientId: 'rp_…', auth: { clientSecret } });
 *   const req = await wz.createReceiptRequest({ bizSeq: 'order-1001', mode: 'wz' });
 *   // … the person opens req.link (or scans req.ref as a QR code) and approves …
 *   const receipt = await wz.verifyReceipt(await wz.waitForReceipt(req.requestId), { requestId: req.requestId });
 *   if (receipt.result === 'pass') console.log('verified', receipt.sub);
 */
export { WangzhengClient, type WaitOptions, type WangzhengClientOptions } from './client.ts';
export { ASSERTION_LIFETIME_S, clientAssertion, clientAuthorizer, importSigningKey, type Authorizer, type ClientAuthOptions, type PrivateJwk } from './auth.ts';
export { SDK_ERROR_CODES, WangzhengError, isWangzhengError, type SdkErrorCode, type WangzhengErrorCode } from './errors.ts';
export { JwksCache, type JwksCacheOptions } from './jwks.ts';
export { verifyReceiptWith, type ExpectedReceipt, type Receipt, type ReceiptAlg } from './receipt.ts';
export { SECURITY_EVENT_TYPES, verifySecurityEvent, type EventCode, type SecurityEvent, type SecurityEventToken, type VerifySecurityEventOptions } from './signals.ts';
export type {
  CreateReceiptRequest,
  DisclosureScope,
  Mode,
  Registration,
  ReceiptRequest,
  RequestReverification,
  RequestState,
  RequestStatus,
  Reverification,
} from './types.ts';
