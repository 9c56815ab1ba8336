// The relying party's own side of the developer portal (docs/developers.md), on SQLite and
// PostgreSQL: registering a private_key_jwt key set (RFC 7523 §2.2; the application's parser:
// public members only), after which the client secret stops working; the request log (own rows
// only, newest first, keyset pages, nothing personal); the delivery counters of its own Shared
// Signals stream.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { generateKey, signJws, type PrivateKey } from '@wangzheng/core/crypto/index';
import { describeEachEngine } from '../support/engines.ts';
import { application, basic, ISSUER, startRegistry, startRpPlatform, type RpHarness, type SharedRegistry } from './harness.ts';

let reg: SharedRegistry;
beforeAll(async () => {
  reg = await startRegistry(20, 'rp-self-service');
});
afterAll(async () => reg?.close());

type Json = Record<string, unknown> & { error?: string; message?: string };

describeEachEngine('developer portal: an RP manages and reads its own integration', (engine) => {
  let h: RpHarness;
  let seq = 0;
  beforeAll(async () => {
    h = await startRpPlatform(engine, reg);
  });
  afterAll(async () => h?.close());

  async function call<T = Json>(method: 'GET' | 'PUT' | 'POST', url: string, auth: string, body?: unknown): Promise<{ status: number; body: T }> {
    const res = await h.platform.app.inject({
      method,
      url,
      headers: { authorization: auth, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
    });
    return { status: res.statusCode, body: (res.body ? JSON.parse(res.body) : {}) as T };
  }

  async function sandbox(): Promise<{ clientId: string; secret: string; auth: string }> {
    const r = await h.request<{ clientId: string; clientSecret: string }>('POST', '/v1/rp/sandbox', {
      body: { name: 'Portal test', redirectUris: ['http://localhost:3000/cb'], tokenEndpointAuthMethod: 'client_secret_basic' },
    });
    expect(r.status).toBe(201);
    return { clientId: r.body.clientId, secret: r.body.clientSecret, auth: basic(r.body.clientId, r.body.clientSecret) };
  }

  const nowS = (): number => Math.floor(Date.now() / 1000);
  function assertion(clientId: string, key: PrivateKey, kid: string): string {
    seq += 1;
    return signJws({ iss: clientId, sub: clientId, aud: ISSUER, iat: nowS(), exp: nowS() + 60, jti: `portal-${process.pid}-${seq}` }, key, { kid, typ: 'JWT' });
  }
  const jwksOf = (keys: PrivateKey[]) => ({ keys: keys.map((k, i) => ({ ...k.publicKey.toJwk(), kid: `k-${i}` })) });

  it('PUT /jwks: switching to private_key_jwt needs the explicit method; then the secret stops working and an assertion works', async () => {
    const c = await sandbox();
    const key = generateKey('ES256');
    const url = `/v1/rp/clients/${c.clientId}/jwks`;
    // Without the explicit switch: refused, nothing changed.
    const refused = await call('PUT', url, c.auth, { jwks: jwksOf([key]) });
    expect([refused.status, refused.body.error]).toEqual([400, 'invalid_client_metadata']);
    expect(refused.body.message).toMatch(/secret stops working/);
    expect((await call('GET', `/v1/rp/clients/${c.clientId}`, c.auth)).status).toBe(200);

    const ok = await call<Json & { jwks: { keys: Record<string, unknown>[] } }>('PUT', url, c.auth, { jwks: jwksOf([key]), tokenEndpointAuthMethod: 'private_key_jwt' });
    expect(ok.status).toBe(200);
    expect(ok.body.tokenEndpointAuthMethod).toBe('private_key_jwt');
    expect(ok.body.jwks.keys.map((k) => k.kid)).toEqual(['k-0']);
    expect(ok.body).not.toHaveProperty('secretHash');

    // The secret no longer authenticates anywhere.
    const old = await call('GET', `/v1/rp/clients/${c.clientId}`, c.auth);
    expect([old.status, old.body.error]).toEqual([401, 'invalid_client']);
    const receipt = await call('POST', '/v1/receipt-requests', c.auth, { bizSeq: 'after-switch', mode: 'wz' });
    expect([receipt.status, receipt.body.error]).toEqual([401, 'invalid_client']);
    // The key does.
    const own = await call('GET', `/v1/rp/clients/${c.clientId}`, `Bearer ${assertion(c.clientId, key, 'k-0')}`);
    expect([own.status, own.body.tokenEndpointAuthMethod]).toEqual([200, 'private_key_jwt']);

    // Rotation: a new set replaces the old at once (no method needed now); the old key stops working.
    const next = generateKey('SM2');
    const rotated = await call('PUT', url, `Bearer ${assertion(c.clientId, key, 'k-0')}`, { jwks: jwksOf([next]) });
    expect(rotated.status).toBe(200);
    expect((await call('GET', `/v1/rp/clients/${c.clientId}`, `Bearer ${assertion(c.clientId, key, 'k-0')}`)).body.error).toBe('invalid_client');
    expect((await call('GET', `/v1/rp/clients/${c.clientId}`, `Bearer ${assertion(c.clientId, next, 'k-0')}`)).status).toBe(200);

    // History and audit trail: who (the client), key ids, never the keys in the trail.
    const events = await h.platform.deps.store.relyingParties.listEvents(c.clientId);
    expect(events.map((e) => [e.type, e.actor, e.data?.['switchedFromSecret']])).toEqual([
      ['rp.sandbox_created', 'developer', undefined],
      ['rp.jwks_registered', 'client', true],
      ['rp.jwks_registered', 'client', false],
    ]);
    const audit = await h.platform.deps.store.reader.audit.list({ action: 'rp.jwks_registered', subject: c.clientId });
    expect(audit.map((e) => [e.actor, e.data['keys'], e.data['switchedFromSecret']])).toEqual([
      ['client', 1, true],
      ['client', 1, false],
    ]);
    expect(JSON.stringify(audit)).not.toContain(String((next.publicKey.toJwk() as { x?: string }).x));
  });

  it('PUT /jwks: the application rules — private members, bad shapes, a secret method, strict body — and only the own record', async () => {
    const c = await sandbox();
    const url = `/v1/rp/clients/${c.clientId}/jwks`;
    const key = generateKey('ES256');
    const cases: [unknown, number, string][] = [
      [{ jwks: { keys: [{ ...key.publicKey.toJwk(), d: 'AAAA' }] }, tokenEndpointAuthMethod: 'private_key_jwt' }, 400, 'invalid_client_metadata'],
      [{ jwks: { keys: [] }, tokenEndpointAuthMethod: 'private_key_jwt' }, 400, 'invalid_client_metadata'],
      [{ jwks: key.publicKey.toJwk(), tokenEndpointAuthMethod: 'private_key_jwt' }, 400, 'invalid_client_metadata'],
      [{ jwks: { keys: [{ kty: 'EC', crv: 'P-256', x: 'AAAA', y: 'AAAA' }] }, tokenEndpointAuthMethod: 'private_key_jwt' }, 400, 'invalid_key'],
      [{ jwks: jwksOf([key]), tokenEndpointAuthMethod: 'client_secret_basic' }, 400, 'invalid_client_metadata'],
      [{ jwks: jwksOf([key]), tokenEndpointAuthMethod: 'private_key_jwt', extra: 1 }, 400, 'invalid_request'],
    ];
    for (const [body, status, error] of cases) {
      const r = await call('PUT', url, c.auth, body);
      expect([r.status, r.body.error], JSON.stringify(body).slice(0, 80)).toEqual([status, error]);
    }
    // Still a secret client after every refusal.
    expect((await call('GET', `/v1/rp/clients/${c.clientId}`, c.auth)).body.tokenEndpointAuthMethod).toBe('client_secret_basic');
    // Another RP's record: forbidden; no credentials: 401 with a challenge.
    const other = await sandbox();
    expect((await call('PUT', url, other.auth, { jwks: jwksOf([key]), tokenEndpointAuthMethod: 'private_key_jwt' })).body.error).toBe('forbidden');
    expect((await call('PUT', url, '', { jwks: jwksOf([key]), tokenEndpointAuthMethod: 'private_key_jwt' })).status).toBe(401);
  });

  it('GET /requests: own requests only, newest first, keyset pages, no personal fields', async () => {
    const a = await sandbox();
    const b = await sandbox();
    const made: string[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await call<{ requestId: string }>('POST', '/v1/receipt-requests', a.auth, { bizSeq: `order-${i}`, mode: 'wz' });
      expect(r.status).toBe(201);
      made.push(r.body.requestId);
      // created_at counts milliseconds: two requests made in the same one are equally new and come
      // in id order, so each is made in a millisecond of its own for "newest first" to be defined.
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    await call('POST', '/v1/receipt-requests', b.auth, { bizSeq: 'other-rp', mode: 'wz' });

    type Page = { items: { requestId: string; bizSeq: string; kind: string; mode: string; status: string; createdAt: string; settledAt: string | null; failure: string | null }[]; next?: string };
    const url = `/v1/rp/clients/${a.clientId}/requests`;
    const first = await call<Page>('GET', `${url}?limit=2`, a.auth);
    expect(first.status).toBe(200);
    expect(first.body.items.map((i) => i.bizSeq)).toEqual(['order-4', 'order-3']);
    expect(Object.keys(first.body.items[0]!).sort()).toEqual(['bizSeq', 'createdAt', 'failure', 'kind', 'mode', 'requestId', 'settledAt', 'status']);
    expect(first.body.items[0]).toMatchObject({ requestId: made[4], kind: 'receipt', mode: 'wz', status: 'pending', settledAt: null, failure: null });
    const second = await call<Page>('GET', `${url}?limit=2&after=${encodeURIComponent(first.body.next!)}`, a.auth);
    expect(second.body.items.map((i) => i.bizSeq)).toEqual(['order-2', 'order-1']);
    const third = await call<Page>('GET', `${url}?limit=2&after=${encodeURIComponent(second.body.next!)}`, a.auth);
    expect(third.body.items.map((i) => i.bizSeq)).toEqual(['order-0']);
    expect(third.body.next).toBeUndefined();

    // Isolation: B sees only its own; B cannot read A's log.
    const bLog = await call<Page>('GET', `/v1/rp/clients/${b.clientId}/requests`, b.auth);
    expect(bLog.body.items.map((i) => i.bizSeq)).toEqual(['other-rp']);
    expect((await call('GET', url, b.auth)).body.error).toBe('forbidden');
    // A malformed cursor or limit: invalid_request.
    expect((await call('GET', `${url}?after=nope`, a.auth)).body.error).toBe('invalid_request');
    expect((await call('GET', `${url}?limit=0`, a.auth)).body.error).toBe('invalid_request');
  });

  it('GET /delivery: null without a stream; the own stream with its counters after one is made', async () => {
    const c = await sandbox();
    const url = `/v1/rp/clients/${c.clientId}/delivery`;
    expect((await call('GET', url, c.auth)).body).toEqual({ stream: null });
    const created = await call<{ stream_id: string }>('POST', '/ssf/stream', c.auth, {
      delivery: { method: 'urn:ietf:rfc:8936' },
      events_requested: ['https://schemas.openid.net/secevent/risc/event-type/account-disabled'],
    });
    expect(created.status).toBe(201);
    const view = await call<{ stream: Record<string, unknown> }>('GET', url, c.auth);
    expect(view.body.stream).toMatchObject({ streamId: created.body.stream_id, method: 'urn:ietf:rfc:8936', status: 'enabled', delivered: 0, failed: 0, pending: 0, lastError: null });
    // Another RP: forbidden, and its own view knows nothing of this stream.
    const other = await sandbox();
    expect((await call('GET', url, other.auth)).body.error).toBe('forbidden');
    expect((await call('GET', `/v1/rp/clients/${other.clientId}/delivery`, other.auth)).body).toEqual({ stream: null });
  });
});
