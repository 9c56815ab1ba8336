/**
 * How the site connects to the Wangzheng platform, once at start-up:
 *
 * 1. its registration — on a development platform it registers itself through the dev-only
 *    sandbox (`POST /v1/rp/sandbox`, approved at once for the result only) and keeps the client
 *    id and secret in its own data file (0600); a production RP applies and is approved instead
 *    (docs/relying-parties.md) and would put the same values in its secret store;
 * 2. OpenID Connect discovery (openid-client);
 * 3. its Shared Signals stream (docs/signals.md): push (RFC 8935) to this site's `/ssf/events`,
 *    with a bearer token the platform sends back on every push.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import * as client from 'openid-client';
import { isWangzhengError, SECURITY_EVENT_TYPES, WangzhengClient } from '@wangzheng/sdk';
import { newId } from './store.ts';

export const SITE_NAME = '云票务（网证示例）';

export interface Registration {
  issuer: string;
  origin: string;
  clientId: string;
  clientSecret: string;
  /** What the platform puts in `Authorization` when it pushes a SET to us. */
  pushToken: string;
}

export interface Connected {
  registration: Registration;
  /** openid-client's configuration: discovery + our client authentication. */
  oidc: client.Configuration;
  /** The SDK: receipts (real-name registration) and re-verification. */
  wz: WangzhengClient;
}

async function register(issuer: string, origin: string): Promise<Registration> {
  const res = await fetch(`${issuer}/v1/rp/sandbox`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      name: SITE_NAME,
      redirectUris: [`${origin}/callback`],
      tokenEndpointAuthMethod: 'client_secret_basic',
      idTokenSigningAlg: 'ES256', // openid-client (jose) verifies ES256, not SM2
      category: 'internet_service', // may ask for re-verification of flagged accounts
      purpose: '登录与实名购票时核验您的身份 (sign-in and real-name ticketing)',
    }),
  });
  const body = (await res.json().catch(() => ({}))) as { clientId?: string; clientSecret?: string; error?: string };
  if (res.status === 404) throw new Error(`${issuer} has no development sandbox (a production platform): register the demo as an RP and approve it first`);
  if (!res.ok || !body.clientId || !body.clientSecret) throw new Error(`sandbox registration failed: HTTP ${res.status} ${body.error ?? ''}`);
  return { issuer, origin, clientId: body.clientId, clientSecret: body.clientSecret, pushToken: newId(32) };
}

/** The stored registration if it is for this platform and origin and the platform still knows it; otherwise a new one. */
async function loadOrRegister(issuer: string, origin: string, file: string, log: (s: string) => void): Promise<Registration> {
  if (existsSync(file)) {
    const r = JSON.parse(readFileSync(file, 'utf8')) as Registration;
    if (r.issuer === issuer && r.origin === origin) {
      try {
        await new WangzhengClient({ issuer, clientId: r.clientId, auth: { clientSecret: r.clientSecret } }).getRegistration();
        return r;
      } catch (e) {
        if (!isWangzhengError(e, 'invalid_client')) throw e;
        log('the platform no longer knows our client id: registering again');
      }
    }
  }
  const r = await register(issuer, origin);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(r, null, 2), { mode: 0o600 });
  log(`registered with ${issuer} as ${r.clientId} (sandbox); kept in ${file}`);
  return r;
}

/**
 * Creates our Shared Signals stream, or replaces its configuration (the port may have changed),
 * at the configuration endpoint the transmitter's metadata names. Client authentication as at
 * the token endpoint: client_secret_basic.
 */
async function configureStream(r: Registration): Promise<string> {
  const meta = (await (await fetch(`${r.issuer}/.well-known/ssf-configuration`)).json()) as { configuration_endpoint: string };
  const headers = {
    authorization: `Basic ${Buffer.from(`${encodeURIComponent(r.clientId)}:${encodeURIComponent(r.clientSecret)}`).toString('base64')}`,
    'content-type': 'application/json',
  };
  const config = {
    delivery: { method: 'urn:ietf:rfc:8935', endpoint_url: `${r.origin}/ssf/events`, authorization_header: `Bearer ${r.pushToken}` },
    events_requested: Object.values(SECURITY_EVENT_TYPES),
    description: SITE_NAME,
  };
  const existing = (await (await fetch(meta.configuration_endpoint, { headers })).json()) as { stream_id: string }[];
  const res = await fetch(meta.configuration_endpoint, {
    method: existing[0] ? 'PUT' : 'POST',
    headers,
    body: JSON.stringify(existing[0] ? { stream_id: existing[0].stream_id, ...config } : config),
  });
  const body = (await res.json()) as { stream_id?: string; error?: string };
  if (!res.ok || !body.stream_id) throw new Error(`Shared Signals stream: HTTP ${res.status} ${body.error ?? ''}`);
  return body.stream_id;
}

export async function connect(o: { issuer: string; origin: string; dataFile: string; log: (s: string) => void }): Promise<Connected> {
  const registration = await loadOrRegister(o.issuer, o.origin, o.dataFile, o.log);
  const { clientId, clientSecret } = registration;
  // A development platform on http://localhost: openid-client refuses plain http unless told.
  const insecure = new URL(o.issuer).protocol === 'http:' ? { execute: [client.allowInsecureRequests] } : undefined;
  const oidc = await client.discovery(new URL(o.issuer), clientId, undefined, client.ClientSecretBasic(clientSecret), insecure);
  const wz = new WangzhengClient({ issuer: o.issuer, clientId, auth: { clientSecret }, receiptAlg: 'ES256' });
  const streamId = await configureStream(registration);
  o.log(`Shared Signals: stream ${streamId} pushes to ${o.origin}/ssf/events`);
  return { registration, oidc, wz };
}
