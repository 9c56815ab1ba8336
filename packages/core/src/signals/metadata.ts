/**
 * Transmitter Configuration Metadata (SSF 1.0 §7.1), served at
 * `/.well-known/ssf-configuration` (§7.2): what an RP's receiver reads to find our keys,
 * delivery methods and stream-management endpoints, all under `${issuer}/ssf/…`.
 *
 * Choices:
 * - `default_subjects: "ALL"`: a ban or a cancellation must reach every RP that knows the
 *   person without the RP having registered anyone first; subjects are "appropriate for the
 *   stream" only where the RP already holds an application identifier for the person. No
 *   add/remove-subject endpoints are offered: an RP must not be able to mute signals about a
 *   person (SSF 1.0 §9.3, malicious subject removal).
 * - `authorization_schemes`: by default the client authentication the platform already
 *   enforces — private_key_jwt (RFC 7523) and client_secret_basic (RFC 6749 §2.3.1). The
 *   routes must enforce exactly what is listed here.
 *
 * Trust: everything here is platform configuration; a bad issuer is a TypeError (fail fast
 * at start-up), never a request error.
 */
import { endpointUrlProblem } from './endpoint-url.ts';

export const SSF_SPEC_VERSION = '1_0';

/** Delivery method URIs (SSF 1.0 §6.1). */
export const DELIVERY_METHODS = { push: 'urn:ietf:rfc:8935', poll: 'urn:ietf:rfc:8936' } as const;
export type DeliveryMethod = (typeof DELIVERY_METHODS)[keyof typeof DELIVERY_METHODS];

/** Paths below the issuer; the routes register these. */
export const SSF_PATHS = { configuration: '/ssf/stream', status: '/ssf/status', verification: '/ssf/verify', poll: '/ssf/poll' } as const;

export const DEFAULT_AUTHORIZATION_SCHEMES = ['urn:ietf:rfc:7523', 'urn:ietf:rfc:6749'] as const;

export interface TransmitterMetadataOptions {
  /** Default `${issuer}/.well-known/jwks.json` (the platform's JWKS, as in OIDC discovery). */
  jwksUri?: string;
  /** Default both push and poll. */
  deliveryMethods?: readonly DeliveryMethod[];
  /** Default `ALL` (see the header). */
  defaultSubjects?: 'ALL' | 'NONE';
  /** `spec_urn` values; default DEFAULT_AUTHORIZATION_SCHEMES. */
  authorizationSchemes?: readonly string[];
  /** Development only: accept an `http://localhost` issuer. */
  allowInsecureLocalhost?: boolean;
}

export interface TransmitterMetadata {
  spec_version: typeof SSF_SPEC_VERSION;
  issuer: string;
  jwks_uri: string;
  delivery_methods_supported: DeliveryMethod[];
  configuration_endpoint: string;
  status_endpoint: string;
  verification_endpoint: string;
  authorization_schemes: { spec_urn: string }[];
  default_subjects: 'ALL' | 'NONE';
}

function checkIssuer(issuer: string, allowInsecureLocalhost: boolean | undefined): string {
  if (typeof issuer !== 'string') throw new TypeError('issuer must be a URL');
  const problem = endpointUrlProblem(issuer, { allowInsecureLocalhost: allowInsecureLocalhost === true });
  if (problem) throw new TypeError(`issuer ${problem}`);
  if (new URL(issuer).search !== '' || issuer.includes('?')) throw new TypeError('issuer must not contain a query');
  return issuer.replace(/\/+$/, '');
}

/** The metadata document. The `issuer` member is `issuerUrl` exactly, as SETs carry it in `iss`. */
export function transmitterMetadata(issuerUrl: string, o: TransmitterMetadataOptions = {}): TransmitterMetadata {
  const base = checkIssuer(issuerUrl, o.allowInsecureLocalhost);
  const jwksUri = o.jwksUri ?? `${base}/.well-known/jwks.json`;
  const jwksProblem = endpointUrlProblem(jwksUri, { allowInsecureLocalhost: o.allowInsecureLocalhost === true });
  if (jwksProblem) throw new TypeError(`jwks_uri ${jwksProblem}`);
  const methods = [...new Set(o.deliveryMethods ?? [DELIVERY_METHODS.push, DELIVERY_METHODS.poll])];
  const known: readonly string[] = Object.values(DELIVERY_METHODS);
  if (methods.length === 0 || methods.some((m) => !known.includes(m))) throw new TypeError('deliveryMethods must be a non-empty list of push/poll');
  const schemes = o.authorizationSchemes ?? DEFAULT_AUTHORIZATION_SCHEMES;
  // §7.2: claims with zero elements must be omitted; we always have at least one.
  if (schemes.length === 0) throw new TypeError('authorizationSchemes must not be empty');
  return {
    spec_version: SSF_SPEC_VERSION,
    issuer: issuerUrl,
    jwks_uri: jwksUri,
    delivery_methods_supported: methods,
    configuration_endpoint: base + SSF_PATHS.configuration,
    status_endpoint: base + SSF_PATHS.status,
    verification_endpoint: base + SSF_PATHS.verification,
    authorization_schemes: schemes.map((spec_urn) => ({ spec_urn })),
    default_subjects: o.defaultSubjects ?? 'ALL',
  };
}

/**
 * Where the document is served (SSF 1.0 §7.2): `/.well-known/ssf-configuration` inserted
 * between the host and the issuer's path, without the path's trailing slash.
 * @example ssfConfigurationPath('https://id.example.cn/issuer1') // '/.well-known/ssf-configuration/issuer1'
 */
export function ssfConfigurationPath(issuerUrl: string): string {
  const path = new URL(issuerUrl).pathname.replace(/\/+$/, '');
  return `/.well-known/ssf-configuration${path}`;
}

/** The transmitter-supplied poll URL of one stream (SSF 1.0 §6.1.2: unique per stream). */
export function pollEndpointUrl(issuerUrl: string, streamId: string): string {
  if (!/^[A-Za-z0-9._~-]{1,128}$/.test(streamId)) throw new TypeError('streamId must be 1–128 unreserved characters');
  return `${issuerUrl.replace(/\/+$/, '')}${SSF_PATHS.poll}/${streamId}`;
}
