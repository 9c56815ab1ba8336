// Issue 10 §4, the secrets that route handlers check on their own (http/lockout.ts,
// docs/limits.md): the /metrics bearer token, operator tokens on /v1/admin/*, and the person's
// passphrases under /v1/me/*. Wrong ones are counted per source; past the limit every try from
// that source — the right secret included — is refused with 429 `rate_limited` and `Retry-After`
// until the window ends. Two apps over one Redis (a random key prefix) stand for two server
// processes: they share the count, so N processes do not give N × the guesses. The person's
// lockout covers only the routes that check a secret: the locked-out source still reads its
// status, locks its 网证 and resets its passphrase with the face.
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSecretEntry, parseSecretRing } from '@wangzheng/core/identifiers/index';
import { AdminAuthenticator } from '../../src/admin/auth.ts';
import { parseRoleMap } from '../../src/admin/roles.ts';
import { operatorOf } from '../../src/http/operator.ts';
import { ME_SECRET_ROUTES, ruleFor } from '../../src/http/lockout.ts';
import { DEFAULT_POLICIES, KeyHasher, MemoryLimiter, parsePolicies, RateLimits, RedisLimiter } from '../../src/limits/index.ts';
import { PlatformMetrics, Readiness, registerOpsRoutes } from '../../src/ops/index.ts';
import { createHttpApp } from '../../src/server/http.ts';
import { describeEachEngine } from '../support/engines.ts';
import { startRegistry, type Harness, type SharedRegistry } from '../enrollment/harness.ts';
import { adults, camera, controls, enrollHolder, PASSPHRASE, startControlsPlatform, type Holder } from '../person/controls-harness.ts';
import { boundFor } from '../person/support.ts';

const REDIS_URL = process.env['WZ_TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const silent = pino({ level: 'silent' });
const METRICS_TOKEN = randomBytes(24).toString('base64url');
const ATTACKER = '203.0.113.9';
const ELSEWHERE = '198.51.100.4';

/** A platform process as far as these routes go: the HTTP app, /metrics with a token, one admin route. */
function processApp(limits: RateLimits | undefined, admin: AdminAuthenticator): FastifyInstance {
  const app = createHttpApp({ bodyLimit: 100_000, logger: silent, ...(limits ? { limits } : {}) });
  const metrics = new PlatformMetrics({ processMetrics: false });
  registerOpsRoutes(app, { registry: metrics.registry, readiness: new Readiness({ ping: async () => 1 }), health: { store: 'sqlite', suite: 'gm' }, mode: 'production', metricsToken: METRICS_TOKEN });
  app.get('/v1/admin/probe', async (req, reply) => ({ actor: operatorOf(admin, req, reply, 'operator') }));
  return app;
}

const get = async (app: FastifyInstance, url: string, authorization: string | undefined, from = ATTACKER) => {
  const r = await app.inject({ method: 'GET', url, remoteAddress: from, headers: authorization ? { authorization } : {} });
  const json = String(r.headers['content-type'] ?? '').startsWith('application/json');
  return { status: r.statusCode, code: json ? (r.json() as { error?: string }).error : undefined, retryAfter: r.headers['retry-after'] };
};
const bearer = (t: string) => `Bearer ${t}`;
const wrong = () => bearer(randomBytes(24).toString('base64url'));

describe('the metrics token and operator tokens, counted in Redis by two processes', () => {
  const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  const ring = parseSecretRing(generateSecretEntry('ops-1'));
  const operatorToken = bearer(Buffer.from(ring[0]!.key).toString('base64url'));
  const policies = parsePolicies('source_fail=4/2');
  const prefix = `wz:test:${randomBytes(6).toString('hex')}:`;
  const limiters: RedisLimiter[] = [];
  const shared = (): RateLimits => {
    // A generous deadline: this is about sharing the count, not about a slow Redis (limiter.test.ts).
    const limiter = new RedisLimiter({ url: REDIS_URL, policies, fallbackDivisor: 1, logger: silent, prefix, timeoutMs: 2_000 });
    limiters.push(limiter);
    return new RateLimits({ limiter, keys: new KeyHasher(new Uint8Array(32)) });
  };
  // Each process also keeps admin/auth.ts's own in-process count, as the platform does.
  const process = () => processApp(shared(), new AdminAuthenticator(ring, parseRoleMap('ops-1=operator'), new MemoryLimiter({ policies })));
  let a: FastifyInstance;
  let b: FastifyInstance;

  beforeAll(async () => {
    await redis.connect();
    [a, b] = [process(), process()];
    await Promise.all([...limiters.map((l) => l.ready(2000))]);
  });
  afterAll(async () => {
    await Promise.all([a?.close(), b?.close(), ...limiters.map((l) => l.close())]);
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  });

  it('/metrics: 4 wrong tokens spread over two processes → 401 each; the 5th try, the right token included, → 429 on both until the window ends', async () => {
    expect((await get(a, '/metrics', bearer(METRICS_TOKEN))).status).toBe(200);
    for (const app of [a, b, a, b]) expect(await get(app, '/metrics', wrong())).toMatchObject({ status: 401, code: 'invalid_token' });
    for (const app of [a, b]) {
      const r = await get(app, '/metrics', bearer(METRICS_TOKEN));
      expect(r).toMatchObject({ status: 429, code: 'rate_limited' });
      expect(Number(r.retryAfter)).toBeGreaterThanOrEqual(1);
      expect(Number(r.retryAfter)).toBeLessThanOrEqual(2);
    }
    // Another source is not locked out; a missing token is not a wrong one (not counted).
    expect((await get(b, '/metrics', bearer(METRICS_TOKEN), ELSEWHERE)).status).toBe(200);
    expect(await get(b, '/metrics', undefined, ELSEWHERE)).toMatchObject({ status: 401, code: 'unauthenticated' });
    // The shared counter holds the four failures (and no key holds the token).
    const keys = await redis.keys(`${prefix}*`);
    expect(keys).toEqual([`${prefix}source_fail:${ATTACKER}`]);
    expect(await redis.get(keys[0]!)).toBe('4');
    await new Promise((r) => setTimeout(r, 2_100));
    expect((await get(a, '/metrics', bearer(METRICS_TOKEN))).status).toBe(200);
  });

  it('operator tokens: the lockout is shared — 4 wrong tokens over two processes lock both (each process alone would allow 4)', async () => {
    const from = '203.0.113.77';
    expect(await get(a, '/v1/admin/probe', operatorToken, from)).toMatchObject({ status: 200 });
    for (const app of [a, b, a, b]) expect(await get(app, '/v1/admin/probe', wrong(), from)).toMatchObject({ status: 401, code: 'invalid_token' });
    // Each process has counted only 2 in its own memory: it is the shared count that refuses.
    for (const app of [a, b]) expect(await get(app, '/v1/admin/probe', operatorToken, from)).toMatchObject({ status: 429, code: 'rate_limited' });
    // The console's session cookie (no Authorization header) is not an operator-token guess: not refused here.
    expect(await get(a, '/v1/admin/probe', undefined, from)).toMatchObject({ status: 401, code: 'unauthenticated' });
    expect((await get(a, '/v1/admin/probe', operatorToken, ELSEWHERE)).status).toBe(200);
  });
});

describe('without shared limits: the app counts in its own memory (default policies)', () => {
  it(`/metrics: ${DEFAULT_POLICIES.source_fail.limit} wrong tokens → then 429, the right token included`, async () => {
    const app = processApp(undefined, new AdminAuthenticator(parseSecretRing(generateSecretEntry('ops-1'))));
    try {
      for (let i = 0; i < DEFAULT_POLICIES.source_fail.limit; i++) expect((await get(app, '/metrics', wrong())).status).toBe(401);
      expect(await get(app, '/metrics', bearer(METRICS_TOKEN))).toMatchObject({ status: 429, code: 'rate_limited' });
      expect((await get(app, '/metrics', bearer(METRICS_TOKEN), ELSEWHERE)).status).toBe(200);
    } finally {
      await app.close();
    }
  });
});

describe('which routes are covered', () => {
  it('the person routes that check a passphrase or a code, and no other /v1/me route', () => {
    for (const r of ME_SECRET_ROUTES) expect(ruleFor(r)?.policy).toBe('holder_fail');
    for (const r of ['/v1/me/status', '/v1/me/lock', '/v1/me/nonce', '/v1/me/devices/revoke', '/v1/me/passphrase/reset', '/v1/me/face-challenge', '/v1/me/credential-status']) expect(ruleFor(r)).toBeUndefined();
    expect(ruleFor('/v1/admin/rps/:clientId/approve')?.policy).toBe('source_fail');
    expect(ruleFor('/metrics')?.policy).toBe('source_fail');
    expect(ruleFor('/v1/administrator')).toBeUndefined();
  });
});

let reg: SharedRegistry;
beforeAll(async () => {
  reg = await startRegistry(60, 'me-lockout');
});
afterAll(async () => reg?.close());

describeEachEngine('/v1/me passphrases: per source (holder_fail) and per holder (the 网证’s own lock)', (engine) => {
  let h: Harness;
  let alice: Holder;
  let bob: Holder;
  const LIMIT = DEFAULT_POLICIES.holder_fail.limit;
  const NEW = '59381726';

  /** POST a bound passphrase change from `from` (a fresh nonce, signed by the holder's device). */
  const change = async (who: Holder, old: string, from: string) => {
    const body = await boundFor(h, who, '/v1/me/passphrase', { old, new: NEW });
    const r = await h.platform.app.inject({ method: 'POST', url: '/v1/me/passphrase', payload: body, remoteAddress: from });
    return { status: r.statusCode, code: (r.json() as { error?: string }).error, retryAfter: r.headers['retry-after'] };
  };
  const plain = async (who: Holder, path: string, from: string) => {
    const r = await h.platform.app.inject({ method: 'POST', url: path, payload: await boundFor(h, who, path), remoteAddress: from });
    return r.statusCode;
  };

  beforeAll(async () => {
    h = await startControlsPlatform(engine, reg);
    const [a, b] = adults(reg, 2);
    alice = await enrollHolder(h, a!);
    bob = await enrollHolder(h, b!);
  });
  afterAll(async () => h?.close());

  it(`${LIMIT} wrong tries from one source → then 429 with Retry-After, even for another holder’s right passphrase; nothing changed`, async () => {
    const codes = new Map<string, number>();
    for (let i = 0; i < LIMIT; i++) {
      const r = await change(alice, '00000000', ATTACKER);
      codes.set(`${r.status} ${r.code}`, (codes.get(`${r.status} ${r.code}`) ?? 0) + 1);
    }
    // The 网证’s own lock (per holder) after 5 wrong: every later try is refused without hashing, and still counts here.
    expect(Object.fromEntries(codes)).toEqual({ '401 wrong_passphrase': 4, '423 passphrase_locked': LIMIT - 4 });
    const before = await h.platform.deps.store.passphrases.find(bob.personId);
    const refused = await change(bob, PASSPHRASE, ATTACKER);
    expect(refused).toMatchObject({ status: 429, code: 'rate_limited' });
    expect(Number(refused.retryAfter)).toBeGreaterThanOrEqual(1);
    expect(Number(refused.retryAfter)).toBeLessThanOrEqual(DEFAULT_POLICIES.holder_fail.windowS);
    expect(await h.platform.deps.store.passphrases.find(bob.personId)).toEqual(before);
  });

  it('the locked-out source still reaches what needs no secret: status, lock, devices', async () => {
    expect(await plain(bob, '/v1/me/status', ATTACKER)).toBe(200);
    expect(await plain(bob, '/v1/me/devices', ATTACKER)).toBe(200);
    expect(await plain(bob, '/v1/me/lock', ATTACKER)).toBe(200);
  });

  it('another source is not locked out: bob’s right passphrase works there; alice stays locked per holder (423) from anywhere', async () => {
    expect(await change(bob, PASSPHRASE, ELSEWHERE)).toMatchObject({ status: 200 });
    expect(await change(alice, PASSPHRASE, ELSEWHERE)).toMatchObject({ status: 423, code: 'passphrase_locked' });
  });

  it('the face reset is not covered: from the locked-out source alice gets back in with her face; her new passphrase then works elsewhere', async () => {
    const { nonce } = await controls(h, alice).faceChallenge();
    const probe = await camera(reg, alice.person)(nonce);
    const path = '/v1/me/passphrase/reset';
    const reset = await h.platform.app.inject({ method: 'POST', url: path, payload: await boundFor(h, alice, path, { challenge: nonce, probe, new: '71942853' }), remoteAddress: ATTACKER });
    expect(reset.statusCode).toBe(200);
    const ok = await h.platform.app.inject({ method: 'POST', url: '/v1/me/passphrase', payload: await boundFor(h, alice, '/v1/me/passphrase', { old: '71942853', new: '83917264' }), remoteAddress: ELSEWHERE });
    expect(ok.statusCode).toBe(200);
  });
});

describeEachEngine('the platform hands its own limits to the lockouts (WZ_RATE_LIMITS reaches them)', (engine) => {
  let h: Harness;
  let carol: Holder;
  beforeAll(async () => {
    h = await startControlsPlatform(engine, reg, { 'limits.policies': 'holder_fail=3/60' });
    carol = await enrollHolder(h, adults(reg, 1, 2)[0]!);
  });
  afterAll(async () => h?.close());

  it('holder_fail=3/60: the 4th try from one source is 429, not a 4th wrong_passphrase (the default policy would allow 120)', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      const body = await boundFor(h, carol, '/v1/me/passphrase', { old: '00000000', new: '59381726' });
      statuses.push((await h.platform.app.inject({ method: 'POST', url: '/v1/me/passphrase', payload: body, remoteAddress: '198.51.100.77' })).statusCode);
    }
    expect(statuses).toEqual([401, 401, 401, 429]);
  });
});
