// verifyReceipt offline (docs/receipts.md, "Verifying a receipt"): real SM2 and ES256 receipts
// from the platform verified with no network at all (a JWKS snapshot) and with the JWKS
// fetched once and cached; the registered algorithm pinned (RFC 8725 §3.1: the header never
// chooses — `none`, HS256 with the public key as secret, the other suite's algorithm all
// refused); a tampered receipt, another client's receipt, another request's, a foreign key
// and another issuer refused with exact codes; a rotated platform key picked up.
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { b64u, generateKey, type PublicJwk } from '@wangzheng/core/crypto/index';
import { signReceipt } from '@wangzheng/core/verification/receipt';
import { WangzhengClient, WangzhengError } from '@wangzheng/sdk';
import { ISSUER, sqliteOnly, startSystem, type System } from './harness.ts';

const engine = sqliteOnly();
let sys: System;
let jwks: { keys: PublicJwk[] };
let sm2: { clientId: string; clientSecret: string; token: string; requestId: string };
let es: { clientId: string; clientSecret: string; token: string; requestId: string };
let seq = 0;

/** An RP, one approved request, its receipt. */
async function receiptFor(alg: 'SM2' | 'ES256', host: string) {
  const rp = await sys.makeRp({ category: 'internet_service', alg, host });
  const wz = new WangzhengClient({ issuer: ISSUER, baseUrl: sys.h.url, clientId: rp.clientId, auth: { clientSecret: rp.clientSecret! } });
  const req = await wz.createReceiptRequest({ bizSeq: `offline-${++seq}`, mode: 'wz' });
  await sys.approve(req.ref);
  return { clientId: rp.clientId, clientSecret: rp.clientSecret!, token: await wz.fetchReceipt(req.requestId), requestId: req.requestId };
}

const noNetwork: typeof fetch = async () => {
  throw new Error('no network in this test');
};

/** A client that can only verify, from a JWKS snapshot. */
function offline(clientId: string, receiptAlg: 'SM2' | 'ES256', issuer = ISSUER): WangzhengClient {
  return new WangzhengClient({ issuer, clientId, auth: { clientSecret: 'unused' }, receiptAlg, jwks, fetch: noNetwork });
}

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    return e instanceof WangzhengError ? e.code : `not a WangzhengError: ${String(e)}`;
  }
  return 'no error';
}

function tamper(token: string, change: (c: Record<string, unknown>) => void): string {
  const [h, p, s] = token.split('.') as [string, string, string];
  const c = JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as Record<string, unknown>;
  change(c);
  return `${h}.${b64u(JSON.stringify(c))}.${s}`;
}

beforeAll(async () => {
  sys = await startSystem(engine);
  jwks = (await (await fetch(`${sys.h.url}/.well-known/jwks.json`)).json()) as { keys: PublicJwk[] };
  sm2 = await receiptFor('SM2', 'sm2.example.cn');
  es = await receiptFor('ES256', 'es.example.cn');
});
afterAll(async () => sys?.close());

describe('verifying receipts offline', () => {
  it('an SM2 receipt (GB/T 32918.2 with SM3) verifies from a JWKS snapshot with no network', async () => {
    const r = await offline(sm2.clientId, 'SM2').verifyReceipt(sm2.token, { requestId: sm2.requestId });
    expect([r.result, r.aud, r.iss, r.jti]).toEqual(['pass', sm2.clientId, ISSUER, sm2.requestId]);
  });

  it('an ES256 receipt verifies from a JWKS snapshot with no network', async () => {
    const r = await offline(es.clientId, 'ES256').verifyReceipt(es.token, { requestId: es.requestId, bizSeq: 'offline-2' });
    expect([r.result, r.aud]).toEqual(['pass', es.clientId]);
  });

  it('the JWKS is fetched once and cached; the registered algorithm is read once from the registration', async () => {
    const calls: string[] = [];
    const counting: typeof fetch = async (input, init) => {
      calls.push(`${init?.method ?? 'GET'} ${new URL(String(input)).pathname}`);
      return fetch(input, init);
    };
    const wz = new WangzhengClient({ issuer: ISSUER, baseUrl: sys.h.url, clientId: sm2.clientId, auth: { clientSecret: sm2.clientSecret }, fetch: counting });
    for (let i = 0; i < 3; i++) expect((await wz.verifyReceipt(sm2.token)).result).toBe('pass');
    expect(calls).toEqual([`GET /v1/rp/clients/${sm2.clientId}`, 'GET /.well-known/jwks.json']);
  });

  it('a tampered receipt (result, sub or claims changed after signing) is refused: signature_mismatch', async () => {
    const wz = offline(sm2.clientId, 'SM2');
    expect(await codeOf(wz.verifyReceipt(tamper(sm2.token, (c) => (c.sub = 'A0000000000000000000000000'))))).toBe('signature_mismatch');
    expect(await codeOf(wz.verifyReceipt(tamper(sm2.token, (c) => (c.claims = { name: '张三' }))))).toBe('signature_mismatch');
    expect(await codeOf(wz.verifyReceipt(`${sm2.token.slice(0, -4)}AAAA`))).toBe('signature_mismatch');
  });

  it('a receipt for another client is refused (aud): invalid_jws', async () => {
    expect(await codeOf(offline(es.clientId, 'SM2').verifyReceipt(sm2.token))).toBe('invalid_jws');
  });

  it('a receipt from another issuer is refused (iss): invalid_jws', async () => {
    expect(await codeOf(offline(sm2.clientId, 'SM2', 'https://other.example').verifyReceipt(sm2.token))).toBe('invalid_jws');
  });

  it('a receipt of another request or business reference is refused: receipt_mismatch', async () => {
    const wz = offline(sm2.clientId, 'SM2');
    expect(await codeOf(wz.verifyReceipt(sm2.token, { requestId: es.requestId }))).toBe('receipt_mismatch');
    expect(await codeOf(wz.verifyReceipt(sm2.token, { bizSeq: 'order-elsewhere' }))).toBe('receipt_mismatch');
  });

  it('the registered algorithm is pinned: an ES256 receipt for an SM2-registered RP, alg none, and HS256 keyed with the public key are refused: unsupported_algorithm', async () => {
    expect(await codeOf(offline(es.clientId, 'SM2').verifyReceipt(es.token))).toBe('unsupported_algorithm');
    const [, p] = sm2.token.split('.') as [string, string];
    const none = `${b64u(JSON.stringify({ alg: 'none', typ: 'wz-receipt+jwt' }))}.${p}.`;
    expect(await codeOf(offline(sm2.clientId, 'SM2').verifyReceipt(none))).toBe('unsupported_algorithm');
    const h = b64u(JSON.stringify({ alg: 'HS256', typ: 'wz-receipt+jwt' }));
    const mac = createHmac('sha256', JSON.stringify(jwks.keys[0])).update(`${h}.${p}`).digest('base64url');
    expect(await codeOf(offline(sm2.clientId, 'SM2').verifyReceipt(`${h}.${p}.${mac}`))).toBe('unsupported_algorithm');
  });

  it('a receipt signed by a key outside the platform’s JWKS (correct claims) is refused: signature_mismatch', async () => {
    const forged = signReceipt(generateKey('SM2'), {
      iss: ISSUER, aud: sm2.clientId, jti: 'x', biz_seq: 'x', iat: 1, service_time: 1, mode: 'wz', result: 'pass', sub: 'A0000000000000000000000000',
    });
    expect(await codeOf(offline(sm2.clientId, 'SM2').verifyReceipt(forged))).toBe('signature_mismatch');
  });
});

describe('platform key rotation', () => {
  it('a receipt naming a key id the cache lacks refreshes the JWKS (at most once per minRefreshMs)', async () => {
    const oldKey = generateKey('ES256');
    const newKey = generateKey('ES256');
    let published = [oldKey.publicKey.toJwk()];
    let fetches = 0;
    const platform: typeof fetch = async () => {
      fetches += 1;
      return new Response(JSON.stringify({ keys: published }), { headers: { 'content-type': 'application/json' } });
    };
    const sign = (k: typeof oldKey) => signReceipt(k, { iss: ISSUER, aud: 'rp_x', jti: 'j', biz_seq: 'b', iat: 1, service_time: 1, mode: 'wz', result: 'pass', sub: 'A0000000000000000000000000' });
    const wz = new WangzhengClient({ issuer: ISSUER, clientId: 'rp_x', auth: { clientSecret: 's' }, receiptAlg: 'ES256', fetch: platform, jwksCache: { minRefreshMs: 0 } });
    expect((await wz.verifyReceipt(sign(oldKey))).result).toBe('pass');
    published = [newKey.publicKey.toJwk(), oldKey.publicKey.toJwk()];
    expect((await wz.verifyReceipt(sign(newKey))).result).toBe('pass');
    expect((await wz.verifyReceipt(sign(oldKey))).result).toBe('pass');
    expect(fetches).toBe(2);

    const slow = new WangzhengClient({ issuer: ISSUER, clientId: 'rp_x', auth: { clientSecret: 's' }, receiptAlg: 'ES256', fetch: platform, jwksCache: { minRefreshMs: 60_000 } });
    published = [oldKey.publicKey.toJwk()];
    await slow.verifyReceipt(sign(oldKey));
    published = [newKey.publicKey.toJwk()];
    expect(await codeOf(slow.verifyReceipt(sign(newKey)))).toBe('signature_mismatch'); // not refetched yet
    expect(await codeOf(slow.verifyReceipt(sign(newKey)))).toBe('signature_mismatch');
    expect(fetches).toBe(3);
  });
});
