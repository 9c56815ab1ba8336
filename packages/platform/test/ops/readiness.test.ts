// Issue #9 §6, readiness apart from liveness: GET /readyz is 200 `ready` only while the store
// answers and the platform is not shutting down (503 `not_ready` with Retry-After otherwise);
// the population registry is a non-fatal check, probed at most once per 30 s however often
// readiness is asked. GET /healthz (liveness) reads nothing outside the process (health.test.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WzError } from '@wangzheng/core/errors';
import { Readiness } from '../../src/ops/readiness.ts';
import { observeRegistry, RegistryHealth } from '../../src/ops/registry.ts';
import type { Registry } from '../../src/registry/index.ts';
import { describeEachEngine } from '../support/engines.ts';
import { startRegistry, startRpPlatform, type RpHarness, type SharedRegistry } from '../rp/harness.ts';
import { parsePrometheusText, valueOf } from './support.ts';

const never = () => new Promise<never>(() => {});

describe('Readiness: the checks', () => {
  it('ready while the store answers; the registry being down does not change that', async () => {
    const r = new Readiness({ ping: async () => 0, registry: { status: async () => 'unavailable' } });
    expect(await r.check()).toEqual({ status: 'ready', checks: { process: 'ok', store: 'ok', migrations: 'ok', registry: 'unavailable' } });
  });

  it('a failing store → not_ready (unavailable); a hanging one → not_ready (timeout) within the deadline', async () => {
    expect((await new Readiness({ ping: () => Promise.reject(new Error('gone')) }).check()).checks.store).toBe('unavailable');
    const t0 = Date.now();
    const hung = await new Readiness({ ping: never, timeoutMs: 50 }).check();
    expect(Date.now() - t0).toBeLessThan(1_000);
    expect(hung).toEqual({ status: 'not_ready', checks: { process: 'ok', store: 'timeout', migrations: 'ok' } });
  });

  it('from beginShutdown() on: not_ready, shutting_down', async () => {
    const r = new Readiness({ ping: async () => 0 });
    r.beginShutdown();
    expect(await r.check()).toEqual({ status: 'not_ready', checks: { process: 'shutting_down', store: 'ok', migrations: 'ok' } });
  });
});

describe('RegistryHealth: at most one probe per 30 s', () => {
  function health(probe: () => Promise<unknown>) {
    let t = 0;
    let calls = 0;
    const h = new RegistryHealth({ probe: () => ((calls += 1), probe()), now: () => t, timeoutMs: 50 });
    return { h, calls: () => calls, advance: (ms: number) => (t += ms) };
  }

  it('boundary pair: asked again at 29 999 ms → the cached answer; at 30 000 ms → one new probe', async () => {
    const x = health(async () => ({}));
    expect(await x.h.status()).toBe('ok');
    x.advance(29_999);
    expect(await x.h.status()).toBe('ok');
    expect(x.calls()).toBe(1);
    x.advance(1);
    expect(await x.h.status()).toBe('ok');
    expect(x.calls()).toBe(2);
  });

  it('concurrent askers share one probe; a probe past the timeout is `unavailable`', async () => {
    const x = health(never);
    expect(await Promise.all([x.h.status(), x.h.status(), x.h.status()])).toEqual(['unavailable', 'unavailable', 'unavailable']);
    expect(x.calls()).toBe(1);
  });

  it('a real call’s outcome stands for a probe: a 4xx verdict means up, registry_unavailable means down', async () => {
    const x = health(async () => ({}));
    let fail: WzError = new WzError('unknown_person', 'no');
    const inner = { isGuardian: async () => Promise.reject(fail) } as unknown as Registry;
    const reported: string[] = [];
    const reg = observeRegistry(inner, { health: x.h, report: (op, outcome) => reported.push(`${op}:${outcome}`) });
    await expect(reg.isGuardian({ guardianRef: 'g', childRef: 'c' })).rejects.toThrow();
    expect(await x.h.status()).toBe('ok');
    fail = new WzError('registry_unavailable', 'down');
    await expect(reg.isGuardian({ guardianRef: 'g', childRef: 'c' })).rejects.toThrow();
    expect(await x.h.status()).toBe('unavailable');
    expect(x.calls()).toBe(0);
    expect(reported).toEqual(['isGuardian:refused', 'isGuardian:unavailable']);
  });
});

let reg: SharedRegistry;
beforeAll(async () => {
  reg = await startRegistry(50, 'ops-readiness');
});
afterAll(async () => reg?.close());

describeEachEngine('GET /readyz and /healthz on the platform', (engine) => {
  let h: RpHarness;
  beforeAll(async () => {
    h = await startRpPlatform(engine, reg);
  });
  afterAll(async () => h?.close());

  it('ready: 200, every check ok (the registry answered at start-up), no-store', async () => {
    const r = await h.request('GET', '/readyz');
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ status: 'ready', checks: { process: 'ok', store: 'ok', migrations: 'ok', registry: 'ok' } });
    expect(r.headers['cache-control']).toBe('no-store');
    expect(r.headers['retry-after']).toBeUndefined();
  });

  it('/healthz (liveness): 200 ok, naming the store and suite', async () => {
    const r = await h.request('GET', '/healthz');
    expect(r).toMatchObject({ status: 200, body: { status: 'ok', store: engine.name, suite: 'gm' } });
  });

  it('the registry calls are counted by operation (the trust material at start-up)', async () => {
    const { samples } = parsePrometheusText((await h.platform.app.inject({ method: 'GET', url: '/metrics' })).body);
    expect(valueOf(samples, 'wz_registry_requests_total', { operation: 'issuerKeys', outcome: 'ok' })).toBeGreaterThanOrEqual(1);
    expect(valueOf(samples, 'wz_platform_info', { store: engine.name, mode: 'development' })).toBe(1);
    expect(valueOf(samples, 'wz_jobs_queued', { state: 'pending' })).toBeGreaterThanOrEqual(0);
    expect(samples.some((s) => s.name === 'wz_jobs_queued')).toBe(true);
  });

  it('shutting down: 503 not_ready with Retry-After', async () => {
    h.platform.ops.readiness.beginShutdown();
    const r = await h.request('GET', '/readyz');
    expect(r.status).toBe(503);
    expect(r.headers['retry-after']).toBe('5');
    expect(r.body).toMatchObject({ status: 'not_ready', checks: { process: 'shutting_down', store: 'ok' } });
  });

  it('the store closed: /readyz 503 (store unavailable), /healthz still 200 (the process is alive)', async () => {
    await h.platform.deps.store.close();
    const r = await h.request('GET', '/readyz');
    expect(r.status).toBe(503);
    expect(r.body).toMatchObject({ status: 'not_ready', checks: { store: 'unavailable', migrations: 'ok' } });
    expect(await h.request('GET', '/healthz')).toMatchObject({ status: 200, body: { status: 'ok' } });
  });
});

describeEachEngine('production without WZ_METRICS_TOKEN', (engine) => {
  let h: RpHarness;
  beforeAll(async () => {
    h = await startRpPlatform(engine, reg, { mode: 'production' });
  });
  afterAll(async () => h?.close());

  it('GET /metrics is 404 not_found; /readyz answers', async () => {
    expect(await h.request('GET', '/metrics')).toMatchObject({ status: 404, body: { error: 'not_found' } });
    expect(await h.request('GET', '/readyz')).toMatchObject({ status: 200, body: { status: 'ready' } });
  });
});
