/**
 * Shared Signals: the security events the platform sends to relying parties (nationwide ban,
 * unban, cancellation, a revoked 网证, withdrawn consent) as Security Event Tokens, and the
 * SSF 1.0 transmitter metadata, stream configuration and poll shapes. Pure: no I/O; the
 * platform stores, pushes and serves. Import from `@wangzheng/core/signals/index`.
 */
export {
  ACCOUNT_DISABLED_REASONS,
  CREDENTIAL_REVOCATION_CAUSES,
  EVENT_CODES,
  EVENT_TYPE_URIS,
  SIGNAL_EVENTS,
  eventCodeOf,
  eventsClaim,
  type AccountDisabledReason,
  type CredentialRevocationCause,
  type EventCode,
  type EventDefinition,
  type EventOf,
  type EventPayload,
  type EventTypeUri,
  type SecurityEvent,
} from './events.ts';
export { issSubSubject, readIssSub, type IssSubSubject } from './subject.ts';
export { SET_TYP, buildSet, newJti, signSet, verifySet, type BuildSetInput, type SetClaims, type SigningRings, type VerifiedSet, type VerifySetOptions } from './set.ts';
export { endpointUrlProblem, type EndpointUrlOptions } from './endpoint-url.ts';
export {
  DEFAULT_AUTHORIZATION_SCHEMES,
  DELIVERY_METHODS,
  SSF_PATHS,
  SSF_SPEC_VERSION,
  pollEndpointUrl,
  ssfConfigurationPath,
  transmitterMetadata,
  type DeliveryMethod,
  type TransmitterMetadata,
  type TransmitterMetadataOptions,
} from './metadata.ts';
export { parseStreamConfig, streamConfigSchema, type StreamConfigOptions, type StreamConfigRequest, type StreamDelivery } from './stream.ts';
export { MAX_POLL_ITEMS, SET_ERROR_CODES, parsePollRequest, pollBatchSize, pollRequestSchema, pollResponse, type PollRequest, type PollResponse } from './poll.ts';
