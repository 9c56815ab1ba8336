// Identity disclosure to the law-enforcement liaison, and operator roles, on SQLite and
// PostgreSQL. The regulation's case: a competent authority may learn who is behind a 网号 or an
// application identifier, with their authentication log — here only the liaison role may ask,
// with a case reference, and only after a second liaison approves; every step is audited, the
// person only as a data-key-derived reference (so are the verifications themselves). Nothing in the admin API is reachable without the
// route's role.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { PrivateKey } from '@wangzheng/core/crypto/index';
import type { Issued } from '@wangzheng/wallet/enroll/enroll';
import { answerVerification } from '@wangzheng/wallet/verify';
import { describeEachEngine } from '../support/engines.ts';
import { ADULT, deviceKey, startPlatform, startRegistry, VALID_DOC, type Harness, type RegistryPerson, type SharedRegistry } from '../enrollment/harness.ts';
import { USCC } from '../rp/harness.ts';
import { nodeHolder } from '@wangzheng/wallet/holder/node';

let reg: SharedRegistry;
beforeAll(async () => {
  reg = await startRegistry(40, 'admin-disclosures');
});
afterAll(async () => reg?.close());

type Json = Record<string, any> & { error?: string };

describeEachEngine('identity disclosure (liaison) and operator roles', (engine) => {
  let h: Harness;
  let alice: string; // liaison + operator
  let bob: string; // liaison only
  let holder: { person: RegistryPerson; issued: Issued; key: PrivateKey };
  let shop: { clientId: string; appId: string };

  const call = async (method: 'GET' | 'POST', p: string, auth: string, body?: unknown): Promise<{ status: number; body: Json }> => {
    const res = await fetch(`${h.url}${p}`, {
      method,
      headers: { authorization: auth, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    return { status: res.status, body: (await res.json()) as Json };
  };

  beforeAll(async () => {
    h = await startPlatform(engine, reg, { overrides: { 'admin.roles': 'dev-admin-1=liaison+operator,dev-admin-2=liaison' } });
    const [a, b] = h.platform.deps.secrets.admin;
    alice = `Bearer ${Buffer.from(a!.key).toString('base64url')}`;
    bob = `Bearer ${Buffer.from(b!.key).toString('base64url')}`;
    const person = reg.people(`d.type = 'resident_id_card' AND ${VALID_DOC} AND ${ADULT}`, [], 1)[0]!;
    const key = deviceKey();
    holder = { person, key, issued: (await h.enroll(person, { deviceKey: key })) as Issued };
    const s = h.platform.rp.service;
    const r = await s.apply({
      name: '测试支付',
      uscc: USCC.internet,
      contactEmail: 'identity@example.cn',
      category: 'internet_service',
      purpose: '注册时核验身份',
      redirectUris: ['https://pay.example.cn/cb'],
      tokenEndpointAuthMethod: 'client_secret_basic',
      scopes: {},
    });
    await s.approve(r.clientId, 'admin:test', { scopes: [] });
    const basic = `Basic ${Buffer.from(`${r.clientId}:${r.clientSecret}`).toString('base64')}`;
    const req = await call('POST', '/v1/receipt-requests', basic, { bizSeq: 'disclosure-1', mode: 'wz' });
    await answerVerification(h.client, { ref: req.body['ref'], holder: nodeHolder(holder.issued.credential, holder.key) });
    const receipt = await call('POST', `/v1/receipt-requests/${req.body['requestId']}/receipt`, basic, {});
    const sub = JSON.parse(Buffer.from(String(receipt.body['receipt']).split('.')[1]!, 'base64url').toString('utf8')).sub as string;
    shop = { clientId: r.clientId, appId: sub };
  });
  afterAll(async () => h?.close());

  it('roles: a liaison without the operator role cannot ban (403 role_required); nobody without the liaison role can ask', async () => {
    const ban = await call('POST', '/v1/admin/bans', bob, { netid: holder.issued.netid, reason: 'fraud', legalRef: '依据' });
    expect([ban.status, ban.body.error]).toEqual([403, 'role_required']);
    const audit = await call('GET', '/v1/admin/audit', bob);
    expect([audit.status, audit.body.error]).toEqual([403, 'role_required']);
    expect((await call('GET', '/v1/admin/bans', alice)).status).toBe(200);
  });

  it('by 网号: requested with a case reference, approved by a second liaison, read by the requester only — identity and authentication log', async () => {
    const r = await call('POST', '/v1/admin/disclosures', alice, { netid: holder.issued.netid, caseRef: '京公(刑)协查字〔2026〕第0123号' });
    expect([r.status, r.body['state'], r.body['namedBy']]).toEqual([202, 'requested', 'netid']);
    const early = await call('GET', `/v1/admin/disclosures/${r.body['id']}/identity`, alice);
    expect([early.status, early.body.error]).toEqual([409, 'disclosure_not_approved']);
    const self = await call('POST', `/v1/admin/disclosures/${r.body['id']}/approve`, alice, {});
    expect([self.status, self.body.error]).toEqual([403, 'four_eyes_required']);
    const ok = await call('POST', `/v1/admin/disclosures/${r.body['id']}/approve`, bob, {});
    expect([ok.status, ok.body['state'], ok.body['approvedBy']]).toEqual([200, 'approved', 'admin:dev-admin-2']);
    const again = await call('POST', `/v1/admin/disclosures/${r.body['id']}/approve`, bob, {});
    expect([again.status, again.body.error]).toEqual([409, 'disclosure_state_conflict']);
    const other = await call('GET', `/v1/admin/disclosures/${r.body['id']}/identity`, bob);
    expect([other.status, other.body.error]).toEqual([403, 'forbidden']);

    const d = await call('GET', `/v1/admin/disclosures/${r.body['id']}/identity`, alice);
    expect(d.status).toBe(200);
    expect(d.body['identity']['name']).toBe(holder.person.name);
    expect(d.body['identity']['netid']).toBe(holder.issued.netid);
    expect(d.body['identity']['documents']).toEqual(expect.arrayContaining([{ type: 'resident_id_card', number: holder.person.documentNumber }]));
    const log = d.body['authenticationLog'] as Json[];
    expect(log.some((e) => JSON.stringify(e).includes('测试支付'))).toBe(true);
  });

  it('by application identifier: the RP’s pseudonym leads to the same person', async () => {
    const r = await call('POST', '/v1/admin/disclosures', bob, { clientId: shop.clientId, appId: shop.appId, caseRef: '沪公协查〔2026〕77号' });
    expect([r.status, r.body['namedBy']]).toEqual([202, 'app_id']);
    await call('POST', `/v1/admin/disclosures/${r.body['id']}/approve`, alice, {});
    const d = await call('GET', `/v1/admin/disclosures/${r.body['id']}/identity`, bob);
    expect(d.body['identity']['netid']).toBe(holder.issued.netid);
  });

  it('bad input: unknown 网号, malformed identifiers, no case reference — 4xx with stable codes, nothing recorded', async () => {
    const before = (await call('GET', '/v1/admin/disclosures', alice)).body['items'].length;
    const unknownApp = await call('POST', '/v1/admin/disclosures', alice, { clientId: shop.clientId, appId: `A${'0'.repeat(25)}`, caseRef: '案号' });
    expect(unknownApp.status).toBeGreaterThanOrEqual(400);
    expect(['unknown_subject', 'invalid_request']).toContain(unknownApp.body.error);
    expect((await call('POST', '/v1/admin/disclosures', alice, { netid: 'XXXX', caseRef: '案号' })).body.error).toBe('invalid_netid');
    expect((await call('POST', '/v1/admin/disclosures', alice, { netid: holder.issued.netid })).body.error).toBe('invalid_request');
    expect((await call('GET', '/v1/admin/disclosures', alice)).body['items'].length).toBe(before);
  });

  it('every step is in the audit trail; the trail holds no name, ID number or 网号, and still verifies', async () => {
    const entries = await h.platform.audit.search({ limit: 500 }); // what was queued (the verification's outcome) chained first
    const actions = entries.map((e) => e.action);
    for (const a of ['verification.completed', 'identity.disclosure_requested', 'identity.disclosure_approved', 'identity.disclosed']) expect(actions).toContain(a);
    const text = JSON.stringify(entries);
    for (const v of [holder.person.name, holder.person.documentNumber, holder.issued.netid, '京公(刑)协查字']) expect(text).not.toContain(v);
    expect((await h.platform.audit.verify()).ok).toBe(true);
  });
});
