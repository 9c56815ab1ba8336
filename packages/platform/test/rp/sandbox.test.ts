// Development conveniences and their absence in production, on SQLite and PostgreSQL: sandbox
// RPs (approved at once, result only) exist only in development; plain-http loopback redirect
// URIs only in development; the admin API in production takes its tokens from WZ_ADMIN_TOKENS.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachEngine } from '../support/engines.ts';
import { application, basic, keyedApplication, startRegistry, startRpPlatform, type RpHarness, type SharedRegistry } from './harness.ts';

let reg: SharedRegistry;
beforeAll(async () => {
  reg = await startRegistry(20, 'rp-sandbox');
});
afterAll(async () => reg?.close());

type Json = Record<string, unknown> & { error?: string; message?: string };

describeEachEngine('sandbox RPs: development mode only', (engine) => {
  let dev: RpHarness;
  let prod: RpHarness;
  beforeAll(async () => {
    dev = await startRpPlatform(engine, reg);
    prod = await startRpPlatform(engine, reg, { mode: 'production' });
  });
  afterAll(async () => {
    await dev?.close();
    await prod?.close();
  });

  const sandbox = { name: 'My test app', redirectUris: ['http://localhost:3000/callback'], tokenEndpointAuthMethod: 'client_secret_basic' };

  it('development: POST /v1/rp/sandbox → 201, approved at once, result only, flagged sandbox', async () => {
    const r = await dev.request<{ clientId: string; status: string; sandbox: boolean; clientSecret: string }>('POST', '/v1/rp/sandbox', { body: sandbox });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ status: 'approved', sandbox: true });
    const own = await dev.request<Json>('GET', `/v1/rp/clients/${r.body.clientId}`, { headers: { authorization: basic(r.body.clientId, r.body.clientSecret) } });
    expect(own.body).toMatchObject({
      status: 'approved',
      sandbox: true,
      uscc: null,
      contactEmail: null,
      category: 'other',
      approvedScopes: [{ scope: 'result', legalBasisRef: null }],
      requestedScopes: [{ scope: 'result', legalBasis: null }],
    });
    // A sandbox's sector never equals a registered RP's: it cannot share their pseudonyms.
    expect(own.body.sectorIdentifier).toBe('sandbox.localhost');
    expect((await dev.platform.rp.clientAuth.authenticate({ authorization: basic(r.body.clientId, r.body.clientSecret) })).rp.status).toBe('approved');
    expect((await dev.platform.deps.store.relyingParties.listEvents(r.body.clientId)).map((e) => [e.type, e.actor])).toEqual([['rp.sandbox_created', 'developer']]);
  });

  it('development: a sandbox takes no scopes beyond result, and the same rules for URIs and keys', async () => {
    expect((await dev.request<Json>('POST', '/v1/rp/sandbox', { body: { ...sandbox, scopes: { age_band: 'x' } } })).body.error).toBe('invalid_request');
    expect((await dev.request<Json>('POST', '/v1/rp/sandbox', { body: { ...sandbox, redirectUris: ['http://example.cn/cb'] } })).body.error).toBe('invalid_redirect_uri');
    const { body } = keyedApplication(['SM2']);
    const keyed = await dev.request<Json>('POST', '/v1/rp/sandbox', { body: { ...sandbox, tokenEndpointAuthMethod: 'private_key_jwt', jwks: body.jwks } });
    expect([keyed.status, keyed.body.clientSecret]).toEqual([201, undefined]);
  });

  it('production: POST /v1/rp/sandbox does not exist (404 not_found)', async () => {
    const r = await prod.request<Json>('POST', '/v1/rp/sandbox', { body: sandbox });
    expect([r.status, r.body.error]).toEqual([404, 'not_found']);
    // And the service refuses too, whoever calls it.
    await expect(prod.platform.rp.service.createSandbox(sandbox as never)).rejects.toMatchObject({ code: 'forbidden' });
  });

  it('production: http://localhost redirect URIs are refused (development mode only); https works', async () => {
    const r = await prod.request<Json>('POST', '/v1/rp/applications', { body: application({ redirectUris: ['http://localhost:3000/cb'] }) });
    expect([r.status, r.body.error]).toEqual([400, 'invalid_redirect_uri']);
    expect(r.body.message).toMatch(/development mode/);
    expect((await prod.request('POST', '/v1/rp/applications', { body: application() })).status).toBe(201);
  });

  it('production: the admin API answers to every WZ_ADMIN_TOKENS entry, each named in the audit trail', async () => {
    const applied = await prod.request<{ clientId: string }>('POST', '/v1/rp/applications', { body: application() });
    const [first, second] = prod.secrets.admin;
    expect(prod.secrets.admin.map((e) => e.id)).toEqual(['ops-1', 'ops-2', 'ops-norole']);
    const bearer = (k: Uint8Array) => `Bearer ${Buffer.from(k).toString('base64url')}`;
    const url = `/v1/admin/rps/${applied.body.clientId}`;
    expect((await prod.request('POST', `${url}/approve`, { body: { scopes: [] }, headers: { authorization: bearer(first.key) } })).status).toBe(200);
    expect((await prod.request('POST', `${url}/suspend`, { body: {}, headers: { authorization: bearer(second!.key) } })).status).toBe(200);
    const view = await prod.request<{ events: { actor: string }[] }>('GET', url, { headers: { authorization: bearer(second!.key) } });
    expect(view.body.events.map((e) => e.actor)).toEqual(['applicant', 'admin:ops-1', 'admin:ops-2']);
    // The development secrets file's token is not a production operator token (RFC 6750 §3.1: invalid_token).
    expect((await prod.request('GET', url, { headers: { authorization: dev.adminAuth } })).status).toBe(401);
    // An operator without the rp_reviewer role reaches nothing here.
    const norole = await prod.request<{ error: string }>('GET', url, { headers: { authorization: bearer(prod.secrets.admin[2]!.key) } });
    expect([norole.status, norole.body.error]).toEqual([403, 'role_required']);
  });
});
