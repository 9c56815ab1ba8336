/**
 * OpenID Provider metadata (OpenID Connect Discovery 1.0 §3, RFC 8414, RFC 9126 §5, RFC 9207
 * §3): what a standard client reads at `/.well-known/openid-configuration` to talk to us. Every
 * value here is something the endpoints enforce, not an aspiration.
 */
import { ID_TOKEN_ALGS } from '@wangzheng/core/rp/types';
import { ACR_VALUES, MODES } from '@wangzheng/core/verification/modes';
import { CLAIMS_SUPPORTED, OAUTH_SCOPES } from './scopes.ts';

export interface OidcEndpoints {
  readonly issuer: string;
  readonly authorization: string;
  readonly token: string;
  readonly userinfo: string;
  readonly par: string;
  readonly jwks: string;
}

export function endpointsOf(issuer: string): OidcEndpoints {
  return {
    issuer,
    authorization: `${issuer}/oauth/authorize`,
    token: `${issuer}/oauth/token`,
    userinfo: `${issuer}/oauth/userinfo`,
    par: `${issuer}/oauth/par`,
    jwks: `${issuer}/.well-known/jwks.json`,
  };
}

export function providerMetadata(e: OidcEndpoints): Record<string, unknown> {
  return {
    issuer: e.issuer,
    authorization_endpoint: e.authorization,
    token_endpoint: e.token,
    userinfo_endpoint: e.userinfo,
    jwks_uri: e.jwks,
    pushed_authorization_request_endpoint: e.par,
    require_pushed_authorization_requests: false,
    response_types_supported: ['code'],
    response_modes_supported: ['query'],
    grant_types_supported: ['authorization_code'],
    code_challenge_methods_supported: ['S256'],
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: [...ID_TOKEN_ALGS],
    token_endpoint_auth_methods_supported: ['private_key_jwt', 'client_secret_basic'],
    token_endpoint_auth_signing_alg_values_supported: ['SM2', 'ES256', 'EdDSA'],
    acr_values_supported: MODES.map((m) => ACR_VALUES[m]),
    scopes_supported: [...OAUTH_SCOPES],
    claims_supported: [...CLAIMS_SUPPORTED],
    claims_parameter_supported: false,
    request_parameter_supported: false,
    request_uri_parameter_supported: false,
    authorization_response_iss_parameter_supported: true,
    prompt_values_supported: ['none', 'login', 'consent'],
    ui_locales_supported: ['zh-CN', 'en'],
  };
}
