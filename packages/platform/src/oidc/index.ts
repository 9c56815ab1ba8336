/** The OpenID Connect provider: discovery, PAR, authorization, token, userinfo (docs/oidc.md). */
export { AUTHORIZATION_CHECKS, checkAuthorizationRequest, type AuthorizationRequest } from './checks.ts';
export { endpointsOf, providerMetadata, type OidcEndpoints } from './discovery.ts';
export { toOAuthError } from './errors.ts';
export { ID_TOKEN_TTL_S, signIdToken } from './id-token.ts';
export type { OidcMetrics } from './metrics.ts';
export { registerOidcRoutes, type OidcRouteDeps } from './routes.ts';
export { CLAIMS_SUPPORTED, disclosureScopeOf, OAUTH_SCOPES, oauthScopeString, SCOPE_CLAIMS } from './scopes.ts';
export {
  ACCESS_TOKEN_TTL_S,
  BROWSER_COOKIE,
  CODE_TTL_MS,
  OidcProvider,
  PAR_TTL_S,
  REQUEST_URI_PREFIX,
  type AuthorizeOutcome,
  type OidcDeps,
  type StatusAnswer,
  type TokenResponse,
} from './service.ts';
