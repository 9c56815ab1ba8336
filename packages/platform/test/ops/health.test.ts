// Issue 10 §2/§3, liveness apart from the store, and one log line per database outage:
// - GET /healthz reads nothing outside the process: 200 while the store is closed (readiness
//   says 503), 503 `stalled` only when the event loop's heartbeat fell more than 5 s behind;
// - a request refused with 503 `store_unavailable` is logged at `error` once per outage and at
//   `debug` after that; when the store answers again (a success on a route it refused, or
//   /readyz 200) one `info` line gives the outage's length and how many requests it refused.
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WzError } from '@wangzheng/core/errors';
import { Liveness } from '../../src/ops/liveness.ts';
import { PlatformMetrics, Readiness, registerOpsRoutes } from '../../src/ops/index.ts';
import { createHttpApp } from '../../src/server/http.ts';
import { StoreOutageLog } from '../../src/http/store-outage.ts';
import { describeEachEngine } from '../support/engines.ts';
import { startRegistry, startRpPlatform, type RpHarness, type SharedRegistry } from '../rp/harness.ts';
import { capturingLogger } from './support.ts';

describe('Liveness: the event loop’s heartbeat', () => {
  it('ok while the heartbeat keeps up; stalled just past stallMs behind; ok again at the next beat', () => {
    let t = 1_000_000;
    const l = new Liveness({ tickMs: 500, stallMs: 5_000, now: () => t });
    expect(l.check()).toEqual({ status: 'ok', eventLoopDelayMs: 0 });
    t += 500 + 5_000; // exactly stallMs late: still ok
    expect(l.check()).toEqual({ status: 'ok', eventLoopDelayMs: 5_000 });
    t += 1;
    expect(l.check()).toEqual({ status: 'stalled', eventLoopDelayMs: 5_001 });
    l.beat();
    expect(l.check().status).toBe('ok');
  });

  it('stallMs must exceed tickMs', () => {
    expect(() => new Liveness({ tickMs: 500, stallMs: 500 })).toThrow(TypeError);
  });

  it('the real timer: a started heartbeat keeps a live process ok', async () => {
    const l = new Liveness({ tickMs: 20, stallMs: 1_000 });
    l.start();
    await new Promise((r) => setTimeout(r, 120));
    expect(l.check().status).toBe('ok');
    expect(l.check().eventLoopDelayMs).toBeLessThan(1_000);
    l.stop();
  });
});

describe('GET /healthz', () => {
  const app = (liveness: Liveness, ping: () => Promise<unknown>) => {
    const a = createHttpApp({ bodyLimit: 1000, logger: pino({ level: 'silent' }) });
    registerOpsRoutes(a, { registry: new PlatformMetrics({ processMetrics: false }).registry, readiness: new Readiness({ ping }), health: { ping, store: 'postgres', suite: 'intl' }, mode: 'development', liveness });
    return a;
  };

  it('asks nothing of the store: 200 while its ping fails, and /readyz 503', async () => {
    let pinged = 0;
    const a = app(new Liveness(), async () => {
      pinged++;
      throw new WzError('store_unavailable', 'down');
    });
    const r = await a.inject({ method: 'GET', url: '/healthz' });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({ status: 'ok', store: 'postgres', suite: 'intl' });
    expect(r.headers['cache-control']).toBe('no-store');
    expect(pinged).toBe(0);
    expect((await a.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(503);
    expect(pinged).toBe(1);
    await a.close();
  });

  it('a stalled event loop: 503 `stalled` with the delay; ok again after a beat', async () => {
    let t = 0;
    const l = new Liveness({ tickMs: 500, stallMs: 5_000, now: () => t });
    const a = app(l, async () => 1);
    t = 6_000;
    const r = await a.inject({ method: 'GET', url: '/healthz' });
    expect([r.statusCode, r.json()]).toEqual([503, { status: 'stalled', store: 'postgres', suite: 'intl', eventLoopDelayMs: 5_500 }]);
    l.beat();
    expect((await a.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    await a.close();
  });
});

describe('StoreOutageLog: one error line per outage', () => {
  const levels = (lines: Record<string, unknown>[]) => lines.filter((l) => l['msg'] !== 'request').map((l) => `${l['level']} ${l['msg']}${l['outage'] ? ` ${l['outage']}` : ''}`);

  it('50 refusals → 1 error + 49 debug; a success on a refused route ends it with duration and count; the next outage logs again', async () => {
    const log = capturingLogger();
    let down = true;
    const a = createHttpApp({ bodyLimit: 1000, logger: log.logger, accessLog: false });
    a.get('/v1/things', async () => {
      if (down) throw new WzError('store_unavailable', 'the database is unavailable', { retryAfterS: 2, detail: 'ECONNREFUSED' });
      return { ok: true };
    });
    a.get('/v1/other', async () => ({ ok: true }));
    a.post('/v1/things', async () => {
      throw new WzError('invalid_request', 'bad');
    });
    for (let i = 0; i < 50; i++) {
      const r = await a.inject({ method: 'GET', url: '/v1/things' });
      expect([r.statusCode, r.headers['retry-after']]).toEqual([503, '2']);
    }
    const during = levels(log.lines());
    expect(during.filter((l) => l.startsWith('50 '))).toEqual(['50 request failed begins']);
    expect(during.filter((l) => l.startsWith('20 '))).toHaveLength(49);
    // Neither a route the outage never touched nor a 4xx says the store is back.
    expect((await a.inject({ method: 'GET', url: '/v1/other' })).statusCode).toBe(200);
    expect((await a.inject({ method: 'POST', url: '/v1/things' })).statusCode).toBe(400);
    expect(log.lines().some((l) => l['msg'] === 'store answers again; the outage is over')).toBe(false);

    down = false;
    expect((await a.inject({ method: 'GET', url: '/v1/things' })).statusCode).toBe(200);
    const back = log.lines().filter((l) => l['msg'] === 'store answers again; the outage is over');
    expect(back).toHaveLength(1);
    expect(back[0]).toMatchObject({ level: 30, refused: 50 });
    expect(back[0]!['outageMs']).toEqual(expect.any(Number));
    // The quiet lines keep what the error line has (request id, route, code), at debug.
    expect(log.lines().filter((l) => l['outage'] === 'continues').every((l) => l['level'] === 20 && l['route'] === '/v1/things' && l['code'] === 'store_unavailable' && typeof l['reqId'] === 'string')).toBe(true);

    down = true;
    await a.inject({ method: 'GET', url: '/v1/things' });
    expect(levels(log.lines()).filter((l) => l.startsWith('50 '))).toEqual(['50 request failed begins', '50 request failed begins']);
    await a.close();
  });

  it('/readyz answering 200 ends an outage (its check read the store); a 503 /readyz does not', () => {
    const lines: string[] = [];
    const rec = (level: string) => (o: object, msg: string) => void lines.push(`${level} ${msg} ${JSON.stringify(o)}`);
    let t = 1_000;
    const o = new StoreOutageLog({ error: rec('error'), info: rec('info'), debug: rec('debug') }, () => t);
    o.refused('/v1/a', { code: 'store_unavailable' });
    o.refused('/v1/b', { code: 'store_unavailable' });
    t += 4_250;
    o.answered('/readyz', 503);
    expect(o.inOutage).toBe(true);
    o.answered('/readyz', 200);
    expect(o.inOutage).toBe(false);
    expect(lines).toEqual([
      'error request failed {"code":"store_unavailable","outage":"begins"}',
      'debug request failed {"code":"store_unavailable","outage":"continues"}',
      'info store answers again; the outage is over {"outageMs":4250,"refused":2}',
    ]);
  });
});

let reg: SharedRegistry;
beforeAll(async () => {
  reg = await startRegistry(50, 'ops-health');
});
afterAll(async () => reg?.close());

describeEachEngine('the platform with its store closed', (engine) => {
  let h: RpHarness;
  beforeAll(async () => {
    h = await startRpPlatform(engine, reg);
  });
  afterAll(async () => h?.close());

  it('/healthz 200 (alive: do not restart), /readyz 503 (out of rotation)', async () => {
    await h.platform.deps.store.close();
    expect(await h.request('GET', '/healthz')).toMatchObject({ status: 200, body: { status: 'ok', store: engine.name } });
    expect(await h.request('GET', '/readyz')).toMatchObject({ status: 503, body: { status: 'not_ready', checks: { store: 'unavailable' } } });
  });
});
