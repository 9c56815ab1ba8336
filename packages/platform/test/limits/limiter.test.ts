// Rate limits (issue #10 §4, §2, §3): the fixed-window contract on the memory backend and on
// Redis at 127.0.0.1:6379 (a random key prefix per test, removed afterwards); two limiters on
// one Redis share counts as two server processes would; Redis down or silent → the stricter
// local limits answer, nothing throws, one warning per outage, counted as a fallback.
import { createServer, Socket, type Server } from 'node:net';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { KeyHasher, MemoryLimiter, parsePolicies, RateLimits, RedisLimiter, sourceKey, type Policies } from '../../src/limits/index.ts';
import { loadConfig } from '../../src/config.ts';
import { rejectionCode } from '../../../../test/support/errors.ts';

const REDIS_URL = process.env['WZ_TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const CLOSED_PORT_URL = 'redis://127.0.0.1:6390';
const POLICIES: Policies = parsePolicies('client_fail=3/60,source_fail=5/60,sms_phone=4/1');

function recordingLogger() {
  const lines: { level: string; obj: unknown; msg: string }[] = [];
  return {
    lines,
    warn: (obj: unknown, msg: string) => void lines.push({ level: 'warn', obj, msg }),
    info: (obj: unknown, msg: string) => void lines.push({ level: 'info', obj, msg }),
  };
}

describe('memory backend: fixed windows', () => {
  it('admits exactly the limit, then refuses with the seconds left; the window end admits again', async () => {
    let t = 1_000_000;
    const m = new MemoryLimiter({ policies: POLICIES, now: () => t });
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await m.hit('client_fail', 'k'));
    expect(answers.map((a) => a.allowed)).toEqual([true, true, true, false]);
    expect(answers.map((a) => a.remaining)).toEqual([2, 1, 0, 0]);
    expect(answers[3]!.retryAfterS).toBe(60);
    t += 59_001;
    expect(await m.hit('client_fail', 'k')).toMatchObject({ allowed: false, retryAfterS: 1 });
    t += 999; // the window ends: 60 s after its first hit
    expect(await m.hit('client_fail', 'k')).toMatchObject({ allowed: true, remaining: 2 });
  });

  it('peek counts nothing and says whether one more would pass', async () => {
    const m = new MemoryLimiter({ policies: POLICIES, now: () => 5 });
    expect(await m.peek('client_fail', 'k')).toMatchObject({ allowed: true, remaining: 3 });
    for (let i = 0; i < 3; i++) await m.hit('client_fail', 'k');
    expect(await m.peek('client_fail', 'k')).toMatchObject({ allowed: false, retryAfterS: 60 });
    expect(await m.peek('client_fail', 'other')).toMatchObject({ allowed: true });
    expect(await m.peek('source_fail', 'k')).toMatchObject({ allowed: true, remaining: 5 });
  });

  it('bounded: a flood of distinct keys never holds more than maxKeys windows', async () => {
    const m = new MemoryLimiter({ policies: POLICIES, now: () => 5, maxKeys: 1000 });
    for (let i = 0; i < 20_000; i++) await m.hit('source_fail', `10.0.${i >> 8}.${i & 255}`);
    expect(m.size).toBeLessThanOrEqual(1000);
  });

  it('expired windows are swept, not kept', async () => {
    let t = 0;
    const m = new MemoryLimiter({ policies: POLICIES, now: () => t, maxKeys: 100 });
    for (let i = 0; i < 100; i++) await m.hit('sms_phone', `a${i}`);
    t += 2000; // sms_phone windows are 1 s here
    for (let i = 0; i < 10; i++) await m.hit('sms_phone', `b${i}`);
    expect(m.size).toBe(10);
  });
});

describe('keys', () => {
  it('IPv4 as given; IPv6 by its /64; IPv4-mapped as IPv4', () => {
    expect(sourceKey('203.0.113.7')).toBe('203.0.113.7');
    expect(sourceKey('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(sourceKey('2001:db8:1:2:ffff:ffff:ffff:ffff')).toBe('2001:db8:1:2::/64');
    expect(sourceKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(sourceKey('::1')).toBe('0:0:0:0::/64');
    expect(sourceKey('::ffff:192.0.2.1')).toBe('192.0.2.1');
    expect(sourceKey(undefined)).toBe('unknown');
  });

  it('client ids and phone numbers only as keyed digests, the same in every process with the same secret', () => {
    const secret = randomBytes(32);
    const a = new KeyHasher(secret).keyOf('phone', '13912345678');
    expect(a).toBe(new KeyHasher(Uint8Array.from(secret)).keyOf('phone', '13912345678'));
    expect(a).not.toContain('13912345678');
    expect(a).not.toBe(new KeyHasher(randomBytes(32)).keyOf('phone', '13912345678'));
    expect(new KeyHasher(secret).keyOf('client', '13912345678')).not.toBe(a);
  });

  it("a client's key is made once and stays the same, also after the kept keys start over", () => {
    const secret = randomBytes(32);
    const h = new KeyHasher(secret);
    const first = h.keyOf('client', 'wz_client_a');
    expect(h.keyOf('client', 'wz_client_a')).toBe(first);
    for (let i = 0; i < 10_001; i++) h.keyOf('client', `wz_other_${i}`); // past the bound: the kept keys start over
    expect(h.keyOf('client', 'wz_client_a')).toBe(first);
    expect(new KeyHasher(Uint8Array.from(secret)).keyOf('client', 'wz_client_a')).toBe(first);
    expect(h.keyOf('client', 'wz_client_b')).not.toBe(first);
  });
});

describe('policies: WZ_RATE_LIMITS and the configuration', () => {
  it('overrides named policies, keeps the rest, refuses what it does not know', () => {
    const p = parsePolicies('client_fail=5/30, sms_phone=3/3600');
    expect(p.client_fail).toEqual({ limit: 5, windowS: 30 });
    expect(p.sms_phone).toEqual({ limit: 3, windowS: 3600 });
    expect(p.rp_calls).toEqual({ limit: 300_000, windowS: 60 });
    for (const bad of ['nope=1/60', 'client_fail=0/60', 'client_fail=5/0', 'client_fail=5/90000', 'client_fail=5']) expect(() => parsePolicies(bad)).toThrow(TypeError);
  });

  it('config: defaults, WZ_REDIS_URL and a bad spec naming the variable, not the value', () => {
    const c = loadConfig({}, {});
    expect(c.limits).toMatchObject({ fallbackDivisor: 2 });
    expect(c.limits.redisUrl).toBeUndefined();
    expect(c.limits.policies.client_fail).toEqual({ limit: 10, windowS: 60 });
    expect(loadConfig({ WZ_REDIS_URL: 'redis://127.0.0.1:6379/0', WZ_RATE_LIMITS: 'source_fail=7/60' }).limits).toMatchObject({ redisUrl: 'redis://127.0.0.1:6379/0', policies: { source_fail: { limit: 7, windowS: 60 } } });
    expect(() => loadConfig({ WZ_RATE_LIMITS: 'secret_thing=1/1' })).toThrow(/WZ_RATE_LIMITS/);
    expect(() => loadConfig({ WZ_RATE_LIMITS: 'secret_thing=1/1' })).not.toThrow(/secret_thing/);
    expect(() => loadConfig({ WZ_REDIS_URL: 'http://x' })).toThrow(/WZ_REDIS_URL/);
  });
});

describe('guard: lockout of a secret check', () => {
  it('failures count; past the limit even a success is refused before it runs (429, Retry-After); successes count nothing', async () => {
    let t = 0;
    const limits = new RateLimits({ limiter: new MemoryLimiter({ policies: POLICIES, now: () => t }), keys: new KeyHasher(randomBytes(32)) });
    const checks = limits.clientChecks('client-a', '203.0.113.9');
    const wrong = () => limits.failures(checks, async () => Promise.reject(Object.assign(new Error('wrong'), { wrong: true })), (e) => (e as { wrong?: boolean }).wrong === true);
    let ran = 0;
    const right = () => limits.failures(checks, async () => ++ran, () => true);
    for (let i = 0; i < 5; i++) await right();
    expect(ran).toBe(5);
    for (let i = 0; i < 3; i++) expect(await rejectionCode(wrong())).toBe('not a WzError: Error: wrong');
    const refused = await right().catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: 'rate_limited', status: 429, retryAfterS: 60 });
    expect(ran).toBe(5);
    t += 60_000;
    expect(await right()).toBe(6);
  });
});

describe('Redis backend (127.0.0.1:6379)', () => {
  const admin = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  const open: RedisLimiter[] = [];
  let prefix = '';
  const make = (o: Partial<ConstructorParameters<typeof RedisLimiter>[0]> = {}) => {
    const l = new RedisLimiter({ url: REDIS_URL, policies: POLICIES, fallbackDivisor: 2, logger: recordingLogger(), prefix, ...o });
    open.push(l);
    return l;
  };
  afterEach(async () => {
    await Promise.all(open.splice(0).map((l) => l.close()));
    const keys = await admin.keys(`${prefix}*`);
    if (keys.length > 0) await admin.del(...keys);
  });
  afterAll(() => admin.disconnect());

  it('counts atomically in one window, refuses past the limit with the TTL left, and sets an expiry', async () => {
    prefix = `wz:test:${randomBytes(6).toString('hex')}:`;
    const l = make();
    expect(await l.ready()).toBe(true);
    const answers = await Promise.all(Array.from({ length: 5 }, () => l.hit('client_fail', 'k')));
    expect(answers.filter((a) => a.allowed)).toHaveLength(3);
    const refused = answers.find((a) => !a.allowed)!;
    expect(refused.retryAfterS).toBeGreaterThanOrEqual(59);
    expect(refused.retryAfterS).toBeLessThanOrEqual(60);
    const ttl = await admin.pttl(`${prefix}client_fail:k`);
    expect(ttl).toBeGreaterThan(58_000);
    expect(await l.peek('client_fail', 'k')).toMatchObject({ allowed: false });
    expect(await l.peek('client_fail', 'absent')).toMatchObject({ allowed: true, remaining: 3 });
    expect(await admin.exists(`${prefix}client_fail:absent`)).toBe(0);
  });

  it('two limiters (two server processes) share one count', async () => {
    prefix = `wz:test:${randomBytes(6).toString('hex')}:`;
    const a = make();
    const b = make();
    expect(await a.ready()).toBe(true);
    expect(await b.ready()).toBe(true);
    expect((await a.hit('source_fail', '198.51.100.1')).remaining).toBe(4);
    expect((await b.hit('source_fail', '198.51.100.1')).remaining).toBe(3);
    expect((await a.hit('source_fail', '198.51.100.1')).remaining).toBe(2);
    await b.hit('source_fail', '198.51.100.1');
    await a.hit('source_fail', '198.51.100.1');
    expect((await b.hit('source_fail', '198.51.100.1')).allowed).toBe(false);
    expect((await a.peek('source_fail', '198.51.100.1')).allowed).toBe(false);
    expect(a.degraded || b.degraded).toBe(false);
  });

  it('the window ends with the key’s expiry', async () => {
    prefix = `wz:test:${randomBytes(6).toString('hex')}:`;
    const l = make();
    await l.ready();
    for (let i = 0; i < 4; i++) expect((await l.hit('sms_phone', 'p')).allowed).toBe(true);
    expect((await l.hit('sms_phone', 'p')).allowed).toBe(false);
    await new Promise((r) => setTimeout(r, 1100));
    expect((await l.hit('sms_phone', 'p')).allowed).toBe(true);
  });
});

describe('Redis down → stricter local limits, no fall-over', () => {
  it('a closed port: answers at once from the fallback with the limit ÷ divisor, warns once, counts fallbacks, never throws', async () => {
    const logger = recordingLogger();
    let fallbacks = 0;
    const l = new RedisLimiter({ url: CLOSED_PORT_URL, policies: POLICIES, fallbackDivisor: 2, logger, metrics: { limited: () => {}, fallback: () => void fallbacks++ } });
    try {
      expect(await l.ready(300)).toBe(false);
      const t0 = performance.now();
      const answers = [];
      for (let i = 0; i < 6; i++) answers.push(await l.hit('source_fail', '192.0.2.50'));
      expect(performance.now() - t0).toBeLessThan(500);
      // source_fail is 5 per window; alone, this process admits floor(5 / 2) = 2.
      expect(answers.map((a) => a.allowed)).toEqual([true, true, false, false, false, false]);
      expect(answers[2]!.retryAfterS).toBe(60);
      expect(l.degraded).toBe(true);
      expect(fallbacks).toBe(6);
      const warnings = logger.lines.filter((x) => x.level === 'warn');
      expect(warnings).toHaveLength(1);
      expect(JSON.stringify(logger.lines)).not.toContain('192.0.2.50');
    } finally {
      await l.close();
    }
  });

  it('a Redis that accepts and never answers: each answer within the short deadline, from the fallback', async () => {
    const sockets: Socket[] = [];
    const silent: Server = createServer((s) => void sockets.push(s));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', () => r()));
    const port = (silent.address() as { port: number }).port;
    const l = new RedisLimiter({ url: `redis://127.0.0.1:${port}`, policies: POLICIES, fallbackDivisor: 3, logger: recordingLogger(), timeoutMs: 50 });
    try {
      await l.ready(100);
      const t0 = performance.now();
      const answers = [];
      for (let i = 0; i < 3; i++) answers.push(await l.hit('client_fail', 'k'));
      expect(performance.now() - t0).toBeLessThan(400);
      // client_fail is 3; divided by 3 → 1.
      expect(answers.map((a) => a.allowed)).toEqual([true, false, false]);
    } finally {
      await l.close();
      for (const s of sockets) s.destroy();
      await new Promise((r) => silent.close(r));
    }
  });

  it('back to the shared count when Redis answers again', async () => {
    // A Redis on a port of our choosing: a proxy to the real one that can be switched off.
    let up = false;
    const conns: Socket[] = [];
    const proxy = createServer((client) => {
      if (!up) return void client.destroy();
      conns.push(client);
      const upstream = new Socket();
      conns.push(upstream);
      upstream.connect(6379, '127.0.0.1');
      client.pipe(upstream).pipe(client);
      client.on('error', () => upstream.destroy());
      upstream.on('error', () => client.destroy());
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', () => r()));
    const port = (proxy.address() as { port: number }).port;
    const prefix = `wz:test:${randomBytes(6).toString('hex')}:`;
    const logger = recordingLogger();
    const l = new RedisLimiter({ url: `redis://127.0.0.1:${port}`, policies: POLICIES, fallbackDivisor: 2, logger, prefix, retryMs: 100 });
    const admin = new Redis(REDIS_URL);
    try {
      expect(await l.ready(200)).toBe(false);
      expect((await l.hit('client_fail', 'k')).allowed).toBe(true);
      expect(l.degraded).toBe(true);
      up = true;
      expect(await l.ready(5000)).toBe(true);
      await l.hit('client_fail', 'k');
      expect(l.degraded).toBe(false);
      expect(await admin.get(`${prefix}client_fail:k`)).toBe('1');
      expect(logger.lines.map((x) => x.level)).toEqual(['warn', 'info']);
    } finally {
      await l.close();
      for (const c of conns) c.destroy();
      await new Promise((r) => proxy.close(r));
      const keys = await admin.keys(`${prefix}*`);
      if (keys.length > 0) await admin.del(...keys);
      admin.disconnect();
    }
  });
});
