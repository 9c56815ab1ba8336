// After verifications that disclosed the most an RP can be approved for (full name and ID
// number, with the person's separate consent), the platform database still holds no plaintext
// name, document number, phone number or birth date: outcomes are sealed under each person's
// data key, the RP's identifier for them is only a keyed digest.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Issued } from '@wangzheng/wallet/enroll/enroll';
import { answerVerification } from '@wangzheng/wallet/verify';
import { wholeDump } from '../support/dump.ts';
import { describeEachEngine } from '../support/engines.ts';
import type { SyntheticPerson } from '../support/people.ts';
import { PlaintextDetector, summarise } from '../support/plaintext.ts';
import { ADULT, deviceKey, freshPhone, startPlatform, startRegistry, VALID_DOC, type Harness, type SharedRegistry } from '../enrollment/harness.ts';
import { USCC } from '../rp/harness.ts';
import { nodeHolder } from '@wangzheng/wallet/holder/node';

let reg: SharedRegistry;
beforeAll(async () => {
  reg = await startRegistry();
});
afterAll(async () => reg?.close());

describeEachEngine('no plaintext personal data after verifications that disclosed name and ID number', (engine) => {
  let h: Harness;
  const people: SyntheticPerson[] = [];

  beforeAll(async () => {
    h = await startPlatform(engine, reg);
    const s = h.platform.rp.service;
    const r = await s.apply({
      name: '测试银行',
      uscc: USCC.bank,
      contactEmail: 'identity@example.cn',
      category: 'bank',
      purpose: '开户核验',
      redirectUris: ['https://bank.example.cn/cb'],
      tokenEndpointAuthMethod: 'client_secret_basic',
      idTokenSigningAlg: 'SM2',
      scopes: { full_name_and_id_number: '《反洗钱法》第二十九条', masked_phone: '联系' },
    });
    await s.approve(r.clientId, 'admin:test', { scopes: ['full_name_and_id_number', 'masked_phone'], legalBasis: { full_name_and_id_number: 'AML-29', masked_phone: 'KYC' } });
    const auth = `Basic ${Buffer.from(`${r.clientId}:${r.clientSecret}`).toString('base64')}`;
    for (const [i, p] of reg.people(`d.type = 'resident_id_card' AND ${VALID_DOC} AND ${ADULT}`, [], 12).entries()) {
      const key = deviceKey();
      const phone = freshPhone();
      const issued = (await h.enroll(p, { deviceKey: key, phone })) as Issued;
      people.push({ name: p.name, sex: 'M', birthDate: p.birthDate, documentType: 'resident_id', documentNumber: p.documentNumber, phone, personRef: '' });
      const post = async (path: string, body: unknown) =>
        (await fetch(`${h.url}${path}`, { method: 'POST', headers: { authorization: auth, 'content-type': 'application/json' }, body: JSON.stringify(body) })).json() as Promise<Record<string, string>>;
      const req = await post('/v1/receipt-requests', { bizSeq: `kyc-${i}`, mode: 'wz', scopes: ['full_name_and_id_number', 'masked_phone'] });
      const a = await answerVerification(h.client, { ref: req.ref!, holder: nodeHolder(issued.credential, key), consent: (v) => v.scopes.filter((x) => x.scope !== 'result').map((x) => x.scope) });
      expect(a.status).toBe('approved');
      // The RP received them in clear (it is approved for it) — the platform keeps none.
      const receipt = (await post(`/v1/receipt-requests/${req.requestId}/receipt`, {})).receipt!;
      const claims = JSON.parse(Buffer.from(receipt.split('.')[1]!, 'base64url').toString()).claims;
      expect(claims.document_number).toBe(p.documentNumber);
    }
  }, 120_000);
  afterAll(async () => h?.close());

  it('the dump holds none of it', async () => {
    const haystacks = await wholeDump(h.storeConfig);
    expect(haystacks.some((x) => x.where.includes('verification_requests'))).toBe(true);
    expect(summarise(new PlaintextDetector(people).scan(haystacks))).toEqual([]);
  });
});
