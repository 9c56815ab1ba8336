// RP registration over HTTP, on SQLite and PostgreSQL: the application rules each with their
// own code; a client secret shown once and stored only as a digest; client_secret_basic
// (RFC 6749 §2.3.1) against the RP's own record.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { generateKey } from '@wangzheng/core/crypto/index';
import { describeEachEngine } from '../support/engines.ts';
import { postgresRows, sqliteFiles, sqliteRows } from '../support/dump.ts';
import { application, basic, keyedApplication, startRegistry, startRpPlatform, USCC, type RpHarness, type SharedRegistry } from './harness.ts';

let reg: SharedRegistry;
beforeAll(async () => {
  reg = await startRegistry(20, 'rp-registration');
});
afterAll(async () => reg?.close());

interface Applied {
  clientId: string;
  status: string;
  clientSecret?: string;
}

describeEachEngine('RP registration: apply', (engine) => {
  let h: RpHarness;
  beforeAll(async () => {
    h = await startRpPlatform(engine, reg);
  });
  afterAll(async () => h?.close());

  const apply = (over: Record<string, unknown> = {}) => h.request<Applied & { error?: string; message?: string }>('POST', '/v1/rp/applications', { body: application(over) });

  it('client_secret_basic: 201 pending, an rp_ client id and a 43-character secret, no-store', async () => {
    const r = await apply();
    expect(r.status).toBe(201);
    expect(r.body.status).toBe('pending');
    expect(r.body.clientId).toMatch(/^rp_[A-Za-z0-9_-]{22}$/);
    expect(r.body.clientSecret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(r.headers['cache-control']).toBe('no-store');
  });

  it('the secret is shown once: only its SM3 digest is stored, nowhere in any table (or the SQLite file) in clear', async () => {
    const r = await apply();
    const { clientId, clientSecret } = r.body;
    const row = await h.platform.deps.store.relyingParties.findByClientId(clientId);
    const expected = createHash('sm3').update(`wangzheng:rp-client-secret:v1\0${clientId}\0${clientSecret}`).digest();
    expect(Buffer.from(row!.secretHash!).equals(expected)).toBe(true);
    // The RP's own record and the operator's view never carry it or its digest.
    const own = await h.request('GET', `/v1/rp/clients/${clientId}`, { headers: { authorization: basic(clientId, clientSecret!) } });
    const admin = await h.request('GET', `/v1/admin/rps/${clientId}`, { headers: { authorization: h.adminAuth } });
    for (const view of [own, admin]) {
      expect(view.status).toBe(200);
      const text = JSON.stringify(view.body);
      expect(text).not.toContain(clientSecret);
      expect(view.body).not.toHaveProperty('secretHash');
      for (const enc of ['hex', 'base64', 'base64url'] as const) expect(text).not.toContain(expected.toString(enc));
    }
    const cfg = h.storeConfig;
    const haystacks = cfg.engine === 'sqlite' ? [...sqliteFiles(cfg.path, 'sqlite'), ...sqliteRows(cfg.path)] : await postgresRows(cfg.url, cfg.schema!);
    expect(haystacks.length).toBeGreaterThan(5);
    for (const hs of haystacks) {
      const data = typeof hs.data === 'string' ? hs.data : Buffer.from(hs.data).toString('latin1');
      expect(data.includes(clientSecret!), hs.where).toBe(false);
    }
  });

  it('RFC 6749 §2.3.1: the right secret reads the own record (pending included), without secret or digest', async () => {
    const { clientId, clientSecret } = (await apply({ scopes: { age_band: '《网络游戏管理办法》防沉迷' } })).body;
    const r = await h.request<Record<string, unknown>>('GET', `/v1/rp/clients/${clientId}`, { headers: { authorization: basic(clientId, clientSecret!) } });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      clientId,
      status: 'pending',
      uscc: USCC.internet,
      category: 'internet_service',
      sectorIdentifier: 'app.example.cn',
      redirectUris: ['https://app.example.cn/callback'],
      tokenEndpointAuthMethod: 'client_secret_basic',
      jwks: null,
      idTokenSigningAlg: 'SM2',
      requestedScopes: [
        { scope: 'result', legalBasis: null },
        { scope: 'age_band', legalBasis: '《网络游戏管理办法》防沉迷' },
      ],
      approvedScopes: [{ scope: 'result', legalBasisRef: null }],
      sandbox: false,
    });
    expect(r.body).not.toHaveProperty('secretHash');
    expect(r.body).not.toHaveProperty('clientSecret');
    expect(r.headers['cache-control']).toBe('no-store');
  });

  it('a wrong secret → 401 invalid_client with a Basic challenge; so does an unknown client id', async () => {
    const { clientId, clientSecret } = (await apply()).body;
    const wrong = `${clientSecret!.slice(0, -1)}${clientSecret!.endsWith('A') ? 'B' : 'A'}`;
    for (const authorization of [basic(clientId, wrong), basic('rp_AAAAAAAAAAAAAAAAAAAAAA', clientSecret!), basic(clientId, '')]) {
      const r = await h.request('GET', `/v1/rp/clients/${clientId}`, { headers: { authorization } });
      expect(r.status).toBe(401);
      expect(r.body.error).toBe('invalid_client');
      expect(r.headers['www-authenticate']).toBe('Basic realm="wangzheng"');
    }
    const none = await h.request('GET', `/v1/rp/clients/${clientId}`);
    expect([none.status, none.body.error]).toEqual([401, 'invalid_client']);
    const garbage = await h.request('GET', `/v1/rp/clients/${clientId}`, { headers: { authorization: 'Basic !!!' } });
    expect([garbage.status, garbage.body.error]).toEqual([401, 'invalid_client']);
    expect(h.logs()).not.toContain(clientSecret);
  });

  it('an RP reads only its own record (403 forbidden for another client id)', async () => {
    const a = (await apply()).body;
    const b = (await apply()).body;
    const r = await h.request('GET', `/v1/rp/clients/${b.clientId}`, { headers: { authorization: basic(a.clientId, a.clientSecret!) } });
    expect([r.status, r.body.error]).toEqual([403, 'forbidden']);
  });

  it('GB 32100-2015: an invalid USCC is 400 invalid_uscc (one character changed)', async () => {
    const r = await apply({ uscc: `${USCC.internet.slice(0, 17)}7` });
    expect([r.status, r.body.error]).toEqual([400, 'invalid_uscc']);
    expect(r.body.message).not.toContain(USCC.internet.slice(0, 17));
  });

  it('redirect URI rules: https only, http://localhost allowed in development, no fragment, at most 10', async () => {
    expect((await apply({ redirectUris: ['http://app.example.cn/cb'] })).body.error).toBe('invalid_redirect_uri');
    expect((await apply({ redirectUris: ['https://app.example.cn/cb#frag'] })).body.error).toBe('invalid_redirect_uri');
    expect((await apply({ redirectUris: Array.from({ length: 11 }, (_, i) => `https://app.example.cn/${i}`) })).body.error).toBe('invalid_redirect_uri');
    const dev = await apply({ redirectUris: ['http://localhost:3000/cb', 'http://localhost:4000/cb'] });
    expect(dev.status).toBe(201);
    expect((await h.platform.rp.service.get(dev.body.clientId)).sectorIdentifier).toBe('localhost');
  });

  it('OIDC Core §8.1: redirect URIs on two hosts need a sectorIdentifier; with one, it is the sector', async () => {
    const uris = ['https://www.example.cn/cb', 'https://m.example.cn/cb'];
    const r = await apply({ redirectUris: uris });
    expect([r.status, r.body.error]).toEqual([400, 'invalid_sector_identifier']);
    const ok = await apply({ redirectUris: uris, sectorIdentifier: 'example.cn' });
    expect(ok.status).toBe(201);
    expect((await h.platform.rp.service.get(ok.body.clientId)).sectorIdentifier).toBe('example.cn');
  });

  it('client authentication metadata: private_key_jwt needs a public JWKS; client_secret_basic takes none', async () => {
    expect((await apply({ tokenEndpointAuthMethod: 'private_key_jwt' })).body.error).toBe('invalid_client_metadata');
    const jwk = generateKey('ES256').publicKey.toJwk();
    expect((await apply({ jwks: { keys: [jwk] } })).body.error).toBe('invalid_client_metadata');
    const priv = { ...jwk, d: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' };
    expect((await apply({ tokenEndpointAuthMethod: 'private_key_jwt', jwks: { keys: [priv] } })).body.error).toBe('invalid_client_metadata');
    expect((await apply({ tokenEndpointAuthMethod: 'private_key_jwt', jwks: { keys: [{ kty: 'RSA', n: 'x', e: 'AQAB' }] } })).body.error).toBe('invalid_key');
  });

  it('private_key_jwt: no secret is issued; the stored JWKS holds public members only', async () => {
    const { body } = keyedApplication(['SM2', 'ES256']);
    const keys = (body.jwks as { keys: Record<string, unknown>[] }).keys.map((k) => ({ ...k, x5c: ['MIIB…'], ext: true }));
    const r = await h.request<Applied>('POST', '/v1/rp/applications', { body: { ...body, jwks: { keys }, idTokenSigningAlg: 'ES256' } });
    expect(r.status).toBe(201);
    expect(r.body).not.toHaveProperty('clientSecret');
    const rp = await h.platform.rp.service.get(r.body.clientId);
    expect(rp.idTokenSigningAlg).toBe('ES256');
    for (const k of rp.jwks!.keys) expect(Object.keys(k).sort()).toEqual(['alg', 'crv', 'kid', 'kty', 'use', 'x', 'y']);
  });

  it('scopes at application: each beyond result needs a legal basis; full_name_and_id_number refused for internet_service', async () => {
    expect((await apply({ scopes: { age_band: '' } })).body.error).toBe('legal_basis_required');
    expect((await apply({ scopes: { birthday: 'x' } })).body.error).toBe('unknown_scope');
    const r = await apply({ scopes: { full_name_and_id_number: '实名制' } });
    expect([r.status, r.body.error]).toEqual([403, 'scope_not_allowed_for_category']);
    const bank = await apply({ category: 'bank', uscc: USCC.bank, scopes: { full_name_and_id_number: '《反洗钱法》第二十九条' } });
    expect(bank.status).toBe(201);
  });

  it('strict bodies: unknown fields, wrong types and a bad email are 400 invalid_request; nothing is stored', async () => {
    const before = (await h.platform.rp.service.list({ limit: 500 })).length;
    for (const over of [{ extra: 1 }, { category: 'casino' }, { contactEmail: 'not-an-email' }, { name: '' }, { name: 'a\u0007b' }, { redirectUris: 'https://app.example.cn/cb' }]) {
      const r = await apply(over);
      expect([r.status, r.body.error], JSON.stringify(over)).toEqual([400, 'invalid_request']);
    }
    const notJson = await h.platform.app.inject({ method: 'POST', url: '/v1/rp/applications', headers: { 'content-type': 'application/json' }, payload: '{' });
    expect(notJson.statusCode).toBe(400);
    expect((await h.platform.rp.service.list({ limit: 500 })).length).toBe(before);
  });

  it('the application is in the audit trail as rp.applied by the applicant', async () => {
    const { clientId } = (await apply({ scopes: { masked_phone: '账户安全通知' } })).body;
    const events = await h.platform.deps.store.relyingParties.listEvents(clientId);
    expect(events.map((e) => [e.type, e.actor, e.data])).toEqual([['rp.applied', 'applicant', { requestedScopes: ['result', 'masked_phone'] }]]);
  });
});
