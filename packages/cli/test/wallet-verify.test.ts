// `wangzheng wallet verify` and `wangzheng wallet requests`: a person answering relying
// parties' verification requests from the command line, against a real platform and registry
// simulator (in-process, port 0). The RP side is @wangzheng/sdk over HTTP, so every answer is
// checked where it counts: in the receipt the RP verifies. Art. 8: result only unless the
// person consents to each field; exit codes 0 (approved / declined) / 1 (refused, failed) /
// 2 (bad input) with the exact stable code. Docs: docs/receipts.md, docs/rp-guide.en.md.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACR_VALUES } from '@wangzheng/core/verification/modes';
import { maskIdNumber, maskName } from '@wangzheng/core/verification/disclosure';
import { WangzhengClient, type Receipt } from '@wangzheng/sdk';
import type { Started } from '../src/commands/start.ts';
import { registryAdults, startTestSystem } from './support/system.ts';
import { walletRunner } from './support/wallet-runner.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'wz-wallet-verify-'));
const env = { WZ_DATA_DIR: dir };
const PASS = '48273915';
let sys: Started;


const wallet = walletRunner(env);

const WALLET = path.join(dir, 'alice');
const mine = (): string[] => ['--wallet', WALLET, '--platform', sys.platformUrl, '--registry', sys.registryUrl];
const verify = (ref: string, ...flags: string[]): string[] => ['verify', '--ref', ref, ...flags, ...mine()];
const requests = (...flags: string[]): string[] => ['requests', ...flags, '--wallet', WALLET, '--platform', sys.platformUrl];

interface Rp {
  wz: WangzhengClient;
  name: string;
}

async function makeRp(o: { category: 'bank' | 'internet_service'; alg: 'SM2' | 'ES256'; host: string; approve?: string[] }): Promise<Rp> {
  const s = sys.platform.rp.service;
  const name = `${o.host} 测试机构`;
  const r = await s.apply({
    name,
    uscc: o.category === 'bank' ? '91110000802100433B' : '914403001922038216',
    contactEmail: 'identity@example.cn',
    category: o.category,
    purpose: '开户时核验您的身份',
    redirectUris: [`https://${o.host}/cb`],
    tokenEndpointAuthMethod: 'client_secret_basic',
    idTokenSigningAlg: o.alg,
    scopes: Object.fromEntries((o.approve ?? []).map((x) => [x, `客户身份识别 ${x}`])),
  });
  await s.approve(r.clientId, 'admin:test', { scopes: o.approve ?? [], legalBasis: Object.fromEntries((o.approve ?? []).map((x) => [x, `反洗钱法 第二十九条 (${x})`])) });
  const wz = new WangzhengClient({ issuer: sys.platform.deps.issuer, baseUrl: sys.platformUrl, clientId: r.clientId, auth: { clientSecret: r.clientSecret! } });
  return { wz, name };
}

let seq = 0;
async function ask(rp: Rp, mode: 'wz' | 'wz_pass' | 'wz_face' | 'wz_pass_face', scopes?: string[]) {
  return rp.wz.createReceiptRequest({ bizSeq: `cli-${++seq}`, mode, ...(scopes ? { scopes: scopes as never } : {}) });
}
async function receiptOf(rp: Rp, requestId: string): Promise<Receipt> {
  return rp.wz.verifyReceipt(await rp.wz.fetchReceipt(requestId), { requestId });
}

let shop: Rp;
let bank: Rp;
let person: { documentType: string; documentNumber: string; name: string };

beforeAll(async () => {
  sys = await startTestSystem(dir);
  person = registryAdults(sys, 1)[0]! as typeof person;
  const enrolled = await wallet(['enroll', '--document-type', person.documentType, '--document-number', person.documentNumber, '--phone', '13900007001', '--passphrase', PASS, '--yes', ...mine()]);
  expect(enrolled.err).toBe('');
  expect(enrolled.code).toBe(0);
  shop = await makeRp({ category: 'internet_service', alg: 'ES256', host: 'shop.example.cn' });
  bank = await makeRp({ category: 'bank', alg: 'SM2', host: 'bank.example.cn', approve: ['masked_name', 'masked_phone', 'masked_id_number'] });
});
afterAll(async () => {
  await sys?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('wallet verify: approving', () => {
  it('mode 网证, result only (Art. 8): shows who asks and what it receives; exit 0; the receipt carries nothing personal', async () => {
    const req = await ask(shop, 'wz');
    const r = await wallet(verify(req.ref, '--yes', '--passphrase', PASS));
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain(`verification request from ${shop.name} (互联网服务 internet service)`);
    expect(r.out).toMatch(/purpose\s+开户时核验您的身份/);
    expect(r.out).toMatch(/mode\s+网证 \(credential\)/);
    expect(r.out).toMatch(/- result\s+核验结果 .*\(always\)/);
    expect(r.out).toMatch(/^approved: /m);
    const receipt = await receiptOf(shop, req.requestId);
    expect([receipt.result, receipt.mode, receipt.claims]).toEqual(['pass', 'wz', undefined]);
    for (const secret of [PASS, person.name, person.documentNumber]) expect(r.out + r.err).not.toContain(secret);
  });

  it('--link: the wangzheng://verify app link works the same', async () => {
    const req = await ask(shop, 'wz');
    const r = await wallet(['verify', '--link', req.link, '--yes', '--passphrase', PASS, ...mine()]);
    expect(r.code).toBe(0);
    expect((await receiptOf(shop, req.requestId)).result).toBe('pass');
  });

  it('mode 网证+口令: the passphrase is sent and checked by the platform; the receipt says wz+pass', async () => {
    const req = await ask(shop, 'wz_pass');
    const r = await wallet(verify(req.ref, '--yes', '--passphrase', PASS));
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/mode\s+网证\+口令 \(credential \+ passphrase\)/);
    expect(r.out).toContain('you prove    your 网证 on this device, your passphrase (口令)');
    const receipt = await receiptOf(shop, req.requestId);
    expect([receipt.result, receipt.acr]).toEqual(['pass', ACR_VALUES.wz_pass]);
  });

  it('mode 网证+口令+人脸 through the simulated camera (document from the sealed 网证): pass with a similarity', async () => {
    const req = await ask(shop, 'wz_pass_face');
    const r = await wallet(verify(req.ref, '--yes', '--passphrase', PASS));
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain('face: liveness capture with the simulated camera');
    const receipt = await receiptOf(shop, req.requestId);
    expect(receipt.result).toBe('pass');
    expect(receipt.face_similarity).toBeGreaterThan(0.8);
    expect(r.out).not.toContain(person.documentNumber);
  });

  it('--face other: someone else in front of the camera → exit 1, a fail receipt (face_mismatch)', async () => {
    const req = await ask(shop, 'wz_face');
    const r = await wallet(verify(req.ref, '--yes', '--passphrase', PASS, '--face', 'other'));
    expect(r.code).toBe(1);
    expect(r.err).toContain('verification failed: face_mismatch');
    expect(await receiptOf(shop, req.requestId)).toMatchObject({ result: 'fail', failure: 'face_mismatch' });
  });

  it('on a terminal: asks to confirm, then the passphrase without echo', async () => {
    const req = await ask(shop, 'wz');
    const r = await wallet(verify(req.ref), ['y', PASS]);
    expect(r.code).toBe(0);
    expect(r.prompts).toContain('Approve this verification for shop.example.cn 测试机构? 是否同意本次核验？ [y/N]');
    expect(r.prompts).toContain('passphrase (8 digits): ');
    expect(r.prompts + r.out).not.toContain(PASS);
    expect((await receiptOf(shop, req.requestId)).result).toBe('pass');
  });
});

describe('wallet verify: declining', () => {
  it('--decline: exit 0 without the passphrase; the RP gets a fail receipt (declined)', async () => {
    const req = await ask(shop, 'wz_pass');
    const r = await wallet(verify(req.ref, '--decline'));
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^declined: shop\.example\.cn 测试机构 receives a fail receipt \(declined\); nothing about you was sent$/m);
    expect(await receiptOf(shop, req.requestId)).toMatchObject({ result: 'fail', failure: 'declined' });
  });

  it('answering no on a terminal declines', async () => {
    const req = await ask(shop, 'wz');
    const r = await wallet(verify(req.ref), ['n']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain('declined: ');
    expect(await receiptOf(shop, req.requestId)).toMatchObject({ result: 'fail', failure: 'declined' });
  });
});

describe('wallet verify: consenting to fields (Art. 8, PIPL Art. 29: sensitive ones separately)', () => {
  it('shows each field with its legal basis and marks the sensitive one', async () => {
    const req = await ask(bank, 'wz', ['masked_name', 'masked_id_number']);
    const r = await wallet(verify(req.ref, '--decline'));
    expect(r.out).toMatch(/- masked_name\s+姓名（脱敏） masked name\s+\(legal basis: 反洗钱法 第二十九条 \(masked_name\)\)/);
    expect(r.out).toMatch(/- masked_id_number\s+证件号码（脱敏） masked ID number\s+\[SENSITIVE 敏感个人信息\]\s+\(legal basis: 反洗钱法 第二十九条 \(masked_id_number\)\)/);
    expect(r.out).toContain('(银行 bank)');
  });

  it('consenting to some of the fields: the platform refuses (consent_required, exit 1), the request stays open; all of them: approved, exactly those fields', async () => {
    const req = await ask(bank, 'wz', ['masked_name', 'masked_phone']);
    const some = await wallet(verify(req.ref, '--yes', '--consent', 'masked_name', '--passphrase', PASS));
    expect(some.code).toBe(1);
    expect(some.err).toContain('not consented: masked_phone');
    expect(some.err).toMatch(/\[consent_required\]$/m);
    expect((await bank.wz.getStatus(req.requestId)).status).toBe('pending');

    const all = await wallet(verify(req.ref, '--yes', '--consent', 'masked_name,masked_phone', '--passphrase', PASS));
    expect(all.code).toBe(0);
    expect(all.out).toContain('and masked_name, masked_phone');
    const receipt = await receiptOf(bank, req.requestId);
    expect(Object.keys(receipt.claims ?? {}).sort()).toEqual(['masked_name', 'masked_phone_number']);
    expect(receipt.claims!.masked_phone_number).toBe('139****7001');
  });

  it('on a terminal: the passphrase first, then each field named in both languages with the value it would receive, the sensitive one asked separately; refusing it refuses the verification', async () => {
    const req = await ask(bank, 'wz', ['masked_name', 'masked_id_number']);
    const no = await wallet(verify(req.ref), ['y', PASS, 'y', 'n']);
    // The consent questions show what would be sent (from the person's own 网证), not the internal field names.
    const share = /^Share with bank\.example\.cn 测试机构: 姓名（脱敏） masked name “(.\*+)”\? 是否同意提供以上信息？ \[y\/N\] $/m.exec(no.prompts);
    expect(share?.[1]).toBe(maskName(person.name));
    expect(no.prompts).toContain(
      `Separately, sensitive personal information: share 证件号码（脱敏） masked ID number “${maskIdNumber(person.documentNumber)}” with bank.example.cn 测试机构 (legal basis: 反洗钱法 第二十九条 (masked_id_number))? 是否单独同意提供该敏感个人信息？ [y/N]`,
    );
    expect(no.prompts).not.toMatch(/Share masked_name|share masked_id_number/);
    expect(no.prompts.indexOf('passphrase (8 digits): ')).toBeLessThan(no.prompts.indexOf('Share with'));
    expect(no.out).toMatch(/^ {4}姓名（脱敏） masked name {2}“.\*+” {2}\(legal basis: 反洗钱法 第二十九条 \(masked_name\)\)$/m);
    expect(no.out).toMatch(/^ {4}证件号码（脱敏） masked ID number {2}“\d{4}\*{10}\d{3}[\dX]” {2}\[SENSITIVE 敏感个人信息\] {2}\(legal basis: /m);
    expect(no.out + no.err + no.prompts).not.toContain(person.name);
    expect(no.out + no.err + no.prompts).not.toContain(person.documentNumber);
    expect(no.code).toBe(1);
    expect(no.err).toContain('[consent_required]');

    const yes = await wallet(verify(req.ref), ['y', PASS, 'y', 'y']);
    expect(yes.code).toBe(0);
    const receipt = await receiptOf(bank, req.requestId);
    expect(Object.keys(receipt.claims ?? {}).sort()).toEqual(['masked_document_number', 'masked_name']);
  });

  it('the masked phone number, which the wallet does not keep, is named for what it is', async () => {
    const req = await ask(bank, 'wz', ['masked_phone']);
    const r = await wallet(verify(req.ref), ['y', PASS, 'y']);
    expect(r.prompts).toContain('Share with bank.example.cn 测试机构: 手机号（脱敏） masked phone number your bound mobile number, masked like 138****5678 (the platform fills it in; this wallet does not keep it)? 是否同意提供以上信息？');
    expect(r.code).toBe(0);
    expect((await receiptOf(bank, req.requestId)).claims).toEqual({ masked_phone_number: '139****7001' });
  });

  it('--consent-all consents to every field asked', async () => {
    const req = await ask(bank, 'wz_pass', ['masked_phone']);
    const r = await wallet(verify(req.ref, '--yes', '--consent-all', '--passphrase', PASS));
    expect(r.code).toBe(0);
    expect((await receiptOf(bank, req.requestId)).claims).toEqual({ masked_phone_number: '139****7001' });
  });
});

describe('wallet verify: exit codes and messages', () => {
  it('a reference starting with "-" is read as the value of --ref, not as an option', async () => {
    const r = await wallet(verify('-AAAAAAAAAAAAAAAAAAAAA', '--yes', '--passphrase', PASS));
    expect([r.code, r.err]).toEqual([1, 'wangzheng wallet verify: No such verification request. [verification_not_found]\n']);
  });

  it('an unknown reference: exit 1, verification_not_found', async () => {
    const r = await wallet(verify('AAAAAAAAAAAAAAAAAAAAAA', '--yes', '--passphrase', PASS));
    expect(r.code).toBe(1);
    expect(r.err).toBe('wangzheng wallet verify: No such verification request. [verification_not_found]\n');
  });

  it('a reference that is already answered: exit 1, verification_answered', async () => {
    const req = await ask(shop, 'wz');
    expect((await wallet(verify(req.ref, '--yes', '--passphrase', PASS))).code).toBe(0);
    const again = await wallet(verify(req.ref, '--yes', '--passphrase', PASS));
    expect([again.code, /\[(\w+)\]\n$/.exec(again.err)?.[1]]).toEqual([1, 'verification_answered']);
  });

  it('a wrong passphrase: exit 1, wrong_passphrase; nothing was sent, the request stays open', async () => {
    const req = await ask(shop, 'wz_pass');
    const r = await wallet(verify(req.ref, '--yes', '--passphrase', '11111112'));
    expect(r.code).toBe(1);
    expect(r.err).toBe('wangzheng wallet verify: The passphrase does not open this wallet. [wrong_passphrase]\n');
    expect((await shop.wz.getStatus(req.requestId)).status).toBe('pending');
  });

  it('bad input is exit 2 before any network call: a malformed ref, both --ref and --link, an unknown field, no --yes without a terminal', async () => {
    const offline = ['--wallet', WALLET, '--platform', 'http://127.0.0.1:1'];
    const cases: [string[], RegExp][] = [
      [['verify', '--ref', 'short', '--yes', ...offline], /--ref must be the 22-character reference/],
      [['verify', '--ref', 'AAAAAAAAAAAAAAAAAAAAAA', '--link', 'wangzheng://verify?ref=AAAAAAAAAAAAAAAAAAAAAA', '--yes', ...offline], /give exactly one of --ref REF or --link LINK/],
      [['verify', '--link', 'https://evil.example/verify?ref=AAAAAAAAAAAAAAAAAAAAAA', '--yes', ...offline], /must be a wangzheng:\/\/verify link/],
      [['verify', '--ref', 'AAAAAAAAAAAAAAAAAAAAAA', '--yes', '--consent', 'favourite_colour', ...offline], /--consent takes fields from: .*\[unknown_scope\]/],
      [['verify', '--ref', 'AAAAAAAAAAAAAAAAAAAAAA', '--decline', '--yes', ...offline], /--decline goes alone/],
      [['verify', '--ref', 'AAAAAAAAAAAAAAAAAAAAAA', ...offline], /without a terminal to ask, pass --yes to approve or --decline to refuse/],
    ];
    for (const [args, message] of cases) {
      const r = await wallet(args);
      expect([r.code, r.err]).toEqual([2, expect.stringMatching(message)]);
      expect(r.err).not.toContain('cannot reach');
    }
  });

  it('a link naming another platform: exit 1, invalid_request, nothing sent', async () => {
    const req = await ask(shop, 'wz');
    const link = `wangzheng://verify?ref=${req.ref}&iss=${encodeURIComponent('https://phish.example')}`;
    const r = await wallet(['verify', '--link', link, '--yes', '--passphrase', PASS, ...mine()]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/not made at the platform that issued this wallet’s 网证; nothing was sent\. \[invalid_request\]/);
    expect((await shop.wz.getStatus(req.requestId)).status).toBe('pending');
  });

  it('the platform unreachable: exit 1, platform_unreachable', async () => {
    const r = await wallet(['verify', '--ref', 'AAAAAAAAAAAAAAAAAAAAAA', '--yes', '--passphrase', PASS, '--wallet', WALLET, '--platform', 'http://127.0.0.1:1']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/\[platform_unreachable\]/);
  });
});

describe(
  'wallet requests: re-verification addressed to the person',
  () => {
    it('none waiting: says so', async () => {
      const r = await wallet(requests('--passphrase', PASS));
      expect(r.code).toBe(0);
      expect(r.out).toBe('no requests are waiting for you\n');
    });

    it('the bank asks to re-verify; the request is listed with its message; wallet verify answers it with face; the bank gets pass for the same sub', async () => {
      const first = await ask(bank, 'wz');
      expect((await wallet(verify(first.ref, '--yes', '--passphrase', PASS))).code).toBe(0);
      const sub = (await receiptOf(bank, first.requestId)).sub!;

      const rv = await bank.wz.requestReverification({ sub, bindingMessage: '账户异常登录，请确认本人操作', bizSeq: `rv-${++seq}` });
      const list = await wallet(requests('--passphrase', PASS));
      expect(list.code).toBe(0);
      expect(list.out).toContain('1 request waiting for you:');
      expect(list.out).toContain('1. bank.example.cn 测试机构 (银行 bank) — re-verification of your account');
      expect(list.out).toMatch(/message\s+账户异常登录，请确认本人操作/);
      expect(list.out).toMatch(/mode\s+网证\+人脸 \(credential \+ face\)/);
      const ref = /wallet verify --ref=([A-Za-z0-9_-]{22})/.exec(list.out)![1]!;

      const json = JSON.parse((await wallet(requests('--json', '--passphrase', PASS))).out) as { requests: { ref: string; kind: string }[] };
      expect(json.requests).toEqual([expect.objectContaining({ ref, kind: 'reverify' })]);

      const answered = await wallet(verify(ref, '--yes', '--passphrase', PASS));
      expect(answered.code).toBe(0);
      expect(answered.out).toMatch(/message\s+账户异常登录，请确认本人操作/);
      expect(answered.out).toContain('re-verification of your account at this service');
      const receipt = await receiptOf(bank, rv.requestId);
      expect([receipt.result, receipt.sub, receipt.mode]).toEqual(['pass', sub, 'wz_face']);
      expect((await wallet(requests('--passphrase', PASS))).out).toBe('no requests are waiting for you\n');
    });

    it('a wrong passphrase: exit 1, wrong_passphrase', async () => {
      const r = await wallet(requests('--passphrase', '11111112'));
      expect([r.code, r.err]).toEqual([1, 'wangzheng wallet requests: The passphrase does not open this wallet. [wrong_passphrase]\n']);
    });
  },
);

describe('Art. 5 in the CLI wallet: a child under 14 at a service, approved by the guardian', () => {
  it('the child answers with --ward (their keystore in the guardian’s directory) → waiting; the guardian lists and approves it; the service gets pass', async () => {
    const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
    const y13 = `${Number(today.slice(0, 4)) - 13}${today.slice(4)}`;
    const db = sys.registry!.db;
    const child = db
      .prepare(
        `SELECT d.type AS documentType, d.number AS documentNumber, p.id AS id FROM documents d JOIN persons p ON p.id = d.person_id
         WHERE d.type = 'resident_id_card' AND d.lost_on IS NULL AND (d.valid_until IS NULL OR d.valid_until >= ?) AND p.birth_date > ?
           AND EXISTS (SELECT 1 FROM guardianships g JOIN documents gd ON gd.person_id = g.guardian_id WHERE g.child_id = p.id AND gd.type = 'resident_id_card' AND gd.lost_on IS NULL AND (gd.valid_until IS NULL OR gd.valid_until >= ?))
         ORDER BY d.id LIMIT 1`,
      )
      .get(today, y13, today) as { documentType: string; documentNumber: string; id: number };
    const guardian = db
      .prepare(
        `SELECT d.type AS documentType, d.number AS documentNumber FROM documents d JOIN guardianships g ON g.guardian_id = d.person_id
         WHERE g.child_id = ? AND d.type = 'resident_id_card' AND d.lost_on IS NULL AND (d.valid_until IS NULL OR d.valid_until >= ?) LIMIT 1`,
      )
      .get(child.id, today) as { documentType: string; documentNumber: string };
    const GDIR = path.join(dir, 'guardian-ward');
    const gFlags = ['--wallet', GDIR, '--platform', sys.platformUrl, '--registry', sys.registryUrl];
    const GPASS = '39571846';
    const CPASS = '62840571';
    const g = await wallet(['enroll', '--document-type', guardian.documentType, '--document-number', guardian.documentNumber, '--phone', '13900007101', '--passphrase', GPASS, '--yes', ...gFlags]);
    expect(g.err).toBe('');
    expect(g.code).toBe(0);
    const enrolled = await wallet([
      'enroll', '--document-type', child.documentType, '--document-number', child.documentNumber, '--phone', '13900007102', '--passphrase', CPASS, '--yes',
      '--guardian-wallet', GDIR, '--guardian-passphrase', GPASS, '--platform', sys.platformUrl, '--registry', sys.registryUrl,
    ]);
    expect(enrolled.err).toBe('');
    expect(enrolled.code).toBe(0);
    const netid = /网号\s+([0-9A-Z]{10})/.exec(enrolled.out)![1]!;

    const req = await ask(shop, 'wz');
    const asChild = await wallet(['verify', '--ref', req.ref, '--yes', '--passphrase', CPASS, '--ward', netid, ...gFlags]);
    expect(asChild.err).toBe('');
    expect(asChild.code).toBe(0);
    expect(asChild.out).toMatch(/guardian/i);
    expect((await shop.wz.getStatus(req.requestId)).status).toBe('pending');

    const list = await wallet(['requests', '--passphrase', GPASS, ...gFlags.slice(0, 4)]);
    expect(list.out).toContain('your ward');
    const ref = /wallet verify --ref=([A-Za-z0-9_-]{22})/.exec(list.out)![1]!;
    expect((await wallet(['verify', '--ref', ref, '--yes', '--passphrase', GPASS, ...gFlags])).code).toBe(0);
    expect((await receiptOf(shop, req.requestId)).result).toBe('pass');
    expect((await wallet(['verify', '--ref', 'AAAAAAAAAAAAAAAAAAAAAA', '--yes', '--ward', 'not-a-netid', ...gFlags])).code).toBe(2);

    // A service that asks for a field: the guardian, approving on a terminal, is not asked to
    // consent to their own values — the service receives the result only.
    const kids = await makeRp({ category: 'internet_service', alg: 'ES256', host: 'kids.example.cn', approve: ['masked_name'] });
    const kreq = await ask(kids, 'wz', ['masked_name']);
    const child2 = await wallet(['verify', '--ref', kreq.ref, '--yes', '--consent-all', '--passphrase', CPASS, '--ward', netid, ...gFlags]);
    expect(child2.code).toBe(0);
    expect((await kids.wz.getStatus(kreq.requestId)).status).toBe('pending');
    const kref = /wallet verify --ref=([A-Za-z0-9_-]{22})/.exec((await wallet(['requests', '--passphrase', GPASS, ...gFlags.slice(0, 4)])).out)![1]!;
    const approved = await wallet(['verify', '--ref', kref, ...gFlags], ['y', GPASS]);
    expect(approved.out).toMatch(/first use of your ward .\*+'s 网证 at kids\.example\.cn 测试机构: you approve for them, and it receives the result only/);
    expect(approved.prompts).not.toContain('Share with');
    expect(approved.code).toBe(0);
    const kreceipt = await receiptOf(kids, kreq.requestId);
    expect([kreceipt.result, kreceipt.claims]).toEqual(['pass', undefined]);
  });
});
