// Re-verification of a flagged account through the SDK (issue 4 item 5, docs/receipts.md):
// an RP of an allowed category asks the platform to re-verify the person behind an application
// identifier it holds; the request shows up in that person's wallet (their pending list, after
// a presentation over a platform nonce); they approve with face; the RP waits and verifies the
// receipt like any other. Other categories: reverification_not_allowed.
//
// The end-to-end part needs the platform's `POST /v1/reverifications`; it is skipped — under a
// name that says so — only while that route is absent from the platform's sources.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPresentation } from '@wangzheng/core/credential/index';
import { generateKey } from '@wangzheng/core/crypto/index';
import { ACR_VALUES } from '@wangzheng/core/verification/modes';
import { WangzhengClient, WangzhengError } from '@wangzheng/sdk';
import { ISSUER, sqliteOnly, startSystem, type System } from './harness.ts';


describe('requestReverification: the request the SDK sends (the contract)', () => {
  it('POST /v1/reverifications with { sub, bindingMessage, bizSeq } and client authentication; answers typed', async () => {
    const seen: { method?: string; url?: string; auth?: string; body?: unknown } = {};
    const fake: typeof fetch = async (input, init) => {
      Object.assign(seen, { method: init?.method, url: String(input), auth: new Headers(init?.headers).get('authorization'), body: JSON.parse(String(init?.body)) });
      return new Response(JSON.stringify({ requestId: 'req-1', mode: 'wz_face', acr: ACR_VALUES.wz_face, expiresAt: '2030-01-01T00:00:00.000Z' }), { status: 201 });
    };
    const wz = new WangzhengClient({ issuer: ISSUER, clientId: 'rp_x', auth: { privateKey: generateKey('SM2') }, fetch: fake });
    const r = await wz.requestReverification({ sub: 'A0000000000000000000000000', bindingMessage: '账户异常登录', bizSeq: 'rv-1' });
    expect(r).toEqual({ requestId: 'req-1', mode: 'wz_face', acr: ACR_VALUES.wz_face, expiresAt: '2030-01-01T00:00:00.000Z' });
    expect([seen.method, seen.url, seen.body]).toEqual(['POST', `${ISSUER}/v1/reverifications`, { sub: 'A0000000000000000000000000', bindingMessage: '账户异常登录', bizSeq: 'rv-1' }]);
    expect(seen.auth).toMatch(/^Bearer [\w-]+\.[\w-]+\.[\w-]+$/);
  });
});

describe('dynamic identity authentication end to end: the RP asks, the person approves with face in the wallet, the RP verifies', () => {
  const engine = sqliteOnly();
  let sys: System;
  let bank: WangzhengClient;
  let venue: WangzhengClient;
  let sub: string;
  let seq = 0;
  const bizSeq = (): string => `rv-${++seq}`;

  /** The wallet's pending list: a presentation over a fresh platform nonce (GET /v1/wallet/nonce, POST /v1/wallet/pending). */
  async function pending(): Promise<{ ref: string; kind: string; rp: { name: string }; bindingMessage: string | null; mode: string }[]> {
    const { nonce } = await sys.h.client.get<{ nonce: string }>('/v1/wallet/nonce');
    const presentation = createPresentation(sys.holder.issued.credential, { disclose: [], holderKey: sys.holder.key, audience: ISSUER, nonce });
    return (await sys.h.client.post<{ requests: never[] }>('/v1/wallet/pending', { nonce, presentation })).requests;
  }

  beforeAll(async () => {
    sys = await startSystem(engine);
    const b = await sys.makeRp({ category: 'bank', alg: 'SM2', host: 'rv-bank.example.cn' });
    bank = new WangzhengClient({ issuer: ISSUER, baseUrl: sys.h.url, clientId: b.clientId, auth: { clientSecret: b.clientSecret! } });
    const v = await sys.makeRp({ category: 'venue', alg: 'ES256', host: 'rv-venue.example.cn' });
    venue = new WangzhengClient({ issuer: ISSUER, baseUrl: sys.h.url, clientId: v.clientId, auth: { clientSecret: v.clientSecret! } });
    // The person verified at the bank once: the bank knows its application identifier.
    const first = await bank.createReceiptRequest({ bizSeq: bizSeq(), mode: 'wz' });
    await sys.approve(first.ref);
    sub = (await bank.verifyReceipt(await bank.fetchReceipt(first.requestId))).sub!;
  });
  afterAll(async () => sys?.close());

  it('requestReverification → in the person’s wallet with the binding message → face → a pass receipt for the same sub', async () => {
    const rv = await bank.requestReverification({ sub, bindingMessage: '账户异常登录，请确认本人操作', bizSeq: bizSeq() });
    expect([rv.mode, rv.acr]).toEqual(['wz_face', ACR_VALUES.wz_face]);
    expect(rv).not.toHaveProperty('ref'); // the reference reaches the person only through their wallet
    expect((await bank.getStatus(rv.requestId)).status).toBe('pending');

    const mine = await pending();
    const item = mine.find((p) => p.bindingMessage === '账户异常登录，请确认本人操作');
    expect(item).toMatchObject({ kind: 'reverify', mode: 'wz_face', rp: { name: 'rv-bank.example.cn 测试机构' } });

    const waiting = bank.waitForReceipt(rv.requestId, { timeoutMs: 20_000, intervalMs: 50 });
    expect((await sys.approve(item!.ref)).status).toBe('approved');
    const r = await bank.verifyReceipt(await waiting, { requestId: rv.requestId });
    expect([r.result, r.sub, r.mode]).toEqual(['pass', sub, 'wz_face']);
    expect(r.face_similarity).toBeGreaterThan(0.8);
  });

  it('someone else’s face: a fail receipt (face_mismatch)', async () => {
    const rv = await bank.requestReverification({ sub, bindingMessage: '大额转账确认', bizSeq: bizSeq() });
    const item = (await pending()).find((p) => p.bindingMessage === '大额转账确认')!;
    const other = sys.h.hardware(sys.holder.person, 'other');
    expect((await sys.approve(item.ref, { captureFace: other.captureFace })).status).toBe('failed');
    const r = await bank.verifyReceipt(await bank.waitForReceipt(rv.requestId, { intervalMs: 50 }));
    expect([r.result, r.failure, r.sub]).toEqual(['fail', 'face_mismatch', undefined]);
  });

  it('a venue may not ask: reverification_not_allowed (403); an identifier nobody has at this RP: unknown_subject (404)', async () => {
    const v = (await venue.requestReverification({ sub, bindingMessage: '请确认', bizSeq: bizSeq() }).catch((e: unknown) => e)) as WangzhengError;
    expect([v.code, v.status]).toEqual(['reverification_not_allowed', 403]);
    const u = (await bank.requestReverification({ sub: 'A0000000000000000000000000', bindingMessage: '请确认', bizSeq: bizSeq() }).catch((e: unknown) => e)) as WangzhengError;
    expect([u.code, u.status]).toEqual(['unknown_subject', 404]);
  });
});
