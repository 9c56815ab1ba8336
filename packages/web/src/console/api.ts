/**
 * The console's calls to the platform it is served from: the session (`/console/session`,
 * `/console/logout`, the console domain's routes) and the JSON admin API (`/v1/admin/*`,
 * docs/admin.md), which accepts the console's HttpOnly session cookie. Same origin only
 * (CSP connect-src 'self'); the browser sends the cookie and, on a POST, the Origin header.
 *
 * Nothing here trusts the answers beyond their shape: every failure — the platform's
 * `{ error, message }`, no answer at all, a body that is not JSON — becomes an `ApiError` with a
 * stable code the screens explain, never a thrown TypeError (shared/json-api.ts).
 */
import { requestJson } from '../shared/json-api.ts';

export { ApiError, apiErrorOf } from '../shared/json-api.ts';

function call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  return requestJson<T>(path, { method, body, credentials: 'same-origin' });
}

/** `query`: undefined and empty values are left out. */
export function get<T>(path: string, query: Record<string, string | number | undefined> = {}): Promise<T> {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') q.set(k, String(v));
  const s = q.toString();
  return call<T>('GET', s ? `${path}?${s}` : path);
}

export function post<T>(path: string, body: unknown = {}): Promise<T> {
  return call<T>('POST', path, body);
}

// ------------------------------------------------------------------ what the platform answers

export type Role = 'rp_reviewer' | 'operator' | 'auditor' | 'liaison';

export interface Operator {
  id: string;
  appId: string;
  roles: string[];
}

export type Session = { signedIn: false } | { signedIn: true; operator: Operator; expiresAt?: string | number };

export interface Page<T> {
  items: T[];
  next?: string;
}

export interface Rp {
  clientId: string;
  name: string;
  uscc: string | null;
  contactEmail: string | null;
  category: string;
  purpose: string;
  sectorIdentifier: string;
  redirectUris: string[];
  requestedScopes: { scope: string; legalBasis: string | null }[];
  approvedScopes: { scope: string; legalBasisRef: string | null }[];
  status: string;
  statusReason: string | null;
  sandbox: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface RpDetail extends Rp {
  sectorSharedWith?: string[];
  events?: { type: string; actor: string; at: string; data: Record<string, unknown> | null }[];
}

export interface Ban {
  id: string;
  state: string;
  reason: string;
  legalRef: string;
  requestedBy: string;
  approvedBy: string | null;
  unbanRequestedBy: string | null;
  unbanApprovedBy: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface AuditEntry {
  seq: number;
  at: number | string;
  actor: string;
  action: string;
  subject?: string | null;
  data?: unknown;
}

export interface AuditVerification {
  ok: boolean;
  checked: number;
  checkpoints: number;
  head: { seq: number; hash: string } | null;
  findings: { code: string; seq: number | null; through?: number; checkpoint?: number; detail: string }[];
}

export interface Stream {
  clientId: string;
  streamId: string;
  method: string;
  endpointUrl: string | null;
  status: string;
  eventsRequested: string[];
  delivered: number;
  failed: number;
  pending: number;
  lastDeliveredAt: string | null;
  lastErrorAt: string | null;
  lastError: string | null;
}
