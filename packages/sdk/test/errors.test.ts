// Errors are data: every refusal of the platform arrives as a WangzhengError with the
// platform's stable code and HTTP status (its `{ error, message }` body); what goes wrong on
// the SDK's side has its own codes (network_error, timeout, invalid_response) and status
// undefined; misuse by the caller is a TypeError at once, before any network call.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WangzhengClient, WangzhengError, isWangzhengError } from '@wangzheng/sdk';
import { ISSUER, sqliteOnly, startSystem, type System } from './harness.ts';

const engine = sqliteOnly();
let sys: System;
let wz: WangzhengClient;
let venue: WangzhengClient;
let secret: string;

async function failure(p: Promise<unknown>): Promise<{ code: string; status: number | undefined; message: string }> {
  try {
    await p;
  } catch (e) {
    if (!(e instanceof WangzhengError)) throw e;
    return { code: e.code, status: e.status, message: e.message };
  }
  throw new Error('expected a WangzhengError');
}

beforeAll(async () => {
  sys = await startSystem(engine);
  const rp = await sys.makeRp({ category: 'internet_service', alg: 'ES256', host: 'errors.example.cn' });
  secret = rp.clientSecret!;
  wz = new WangzhengClient({ issuer: ISSUER, baseUrl: sys.h.url, clientId: rp.clientId, auth: { clientSecret: secret } });
  const v = await sys.makeRp({ category: 'venue', alg: 'SM2', host: 'venue.example.cn' });
  venue = new WangzhengClient({ issuer: ISSUER, baseUrl: sys.h.url, clientId: v.clientId, auth: { clientSecret: v.clientSecret! } });
});
afterAll(async () => sys?.close());

describe('the platform’s refusals, typed', () => {
  it('scope_not_approved (403): a field outside the approved scope is refused, never trimmed', async () => {
    const f = await failure(wz.createReceiptRequest({ bizSeq: 'e-1', mode: 'wz', scopes: ['masked_name'] }));
    expect([f.code, f.status]).toEqual(['scope_not_approved', 403]);
  });

  it('biz_seq_reused (409): every request needs its own bizSeq', async () => {
    await wz.createReceiptRequest({ bizSeq: 'e-dup', mode: 'wz' });
    const f = await failure(wz.createReceiptRequest({ bizSeq: 'e-dup', mode: 'wz' }));
    expect([f.code, f.status]).toEqual(['biz_seq_reused', 409]);
  });

  it('invalid_request (400): an unknown mode; unknown_scope (400): an unknown field', async () => {
    expect(await failure(wz.createReceiptRequest({ bizSeq: 'e-2', mode: 'strong' as never }))).toMatchObject({ code: 'invalid_request', status: 400 });
    expect(await failure(wz.createReceiptRequest({ bizSeq: 'e-3', mode: 'wz', scopes: ['favourite_colour' as never] }))).toMatchObject({ code: 'unknown_scope', status: 400 });
  });

  it('verification_pending (409) before the person answers; verification_not_found (404) for an unknown id', async () => {
    const req = await wz.createReceiptRequest({ bizSeq: 'e-4', mode: 'wz' });
    expect(await failure(wz.fetchReceipt(req.requestId))).toMatchObject({ code: 'verification_pending', status: 409 });
    expect(await failure(wz.getStatus('00000000-0000-0000-0000-000000000000'))).toMatchObject({ code: 'verification_not_found', status: 404 });
  });

  it('another RP’s request is indistinguishable from none: verification_not_found', async () => {
    const req = await wz.createReceiptRequest({ bizSeq: 'e-5', mode: 'wz' });
    expect(await failure(venue.getStatus(req.requestId))).toMatchObject({ code: 'verification_not_found', status: 404 });
  });

  it('invalid_client (401): a wrong secret; the message never carries the secret', async () => {
    const wrong = new WangzhengClient({ issuer: ISSUER, baseUrl: sys.h.url, clientId: wz.clientId, auth: { clientSecret: `${secret}x` } });
    const f = await failure(wrong.createReceiptRequest({ bizSeq: 'e-6', mode: 'wz' }));
    expect([f.code, f.status]).toEqual(['invalid_client', 401]);
    expect(f.message).not.toContain(secret);
  });

  it('isWangzhengError narrows by code', async () => {
    const e = await wz.getStatus('nope').catch((x: unknown) => x);
    expect(isWangzhengError(e, 'verification_not_found')).toBe(true);
    expect(isWangzhengError(e, 'invalid_client')).toBe(false);
  });
});

describe('failures on the SDK’s side', () => {
  let server: Server;
  let url: string;
  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url?.startsWith('/slow')) return; // never answers
      res.writeHead(502, { 'content-type': 'text/html' }).end('<html>Bad gateway</html>');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  it('network_error: nothing listens there (status undefined)', async () => {
    const dead = new WangzhengClient({ issuer: ISSUER, baseUrl: 'http://127.0.0.1:1', clientId: 'rp_x', auth: { clientSecret: 's' } });
    expect(await failure(dead.getStatus('r'))).toMatchObject({ code: 'network_error', status: undefined });
  });

  it('invalid_response: a proxy’s HTML error page instead of the API (status kept)', async () => {
    const proxied = new WangzhengClient({ issuer: ISSUER, baseUrl: url, clientId: 'rp_x', auth: { clientSecret: 's' } });
    expect(await failure(proxied.getStatus('r'))).toMatchObject({ code: 'invalid_response', status: 502 });
  });

  it('timeout: no answer within timeoutMs', async () => {
    const slow = new WangzhengClient({ issuer: ISSUER, baseUrl: `${url}/slow`, clientId: 'rp_x', auth: { clientSecret: 's' }, timeoutMs: 200 });
    expect(await failure(slow.getStatus('r'))).toMatchObject({ code: 'timeout', status: undefined });
  });

  it('jwks_unavailable: the JWKS cannot be fetched', async () => {
    const proxied = new WangzhengClient({ issuer: ISSUER, baseUrl: url, clientId: 'rp_x', auth: { clientSecret: 's' }, receiptAlg: 'SM2' });
    expect(await failure(proxied.verifyReceipt('a.b.c'))).toMatchObject({ code: 'jwks_unavailable' });
  });
});

describe('misuse is a TypeError, before any network call', () => {
  it('missing or malformed options', () => {
    const ok = { issuer: ISSUER, clientId: 'rp_x', auth: { clientSecret: 's' } };
    expect(() => new WangzhengClient({ ...ok, issuer: 'wangzheng.example' })).toThrow(TypeError);
    expect(() => new WangzhengClient({ ...ok, clientId: '' })).toThrow(TypeError);
    expect(() => new WangzhengClient({ ...ok, auth: {} as never })).toThrow(TypeError);
    expect(() => new WangzhengClient({ ...ok, auth: { privateKey: 'not a pem' } })).toThrow(TypeError);
    expect(() => new WangzhengClient({ ...ok, receiptAlg: 'HS256' as never })).toThrow(TypeError);
    expect(() => new WangzhengClient({ ...ok, jwks: { keys: [] } })).toThrow(TypeError);
  });

  it('a requestId that is not a string', async () => {
    const wz2 = new WangzhengClient({ issuer: ISSUER, clientId: 'rp_x', auth: { clientSecret: 's' }, fetch: () => Promise.reject(new Error('must not be called')) });
    await expect(wz2.getStatus(undefined as never)).rejects.toThrow(TypeError);
    await expect(wz2.verifyReceipt(42 as never)).rejects.toThrow(TypeError);
  });
});
