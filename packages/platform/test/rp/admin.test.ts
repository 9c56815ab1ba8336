// The operator's admin API, on SQLite and PostgreSQL: bearer tokens from WZ_ADMIN_TOKENS
// (401 without, 401 invalid_token with a wrong one, RFC 6750 §3.1); the approval queue; approval of scopes with legal-basis
// references (Art. 8) and the category rule for full name and ID number; reject, suspend,
// reinstate as a state machine; every decision in the audit trail under the operator's token id.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachEngine } from '../support/engines.ts';
import { application, basic, startRegistry, startRpPlatform, USCC, type RpHarness, type SharedRegistry } from './harness.ts';
import { rejectionCode as codeOf } from '../../../../test/support/errors.ts';

let reg: SharedRegistry;
beforeAll(async () => {
  reg = await startRegistry(20, 'rp-admin');
});
afterAll(async () => reg?.close());

type Json = Record<string, unknown> & { error?: string; message?: string };

describeEachEngine('RP admin API', (engine) => {
  let h: RpHarness;
  beforeAll(async () => {
    h = await startRpPlatform(engine, reg);
  });
  afterAll(async () => h?.close());

  const admin = (method: 'GET' | 'POST', url: string, body?: unknown, authorization = h.adminAuth) =>
    h.request<Json>(method, url, { ...(body !== undefined ? { body } : {}), headers: { authorization } });

  async function applied(over: Record<string, unknown> = {}): Promise<{ clientId: string; clientSecret: string }> {
    const r = await h.request<{ clientId: string; clientSecret: string }>('POST', '/v1/rp/applications', { body: application(over) });
    expect(r.status).toBe(201);
    return r.body;
  }

  it('no token → 401 unauthenticated with a Bearer challenge; a wrong token → 401 invalid_token with its challenge; on every admin route', async () => {
    const { clientId } = await applied();
    const wrongToken = `Bearer ${Buffer.alloc(32, 7).toString('base64url')}`;
    const routes: ['GET' | 'POST', string][] = [
      ['GET', '/v1/admin/rps?status=pending'],
      ['GET', `/v1/admin/rps/${clientId}`],
      ['POST', `/v1/admin/rps/${clientId}/approve`],
      ['POST', `/v1/admin/rps/${clientId}/reject`],
      ['POST', `/v1/admin/rps/${clientId}/suspend`],
      ['POST', `/v1/admin/rps/${clientId}/reinstate`],
    ];
    for (const [method, url] of routes) {
      const none = await h.request<Json>(method, url, method === 'POST' ? { body: {} } : {});
      expect([none.status, none.body.error], url).toEqual([401, 'unauthenticated']);
      expect(none.headers['www-authenticate']).toBe('Bearer realm="wangzheng-admin"');
      for (const authorization of [wrongToken, 'Bearer x', `Basic ${Buffer.from('admin:admin').toString('base64')}`]) {
        const r = await admin(method, url, method === 'POST' ? {} : undefined, authorization);
        expect([r.status, r.body.error], `${url} ${authorization.slice(0, 6)}`).toEqual(authorization.startsWith('Basic') ? [401, 'unauthenticated'] : [401, 'invalid_token']);
        if (!authorization.startsWith('Basic')) expect(r.headers['www-authenticate']).toMatch(/^Bearer realm="wangzheng-admin", error="invalid_token"/);
      }
    }
    // Nothing was decided by those attempts.
    expect((await h.platform.rp.service.get(clientId)).status).toBe('pending');
    // A client's own secret is no operator token.
    const rp = await applied();
    expect((await admin('GET', '/v1/admin/rps', undefined, `Bearer ${rp.clientSecret}`)).status).toBe(401);
  });

  it('the queue: GET /v1/admin/rps?status=pending lists pending RPs oldest first, paged', async () => {
    const a = await applied();
    const b = await applied();
    const page = await admin('GET', '/v1/admin/rps?status=pending&limit=100');
    expect(page.status).toBe(200);
    const items = page.body.items as { clientId: string; status: string }[];
    expect(items.every((i) => i.status === 'pending')).toBe(true);
    const ids = items.map((i) => i.clientId);
    expect(ids.indexOf(a.clientId)).toBeLessThan(ids.indexOf(b.clientId));
    const first = await admin('GET', '/v1/admin/rps?limit=1');
    expect(first.body.next).toMatch(/^\d+\.rp_/);
    const second = await admin('GET', `/v1/admin/rps?limit=1&after=${first.body.next as string}`);
    expect((second.body.items as { clientId: string }[])[0]!.clientId).not.toBe((first.body.items as { clientId: string }[])[0]!.clientId);
    expect((await admin('GET', '/v1/admin/rps?status=gone')).body.error).toBe('invalid_request');
  });

  it('Art. 8: approve with a legal-basis reference per scope; the RP sees its approved scopes; the event names the operator', async () => {
    const { clientId, clientSecret } = await applied({ category: 'bank', uscc: USCC.bank, scopes: { full_name_and_id_number: '《反洗钱法》第二十九条', age_band: '适当性管理' } });
    const r = await admin('POST', `/v1/admin/rps/${clientId}/approve`, {
      scopes: ['full_name_and_id_number'],
      legalBasis: { full_name_and_id_number: '中华人民共和国反洗钱法 第二十九条' },
    });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      status: 'approved',
      approvedScopes: [
        { scope: 'result', legalBasisRef: null },
        { scope: 'full_name_and_id_number', legalBasisRef: '中华人民共和国反洗钱法 第二十九条' },
      ],
    });
    const own = await h.request<Json>('GET', `/v1/rp/clients/${clientId}`, { headers: { authorization: basic(clientId, clientSecret) } });
    expect(own.body.status).toBe('approved');
    const view = await admin('GET', `/v1/admin/rps/${clientId}`);
    const events = view.body.events as { type: string; actor: string; data: unknown }[];
    expect(events.map((e) => [e.type, e.actor])).toEqual([
      ['rp.applied', 'applicant'],
      ['rp.approved', `admin:${h.secrets.admin[0].id}`],
    ]);
    expect(events[1]!.data).toEqual({
      scopes: [
        { scope: 'result', legalBasisRef: null },
        { scope: 'full_name_and_id_number', legalBasisRef: '中华人民共和国反洗钱法 第二十九条' },
      ],
    });
  });

  it('approving full_name_and_id_number for an internet_service RP → 403 scope_not_allowed_for_category; nothing changes', async () => {
    const { clientId } = await applied({ scopes: { age_band: '防沉迷' } });
    const r = await admin('POST', `/v1/admin/rps/${clientId}/approve`, { scopes: ['full_name_and_id_number'], legalBasis: { full_name_and_id_number: 'x' } });
    expect([r.status, r.body.error]).toEqual([403, 'scope_not_allowed_for_category']);
    expect((await h.platform.rp.service.get(clientId)).status).toBe('pending');
    expect((await h.platform.deps.store.relyingParties.listEvents(clientId)).map((e) => e.type)).toEqual(['rp.applied']);
  });

  it('approval rules: legal basis required, only requested scopes, unknown scopes named', async () => {
    const { clientId } = await applied({ scopes: { age_band: '防沉迷', masked_phone: '通知' } });
    const url = `/v1/admin/rps/${clientId}/approve`;
    expect((await admin('POST', url, { scopes: ['age_band'] })).body.error).toBe('legal_basis_required');
    expect((await admin('POST', url, { scopes: ['sex'], legalBasis: { sex: 'x' } })).body.error).toBe('scope_not_requested');
    expect((await admin('POST', url, { scopes: ['shoe_size'] })).body.error).toBe('unknown_scope');
    expect((await admin('POST', url, { scopes: [], legalBasis: { age_band: 'x' } })).body.error).toBe('invalid_request');
    expect((await admin('POST', url, {})).body.error).toBe('invalid_request');
    // Result only (the default) needs nothing.
    const ok = await admin('POST', url, { scopes: [] });
    expect(ok.body.approvedScopes).toEqual([{ scope: 'result', legalBasisRef: null }]);
  });

  it('status machine: approve twice → 409 rp_state_conflict; reject is final; suspend ⇄ reinstate', async () => {
    const a = await applied();
    const url = (id: string, action: string) => `/v1/admin/rps/${id}/${action}`;
    expect((await admin('POST', url(a.clientId, 'suspend'), {})).body.error).toBe('rp_state_conflict');
    expect((await admin('POST', url(a.clientId, 'approve'), { scopes: [] })).status).toBe(200);
    const again = await admin('POST', url(a.clientId, 'approve'), { scopes: [] });
    expect([again.status, again.body.error]).toEqual([409, 'rp_state_conflict']);
    expect((await admin('POST', url(a.clientId, 'suspend'), { reason: '用户投诉调查中' })).body).toMatchObject({ status: 'suspended', statusReason: '用户投诉调查中' });
    expect((await admin('POST', url(a.clientId, 'reinstate'), {})).body).toMatchObject({ status: 'approved', statusReason: null });
    expect((await admin('POST', url(a.clientId, 'reinstate'), {})).body.error).toBe('rp_state_conflict');

    const b = await applied();
    expect((await admin('POST', url(b.clientId, 'reject'), {})).body.error).toBe('invalid_request');
    expect((await admin('POST', url(b.clientId, 'reject'), { reason: '统一社会信用代码与名称不符' })).body).toMatchObject({ status: 'rejected', statusReason: '统一社会信用代码与名称不符' });
    for (const action of ['approve', 'reinstate', 'suspend', 'reject']) {
      const r = await admin('POST', url(b.clientId, action), action === 'approve' ? { scopes: [] } : action === 'reject' ? { reason: 'x' } : {});
      expect(r.body.error, action).toBe('rp_state_conflict');
    }
    const types = (await h.platform.deps.store.relyingParties.listEvents(a.clientId)).map((e) => e.type);
    expect(types).toEqual(['rp.applied', 'rp.approved', 'rp.suspended', 'rp.reinstated']);
  });

  it('a suspended or pending RP still reads its own record, but does not authenticate for verification flows', async () => {
    const { clientId, clientSecret } = await applied();
    const creds = { authorization: basic(clientId, clientSecret) };
    expect(await codeOf(h.platform.rp.clientAuth.authenticate(creds))).toBe('rp_not_approved');
    await admin('POST', `/v1/admin/rps/${clientId}/approve`, { scopes: [] });
    expect((await h.platform.rp.clientAuth.authenticate(creds)).rp.clientId).toBe(clientId);
    await admin('POST', `/v1/admin/rps/${clientId}/suspend`, {});
    expect(await codeOf(h.platform.rp.clientAuth.authenticate(creds))).toBe('rp_suspended');
    const own = await h.request<Json>('GET', `/v1/rp/clients/${clientId}`, { headers: creds });
    expect([own.status, own.body.status]).toEqual([200, 'suspended']);
  });

  it('an unknown client id → 404 rp_not_found; the detail shows RPs sharing the sector', async () => {
    expect((await admin('GET', '/v1/admin/rps/rp_AAAAAAAAAAAAAAAAAAAAAA')).body.error).toBe('rp_not_found');
    expect((await admin('POST', '/v1/admin/rps/not-a-client/approve', { scopes: [] })).body.error).toBe('rp_not_found');
    const a = await applied({ redirectUris: ['https://shared.example.cn/a'] });
    const b = await applied({ redirectUris: ['https://shared.example.cn/b'] });
    expect((await admin('GET', `/v1/admin/rps/${b.clientId}`)).body.sectorSharedWith).toEqual([a.clientId]);
  });

  it('operator tokens and client secrets never reach the log', async () => {
    const { clientSecret } = await applied();
    await admin('GET', '/v1/admin/rps');
    const logs = h.logs();
    expect(logs).not.toContain(h.adminAuth.slice('Bearer '.length));
    expect(logs).not.toContain(clientSecret);
  });
});
