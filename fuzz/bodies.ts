/**
 * Valid-looking bodies for the fuzz run, so that its "wrong type for one field" variants reach
 * past the schema's first check. JSON bodies come from the routes' own exported zod schemas
 * (converted with `z.toJSONSchema`, a sample built from that), so a field added to a schema is
 * fuzzed without an edit here; only the route → schema pairing is written down, and
 * `checkBodyMap` makes the run fail when a paired route no longer exists.
 *
 * Form bodies (the OAuth endpoints, RFC 6749) and the development simulator's proxy, whose
 * schemas are not exported, have hand-written samples.
 */
import { z } from 'zod';
import { enrollmentSchemas } from '../packages/platform/src/enrollment/routes.ts';
import { verificationSchemas } from '../packages/platform/src/verification/routes.ts';
import { rpSchemas } from '../packages/platform/src/rp/routes.ts';
import { personSchemas } from '../packages/platform/src/person/routes.ts';
import { personControlSchemas } from '../packages/platform/src/lifecycle/controls-routes.ts';
import { lifecycleSchemas } from '../packages/platform/src/lifecycle/routes.ts';
import { disclosureSchemas } from '../packages/platform/src/admin/disclosure-routes.ts';
import { consoleAdminSchemas } from '../packages/platform/src/console/admin-routes.ts';
import { venueSchemas } from '../packages/platform/src/venue/routes.ts';
import { routeKey, type Route } from './routes.ts';

const e = enrollmentSchemas;
const v = verificationSchemas;
const p = personSchemas;
const c = personControlSchemas;

/** Route (`METHOD path`) → the schema its handler parses the body with. */
const JSON_BODIES: Record<string, z.ZodType> = {
  'POST /v1/enrollments': e.start,
  'POST /v1/enrollments/:id/guardian': e.guardian,
  'POST /v1/enrollments/:id/chip': e.chip,
  'POST /v1/enrollments/:id/face': e.face,
  'POST /v1/enrollments/:id/phone': e.phone,
  'POST /v1/enrollments/:id/phone/verify': e.phoneCode,
  'POST /v1/enrollments/:id/consent': e.consent,
  'POST /v1/enrollments/:id/passphrase': e.passphrase,
  'POST /v1/enrollments/:id/device': e.device,
  'POST /v1/enrollments/:id/credential': e.collect,
  'POST /v1/enrollment-approvals/challenge': e.approvalChallenge,
  'POST /v1/enrollment-approvals': e.approve,
  'POST /v1/rp/applications': rpSchemas.application,
  'POST /v1/rp/sandbox': rpSchemas.sandbox,
  'PUT /v1/rp/clients/:clientId/jwks': rpSchemas.jwks,
  'POST /v1/admin/rps/:clientId/approve': rpSchemas.approve,
  'POST /v1/admin/rps/:clientId/reject': rpSchemas.reject,
  'POST /v1/admin/rps/:clientId/suspend': rpSchemas.suspend,
  'POST /v1/receipt-requests': v.create,
  'POST /v1/reverifications': v.reverify,
  'POST /v1/wallet/pending': v.pending,
  'POST /v1/verifications/:ref/answer': v.answer,
  'POST /v1/me/status': p.plain,
  'POST /v1/me/lock': p.plain,
  'POST /v1/me/unlock': p.unlock,
  'POST /v1/me/devices': p.plain,
  'POST /v1/me/devices/revoke': p.revokeDevice,
  'POST /v1/me/history': p.history,
  'POST /v1/me/authorizations/withdraw': p.withdraw,
  'POST /v1/me/export': p.plain,
  'POST /v1/me/cancel': p.cancel,
  'POST /v1/me/passphrase': c.change,
  'POST /v1/me/passphrase/reset': c.reset,
  'POST /v1/me/phone': c.phone,
  'POST /v1/me/phone/confirm': c.confirm,
  'POST /v1/me/renew': c.plain,
  'POST /v1/me/devices/transfer': c.transfer,
  'POST /v1/me/venue-pass': venueSchemas.pass,
  'POST /v1/admin/bans': lifecycleSchemas.ban,
  'POST /v1/admin/unbans': lifecycleSchemas.unban,
  'POST /v1/admin/disclosures': disclosureSchemas.request,
  'POST /v1/admin/console-operators': consoleAdminSchemas.grant,
};

/** Hand-written samples: the simulator proxy (development) and the SSF stream configuration. */
const JSON_SAMPLES: Record<string, Record<string, unknown>> = {
  'POST /sim/nfc/read': { documentType: 'resident_id_card', documentNumber: '110101199003070011' },
  'POST /sim/camera': { documentType: 'resident_id_card', documentNumber: '110101199003070011', subject: 'self', nonce: 'n0nce-n0nce-n0nce' },
  'POST /ssf/stream': { delivery: { method: 'urn:ietf:rfc:8935', endpoint_url: 'https://rp.example/ssf' }, events_requested: ['https://schemas.openid.net/secevent/caep/event-type/session-revoked'] },
  'POST /ssf/status': { stream_id: 's1', status: 'enabled' },
  'POST /ssf/verify': { stream_id: 's1', state: 'x' },
};

/** application/x-www-form-urlencoded samples (RFC 6749 / 9126). */
export const FORM_BODIES: Record<string, Record<string, string>> = {
  'POST /oauth/token': { grant_type: 'authorization_code', code: 'c0de', redirect_uri: 'http://localhost/cb', code_verifier: 'v'.repeat(43), client_id: 'rp_x' },
  'POST /oauth/par': { response_type: 'code', client_id: 'rp_x', redirect_uri: 'http://localhost/cb', scope: 'openid', state: 's', nonce: 'n', code_challenge: 'c'.repeat(43), code_challenge_method: 'S256' },
  'POST /oauth/userinfo': { access_token: 'at' },
};

/** Query samples for GET routes that read one. */
export const QUERY_SAMPLES: Record<string, Record<string, string>> = {
  'GET /oauth/authorize': { response_type: 'code', client_id: 'rp_x', redirect_uri: 'http://localhost/cb', scope: 'openid', state: 's', nonce: 'n', code_challenge: 'c'.repeat(43), code_challenge_method: 'S256' },
  'GET /v1/admin/audit': { limit: '10', kind: 'x' },
  'GET /v1/admin/rps': { status: 'pending', limit: '10' },
  'GET /v1/rp/clients/:clientId/requests': { limit: '10', after: 'x' },
  'GET /v1/admin/bans': { state: 'pending', limit: '10' },
  'GET /console/callback': { code: 'c', state: 's' },
};

type JsonSchema = {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  minLength?: number;
  minItems?: number;
  minimum?: number;
  format?: string;
  pattern?: string;
  additionalProperties?: JsonSchema | boolean;
};

/** A value that satisfies the common constraints of `s` (not every pattern: good enough to pass the types). */
export function sampleOf(s: JsonSchema): unknown {
  if (s.const !== undefined) return s.const;
  if (s.enum && s.enum.length > 0) return s.enum[0];
  const alt = s.anyOf ?? s.oneOf ?? s.allOf;
  if (alt && alt.length > 0) return sampleOf(alt[0]!);
  const type = Array.isArray(s.type) ? s.type[0] : s.type;
  switch (type) {
    case 'string':
      if (s.format === 'email') return 'fuzz@example.org';
      if (s.format === 'uuid') return '0b8e4f6a-3c1d-4e2f-9a7b-5c6d7e8f9a0b';
      if (s.pattern?.includes('\\x21-\\x7e')) return 'fuzz-1';
      return 'x'.repeat(Math.max(s.minLength ?? 0, 3));
    case 'number':
    case 'integer':
      return Math.max(s.minimum ?? 1, 1);
    case 'boolean':
      return true;
    case 'array':
      return Array.from({ length: s.minItems ?? 1 }, () => sampleOf(s.items ?? { type: 'string' }));
    case 'object': {
      const o: Record<string, unknown> = {};
      for (const [k, sub] of Object.entries(s.properties ?? {})) o[k] = sampleOf(sub);
      if (!s.properties && typeof s.additionalProperties === 'object') o['k'] = sampleOf(s.additionalProperties);
      return o;
    }
    default:
      return {};
  }
}

/** The valid-looking JSON body of a route, or undefined when it has none listed here. */
export function validJsonBody(key: string): Record<string, unknown> | undefined {
  if (key in JSON_SAMPLES) return JSON_SAMPLES[key];
  const schema = JSON_BODIES[key];
  if (!schema) return undefined;
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  const body = sampleOf(json);
  return typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
}

/** Routes named here that the platform no longer registers (a stale pairing: the run fails on it). */
export function checkBodyMap(routes: readonly Route[]): string[] {
  const known = new Set(routes.map(routeKey));
  return [...Object.keys(JSON_BODIES), ...Object.keys(JSON_SAMPLES), ...Object.keys(FORM_BODIES), ...Object.keys(QUERY_SAMPLES)].filter((k) => !known.has(k));
}
