// Re-verification of flagged accounts (dynamic identity authentication), on SQLite and
// PostgreSQL: an RP of an allowed category asks to re-verify the person behind an application
// identifier it knows; the request is addressed to that person alone, appears in their wallet's
// pending list (authenticated by a presentation over a platform nonce), is answered with a
// live face, and the RP fetches the receipt. Other categories are refused.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { PrivateKey } from '@wangzheng/core/crypto/index';
import type { Issued } from '@wangzheng/wallet/enroll/enroll';
import { answerVerification, listPendingRequests } from '@wangzheng/wallet/verify';
import { rejectionCode as codeOf } from '../../../../test/support/errors.ts';
import { describeEachEngine } from '../support/engines.ts';
import { ADULT, deviceKey, startPlatform, startRegistry, VALID_DOC, type Harness, type RegistryPerson, type SharedRegistry } from '../enrollment/harness.ts';
import { USCC } from '../rp/harness.ts';
import { nodeHolder } from '@wangzheng/wallet/holder/node';

let reg: SharedRegistry;
beforeAll(async () => {
  reg = await startRegistry();
});
afterAll(async () => reg?.close());

interface Rp {
  clientId: string;
  auth: string;
}
interface Holder {
  person: RegistryPerson;
  issued: Issued;
  key: PrivateKey;
}

describeEachEngine('re-verification of flagged accounts', (engine) => {
  let h: Harness;
  let bank: Rp;
  let venue: Rp;
  let alice: Holder;
  let bob: Holder;
  let seq = 0;

  async function makeRp(category: string, uscc: string, host: string): Promise<Rp> {
    const r = await h.platform.rp.service.apply({
      name: `${category} 测试`,
      uscc,
      contactEmail: 'identity@example.cn',
      category: category as never,
      purpose: '账户安全核验',
      redirectUris: [`https://${host}/cb`],
      tokenEndpointAuthMethod: 'client_secret_basic',
      idTokenSigningAlg: 'SM2',
    });
    await h.platform.rp.service.approve(r.clientId, 'admin:test', { scopes: [] });
    return { clientId: r.clientId, auth: `Basic ${Buffer.from(`${r.clientId}:${r.clientSecret}`).toString('base64')}` };
  }

  async function call<T>(rp: Rp, p: string, body?: unknown): Promise<{ status: number; body: T }> {
    const res = await fetch(`${h.url}${p}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { authorization: rp.auth, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    return { status: res.status, body: (await res.json()) as T };
  }

  /** The application identifier `rp` knows `who` by: from a first, ordinary verification. */
  async function subAt(rp: Rp, who: Holder): Promise<string> {
    const r = await call<{ requestId: string; ref: string }>(rp, '/v1/receipt-requests', { bizSeq: `first-${++seq}`, mode: 'wz' });
    await answerVerification(h.client, { ref: r.body.ref, holder: nodeHolder(who.issued.credential, who.key) });
    const rc = await call<{ receipt: string }>(rp, `/v1/receipt-requests/${r.body.requestId}/receipt`, {});
    return JSON.parse(Buffer.from(rc.body.receipt.split('.')[1]!, 'base64url').toString()).sub;
  }

  beforeAll(async () => {
    h = await startPlatform(engine, reg);
    const people = reg.people(`d.type = 'resident_id_card' AND ${VALID_DOC} AND ${ADULT}`, [], 4);
    const enroll = async (p: RegistryPerson): Promise<Holder> => {
      const key = deviceKey();
      return { person: p, key, issued: (await h.enroll(p, { deviceKey: key })) as Issued };
    };
    alice = await enroll(people[0]!);
    bob = await enroll(people[1]!);
    bank = await makeRp('bank', USCC.bank, 'bank.example.cn');
    venue = await makeRp('venue', USCC.internet, 'venue.example.cn');
  });
  afterAll(async () => h?.close());

  it('a bank re-verifies the person behind its identifier: their wallet lists it with the binding message, a live face answers, the bank gets a pass receipt', async () => {
    const sub = await subAt(bank, alice);
    const r = await call<{ requestId: string; mode: string; ref?: string }>(bank, '/v1/reverifications', { sub, bindingMessage: '账户异常登录 2F9K', bizSeq: `rv-${++seq}` });
    expect(r.status).toBe(201);
    expect(r.body.mode).toBe('wz_face');
    // The capability to see and answer it goes to the person's wallet only, in no form.
    expect([r.body.ref, (r.body as Record<string, unknown>)['link'], (r.body as Record<string, unknown>)['walletUrl']]).toEqual([undefined, undefined, undefined]);
    // Not in Bob's list; in Alice's.
    expect(await listPendingRequests(h.client, nodeHolder(bob.issued.credential, bob.key))).toEqual([]);
    const mine = await listPendingRequests(h.client, nodeHolder(alice.issued.credential, alice.key));
    expect(mine.map((x) => [x.kind, x.bindingMessage, x.mode, x.rp.category])).toEqual([['reverify', '账户异常登录 2F9K', 'wz_face', 'bank']]);
    // Bob cannot answer it even with the reference.
    expect(await codeOf(answerVerification(h.client, { ref: mine[0]!.ref, holder: nodeHolder(bob.issued.credential, bob.key), captureFace: h.hardware(bob.person).captureFace }))).toBe(
      'verification_not_found',
    );
    expect(
      (await answerVerification(h.client, { ref: mine[0]!.ref, holder: nodeHolder(alice.issued.credential, alice.key), captureFace: h.hardware(alice.person).captureFace })).status,
    ).toBe('approved');
    const rc = await call<{ receipt: string }>(bank, `/v1/receipt-requests/${r.body.requestId}/receipt`, {});
    const c = JSON.parse(Buffer.from(rc.body.receipt.split('.')[1]!, 'base64url').toString());
    expect([c.result, c.sub, c.mode]).toEqual(['pass', sub, 'wz_face']);
    expect(c.face_similarity).toBeGreaterThan(0.8);
    expect(await listPendingRequests(h.client, nodeHolder(alice.issued.credential, alice.key))).toEqual([]);
  });

  it('a venue may not ask (reverification_not_allowed); an identifier the RP never saw → unknown_subject', async () => {
    const sub = await subAt(venue, alice);
    const r = await call<{ error: string }>(venue, '/v1/reverifications', { sub, bindingMessage: 'x', bizSeq: `rv-${++seq}` });
    expect([r.status, r.body.error]).toEqual([403, 'reverification_not_allowed']);
    // The venue's identifier for Alice means nothing at the bank.
    const u = await call<{ error: string }>(bank, '/v1/reverifications', { sub, bindingMessage: 'x', bizSeq: `rv-${++seq}` });
    expect([u.status, u.body.error]).toEqual([404, 'unknown_subject']);
  });

  it('the wallet list needs a fresh platform nonce: a forged one is refused', async () => {
    expect(await codeOf(h.client.post('/v1/wallet/pending', { nonce: 'AAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAA', presentation: alice.issued.credential }))).toBe('nonce_mismatch');
  });
});
