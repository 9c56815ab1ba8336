// The receipt API through @wangzheng/sdk against a running platform (docs/receipts.md):
// create → the person answers in the wallet → wait → fetch once → verify offline. Both client
// authentication methods (client_secret_basic; RFC 7523 private_key_jwt with SM2 and with
// ES256 keys), receipts signed SM2 and ES256 with the RP's registered algorithm pinned.
import { createPrivateKey } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKey, type PublicJwk } from '@wangzheng/core/crypto/index';
import { ACR_VALUES } from '@wangzheng/core/verification/modes';
import { WangzhengClient, WangzhengError, type PrivateJwk } from '@wangzheng/sdk';
import { ISSUER, claimsOf, sqliteOnly, startSystem, type System } from './harness.ts';

const engine = sqliteOnly();
let sys: System;
let seq = 0;
const bizSeq = (): string => `order-${Date.now()}-${++seq}`;

beforeAll(async () => {
  sys = await startSystem(engine);
});
afterAll(async () => sys?.close());

/** A P-256 private key as a JWK, as an RP's key store would hand it over. */
function es256Jwk(): { priv: PrivateJwk; pub: PublicJwk } {
  const k = generateKey('ES256');
  const pub = k.publicKey.toJwk();
  const d = (createPrivateKey(k.toPem()).export({ format: 'jwk' }) as { d: string }).d;
  return { priv: { kty: 'EC', crv: 'P-256', x: pub.x, y: pub.y!, d }, pub: { kty: 'EC', crv: 'P-256', x: pub.x, y: pub.y!, kid: 'rp-es256-1' } };
}

describe('client_secret_basic (RFC 6749 §2.3.1), ES256 receipts', () => {
  let wz: WangzhengClient;
  beforeAll(async () => {
    const rp = await sys.makeRp({ category: 'internet_service', alg: 'ES256', host: 'shop.example.cn' });
    wz = new WangzhengClient({ issuer: ISSUER, baseUrl: sys.h.url, clientId: rp.clientId, auth: { clientSecret: rp.clientSecret! } });
  });

  it('create → pending → the person approves → waitForReceipt → verifyReceipt: pass, result only (Art. 8)', async () => {
    const seqNo = bizSeq();
    const req = await wz.createReceiptRequest({ bizSeq: seqNo, mode: 'wz' });
    expect(req).toMatchObject({ mode: 'wz', acr: ACR_VALUES.wz });
    expect(req.ref).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(req.link).toBe(`wangzheng://verify?ref=${req.ref}&iss=${encodeURIComponent(ISSUER)}`);
    expect(req.walletUrl).toBe(`${ISSUER}/wallet/#/verify?ref=${req.ref}&iss=${encodeURIComponent(ISSUER)}`);
    expect((await wz.getStatus(req.requestId)).status).toBe('pending');

    const waiting = wz.waitForReceipt(req.requestId, { timeoutMs: 20_000, intervalMs: 50 });
    await new Promise((r) => setTimeout(r, 150)); // a few polls answered verification_pending
    expect((await sys.approve(req.ref)).status).toBe('approved');
    const token = await waiting;

    const r = await wz.verifyReceipt(token, { requestId: req.requestId, bizSeq: seqNo });
    expect([r.result, r.mode, r.acr, r.aud, r.iss, r.jti, r.biz_seq]).toEqual(['pass', 'wz', ACR_VALUES.wz, wz.clientId, ISSUER, req.requestId, seqNo]);
    expect(r.sub).toMatch(/^A[0-9A-Z]{25}$/);
    expect(r.claims).toBeUndefined();
    expect(Object.keys(r).sort()).toEqual(['acr', 'aud', 'biz_seq', 'iat', 'iss', 'jti', 'mode', 'result', 'service_time', 'sub']);
    expect((await wz.getStatus(req.requestId)).status).toBe('consumed');
  });

  it('the receipt is fetched once: a second fetch is receipt_already_fetched (409)', async () => {
    const req = await wz.createReceiptRequest({ bizSeq: bizSeq(), mode: 'wz' });
    await sys.approve(req.ref);
    await wz.fetchReceipt(req.requestId);
    const e = await wz.fetchReceipt(req.requestId).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(WangzhengError);
    expect([(e as WangzhengError).code, (e as WangzhengError).status]).toEqual(['receipt_already_fetched', 409]);
  });

  it('a declined request gives a verifiable fail receipt without sub', async () => {
    const req = await wz.createReceiptRequest({ bizSeq: bizSeq(), mode: 'wz' });
    expect((await sys.approve(req.ref, { approve: false })).status).toBe('declined');
    const r = await wz.verifyReceipt(await wz.waitForReceipt(req.requestId, { intervalMs: 50 }), { requestId: req.requestId });
    expect([r.result, r.failure, r.sub]).toEqual(['fail', 'declined', undefined]);
  });

  it('waitForReceipt gives up with timeout when nobody answers; the request stays pending', async () => {
    const req = await wz.createReceiptRequest({ bizSeq: bizSeq(), mode: 'wz' });
    const e = await wz.waitForReceipt(req.requestId, { timeoutMs: 200, intervalMs: 50 }).catch((x: unknown) => x);
    expect([(e as WangzhengError).code, (e as WangzhengError).status]).toEqual(['timeout', undefined]);
    expect((await wz.getStatus(req.requestId)).status).toBe('pending');
  });
});

describe('RFC 7523 private_key_jwt with an SM2 key (GB/T 32918.2), SM2 receipts', () => {
  let wz: WangzhengClient;
  beforeAll(async () => {
    const key = generateKey('SM2');
    const rp = await sys.makeRp({ category: 'bank', alg: 'SM2', host: 'bank.example.cn', jwk: { ...key.publicKey.toJwk(), kid: 'rp-sm2-1' }, approve: ['masked_name', 'masked_id_number'] });
    // The key as a PEM file's contents, and the registered kid.
    wz = new WangzhengClient({ issuer: ISSUER, baseUrl: sys.h.url, clientId: rp.clientId, auth: { privateKey: key.toPem(), alg: 'SM2', kid: 'rp-sm2-1' } });
  });

  it('mode 网证+口令 with approved fields the person consented to: an SM2 receipt with the masked fields', async () => {
    const req = await wz.createReceiptRequest({ bizSeq: bizSeq(), mode: 'wz_pass', scopes: ['masked_name', 'masked_id_number'] });
    expect(req.acr).toBe(ACR_VALUES.wz_pass);
    await sys.approve(req.ref, { consent: () => ['masked_name', 'masked_id_number'] });
    const token = await wz.fetchReceipt(req.requestId);
    expect(JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString('utf8'))).toMatchObject({ alg: 'SM2', typ: 'wz-receipt+jwt' });
    const r = await wz.verifyReceipt(token, { requestId: req.requestId });
    const n = sys.holder.person.documentNumber;
    expect(r.claims).toEqual({ masked_name: expect.stringMatching(/^.\*+$/u), masked_document_number: `${n.slice(0, 4)}${'*'.repeat(n.length - 8)}${n.slice(-4)}` });
    expect(r.result).toBe('pass');
  });

  it('every call carries a fresh single-use assertion: many calls in a row all authenticate', async () => {
    const req = await wz.createReceiptRequest({ bizSeq: bizSeq(), mode: 'wz' });
    const states = await Promise.all(Array.from({ length: 5 }, () => wz.getStatus(req.requestId)));
    expect(states.map((s) => s.status)).toEqual(['pending', 'pending', 'pending', 'pending', 'pending']);
    expect((await wz.getRegistration()).idTokenSigningAlg).toBe('SM2');
  });

  it('a key the RP did not register is refused: invalid_client (401)', async () => {
    const other = new WangzhengClient({ issuer: ISSUER, baseUrl: sys.h.url, clientId: wz.clientId, auth: { privateKey: generateKey('SM2') } });
    const e = await other.createReceiptRequest({ bizSeq: bizSeq(), mode: 'wz' }).catch((x: unknown) => x);
    expect([(e as WangzhengError).code, (e as WangzhengError).status]).toEqual(['invalid_client', 401]);
  });
});

describe('RFC 7523 private_key_jwt with an ES256 key (a JWK), ES256 receipts', () => {
  let wz: WangzhengClient;
  beforeAll(async () => {
    const { priv, pub } = es256Jwk();
    const rp = await sys.makeRp({ category: 'internet_service', alg: 'ES256', host: 'video.example.cn', jwk: pub });
    wz = new WangzhengClient({ issuer: ISSUER, baseUrl: sys.h.url, clientId: rp.clientId, auth: { privateKey: priv, alg: 'ES256', kid: 'rp-es256-1' } });
  });

  it('mode 网证+人脸: the receipt carries the face similarity', async () => {
    const req = await wz.createReceiptRequest({ bizSeq: bizSeq(), mode: 'wz_face' });
    expect((await sys.approve(req.ref)).status).toBe('approved');
    const token = await wz.waitForReceipt(req.requestId, { intervalMs: 50 });
    expect(claimsOf(token).face_similarity).toBeGreaterThan(0.8);
    const r = await wz.verifyReceipt(token);
    expect([r.result, r.mode, r.acr]).toEqual(['pass', 'wz_face', ACR_VALUES.wz_face]);
    expect(r.face_similarity).toBeGreaterThan(0.8);
  });
});
