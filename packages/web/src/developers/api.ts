/**
 * The portal's calls to the platform it is served from (same origin only: CSP connect-src
 * 'self'). Public calls (apply, sandbox, discovery) carry nothing; the RP's own calls carry
 * `Authorization: Basic` built from the credentials in this tab's sessionStorage
 * (credentials.ts). Never a cookie: `credentials: 'omit'`.
 *
 * Nothing here trusts an answer beyond its shape: every failure — the platform's
 * `{ error, message }`, no answer, a body that is not JSON — becomes an `ApiError` with a code
 * the screens show next to the platform's message; never a thrown TypeError.
 */
import { requestJson } from '../shared/json-api.ts';
import type { Credentials } from './credentials.ts';

export { ApiError, apiErrorOf } from '../shared/json-api.ts';

/** RFC 6749 §2.3.1: id and secret each form-urlencoded, then base64. */
export function basicAuth(c: Credentials): string {
  const enc = (s: string): string => encodeURIComponent(s).replace(/%20/g, '+');
  return `Basic ${btoa(`${enc(c.clientId)}:${enc(c.clientSecret)}`)}`;
}

export function call<T>(method: 'GET' | 'POST' | 'PUT' | 'PATCH', path: string, opts: { body?: unknown; auth?: Credentials } = {}): Promise<T> {
  return requestJson<T>(path, { method, body: opts.body, credentials: 'omit', ...(opts.auth ? { headers: { authorization: basicAuth(opts.auth) } } : {}) });
}

// ------------------------------------------------------------------ what the platform answers

export interface Registered {
  clientId: string;
  status: string;
  sandbox?: true;
  clientSecret?: string;
}

export interface RpRecord {
  clientId: string;
  name: string;
  uscc: string | null;
  category: string;
  purpose: string;
  sectorIdentifier: string;
  redirectUris: string[];
  tokenEndpointAuthMethod: 'client_secret_basic' | 'private_key_jwt';
  jwks: { keys: Record<string, unknown>[] } | null;
  idTokenSigningAlg: string;
  approvedScopes: { scope: string; legalBasisRef: string | null }[];
  status: string;
  statusReason: string | null;
  sandbox?: boolean;
}

export interface RequestLogItem {
  requestId: string;
  bizSeq: string | null;
  kind: string;
  mode: string;
  status: string;
  createdAt: string;
  settledAt: string | null;
  failure: string | null;
}

export interface StreamView {
  stream_id: string;
  events_requested: string[];
  delivery: { method: string; endpoint_url?: string };
  description?: string;
}

export interface DeliveryView {
  stream: {
    streamId: string;
    method: string;
    endpointUrl: string | null;
    status: string;
    delivered: number;
    failed: number;
    pending: number;
    lastDeliveredAt: string | null;
    lastErrorAt: string | null;
    lastError: string | null;
  } | null;
}

const own = (c: Credentials, suffix = ''): string => `/v1/rp/clients/${encodeURIComponent(c.clientId)}${suffix}`;

export const api = {
  apply: (body: unknown) => call<Registered>('POST', '/v1/rp/applications', { body }),
  sandbox: (body: unknown) => call<Registered>('POST', '/v1/rp/sandbox', { body }),
  /** The platform's issuer, from its discovery document (falls back to this origin). */
  async issuer(): Promise<string> {
    try {
      const d = await call<{ issuer?: unknown }>('GET', '/.well-known/openid-configuration');
      return typeof d.issuer === 'string' ? d.issuer : location.origin;
    } catch {
      return location.origin;
    }
  },
  record: (c: Credentials) => call<RpRecord>('GET', own(c), { auth: c }),
  registerJwks: (c: Credentials, body: { jwks: unknown; tokenEndpointAuthMethod?: 'private_key_jwt' }) => call<RpRecord>('PUT', own(c, '/jwks'), { auth: c, body }),
  requests: (c: Credentials, after?: string) => call<{ items: RequestLogItem[]; next?: string }>('GET', own(c, `/requests?limit=20${after ? `&after=${encodeURIComponent(after)}` : ''}`), { auth: c }),
  delivery: (c: Credentials) => call<DeliveryView>('GET', own(c, '/delivery'), { auth: c }),
  streams: (c: Credentials) => call<StreamView[]>('GET', '/ssf/stream', { auth: c }),
  createStream: (c: Credentials, body: unknown) => call<StreamView>('POST', '/ssf/stream', { auth: c, body }),
  updateStream: (c: Credentials, body: unknown) => call<StreamView>('PATCH', '/ssf/stream', { auth: c, body }),
};
