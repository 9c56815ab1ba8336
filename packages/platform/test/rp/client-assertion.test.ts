// private_key_jwt over HTTP and through `authenticateClient`, on SQLite and PostgreSQL:
// apply → approve → authenticate with a client assertion (RFC 7523 §2.2, §3); single-use jti
// kept in the store; audience, expiry, registered algorithms; one method per request
// (RFC 6749 §2.3).
import { afterAll, beforeAll, expect, it } from 'vitest';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import { signJws, type PrivateKey } from '@wangzheng/core/crypto/index';
import { CLIENT_ASSERTION_TYPE } from '@wangzheng/core/rp/client-assertion';
import { describeEachEngine } from '../support/engines.ts';
import { basic, ISSUER, keyedApplication, application, startRegistry, startRpPlatform, type RpHarness, type SharedRegistry } from './harness.ts';
import { rejectionCode as codeOf } from '../../../../test/support/errors.ts';

let reg: SharedRegistry;
beforeAll(async () => {
  reg = await startRegistry(20, 'rp-assertions');
});
afterAll(async () => reg?.close());

type Json = Record<string, unknown> & { error?: string; message?: string };
const TOKEN_ENDPOINT = `${ISSUER}/oidc/token`;

describeEachEngine('RFC 7523 §3: private_key_jwt client authentication', (engine) => {
  let h: RpHarness;
  let seq = 0;
  beforeAll(async () => {
    h = await startRpPlatform(engine, reg);
  });
  afterAll(async () => h?.close());

  const nowS = (): number => Math.floor(Date.now() / 1000);

  function assertion(clientId: string, key: PrivateKey, kid: string, over: Record<string, unknown> = {}): string {
    seq += 1;
    return signJws({ iss: clientId, sub: clientId, aud: ISSUER, iat: nowS(), exp: nowS() + 60, jti: `jti-${process.pid}-${seq}`, ...over }, key, { kid, typ: 'JWT' });
  }

  async function approvedClient(algs: ('SM2' | 'ES256' | 'EdDSA')[] = ['ES256']): Promise<{ clientId: string; keys: PrivateKey[] }> {
    const { body, keys } = keyedApplication(algs);
    const r = await h.request<{ clientId: string }>('POST', '/v1/rp/applications', { body });
    expect(r.status).toBe(201);
    const ok = await h.request('POST', `/v1/admin/rps/${r.body.clientId}/approve`, { body: { scopes: [] }, headers: { authorization: h.adminAuth } });
    expect(ok.status).toBe(200);
    return { clientId: r.body.clientId, keys };
  }

  const own = (clientId: string, token: string) => h.request<Json>('GET', `/v1/rp/clients/${clientId}`, { headers: { authorization: `Bearer ${token}` } });

  it('apply → approve → a client assertion (SM2, ES256, EdDSA keys) reads the own record', async () => {
    const { clientId, keys } = await approvedClient(['SM2', 'ES256', 'EdDSA']);
    for (const [i, key] of keys.entries()) {
      const r = await own(clientId, assertion(clientId, key, `key-${i}`));
      expect([r.status, r.body.clientId, r.body.status], key.alg).toEqual([200, clientId, 'approved']);
      expect((r.body.jwks as { keys: unknown[] }).keys).toHaveLength(3);
    }
  });

  it('an assertion from jose (a standard client library), in the body, for the token endpoint audience', async () => {
    const { publicKey, privateKey } = await generateKeyPair('ES256');
    const r = await h.request<{ clientId: string }>('POST', '/v1/rp/applications', {
      body: application({ tokenEndpointAuthMethod: 'private_key_jwt', jwks: { keys: [{ ...(await exportJWK(publicKey)), kid: 'jose' }] } }),
    });
    const clientId = r.body.clientId;
    await h.request('POST', `/v1/admin/rps/${clientId}/approve`, { body: { scopes: [] }, headers: { authorization: h.adminAuth } });
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: 'ES256', kid: 'jose' })
      .setIssuer(clientId)
      .setSubject(clientId)
      .setAudience(TOKEN_ENDPOINT)
      .setJti(`jose-${process.pid}-${Date.now()}`)
      .setIssuedAt()
      .setExpirationTime('2m')
      .sign(privateKey);
    const creds = { clientId, clientAssertionType: CLIENT_ASSERTION_TYPE, clientAssertion: token };
    // The token endpoint accepts its own URL as audience; the plain issuer-only check does not.
    expect(await codeOf(h.platform.rp.clientAuth.authenticate(creds))).toBe('invalid_client');
    const ok = await h.platform.rp.clientAuth.authenticate(creds, { audience: TOKEN_ENDPOINT });
    expect([ok.rp.clientId, ok.method]).toEqual([clientId, 'private_key_jwt']);
  });

  it('replay: the same assertion (same jti) a second time → 401 invalid_client; the jti is in the store until exp', async () => {
    const { clientId, keys } = await approvedClient();
    const token = assertion(clientId, keys[0]!, 'key-0', { jti: 'once-only' });
    expect((await own(clientId, token)).status).toBe(200);
    const again = await own(clientId, token);
    expect([again.status, again.body.error]).toEqual([401, 'invalid_client']);
    expect(again.body.message).toMatch(/already used/);
    expect(again.headers['www-authenticate']).toBe('Bearer realm="wangzheng"');
    // A new assertion with the same jti is a replay too.
    expect((await own(clientId, assertion(clientId, keys[0]!, 'key-0', { jti: 'once-only' }))).status).toBe(401);
    expect(await h.platform.deps.store.assertionJtis.use(clientId, 'once-only', Date.now() + 60_000)).toBe(false);
  });

  it('concurrent use of one assertion: exactly one succeeds', async () => {
    const { clientId, keys } = await approvedClient();
    const token = assertion(clientId, keys[0]!, 'key-0');
    const results = await Promise.all(Array.from({ length: 10 }, () => own(clientId, token)));
    expect(results.map((r) => r.status).sort()).toEqual([200, ...Array(9).fill(401)]);
  });

  it('wrong audience → 401 invalid_client', async () => {
    const { clientId, keys } = await approvedClient();
    for (const aud of ['https://other-platform.example', [ISSUER, 'https://other-platform.example']]) {
      const r = await own(clientId, assertion(clientId, keys[0]!, 'key-0', { aud }));
      expect([r.status, r.body.error]).toEqual([401, 'invalid_client']);
      expect(r.body.message).toMatch(/aud/);
    }
  });

  it('expired, or living longer than 5 minutes → 401 invalid_client', async () => {
    const { clientId, keys } = await approvedClient();
    const expired = await own(clientId, assertion(clientId, keys[0]!, 'key-0', { iat: nowS() - 600, exp: nowS() - 300 }));
    expect([expired.status, expired.body.message]).toEqual([401, 'The client assertion has expired.']);
    const long = await own(clientId, assertion(clientId, keys[0]!, 'key-0', { exp: nowS() + 3600 }));
    expect([long.status, long.body.error]).toEqual([401, 'invalid_client']);
  });

  it('an algorithm not registered for the client (SM2 for an ES256 client; none) → 401 invalid_client', async () => {
    const { clientId } = await approvedClient(['ES256']);
    const { keys: [sm2] } = keyedApplication(['SM2']);
    const r = await own(clientId, assertion(clientId, sm2!, 'key-0'));
    expect([r.status, r.body.error]).toEqual([401, 'invalid_client']);
    expect(r.body.message).toMatch(/algorithm registered/);
    const none = `${Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url')}.${Buffer.from(JSON.stringify({ iss: clientId, sub: clientId, aud: ISSUER, exp: nowS() + 60, jti: 'n' })).toString('base64url')}.`;
    expect((await own(clientId, none)).status).toBe(401);
  });

  it('a key that is not the client’s, or iss of another client → 401 invalid_client', async () => {
    const a = await approvedClient();
    const b = await approvedClient();
    expect((await own(a.clientId, assertion(a.clientId, b.keys[0]!, 'key-0'))).body.error).toBe('invalid_client');
    // Signed by b for b, presented for a's record: authenticates as b, which may not read a's record.
    const r = await own(a.clientId, assertion(b.clientId, b.keys[0]!, 'key-0'));
    expect([r.status, r.body.error]).toEqual([403, 'forbidden']);
    // iss says a, sub says b.
    expect((await own(a.clientId, assertion(a.clientId, a.keys[0]!, 'key-0', { sub: b.clientId }))).body.error).toBe('invalid_client');
  });

  it('RFC 6749 §2.3: one method per request; the assertion type must be jwt-bearer; the method must be the registered one', async () => {
    const { clientId, keys } = await approvedClient();
    const token = assertion(clientId, keys[0]!, 'key-0');
    const auth = h.platform.rp.clientAuth;
    expect(await codeOf(auth.authenticate({ authorization: basic(clientId, 'x'), clientAssertionType: CLIENT_ASSERTION_TYPE, clientAssertion: token }))).toBe('invalid_request');
    expect(await codeOf(auth.authenticate({ clientAssertionType: 'urn:ietf:params:oauth:client-assertion-type:saml2-bearer', clientAssertion: token }))).toBe('invalid_client');
    expect(await codeOf(auth.authenticate({ clientAssertionType: CLIENT_ASSERTION_TYPE }))).toBe('invalid_client');
    expect(await codeOf(auth.authenticate({}))).toBe('invalid_client');
    // A private_key_jwt client cannot use Basic, and a client_secret_basic client cannot use an assertion.
    expect(await codeOf(auth.authenticate({ authorization: basic(clientId, 'anything') }))).toBe('invalid_client');
    const csb = await h.request<{ clientId: string; clientSecret: string }>('POST', '/v1/rp/applications', { body: application() });
    const forged = assertion(csb.body.clientId, keys[0]!, 'key-0');
    expect(await codeOf(auth.authenticate({ authorization: `Bearer ${forged}` }, { allowInactive: true }))).toBe('invalid_client');
    // The body's client_id must be the assertion's issuer.
    const other = await approvedClient();
    expect(await codeOf(auth.authenticate({ clientId: other.clientId, clientAssertionType: CLIENT_ASSERTION_TYPE, clientAssertion: assertion(clientId, keys[0]!, 'key-0') }))).toBe('invalid_client');
  });

  it('expired jtis are swept from the store', async () => {
    const { clientId, keys } = await approvedClient();
    expect((await own(clientId, assertion(clientId, keys[0]!, 'key-0', { jti: 'sweep-me', exp: nowS() + 5 }))).status).toBe(200);
    const store = h.platform.deps.store;
    expect(await store.assertionJtis.deleteExpired(Date.now() + 10 * 60_000, 10_000)).toBeGreaterThanOrEqual(1);
    expect(await store.assertionJtis.use(clientId, 'sweep-me', Date.now() + 60_000)).toBe(true);
  });
});
