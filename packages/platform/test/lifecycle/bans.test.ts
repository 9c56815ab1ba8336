// Nationwide bans (封禁), on SQLite and PostgreSQL: an operator bans a 网号 with a reason and a
// legal reference; every 网证 of the person is suspended at once — visible in the Token Status
// List (decoded with @sd-jwt/jwt-status-list) within a second — and refused by verification;
// the person cannot enroll again; the unban goes the same way back. Four eyes: the requester
// cannot approve their own ban. Bad input answers a stable 4xx and changes nothing.
import { getListFromStatusListJWT } from '@sd-jwt/jwt-status-list';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
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
  reg = await startRegistry(60, 'lifecycle-bans');
});
afterAll(async () => reg?.close());

type Json = Record<string, unknown> & { error?: string; id?: string; state?: string };

function statusIdx(credential: string): { idx: number; uri: string } {
  const payload = JSON.parse(Buffer.from(credential.split('~')[0]!.split('.')[1]!, 'base64url').toString('utf8'));
  return payload.status.status_list;
}

describeEachEngine('nationwide bans', (engine) => {
  let h: Harness;
  let adminAuth: string;
  let people: RegistryPerson[];
  let holder: { person: RegistryPerson; issued: Issued; key: PrivateKey };
  let shopAuth: string;
  let seq = 0;

  const call = async (method: 'GET' | 'POST', p: string, body?: unknown, authorization = adminAuth): Promise<{ status: number; body: Json; headers: Headers }> => {
    const res = await fetch(`${h.url}${p}`, {
      method,
      headers: { ...(authorization ? { authorization } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    return { status: res.status, body: (await res.json()) as Json, headers: res.headers };
  };

  /** The status the platform's list gives the holder's 网证 right now (0 valid, 1 revoked, 2 suspended). */
  async function listStatus(credential: string): Promise<number> {
    const { idx, uri } = statusIdx(credential);
    const path = new URL(uri).pathname;
    const res = await fetch(`${h.url}${path}`);
    expect(res.status).toBe(200);
    return getListFromStatusListJWT(await res.text()).getStatus(idx);
  }

  /** What a verifier revalidating the holder's list with its cached ETag gets: 304, or 200 with the new ETag. */
  async function revalidate(credential: string, etag: string): Promise<{ status: number; etag: string | null }> {
    const res = await fetch(`${h.url}${new URL(statusIdx(credential).uri).pathname}`, { headers: { 'if-none-match': etag } });
    await res.arrayBuffer();
    return { status: res.status, etag: res.headers.get('etag') };
  }

  /** A receipt request by the shop answered by the holder: the answer's status or error code. */
  async function verifyOnce(): Promise<string> {
    const r = await call('POST', '/v1/receipt-requests', { bizSeq: `ban-${++seq}`, mode: 'wz' }, shopAuth);
    expect(r.status).toBe(201);
    try {
      return (await answerVerification(h.client, { ref: r.body['ref'] as string, holder: nodeHolder(holder.issued.credential, holder.key) })).status;
    } catch (e) {
      return (await codeOf(Promise.reject(e))) as string;
    }
  }

  beforeAll(async () => {
    h = await startPlatform(engine, reg);
    adminAuth = `Bearer ${Buffer.from(h.platform.deps.secrets.admin[0]!.key).toString('base64url')}`;
    people = reg.people(`d.type = 'resident_id_card' AND ${VALID_DOC} AND ${ADULT}`, [], 4);
    const key = deviceKey();
    holder = { person: people[0]!, key, issued: (await h.enroll(people[0]!, { deviceKey: key })) as Issued };
    const s = h.platform.rp.service;
    const r = await s.apply({
      name: '测试商城',
      uscc: USCC.internet,
      contactEmail: 'identity@example.cn',
      category: 'internet_service',
      purpose: '注册时核验身份',
      redirectUris: ['https://shop.example.cn/cb'],
      tokenEndpointAuthMethod: 'client_secret_basic',
      scopes: {},
    });
    await s.approve(r.clientId, 'admin:test', { scopes: [] });
    shopAuth = `Basic ${Buffer.from(`${r.clientId}:${r.clientSecret}`).toString('base64')}`;
  });
  afterAll(async () => h?.close());

  it('status lists are herd-private: a 2^20-entry list served whole, the index drawn at random', async () => {
    const { idx } = statusIdx(holder.issued.credential);
    const res = await fetch(`${h.url}${new URL(statusIdx(holder.issued.credential).uri).pathname}`);
    const list = getListFromStatusListJWT(await res.text());
    expect(list.getStatus(idx)).toBe(0);
    // The whole list decodes: its last position exists (and is valid), whatever the index.
    expect(list.getStatus((1 << 20) - 1)).toBe(0);
    expect(res.headers.get('etag')).toMatch(/^"[A-Za-z0-9_-]+"$/);
    expect(res.headers.get('cache-control')).toBe('public, no-cache');
    // A revalidation of an unchanged list is a 304 that neither compresses nor signs anything.
    const signs = vi.spyOn(h.platform.deps.signing.gm, 'signJws');
    try {
      const again = await fetch(res.url, { headers: { 'if-none-match': res.headers.get('etag')! } });
      expect(again.status).toBe(304);
      expect(signs).not.toHaveBeenCalled();
      const stale = await fetch(res.url, { headers: { 'if-none-match': '"not-this-one"' } });
      expect(stale.status).toBe(200);
      // The list built a moment ago is handed out again (StatusListTokens); at most one build after a second.
      expect(signs.mock.calls.length).toBeLessThanOrEqual(1);
      expect(stale.headers.get('etag')).toBe(res.headers.get('etag'));
    } finally {
      signs.mockRestore();
    }
    // A second person's index is not the next one (sequential indexes would reveal issuance order).
    const other = (await h.enroll(people[1]!)) as Issued;
    expect(statusIdx(other.credential).idx).not.toBe(idx + 1);
  });

  it('bad input: no token 401; invalid 网号 400; unknown 网号 404; unknown reason 400 — nothing changes', async () => {
    const none = await call('POST', '/v1/admin/bans', { netid: holder.issued.netid, reason: 'fraud', legalRef: '《反电信网络诈骗法》第三十一条' }, '');
    expect([none.status, none.body.error]).toEqual([401, 'unauthenticated']);
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer realm=/);
    expect((await call('POST', '/v1/admin/bans', { netid: 'NOTANETID0', reason: 'fraud', legalRef: '依据' })).body.error).toBe('invalid_netid');
    const unknown = holder.issued.netid.startsWith('2') ? `3${holder.issued.netid.slice(1)}` : `2${holder.issued.netid.slice(1)}`;
    const u = await call('POST', '/v1/admin/bans', { netid: unknown, reason: 'fraud', legalRef: '依据' });
    expect(u.status === 404 ? u.body.error : 'invalid_netid').toMatch(/^(unknown_netid|invalid_netid)$/);
    expect((await call('POST', '/v1/admin/bans', { netid: holder.issued.netid, reason: 'dislike', legalRef: '依据' })).status).toBe(400);
    expect((await call('GET', '/v1/admin/bans')).body['items']).toEqual([]);
    expect(await verifyOnce()).toBe('approved');
  });

  it('a ban suspends the 网证 at once: on the very next fetch of the status list, refused by verification; re-enrollment refused; unban restores', async () => {
    expect(await listStatus(holder.issued.credential)).toBe(0);
    const before = (await revalidate(holder.issued.credential, '"none"')).etag!;
    const t0 = performance.now();
    const b = await call('POST', '/v1/admin/bans', { netid: holder.issued.netid, reason: 'fraud', legalRef: '《反电信网络诈骗法》第三十一条' });
    expect([b.status, b.body.state]).toEqual([201, 'active']);
    // The very next fetch of the list after the ban answers shows it: no cache stands between.
    expect(await listStatus(holder.issued.credential)).toBe(2);
    const ms = performance.now() - t0;
    console.log(`[bans ${engine.name}] ban request → status list shows SUSPENDED: ${ms.toFixed(0)} ms`);
    // A verifier revalidating with the ETag it had gets the changed list, not a 304.
    const banned = await revalidate(holder.issued.credential, before);
    expect(banned.status).toBe(200);
    expect(banned.etag).not.toBe(before);

    // Every flow checks the holder in one place (credential/holder.ts): the answer path shared by
    // receipts and OpenID Connect, and the wallet's pending list of re-verification requests.
    expect(await verifyOnce()).toBe('credential_revoked');
    expect(await codeOf(listPendingRequests(h.client, nodeHolder(holder.issued.credential, holder.key)))).toBe('credential_revoked');
    const twice = await call('POST', '/v1/admin/bans', { netid: holder.issued.netid, reason: 'fraud', legalRef: '依据' });
    expect([twice.status, twice.body.error]).toEqual([409, 'ban_exists']);
    expect(await codeOf(h.enroll(holder.person))).toBe('netid_banned');

    const u = await call('POST', '/v1/admin/unbans', { netid: holder.issued.netid, legalRef: '复核撤销' });
    expect([u.status, u.body.state]).toEqual([200, 'lifted']);
    expect(await listStatus(holder.issued.credential)).toBe(0);
    // The same statuses as before the ban: the same validator again.
    expect(await revalidate(holder.issued.credential, before)).toEqual({ status: 304, etag: before });
    expect(await verifyOnce()).toBe('approved');
    const again = await call('POST', '/v1/admin/unbans', { netid: holder.issued.netid, legalRef: '复核撤销' });
    expect([again.status, again.body.error]).toEqual([409, 'not_banned']);
  });

  it('the audit trail records the ban and the unban under the operator, with no 网号 in it', async () => {
    const entries = await h.platform.deps.store.reader.audit.list({ limit: 100 });
    const actions = entries.map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['netid.ban_requested', 'netid.banned', 'netid.unban_requested', 'netid.unbanned']));
    expect(JSON.stringify(entries)).not.toContain(holder.issued.netid);
    // Legal references enter the never-erased trail only as digests — each entry the one it rests on.
    const ref = (action: string) => entries.find((e) => e.action === action)?.data['legalRef'];
    expect(ref('netid.banned')).toBe(h.platform.audit.digest('《反电信网络诈骗法》第三十一条'));
    expect(ref('netid.unbanned')).toBe(h.platform.audit.digest('复核撤销'));
    expect(JSON.stringify(entries)).not.toContain('反电信网络诈骗法');
  });

  describe('four eyes', () => {
    it('the requester cannot approve their own ban; a second operator can; until then the 网证 works', async () => {
      const { Bans } = await import('../../src/lifecycle/index.ts');
      const d = h.platform.deps;
      const bans = new Bans({ store: d.store, protector: d.protector, blindIndexer: d.blindIndexer, fourEyes: true });
      const req = await bans.ban('admin:alice', { netid: holder.issued.netid, reason: 'identity_theft', legalRef: '公安机关协查函' });
      expect(req.state).toBe('requested');
      expect(await listStatus(holder.issued.credential)).toBe(0);
      expect(await codeOf(bans.approve('admin:alice', req.id))).toBe('four_eyes_required');
      expect((await bans.approve('admin:bob', req.id)).state).toBe('active');
      expect(await listStatus(holder.issued.credential)).toBe(2);
      const un = await bans.unban('admin:bob', { netid: holder.issued.netid, legalRef: '复核撤销' });
      expect(un.state).toBe('unban_requested');
      expect(await codeOf(bans.approveUnban('admin:bob', req.id))).toBe('four_eyes_required');
      expect((await bans.approveUnban('admin:alice', req.id)).state).toBe('lifted');
      expect(await listStatus(holder.issued.credential)).toBe(0);
    });
  });
});
