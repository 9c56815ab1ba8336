/** Relying parties: the record, the registration rules and client assertions. Pure: no I/O. */
export * from './types.ts';
export { generateClientId, isClientId, CLIENT_ID_PATTERN } from './client-id.ts';
export { parseUscc, isValidUscc, normaliseUscc, usccCheckCharacter, organisationCodeCheckCharacter, USCC_ALPHABET, USCC_LENGTH, type Uscc } from './uscc.ts';
export {
  checkRedirectUri,
  checkRedirectUris,
  deriveSectorIdentifier,
  parseSectorIdentifier,
  MAX_REDIRECT_URIS,
  MAX_REDIRECT_URI_LENGTH,
  type RedirectUriRules,
} from './redirect-uris.ts';
export {
  approveScopes,
  assertScopeAllowedForCategory,
  assertScopesApproved,
  isDisclosureScope,
  parseScope,
  requestScopes,
  LEGAL_BASIS_MAX,
  LEGAL_BASIS_REF_MAX,
  LEGAL_RETENTION_CATEGORIES,
  SENSITIVE_SCOPES,
} from './scopes.ts';
export { assertRpActive, assertTransition, RP_ACTIONS, RP_TRANSITIONS, type RpAction } from './status.ts';
export { parseClientJwks, MAX_CLIENT_KEYS, type ClientJwks, type ClientKey } from './client-jwks.ts';
export {
  unverifiedAssertionIssuer,
  verifyClientAssertion,
  ASSERTION_LEEWAY_S,
  CLIENT_ASSERTION_TYPE,
  MAX_ASSERTION_LIFETIME_S,
  type ClientAssertionOptions,
  type VerifiedClientAssertion,
} from './client-assertion.ts';
