// SSF 1.0 §7–8 on SQLite and PostgreSQL: transmitter metadata, and the stream management API
// an authenticated relying party uses — create, read, update, replace, delete, status, verify —
// with exact error codes for bad configurations, the production SSRF rules, and isolation: an RP
// can neither see nor change another RP's stream.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVENT_TYPE_URIS } from '@wangzheng/core/signals/index';
import { VERIFICATION_EVENT_URI } from '../../src/signals/index.ts';
import { wholeDump } from '../support/dump.ts';
import { describeEachEngine } from '../support/engines.ts';
import { application, basic, startRpPlatform, USCC } from '../rp/harness.ts';
import { ALL_EVENTS, claimsOf, ISSUER, startReceiver, startRegistry, startSignalsPlatform, type Receiver, type SharedRegistry, type SignalsHarness, type TestRp } from './harness.ts';

let reg: SharedRegistry;
beforeAll(async () => {
  reg = await startRegistry(20, 'ssf-streams');
});
afterAll(async () => reg?.close());

type Json = Record<string, unknown> & { error?: string };
const PUSH = 'urn:ietf:rfc:8935';
const POLL = 'urn:ietf:rfc:8936';
const BAN = EVENT_TYPE_URIS.account_disabled;

describeEachEngine('SSF 1.0 stream management', (engine) => {
  let h: SignalsHarness;
  let rx: Receiver;
  let a: TestRp;
  let b: TestRp;

  beforeAll(async () => {
    h = await startSignalsPlatform(engine, reg);
    rx = await startReceiver();
    a = await h.rp('ES256');
    b = await h.rp('SM2');
  });
  afterAll(async () => {
    await rx?.close();
    await h?.close();
  });

  const call = <T = Json>(method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE', url: string, rp: TestRp | undefined, body?: unknown) =>
    h.request<T>(method, url, { ...(rp ? { auth: rp.auth } : {}), ...(body !== undefined ? { body } : {}) });

  it('§7: /.well-known/ssf-configuration lists the issuer, JWKS, both delivery methods and the management endpoints', async () => {
    const r = await call('GET', '/.well-known/ssf-configuration', undefined);
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      spec_version: '1_0',
      issuer: ISSUER,
      jwks_uri: `${ISSUER}/.well-known/jwks.json`,
      delivery_methods_supported: [PUSH, POLL],
      configuration_endpoint: `${ISSUER}/ssf/stream`,
      status_endpoint: `${ISSUER}/ssf/status`,
      verification_endpoint: `${ISSUER}/ssf/verify`,
      authorization_schemes: [{ spec_urn: 'urn:ietf:rfc:7523' }, { spec_urn: 'urn:ietf:rfc:6749' }],
      default_subjects: 'ALL',
    });
  });

  it('every /ssf/ endpoint needs client authentication: none → 401 invalid_client with a challenge', async () => {
    for (const [m, u] of [['GET', '/ssf/stream'], ['POST', '/ssf/stream'], ['POST', '/ssf/status'], ['POST', '/ssf/verify'], ['POST', '/ssf/poll']] as const) {
      const r = await call(m, u, undefined, m === 'POST' ? {} : undefined);
      expect([u, r.status, r.body.error]).toEqual([u, 401, 'invalid_client']);
      expect(r.headers['www-authenticate']).toMatch(/^Basic realm=/);
    }
    expect((await call('GET', '/ssf/stream', { ...a, auth: basic(a.clientId, 'wrong') })).status).toBe(401);
  });

  it('§8.1.1: create → 201 with the configuration; the authorization header is never returned; a second create → 409 stream_exists', async () => {
    expect((await call<Json[]>('GET', '/ssf/stream', a)).body).toEqual([]);
    const r = await call('POST', '/ssf/stream', a, { delivery: { method: PUSH, endpoint_url: rx.url, authorization_header: 'Bearer receiver-secret-123' }, events_requested: [BAN], description: 'fraud desk' });
    expect(r.status).toBe(201);
    expect(r.body).toEqual({
      stream_id: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/),
      iss: ISSUER,
      aud: a.clientId,
      events_supported: ALL_EVENTS,
      events_requested: [BAN],
      events_delivered: [BAN],
      delivery: { method: PUSH, endpoint_url: rx.url },
      description: 'fraud desk',
    });
    expect(r.headers['cache-control']).toBe('no-store');
    expect(JSON.stringify(r.body)).not.toContain('receiver-secret-123');
    const again = await call('POST', '/ssf/stream', a, { delivery: { method: POLL }, events_requested: [BAN] });
    expect([again.status, again.body.error]).toEqual([409, 'stream_exists']);
    // Sealed at rest: the header is nowhere in the database in clear.
    for (const hay of await wholeDump(h.storeConfig as never)) expect(Buffer.from(hay.data).includes('receiver-secret-123')).toBe(false);
  });

  it('§8.1.1.2: read without stream_id is a list of one; with it, the stream; another stream_id → 404 stream_not_found', async () => {
    const [mine] = (await call<Json[]>('GET', '/ssf/stream', a)).body;
    const id = mine!.stream_id as string;
    expect((await call('GET', `/ssf/stream?stream_id=${id}`, a)).body).toEqual(mine);
    const r = await call('GET', '/ssf/stream?stream_id=not-mine', a);
    expect([r.status, r.body.error]).toEqual([404, 'stream_not_found']);
  });

  it('an RP cannot read, change, pause, verify or delete another RP’s stream: 404 stream_not_found, nothing changed', async () => {
    const [mine] = (await call<Json[]>('GET', '/ssf/stream', a)).body;
    const id = mine!.stream_id as string;
    expect((await call<Json[]>('GET', '/ssf/stream', b)).body).toEqual([]);
    const attempts = [
      await call('GET', `/ssf/stream?stream_id=${id}`, b),
      await call('PATCH', '/ssf/stream', b, { stream_id: id, events_requested: ALL_EVENTS }),
      await call('PUT', '/ssf/stream', b, { stream_id: id, delivery: { method: POLL }, events_requested: [BAN] }),
      await call('GET', `/ssf/status?stream_id=${id}`, b),
      await call('POST', '/ssf/status', b, { stream_id: id, status: 'disabled' }),
      await call('POST', '/ssf/verify', b, { stream_id: id }),
      await call('DELETE', `/ssf/stream?stream_id=${id}`, b),
      await call('POST', `/ssf/poll/${id}`, b, {}),
    ];
    for (const r of attempts) expect([r.status, r.body.error]).toEqual([404, 'stream_not_found']);
    expect((await call('GET', `/ssf/stream?stream_id=${id}`, a)).body).toEqual(mine);
    expect((await call('GET', `/ssf/status?stream_id=${id}`, a)).body).toEqual({ stream_id: id, status: 'enabled' });
  });

  it('invalid configurations are 400 invalid_request naming the field, never echoing the value', async () => {
    const bad: [unknown, string][] = [
      [{ delivery: { method: PUSH, endpoint_url: rx.url }, events_requested: ['https://schemas.openid.net/secevent/risc/event-type/sessions-revoked'] }, 'events_requested'],
      [{ delivery: { method: PUSH, endpoint_url: rx.url }, events_requested: [] }, 'events_requested'],
      [{ delivery: { method: PUSH, endpoint_url: rx.url } }, 'events_requested'],
      [{ delivery: { method: PUSH, endpoint_url: 'ftp://rp.example.cn/x' }, events_requested: [BAN] }, 'endpoint_url'],
      [{ delivery: { method: PUSH, endpoint_url: 'http://rp.example.cn/x' }, events_requested: [BAN] }, 'endpoint_url'],
      [{ delivery: { method: PUSH, endpoint_url: 'https://user:pw@rp.example.cn/x' }, events_requested: [BAN] }, 'endpoint_url'],
      [{ delivery: { method: PUSH }, events_requested: [BAN] }, 'endpoint_url'],
      [{ delivery: { method: PUSH, endpoint_url: rx.url, authorization_header: 'Bearer x\r\nX-Injected: 1' }, events_requested: [BAN] }, 'authorization_header'],
      [{ delivery: { method: 'urn:example:carrier-pigeon' }, events_requested: [BAN] }, 'delivery'],
    ];
    for (const [body, field] of bad) {
      const r = await call('POST', '/ssf/stream', b, body);
      expect([r.status, r.body.error]).toEqual([400, 'invalid_request']);
      expect(r.body.message).toContain(field);
      expect(r.body.message).not.toContain('X-Injected');
    }
    expect((await call<Json[]>('GET', '/ssf/stream', b)).body).toEqual([]);
  });

  it('§8.1.1.3–4: PATCH replaces the members sent (keeping the sealed header); PUT replaces the whole configuration', async () => {
    const [mine] = (await call<Json[]>('GET', '/ssf/stream', a)).body;
    const id = mine!.stream_id as string;
    const p = await call('PATCH', '/ssf/stream', a, { stream_id: id, events_requested: ALL_EVENTS });
    expect(p.status).toBe(200);
    expect([p.body.events_requested, p.body.delivery, p.body.description]).toEqual([ALL_EVENTS, { method: PUSH, endpoint_url: rx.url }, 'fraud desk']);
    const stored = await h.store.ssfStreams.findByClientId(a.clientId);
    expect(stored!.authorization).not.toBeNull();
    const put = await call('PUT', '/ssf/stream', a, { stream_id: id, delivery: { method: POLL }, events_requested: [BAN] });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ stream_id: id, events_requested: [BAN], delivery: { method: POLL, endpoint_url: `${ISSUER}/ssf/poll/${id}` } });
    expect(put.body.description).toBeUndefined();
    expect((await h.store.ssfStreams.findByClientId(a.clientId))!.authorization).toBeNull();
    const bad = await call('PATCH', '/ssf/stream', a, { stream_id: id, events_requested: ['nope'] });
    expect([bad.status, bad.body.error]).toEqual([400, 'invalid_request']);
    const noId = await call('PATCH', '/ssf/stream', a, { events_requested: ALL_EVENTS });
    expect([noId.status, noId.body.error]).toEqual([400, 'invalid_request']);
  });

  it('§8.1.2: status read and change (enabled, paused, disabled with a reason); an unknown status → 400', async () => {
    const [mine] = (await call<Json[]>('GET', '/ssf/stream', a)).body;
    const id = mine!.stream_id as string;
    const p = await call('POST', '/ssf/status', a, { stream_id: id, status: 'paused', reason: 'maintenance window' });
    expect([p.status, p.body]).toEqual([200, { stream_id: id, status: 'paused', reason: 'maintenance window' }]);
    expect((await call('GET', `/ssf/status?stream_id=${id}`, a)).body).toEqual({ stream_id: id, status: 'paused', reason: 'maintenance window' });
    const v = await call('POST', '/ssf/verify', a, { stream_id: id });
    expect([v.status, v.body.error]).toEqual([409, 'stream_state_conflict']);
    const bad = await call('POST', '/ssf/status', a, { stream_id: id, status: 'asleep' });
    expect([bad.status, bad.body.error]).toEqual([400, 'invalid_request']);
    expect((await call('POST', '/ssf/status', a, { stream_id: id, status: 'enabled' })).body).toEqual({ stream_id: id, status: 'enabled' });
  });

  it('§8.1.4: verify → 204, and a verification SET (subject: the stream, opaque; the receiver’s state) goes out by push', async () => {
    const create = await call('POST', '/ssf/stream', b, { delivery: { method: PUSH, endpoint_url: rx.url, authorization_header: 'Bearer rx-b' }, events_requested: [BAN] });
    const id = create.body.stream_id as string;
    const v = await call('POST', '/ssf/verify', b, { stream_id: id, state: 'VGhpcyBpcyBhbiBleGFtcGxl' });
    expect(v.status).toBe(204);
    const before = rx.received.length;
    expect((await h.worker().runOnce()).map((r) => r.outcome)).toEqual(['done']);
    const got = rx.received[before]!;
    expect(got.headers['content-type']).toBe('application/secevent+jwt');
    expect(got.headers.authorization).toBe('Bearer rx-b');
    const c = claimsOf(got.body);
    expect(c).toMatchObject({ iss: ISSUER, aud: b.clientId, sub_id: { format: 'opaque', id }, events: { [VERIFICATION_EVENT_URI]: { state: 'VGhpcyBpcyBhbiBleGFtcGxl' } } });
    expect(JSON.parse(Buffer.from(got.body.split('.')[0]!, 'base64url').toString())).toMatchObject({ alg: 'SM2', typ: 'secevent+jwt' });
    expect('sub' in c || 'exp' in c).toBe(false);
  });

  it('§8.1.1.5: delete → 204; its queued SETs go with it; then the RP may create a new one', async () => {
    const [mine] = (await call<Json[]>('GET', '/ssf/stream', b)).body;
    const id = mine!.stream_id as string;
    await call('POST', '/ssf/verify', b, { stream_id: id });
    expect((await h.store.jobs.countByQueue([b.clientId]))[b.clientId]?.pending).toBe(1);
    const d = await call('DELETE', `/ssf/stream?stream_id=${id}`, b);
    expect(d.status).toBe(204);
    expect((await call<Json[]>('GET', '/ssf/stream', b)).body).toEqual([]);
    expect((await h.store.jobs.countByQueue([b.clientId]))[b.clientId]?.pending ?? 0).toBe(0);
    expect((await call('DELETE', `/ssf/stream?stream_id=${id}`, b)).body.error).toBe('stream_not_found');
    expect((await call('POST', '/ssf/stream', b, { events_requested: [BAN] })).status).toBe(201);
  });

  it('operator view: GET /v1/admin/ssf/streams needs the operator token (401 + challenge) and lists method, status and counters', async () => {
    const none = await h.request('GET', '/v1/admin/ssf/streams');
    expect([none.status, none.body.error]).toEqual([401, 'unauthenticated']);
    expect(none.headers['www-authenticate']).toMatch(/^Bearer realm=/);
    expect((await h.request('GET', '/v1/admin/ssf/streams', { auth: 'Bearer not-an-operator' })).status).toBe(401);
    expect((await h.request('GET', '/v1/admin/ssf/streams', { auth: a.auth })).status).toBe(401);
    const r = await h.request<{ items: Json[] }>('GET', '/v1/admin/ssf/streams', { auth: h.adminAuth });
    expect(r.status).toBe(200);
    const byRp = Object.fromEntries(r.body.items.map((i) => [i.clientId, i]));
    expect(byRp[a.clientId]).toMatchObject({ method: POLL, status: 'enabled', delivered: 0, failed: 0, pending: 0, eventsRequested: [BAN] });
    expect(byRp[b.clientId]).toMatchObject({ method: POLL, status: 'enabled', pending: 0 });
    expect(JSON.stringify(r.body)).not.toContain('rx-b');
  });
});

describeEachEngine('SSF streams in production: https only, no private or loopback receivers (SSRF)', (engine) => {
  let prod: Awaited<ReturnType<typeof startRpPlatform>>;
  const auths: string[] = [];
  beforeAll(async () => {
    prod = await startRpPlatform(engine, reg, { mode: 'production' });
    for (let i = 0; i < 2; i++) {
      const r = await prod.platform.rp.service.apply(application({ uscc: USCC.internet, redirectUris: [`https://prod${i}.example.cn/cb`] }) as never);
      await prod.platform.rp.service.approve(r.clientId, 'admin:test', { scopes: [] });
      auths.push(basic(r.clientId, r.clientSecret as string));
    }
  });
  afterAll(async () => prod?.close());

  it('loopback, private, link-local and localhost push URLs → 400 endpoint_not_allowed; http://localhost → 400 invalid_request; a public https URL → 201', async () => {
    for (const url of ['https://127.0.0.1/ssf', 'https://10.0.0.7/ssf', 'https://[::1]/ssf', 'https://localhost/ssf', 'https://169.254.169.254/ssf', 'https://[fd00::1]/ssf']) {
      const r = await prod.request('POST', '/ssf/stream', { headers: { authorization: auths[0]! }, body: { delivery: { method: PUSH, endpoint_url: url }, events_requested: [BAN] } });
      expect([url, r.status, r.body.error]).toEqual([url, 400, 'endpoint_not_allowed']);
    }
    const http = await prod.request('POST', '/ssf/stream', { headers: { authorization: auths[0]! }, body: { delivery: { method: PUSH, endpoint_url: 'http://localhost:9000/ssf' }, events_requested: [BAN] } });
    expect([http.status, http.body.error]).toEqual([400, 'invalid_request']);
    const ok = await prod.request('POST', '/ssf/stream', { headers: { authorization: auths[1]! }, body: { delivery: { method: PUSH, endpoint_url: 'https://rp.example.cn/ssf' }, events_requested: [BAN] } });
    expect(ok.status).toBe(201);
  });
});
