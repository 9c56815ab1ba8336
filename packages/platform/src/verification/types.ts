/** The shapes of the verification service's API: a created request, an answer, what the wallet learns. */
import type { Mode } from '@wangzheng/core/verification/modes';
import type { VerificationRequestRecord, WrappedKeyRow } from '../store/index.ts';

export interface CreatedRequest {
  requestId: string;
  /** What the wallet scans (QR) or follows (app link): a capability to see and answer the request. */
  ref: string;
  /** `wangzheng://verify?ref=…&iss=…`: the app link (a native wallet app claims the scheme). */
  link: string;
  /** The same request in the platform's web wallet (`<issuer>/wallet/#/verify?ref=…&iss=…`): what a phone's camera opens. */
  walletUrl: string;
  mode: Mode;
  acr: string;
  expiresAt: string;
}

/** A request as `createRequest` takes it: `receipt`, `oidc` or `reverify`; `personId` addresses it to one person. */
export interface NewRequest {
  kind: string;
  bizSeq?: string | null;
  mode: string;
  scopes?: string[];
  personId?: string;
  bindingMessage?: string;
  ttlMs?: number;
}

/** A request as read with its person's wrapped data key (`store.verifications.findWithDataKey`, or joined in another read). */
export interface RequestWithKey {
  readonly request: VerificationRequestRecord;
  readonly dataKey: WrappedKeyRow | undefined;
}

export interface ApproveRequest {
  approve: boolean;
  presentation?: string;
  passphrase?: string;
  probe?: unknown;
  /** Consent to the extra fields: ordinary ones in `scopes`, sensitive ones (ID number…) given separately in `sensitive`. */
  consent?: { scopes: string[]; sensitive?: string[] };
}

/** What the wallet learns from its answer. */
export interface Answered {
  status: 'approved' | 'failed' | 'declined' | 'awaiting_guardian';
  failure?: string;
  rp: string;
}
