// Verification receipts (凭据), on SQLite and PostgreSQL: an RP back end creates a request, the
// person approves in the wallet with what the mode demands, the RP fetches a platform-signed
// receipt once and verifies it offline with `jose` and the published JWKS (ES256) or with
// openssl (SM2). Art. 8: result only by default; extra fields only within approved scopes and
// with the person's consent.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromB64u, rawToDer, type PrivateKey } from '@wangzheng/core/crypto/index';
import { createPresentation, presentedCredentialId } from '@wangzheng/core/credential/index';
import { deriveAppId, generateSecretEntry, parseSecretRing, type SecretRing } from '@wangzheng/core/identifiers/index';
import { ACR_VALUES } from '@wangzheng/core/verification/modes';
import { verifyReceipt } from '@wangzheng/core/verification/receipt';
import type { Issued } from '@wangzheng/wallet/enroll/enroll';
import { answerVerification, listPendingRequests } from '@wangzheng/wallet/verify';
import { PASSPHRASE_LOCK_AFTER, REQUEST_TTL_MS } from '../../src/verification/service.ts';
import { HolderVerifier } from '../../src/credential/holder.ts';
import type { StoreReader } from '../../src/store/index.ts';
import { rejectionCode as codeOf } from '../../../../test/support/errors.ts';
import { describeEachEngine } from '../support/engines.ts';
import { ADULT, deviceKey, startPlatform, startRegistry, UNDER_14, VALID_DOC, type Harness, type RegistryPerson, type SharedRegistry } from '../enrollment/harness.ts';
import { USCC } from '../rp/harness.ts';
import { nodeHolder } from '@wangzheng/wallet/holder/node';

let reg: SharedRegistry;
const dir = mkdtempSync(path.join(tmpdir(), 'wz-receipts-'));
beforeAll(async () => {
  reg = await startRegistry();
});
afterAll(async () => {
  await reg?.close();
  rmSync(dir, { recursive: true, force: true });
});

interface Rp {
  clientId: string;
  auth: string;
}

describeEachEngine('verification receipts', (engine) => {
  let h: Harness;
  let people: RegistryPerson[];
  let holder: { person: RegistryPerson; issued: Issued; key: PrivateKey };
  let bank: Rp;
  let shop: Rp;
  let seq = 0;
  let skew = 0;

  async function makeRp(o: { category: string; uscc: string; alg: 'SM2' | 'ES256'; scopes?: Record<string, string>; approve?: string[]; host: string }): Promise<Rp> {
    const s = h.platform.rp.service;
    const r = await s.apply({
      name: `${o.category} 测试机构`,
      uscc: o.uscc,
      contactEmail: 'identity@example.cn',
      category: o.category as never,
      purpose: '开户时核验您的身份',
      redirectUris: [`https://${o.host}/cb`],
      tokenEndpointAuthMethod: 'client_secret_basic',
      idTokenSigningAlg: o.alg,
      scopes: o.scopes ?? {},
    });
    await s.approve(r.clientId, 'admin:test', { scopes: o.approve ?? [], legalBasis: Object.fromEntries((o.approve ?? []).map((x) => [x, `法规依据 ${x}`])) });
    return { clientId: r.clientId, auth: `Basic ${Buffer.from(`${r.clientId}:${r.clientSecret}`).toString('base64')}` };
  }

  async function rpCall<T>(rp: Rp, method: 'GET' | 'POST', p: string, body?: unknown): Promise<{ status: number; body: T }> {
    const res = await fetch(`${h.url}${p}`, {
      method,
      headers: { authorization: rp.auth, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    return { status: res.status, body: (await res.json()) as T };
  }

  async function request(rp: Rp, mode: string, scopes?: string[]): Promise<{ requestId: string; ref: string }> {
    const r = await rpCall<{ requestId: string; ref: string; acr: string }>(rp, 'POST', '/v1/receipt-requests', { bizSeq: `order-${++seq}`, mode, ...(scopes ? { scopes } : {}) });
    expect(r.status).toBe(201);
    return r.body;
  }

  async function receipt(rp: Rp, id: string): Promise<string> {
    const r = await rpCall<{ receipt: string }>(rp, 'POST', `/v1/receipt-requests/${id}/receipt`, {});
    expect(r.status).toBe(200);
    return r.body.receipt;
  }

  function claimsOf(token: string): Record<string, unknown> {
    return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8'));
  }

  /** The `nth` child under 14 of the registry with a guardian, both enrolled (the guardian enrolls the child). */
  async function enrolledChild(nth: number): Promise<{ g: Issued; gKey: PrivateKey; c: Issued; cKey: PrivateKey }> {
    const child = reg.people(
      `d.type = 'resident_id_card' AND ${VALID_DOC} AND ${UNDER_14} AND EXISTS (SELECT 1 FROM guardianships g JOIN documents gd ON gd.person_id = g.guardian_id WHERE g.child_id = p.id AND gd.type = 'resident_id_card' AND gd.lost_on IS NULL AND (gd.valid_until IS NULL OR gd.valid_until >= date('now')))`,
      [],
      nth + 1,
    )[nth]!;
    const guardian = reg.people(`d.type = 'resident_id_card' AND ${VALID_DOC} AND p.id IN (SELECT g.guardian_id FROM guardianships g JOIN documents cd ON cd.person_id = g.child_id WHERE cd.number = ?)`, [child.documentNumber])[0]!;
    const gKey = deviceKey();
    const g = (await h.enroll(guardian, { deviceKey: gKey })) as Issued;
    const cKey = deviceKey();
    const c = (await h.enroll(child, { deviceKey: cKey, guardian: nodeHolder(g.credential, gKey) })) as Issued;
    return { g, gKey, c, cKey };
  }

  beforeAll(async () => {
    h = await startPlatform(engine, reg, { now: () => Date.now() + skew });
    people = reg.people(`d.type = 'resident_id_card' AND ${VALID_DOC} AND ${ADULT}`, [], 10);
    const key = deviceKey();
    holder = { person: people[0]!, key, issued: (await h.enroll(people[0]!, { deviceKey: key })) as Issued };
    bank = await makeRp({ category: 'bank', uscc: USCC.bank, alg: 'SM2', host: 'bank.example.cn', scopes: { masked_name: '客户身份识别', masked_id_number: '《反洗钱法》' }, approve: ['masked_name', 'masked_id_number'] });
    shop = await makeRp({ category: 'internet_service', uscc: USCC.internet, alg: 'ES256', host: 'shop.example.cn' });
  });
  afterAll(async () => h?.close());

  const approve = (ref: string, o: Partial<Parameters<typeof answerVerification>[1]> = {}) =>
    answerVerification(h.client, { ref, holder: nodeHolder(holder.issued.credential, holder.key), ...o });

  it('mode 网证, result only: the receipt carries pass, mode, time and the application identifier — nothing personal', async () => {
    const { requestId, ref } = await request(shop, 'wz');
    expect((await rpCall<{ status: string }>(shop, 'GET', `/v1/receipt-requests/${requestId}`)).body.status).toBe('pending');
    expect((await rpCall<{ error: string }>(shop, 'POST', `/v1/receipt-requests/${requestId}/receipt`, {})).body.error).toBe('verification_pending');
    expect((await approve(ref)).status).toBe('approved');
    const token = await receipt(shop, requestId);
    const c = claimsOf(token);
    expect(Object.keys(c).sort()).toEqual(['acr', 'aud', 'biz_seq', 'iat', 'iss', 'jti', 'mode', 'result', 'service_time', 'sub'].sort());
    expect([c.result, c.mode, c.acr, c.aud, c.jti]).toEqual(['pass', 'wz', ACR_VALUES.wz, shop.clientId, requestId]);
    expect(c.sub).toMatch(/^A[0-9A-Z]{25}$/);
    const text = Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8');
    for (const v of [holder.person.name, holder.person.documentNumber, holder.person.birthDate, holder.issued.netid]) expect(text).not.toContain(v);
  });

  it('the receipt verifies offline with jose and the published JWKS (ES256); alg is pinned', async () => {
    const { requestId, ref } = await request(shop, 'wz');
    await approve(ref);
    const token = await receipt(shop, requestId);
    const jwks = createLocalJWKSet((await (await fetch(`${h.url}/.well-known/jwks.json`)).json()) as never);
    const { payload, protectedHeader } = await jwtVerify(token, jwks, { algorithms: ['ES256'], issuer: h.platform.deps.issuer, audience: shop.clientId, typ: 'wz-receipt+jwt' });
    expect([protectedHeader.alg, payload['result']]).toEqual(['ES256', 'pass']);
    expect(verifyReceipt(token, { keys: h.platform.deps.signing.intl, algorithms: ['ES256'], issuer: h.platform.deps.issuer, audience: shop.clientId }).result).toBe('pass');
  });

  it('the same person gets a different application identifier at each relying party, stable at one', async () => {
    const subs: Record<string, unknown> = {};
    for (const rp of [shop, bank, shop]) {
      const { requestId, ref } = await request(rp, 'wz');
      await approve(ref);
      subs[`${rp.clientId}-${Object.keys(subs).length}`] = claimsOf(await receipt(rp, requestId)).sub;
    }
    const [a, b, c] = Object.values(subs);
    expect(a).toBe(c);
    expect(a).not.toBe(b);
  });

  it('rotating the appid key keeps the identifier an RP already knows; a new RP gets one under the new key', async () => {
    const first = await request(shop, 'wz');
    await approve(first.ref);
    const before = claimsOf(await receipt(shop, first.requestId)).sub;
    const deps = (h.platform.verification as unknown as { deps: { appidKeys: SecretRing } }).deps;
    const original = deps.appidKeys;
    deps.appidKeys = parseSecretRing([generateSecretEntry('rotated-2'), ...original.map((k) => `${k.id}:${Buffer.from(k.key).toString('base64url')}`)]);
    try {
      const again = await request(shop, 'wz');
      await approve(again.ref);
      expect(claimsOf(await receipt(shop, again.requestId)).sub).toBe(before);
      // A relying party the person never met gets a value under the new key.
      const fresh = await makeRp({ category: 'internet_service', uscc: USCC.internet, alg: 'ES256', host: 'fresh.example.cn' });
      const r = await request(fresh, 'wz');
      await approve(r.ref);
      const sub = claimsOf(await receipt(fresh, r.requestId)).sub as string;
      expect(sub).toBe(deriveAppId({ key: deps.appidKeys[0].key, netid: holder.issued.netid, sector: `fresh.example.cn#${fresh.clientId}` }));
    } finally {
      deps.appidKeys = original;
    }
  });

  it('mode 网证+口令 with approved extra fields: an SM2 receipt with masked fields the person consented to, verified by openssl', async () => {
    const { requestId, ref } = await request(bank, 'wz_pass', ['masked_name', 'masked_id_number']);
    // No consent to the fields → refused, request stays pending.
    expect(await codeOf(approve(ref, { passphrase: '48273915' }))).toBe('consent_required');
    expect((await approve(ref, { passphrase: '48273915', consent: (v) => v.scopes.filter((s) => s.scope !== 'result').map((s) => s.scope) })).status).toBe('approved');
    const token = await receipt(bank, requestId);
    const c = claimsOf(token);
    expect(c.claims).toEqual({ masked_name: expect.stringMatching(/^.\*+$/u), masked_document_number: `${holder.person.documentNumber.slice(0, 4)}**********${holder.person.documentNumber.slice(-4)}` });
    expect(c.acr).toBe(ACR_VALUES.wz_pass);
    const [hd, pl, sg] = token.split('.') as [string, string, string];
    writeFileSync(path.join(dir, 'in'), `${hd}.${pl}`);
    writeFileSync(path.join(dir, 'sig'), rawToDer(fromB64u(sg)!));
    writeFileSync(path.join(dir, 'pub.pem'), h.platform.deps.signing.gm.signer.publicKey.toPem());
    const out = execFileSync('openssl', ['dgst', '-sm3', '-verify', path.join(dir, 'pub.pem'), '-sigopt', 'distid:1234567812345678', '-signature', path.join(dir, 'sig'), path.join(dir, 'in')], { encoding: 'utf8' });
    expect(out).toMatch(/Verified OK/);
    const person = await h.platform.deps.store.persons.findByNetid(holder.issued.netid);
    const consents = (await h.platform.deps.store.consents.listByPerson(person!.id)).map((x) => [x.subject, x.scope]);
    // PIPL Art. 29: the sensitive field's consent is recorded separately.
    expect(consents).toContainEqual([`rp:${bank.clientId}`, 'masked_name']);
    expect(consents).toContainEqual([`rp:${bank.clientId}:sensitive`, 'masked_id_number']);
  });

  it('PIPL Art. 29: a sensitive field consented only together with the ordinary ones → consent_required', async () => {
    const { ref } = await request(bank, 'wz', ['masked_name', 'masked_id_number']);
    const view = await h.client.get<{ nonce: string; audience: string }>(`/v1/verifications/${ref}`);
    const presentation = createPresentation(holder.issued.credential, { disclose: [], holderKey: holder.key, audience: view.audience, nonce: view.nonce });
    expect(
      await codeOf(h.client.post(`/v1/verifications/${ref}/answer`, { approve: true, presentation, consent: { scopes: ['masked_name', 'masked_id_number'] } })),
    ).toBe('consent_required');
  });

  it('a presentation for another audience, or a stale one, is refused; an expired request cannot be answered', async () => {
    const { ref } = await request(shop, 'wz');
    const view = await h.client.get<{ nonce: string; audience: string }>(`/v1/verifications/${ref}`);
    const elsewhere = createPresentation(holder.issued.credential, { disclose: [], holderKey: holder.key, audience: 'https://rp.example.cn', nonce: view.nonce });
    expect(await codeOf(h.client.post(`/v1/verifications/${ref}/answer`, { approve: true, presentation: elsewhere }))).toBe('invalid_presentation');
    const stale = createPresentation(holder.issued.credential, { disclose: [], holderKey: holder.key, audience: view.audience, nonce: view.nonce, issuedAt: Math.floor(Date.now() / 1000) - 3600 });
    expect(await codeOf(h.client.post(`/v1/verifications/${ref}/answer`, { approve: true, presentation: stale }))).toBe('invalid_presentation');
    skew = REQUEST_TTL_MS + 1000;
    try {
      expect(await codeOf(approve(ref))).toBe('verification_expired');
    } finally {
      skew = 0;
    }
  });

  it('a presentation whose payload is edited to name another person’s 网证 is refused; that 网证 is read, never used', async () => {
    const otherKey = deviceKey();
    const other = (await h.enroll(people[1]!, { deviceKey: otherKey })) as Issued;
    const otherId = claimsOf(other.credential.split('~')[0]!)['jti'] as string;
    const { ref, requestId } = await request(shop, 'wz');
    const view = await h.client.get<{ nonce: string; audience: string }>(`/v1/verifications/${ref}`);
    const vp = createPresentation(holder.issued.credential, { disclose: [], holderKey: holder.key, audience: view.audience, nonce: view.nonce });
    const [jwt, ...rest] = vp.split('~');
    const [hd, pl, sg] = jwt!.split('.') as [string, string, string];
    const edited = Buffer.from(JSON.stringify({ ...claimsOf(jwt!), jti: otherId })).toString('base64url');
    expect(edited).not.toBe(pl);
    expect(await codeOf(h.client.post(`/v1/verifications/${ref}/answer`, { approve: true, presentation: [`${hd}.${edited}.${sg}`, ...rest].join('~') }))).toBe('signature_mismatch');
    // The request is still the person's to answer, with their own presentation.
    expect((await approve(ref)).status).toBe('approved');
    expect(claimsOf(await receipt(shop, requestId))['result']).toBe('pass');
  });

  it('HolderVerifier uses a credential read beside the request only if it is the one the verified presentation names', async () => {
    const real = h.platform.deps.store.reader;
    let reads = 0;
    const reader = { credentials: { findPresented: (id: string) => (reads++, real.credentials.findPresented(id)) } } as unknown as StoreReader;
    const d = h.platform.deps;
    const holders = new HolderVerifier({ store: { reader }, protector: d.protector, signing: [d.signing.gm, d.signing.intl], issuerUrl: d.issuer, now: Date.now });
    const vp = createPresentation(holder.issued.credential, { disclose: [], holderKey: holder.key, audience: d.issuer, nonce: 'holder-read' });
    const id = presentedCredentialId(vp)!;
    const found = await real.credentials.findPresented(id);
    expect((await holders.authenticate(vp, 'holder-read', { id, found })).credential.id).toBe(id);
    expect(reads).toBe(0);
    expect((await holders.authenticate(vp, 'holder-read', { id: `${id}x`, found: undefined })).credential.id).toBe(id);
    expect(reads).toBe(1);
    expect(await codeOf(holders.authenticate(vp, 'holder-read', { id, found: undefined }))).toBe('invalid_credential');
  });

  it('an RP asking beyond its approved scope is refused, never trimmed (scope_not_approved)', async () => {
    const r = await rpCall<{ error: string }>(shop, 'POST', '/v1/receipt-requests', { bizSeq: `x-${++seq}`, mode: 'wz', scopes: ['masked_name'] });
    expect([r.status, r.body.error]).toEqual([403, 'scope_not_approved']);
  });

  it('a reused bizSeq is refused; a fetched receipt cannot be fetched again; another RP cannot see the request', async () => {
    const first = await rpCall<{ requestId: string; ref: string }>(shop, 'POST', '/v1/receipt-requests', { bizSeq: 'dup-1', mode: 'wz' });
    const again = await rpCall<{ error: string }>(shop, 'POST', '/v1/receipt-requests', { bizSeq: 'dup-1', mode: 'wz' });
    expect([again.status, again.body.error]).toEqual([409, 'biz_seq_reused']);
    expect((await rpCall<{ error: string }>(bank, 'GET', `/v1/receipt-requests/${first.body.requestId}`)).body.error).toBe('verification_not_found');
    await approve(first.body.ref);
    await receipt(shop, first.body.requestId);
    const twice = await rpCall<{ error: string }>(shop, 'POST', `/v1/receipt-requests/${first.body.requestId}/receipt`, {});
    expect([twice.status, twice.body.error]).toEqual([409, 'receipt_already_fetched']);
    // The wallet cannot answer an answered request either.
    expect(await codeOf(approve(first.body.ref))).toBe('verification_answered');
  });

  it('a declined request gives a fail receipt; a replayed presentation (another request’s nonce) is refused', async () => {
    const a = await request(shop, 'wz');
    const b = await request(shop, 'wz');
    expect((await approve(a.ref, { approve: false })).status).toBe('declined');
    const declined = claimsOf(await receipt(shop, a.requestId));
    expect(declined).toMatchObject({ result: 'fail', failure: 'declined' });
    expect(Object.keys(declined).sort()).toEqual(['acr', 'aud', 'biz_seq', 'failure', 'iat', 'iss', 'jti', 'mode', 'result', 'service_time'].sort());
    // A presentation made for request b, replayed on a fresh request c.
    const view = await h.client.get<{ nonce: string; audience: string }>(`/v1/verifications/${b.ref}`);
    const vp = createPresentation(holder.issued.credential, { disclose: [], holderKey: holder.key, audience: view.audience, nonce: view.nonce });
    const c = await request(shop, 'wz');
    expect(await codeOf(h.client.post(`/v1/verifications/${c.ref}/answer`, { approve: true, presentation: vp }))).toBe('invalid_presentation');
    expect((await h.client.post<{ status: string }>(`/v1/verifications/${b.ref}/answer`, { approve: true, presentation: vp })).status).toBe('approved');
  });

  it('mode 网证+人脸: the receipt carries the similarity; someone else’s face gives a fail receipt', async () => {
    const hw = h.hardware(holder.person);
    const ok = await request(shop, 'wz_face');
    expect((await approve(ok.ref, { captureFace: hw.captureFace })).status).toBe('approved');
    const c = claimsOf(await receipt(shop, ok.requestId));
    expect(c.result).toBe('pass');
    expect(c.face_similarity).toBeGreaterThan(0.8);
    const RESULT_ONLY = ['acr', 'aud', 'biz_seq', 'iat', 'iss', 'jti', 'mode', 'result', 'service_time'];
    expect(Object.keys(c).sort()).toEqual([...RESULT_ONLY, 'face_similarity', 'sub'].sort());
    const bad = await request(shop, 'wz_face');
    const other = h.hardware(holder.person, 'other');
    expect((await approve(bad.ref, { captureFace: other.captureFace })).status).toBe('failed');
    const f = claimsOf(await receipt(shop, bad.requestId));
    expect([f.result, f.failure, f.sub]).toEqual(['fail', 'face_mismatch', undefined]);
    expect(f.face_similarity).toBeLessThan(0.8);
    expect(Object.keys(f).sort()).toEqual([...RESULT_ONLY, 'face_similarity', 'failure'].sort());
  });

  it(`the passphrase locks after ${PASSPHRASE_LOCK_AFTER} wrong tries; then even the right one is refused (passphrase_locked)`, async () => {
    const key = deviceKey();
    const p = people[1]!;
    const issued = (await h.enroll(p, { deviceKey: key })) as Issued;
    const r = await request(shop, 'wz_pass');
    const ans = (pass: string) => answerVerification(h.client, { ref: r.ref, holder: nodeHolder(issued.credential, key), passphrase: pass });
    for (let i = 1; i < PASSPHRASE_LOCK_AFTER; i++) expect(await codeOf(ans('11111112'))).toBe('wrong_passphrase');
    expect(await codeOf(ans('11111112'))).toBe('passphrase_locked');
    expect(claimsOf(await receipt(shop, r.requestId))).toMatchObject({ result: 'fail', failure: 'passphrase_locked' });
    const r2 = await request(shop, 'wz_pass');
    expect(await codeOf(answerVerification(h.client, { ref: r2.ref, holder: nodeHolder(issued.credential, key), passphrase: '48273915' }))).toBe('passphrase_locked');
  });

  it('a revoked 网证 (re-enrolled since) cannot approve', async () => {
    const key = deviceKey();
    const p = people[2]!;
    const old = (await h.enroll(p, { deviceKey: key })) as Issued;
    await h.enroll(p);
    const r = await request(shop, 'wz');
    expect(await codeOf(answerVerification(h.client, { ref: r.ref, holder: nodeHolder(old.credential, key) }))).toBe('credential_revoked');
  });

  it('Art. 5: a child under 14’s first use at an RP waits for the guardian’s approval in the guardian’s wallet; later uses at that RP do not', async () => {
    const { g, gKey, c, cKey } = await enrolledChild(0);

    const r = await request(shop, 'wz');
    expect((await answerVerification(h.client, { ref: r.ref, holder: nodeHolder(c.credential, cKey) })).status).toBe('awaiting_guardian');
    // The RP sees only "pending" — not that the person is a child.
    expect((await rpCall<{ status: string }>(shop, 'GET', `/v1/receipt-requests/${r.requestId}`)).body.status).toBe('pending');
    expect((await rpCall<{ error: string }>(shop, 'POST', `/v1/receipt-requests/${r.requestId}/receipt`, {})).body.error).toBe('verification_pending');
    // The guardian's wallet lists it, with the child's masked name; the guardian approves.
    const list = await listPendingRequests(h.client, nodeHolder(g.credential, gKey));
    expect(list).toHaveLength(1);
    expect(list[0]!.ward?.name).toMatch(/^.\*+$/u);
    expect((await answerVerification(h.client, { ref: list[0]!.ref, holder: nodeHolder(g.credential, gKey) })).status).toBe('approved');
    const first = claimsOf(await receipt(shop, r.requestId));
    expect(first.result).toBe('pass');
    // The second use at the same RP needs no guardian; the identifier is the same.
    const r2 = await request(shop, 'wz');
    expect((await answerVerification(h.client, { ref: r2.ref, holder: nodeHolder(c.credential, cKey) })).status).toBe('approved');
    expect(claimsOf(await receipt(shop, r2.requestId)).sub).toBe(first.sub);
    // Another RP: the guardian again.
    const r3 = await request(bank, 'wz');
    expect((await answerVerification(h.client, { ref: r3.ref, holder: nodeHolder(c.credential, cKey) })).status).toBe('awaiting_guardian');
  });

  it('Art. 5: without the guardian the request stays pending, then fails with guardian_approval_missing', async () => {
    const { g, gKey, c, cKey } = await enrolledChild(1);
    const r = await request(shop, 'wz');
    expect((await answerVerification(h.client, { ref: r.ref, holder: nodeHolder(c.credential, cKey) })).status).toBe('awaiting_guardian');
    skew = REQUEST_TTL_MS + 1000;
    try {
      expect((await rpCall<{ status: string }>(shop, 'GET', `/v1/receipt-requests/${r.requestId}`)).body.status).toBe('expired');
      expect(claimsOf(await receipt(shop, r.requestId))).toMatchObject({ result: 'fail', failure: 'guardian_approval_missing' });
    } finally {
      skew = 0;
    }
  });

  it('no authentication → 401 invalid_client; unknown reference → verification_not_found', async () => {
    const res = await fetch(`${h.url}/v1/receipt-requests`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ bizSeq: 'n', mode: 'wz' }) });
    expect(res.status).toBe(401);
    expect(await codeOf(h.client.get('/v1/verifications/AAAAAAAAAAAAAAAAAAAAAA'))).toBe('verification_not_found');
  });
});
