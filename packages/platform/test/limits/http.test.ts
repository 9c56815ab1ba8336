// Rate limits and lockouts over HTTP (issue #10 §4, docs/limits.md), on SQLite and PostgreSQL:
// guessing a client secret at the token endpoint and at receipt-request
// creation is refused with 429 and `Retry-After` after the configured failures — and then even
// the right secret is, until the window ends (the lockout); failures from one source across
// many client ids; the per-RP ceiling; text messages at enrollment per source and per number;
// Redis down → the platform still answers, from the stricter local limits, never a 5xx.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rejectionCode } from '../../../../test/support/errors.ts';
import { describeEachEngine } from '../support/engines.ts';
import { USCC } from '../rp/harness.ts';
import type { PrivateKey } from '@wangzheng/core/crypto/index';
import type { Issued } from '@wangzheng/wallet/enroll/enroll';
import { nodeHolder } from '@wangzheng/wallet/holder/node';
import { answerVerification } from '@wangzheng/wallet/verify';
import { ADULT, basic, deviceKey, registerRp, startRegistry, VALID_DOC, type Harness, type SharedRegistry, type TestRp } from '../oidc/harness.ts';
import { freshPhone, startPlatform } from '../enrollment/harness.ts';
import { adults, codeOf, controls, enrollHolder, startControlsPlatform } from '../person/controls-harness.ts';

let reg: SharedRegistry;
beforeAll(async () => {
  reg = await startRegistry(300, 'rate-limits');
});
afterAll(async () => reg?.close());

interface Answer {
  status: number;
  body: Record<string, unknown>;
  headers: Headers;
}

async function post(h: Harness, path: string, body: Record<string, string> | object, authorization?: string, form = false): Promise<Answer> {
  const res = await fetch(`${h.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': form ? 'application/x-www-form-urlencoded' : 'application/json', ...(authorization ? { authorization } : {}) },
    body: form ? new URLSearchParams(body as Record<string, string>).toString() : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown>, headers: res.headers };
}

const wrongSecret = (rp: TestRp): string => basic({ ...rp, secret: randomBytes(32).toString('base64url') });

describeEachEngine('client authentication: lockout after failed secrets', (engine) => {
  let h: Harness;
  let t = Date.now();
  let shop: TestRp;
  let bank: TestRp;
  beforeAll(async () => {
    h = await startPlatform(engine, reg, { issuerIsListenUrl: true, now: () => t, overrides: { 'limits.policies': 'client_fail=3/60,source_fail=8/60' } });
    shop = await registerRp(h, { category: 'internet_service', uscc: USCC.internet, alg: 'ES256', host: 'shop.example.cn' });
    bank = await registerRp(h, { category: 'internet_service', uscc: USCC.internet, alg: 'ES256', host: 'bank.example.cn' });
  });
  afterAll(async () => h?.close());

  const token = (authorization: string) => post(h, '/oauth/token', { grant_type: 'authorization_code', code: 'no-such-code', code_verifier: 'x'.repeat(43), redirect_uri: shop.redirectUri }, authorization, true);

  it('token endpoint (RFC 6749 §5.2 shape): 3 wrong secrets → 401; the 4th try, right secret included, → 429 with Retry-After until the window ends', async () => {
    expect((await token(basic(shop))).body.error).toBe('invalid_grant'); // the right secret authenticates
    for (let i = 0; i < 3; i++) expect([(await token(wrongSecret(shop))).status]).toEqual([401]);
    const locked = await token(basic(shop));
    expect(locked.status).toBe(429);
    expect(Object.keys(locked.body).sort()).toEqual(['error', 'error_description']);
    expect(locked.body.error).toBe('temporarily_unavailable');
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(Number(locked.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    // Another client from the same source is not locked out by this client's failures.
    expect((await post(h, '/oauth/token', { grant_type: 'authorization_code', code: 'no-such-code', redirect_uri: bank.redirectUri }, basic(bank), true)).body.error).toBe('invalid_grant');
    t += 59_000;
    expect((await token(basic(shop))).status).toBe(429);
    t += 1_000; // the window is over
    expect((await token(basic(shop))).body.error).toBe('invalid_grant');
  });

  it('receipt requests: the same lockout, as the JSON API renders it (429 rate_limited, Retry-After)', async () => {
    t += 120_000;
    const create = (authorization: string) => post(h, '/v1/receipt-requests', { bizSeq: `order-${randomBytes(4).toString('hex')}`, mode: 'wz' }, authorization);
    expect((await create(basic(bank))).status).toBe(201);
    for (let i = 0; i < 3; i++) expect((await create(wrongSecret(bank))).body.error).toBe('invalid_client');
    const locked = await create(basic(bank));
    expect([locked.status, locked.body.error]).toEqual([429, 'rate_limited']);
    expect(Number(locked.headers.get('retry-after'))).toBe(60);
    expect(String(locked.body.message)).not.toContain(bank.clientId);
    t += 60_000;
    expect((await create(basic(bank))).status).toBe(201);
  });

  it('per source: failures under many client ids (unknown ones too) lock the source out, for every client', async () => {
    t += 120_000;
    for (let i = 0; i < 8; i++) {
      const r = await token(basic({ clientId: `c-${randomBytes(8).toString('hex')}`, secret: 'guess', redirectUri: '' }));
      expect(r.status).toBe(401);
    }
    const locked = await token(basic(shop));
    expect(locked.status).toBe(429);
    const receipts = await post(h, '/v1/receipt-requests', { bizSeq: 'x-1', mode: 'wz' }, basic(bank));
    expect([receipts.status, receipts.body.error]).toEqual([429, 'rate_limited']);
    expect(h.logs()).not.toContain('127.0.0.1');
  });
});

describeEachEngine('operator tokens: lockout of a source after wrong tokens', (engine) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startPlatform(engine, reg, { overrides: { 'limits.policies': 'source_fail=3/60' } });
  });
  afterAll(async () => h?.close());

  it('3 wrong tokens → 401 invalid_token; then even the operator’s own token is 429 with Retry-After', async () => {
    const admin = (token: string) => fetch(`${h.url}/v1/admin/rps`, { headers: { authorization: `Bearer ${token}` } });
    const right = Buffer.from(h.platform.deps.secrets.admin[0].key).toString('base64url');
    expect((await admin(right)).status).toBe(200);
    for (let i = 0; i < 3; i++) expect((await admin(randomBytes(32).toString('base64url'))).status).toBe(401);
    const locked = await admin(right);
    expect(locked.status).toBe(429);
    expect(((await locked.json()) as { error: string }).error).toBe('rate_limited');
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});

describeEachEngine('the ceiling of one relying party', (engine) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startPlatform(engine, reg, { overrides: { 'limits.policies': 'rp_calls=3/60' } });
  });
  afterAll(async () => h?.close());

  it('every authenticated call counts; past the ceiling 429 for that RP only', async () => {
    const shop = await registerRp(h, { category: 'internet_service', uscc: USCC.internet, alg: 'ES256', host: 'shop.example.cn' });
    const bank = await registerRp(h, { category: 'internet_service', uscc: USCC.internet, alg: 'ES256', host: 'bank.example.cn' });
    const create = (rp: TestRp) => post(h, '/v1/receipt-requests', { bizSeq: `o-${randomBytes(4).toString('hex')}`, mode: 'wz' }, basic(rp));
    for (let i = 0; i < 3; i++) expect((await create(shop)).status).toBe(201);
    const over = await create(shop);
    expect([over.status, over.body.error]).toEqual([429, 'rate_limited']);
    expect(over.headers.get('retry-after')).not.toBeNull();
    expect((await create(bank)).status).toBe(201);
  });
});

describeEachEngine('text messages at enrollment', (engine) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startPlatform(engine, reg, { overrides: { 'limits.policies': 'sms_source=2/3600,sms_phone=1/3600' } });
  });
  afterAll(async () => h?.close());

  it('per source: the third phone step from one address is 429 and sends nothing', async () => {
    const people = reg.people(`d.type = 'resident_id_card' AND ${VALID_DOC} AND ${ADULT}`, [], 20);
    expect((await h.enroll(people[0]!)).status).toBe('issued');
    expect((await h.enroll(people[1]!)).status).toBe('issued');
    const sent = h.sms.sent.length;
    expect(await rejectionCode(h.enroll(people[2]!))).toBe('rate_limited');
    expect(h.sms.sent.length).toBe(sent);
  });
});

describeEachEngine('one-time codes at enrollment: wrong ones count against the source', (engine) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startPlatform(engine, reg, { overrides: { 'limits.policies': 'holder_fail=2/60' } });
  });
  afterAll(async () => h?.close());

  it('2 wrong codes from one address (the wallet types again after each); the third try is 429, and so is a right code of another enrollment', async () => {
    const people = reg.people(`d.type = 'resident_id_card' AND ${VALID_DOC} AND ${ADULT}`, [], 40).slice(30);
    const tries: (string | undefined)[] = [];
    const wrong = (phone: string) => (h.sms.lastCode(phone) === '000000' ? '000001' : '000000');
    const typing = await rejectionCode(h.enroll(people[0]!, { hardware: { ...h.hardware(people[0]!), readSmsCode: async (phone: string, refused?: unknown) => (tries.push((refused as { code?: string } | undefined)?.code), wrong(phone)) } }));
    expect(typing).toBe('rate_limited');
    expect(tries).toEqual([undefined, 'otp_invalid', 'otp_invalid']);
    expect(await rejectionCode(h.enroll(people[1]!))).toBe('rate_limited');
  });
});

describeEachEngine('text messages per phone number', (engine) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startPlatform(engine, reg, { overrides: { 'limits.policies': 'sms_phone=1/3600' } });
  });
  afterAll(async () => h?.close());

  it('a second code to the same number within the hour is 429; another number is not limited', async () => {
    const people = reg.people(`d.type = 'resident_id_card' AND ${VALID_DOC} AND ${ADULT}`, [], 20).slice(5);
    const phone = freshPhone();
    expect((await h.enroll(people[0]!, { phone })).status).toBe('issued');
    expect(await rejectionCode(h.enroll(people[1]!, { phone }))).toBe('rate_limited');
    expect((await h.enroll(people[2]!)).status).toBe('issued');
  });
});

describeEachEngine('text messages at a phone change (/v1/me/phone)', (engine) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startControlsPlatform(engine, reg, { 'limits.policies': 'sms_phone=1/3600' });
  });
  afterAll(async () => h?.close());

  it('two people asking for a code to one number within the hour: the second is 429, nothing sent', async () => {
    const [a, b] = adults(reg, 2, 12);
    const alice = await enrollHolder(h, a!);
    const bob = await enrollHolder(h, b!);
    const target = freshPhone();
    await controls(h, alice).changePhone(target);
    const sent = h.sms.sent.length;
    expect(await codeOf(controls(h, bob).changePhone(target))).toBe('rate_limited');
    expect(h.sms.sent.length).toBe(sent);
  });
});

describeEachEngine('passphrases: wrong ones count against the source too', (engine) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startPlatform(engine, reg, { overrides: { 'limits.policies': 'holder_fail=3/60' } });
  });
  afterAll(async () => h?.close());

  it('3 wrong passphrases across two 网证 from one address; then a right one is 429 before it is checked', async () => {
    const shop = await registerRp(h, { category: 'internet_service', uscc: USCC.internet, alg: 'ES256', host: 'shop.example.cn' });
    const people = reg.people(`d.type = 'resident_id_card' AND ${VALID_DOC} AND ${ADULT}`, [], 30).slice(20);
    const holders: { key: PrivateKey; issued: Issued }[] = [];
    for (const p of people.slice(0, 2)) {
      const key = deviceKey();
      holders.push({ key, issued: (await h.enroll(p, { deviceKey: key })) as Issued });
    }
    const ask = async () => {
      const r = await post(h, '/v1/receipt-requests', { bizSeq: `p-${randomBytes(4).toString('hex')}`, mode: 'wz_pass' }, basic(shop));
      return r.body as { ref: string };
    };
    const answer = async (who: (typeof holders)[number], passphrase: string) => answerVerification(h.client, { ref: (await ask()).ref, holder: nodeHolder(who.issued.credential, who.key), passphrase });
    expect(await rejectionCode(answer(holders[0]!, '11111112'))).toBe('wrong_passphrase');
    expect(await rejectionCode(answer(holders[0]!, '11111112'))).toBe('wrong_passphrase');
    expect(await rejectionCode(answer(holders[1]!, '11111112'))).toBe('wrong_passphrase');
    expect(await rejectionCode(answer(holders[1]!, '48273915'))).toBe('rate_limited');
  });
});

describeEachEngine('two server processes sharing Redis (WZ_REDIS_URL)', (engine) => {
  let a: Harness;
  let b: Harness;
  beforeAll(async () => {
    const overrides = { 'limits.redisUrl': 'redis://127.0.0.1:6379', 'limits.policies': 'client_fail=3/60' };
    a = await startPlatform(engine, reg, { issuerIsListenUrl: true, overrides });
    b = await startPlatform(engine, reg, { issuerIsListenUrl: true, overrides });
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
  });

  it('failures counted at one process lock the client out at the other', async () => {
    const shop = await registerRp(a, { category: 'internet_service', uscc: USCC.internet, alg: 'ES256', host: 'shop.example.cn' });
    const token = (h: Harness, authorization: string) => post(h, '/oauth/token', { grant_type: 'authorization_code', code: 'nope', redirect_uri: shop.redirectUri }, authorization, true);
    expect((await token(a, basic(shop))).body.error).toBe('invalid_grant');
    expect((await token(a, wrongSecret(shop))).status).toBe(401);
    expect((await token(b, wrongSecret(shop))).status).toBe(401);
    expect((await token(a, wrongSecret(shop))).status).toBe(401);
    const locked = await token(b, basic(shop));
    expect(locked.status).toBe(429);
    expect((await token(a, basic(shop))).status).toBe(429);
    expect(a.logs()).not.toContain('rate-limit store unreachable');
  });
});

describeEachEngine('Redis unreachable (WZ_REDIS_URL at a closed port)', (engine) => {
  let h: Harness;
  let shop: TestRp;
  beforeAll(async () => {
    h = await startPlatform(engine, reg, {
      issuerIsListenUrl: true,
      overrides: { 'limits.redisUrl': 'redis://127.0.0.1:6390', 'limits.fallbackDivisor': 2, 'limits.policies': 'client_fail=4/60' },
    });
    shop = await registerRp(h, { category: 'internet_service', uscc: USCC.internet, alg: 'ES256', host: 'shop.example.cn' });
  });
  afterAll(async () => h?.close());

  it('requests are answered (no 5xx) under the local limits ÷ divisor; one warning, no key in the log', async () => {
    const token = (authorization: string) => post(h, '/oauth/token', { grant_type: 'authorization_code', code: 'nope', redirect_uri: shop.redirectUri }, authorization, true);
    expect((await token(basic(shop))).body.error).toBe('invalid_grant');
    // client_fail 4 ÷ 2 = 2 locally.
    expect((await token(wrongSecret(shop))).status).toBe(401);
    expect((await token(wrongSecret(shop))).status).toBe(401);
    expect((await token(basic(shop))).status).toBe(429);
    expect(h.logs().match(/rate-limit store unreachable/g)).toHaveLength(1);
    expect(h.logs()).not.toContain(shop.clientId);
    const metrics = await h.platform.ops.metrics.registry.getSingleMetricAsString('wz_rate_limit_fallback_total');
    expect(Number(/wz_rate_limit_fallback_total (\d+)/.exec(metrics)?.[1])).toBeGreaterThan(0);
  });
});
