// Issue #9 §6, GET /metrics: the Prometheus text exposition format (0.0.4) from prom-client,
// this platform's own registry, `no-store`. Who may read it: with WZ_METRICS_TOKEN, only
// `Authorization: Bearer <token>` (401 `unauthenticated` / `invalid_token` otherwise); without
// one, open in development and absent (404) in production.
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { CONFIG_FIELDS, loadConfig } from '../../src/config.ts';
import { PlatformMetrics } from '../../src/ops/metrics.ts';
import { Readiness } from '../../src/ops/readiness.ts';
import { registerOpsRoutes } from '../../src/ops/routes.ts';
import { createHttpApp } from '../../src/server/http.ts';
import { rejectionCode } from '../../../../test/support/errors.ts';
import { parsePrometheusText, valueOf } from './support.ts';

const TOKEN = 'metrics-token-0123456789abcdefghijklmnop';

async function opsApp(o: { mode: 'development' | 'production'; token?: string }) {
  const metrics = new PlatformMetrics();
  metrics.describe({ suite: 'gm', store: 'sqlite', mode: o.mode });
  const app = createHttpApp({ bodyLimit: 4096, logger: pino({ level: 'silent' }), metrics });
  registerOpsRoutes(app, {
    registry: metrics.registry,
    readiness: new Readiness({ ping: async () => 0 }),
    health: { ping: async () => 0, store: 'sqlite', suite: 'gm' },
    mode: o.mode,
    metricsToken: o.token,
  });
  await app.ready();
  return app;
}

describe('GET /metrics: Prometheus text format', () => {
  it('every line is valid exposition format; process and wz_ families; no-store', async () => {
    const app = await opsApp({ mode: 'development' });
    await app.inject({ method: 'GET', url: '/healthz' });
    await app.inject({ method: 'GET', url: '/no-such-route' });
    const res = await app.inject({ method: 'GET', url: '/metrics' });
    await app.close();
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(res.headers['cache-control']).toBe('no-store');
    const { samples, types } = parsePrometheusText(res.body);
    expect(types.get('process_cpu_user_seconds_total')).toBe('counter');
    expect(types.get('nodejs_eventloop_lag_seconds')).toBe('gauge');
    expect(types.get('wz_http_request_duration_seconds')).toBe('histogram');
    expect(valueOf(samples, 'wz_platform_info', { suite: 'gm', store: 'sqlite', mode: 'development' })).toBe(1);
    expect(valueOf(samples, 'wz_http_requests_total', { method: 'GET', route: '/healthz', status: '200' })).toBe(1);
    expect(valueOf(samples, 'wz_http_requests_total', { method: 'GET', route: 'unmatched', status: '404' })).toBe(1);
    expect(valueOf(samples, 'wz_http_request_duration_seconds_count', { route: '/healthz' })).toBe(1);
    // Every family the platform defines is prefixed; the rest are prom-client's process figures.
    expect([...types.keys()].filter((n) => !/^(wz_|process_|nodejs_)/.test(n))).toEqual([]);
  });

  it('the strict reader refuses what is not exposition format (the check can fail)', () => {
    expect(() => parsePrometheusText('# TYPE a counter\na{b="c"} 1\n')).not.toThrow();
    expect(() => parsePrometheusText('# TYPE a counter\na{b=c} 1\n')).toThrow(/line 2/);
    expect(() => parsePrometheusText('a 1\n')).toThrow(/undeclared/);
    expect(() => parsePrometheusText('{"a":1}\n')).toThrow(/line 1/);
  });

  it('two platforms in one process keep separate registries', async () => {
    const a = new PlatformMetrics({ processMetrics: false });
    const b = new PlatformMetrics({ processMetrics: false });
    a.enrollment.outcome('started');
    expect(valueOf(parsePrometheusText(await a.registry.metrics()).samples, 'wz_enrollments_total', { outcome: 'started' })).toBe(1);
    expect(valueOf(parsePrometheusText(await b.registry.metrics()).samples, 'wz_enrollments_total', { outcome: 'started' })).toBe(0);
  });

  it('labels come only from closed sets: anything else is `other`', async () => {
    const m = new PlatformMetrics({ processMetrics: false });
    m.verification.refused('13912345678' as never);
    m.verification.settled({ kind: 'A1234567890123456789012345', mode: 'wz' as const, result: 'fail', code: '张三', seconds: 3 });
    m.oidc.login('urn:example:phone:13912345678', 'success');
    m.oidc.rejected('/v1/receipt-requests/secret', 'invalid_client');
    const text = await m.registry.metrics();
    expect(text).not.toMatch(/13912345678|张三|A1234567890|secret/);
    const { samples } = parsePrometheusText(text);
    expect(valueOf(samples, 'wz_verification_failures_total', { code: 'other', final: 'false' })).toBe(1);
    expect(valueOf(samples, 'wz_verifications_total', { kind: 'other', mode: 'wz', result: 'fail' })).toBe(1);
    expect(valueOf(samples, 'wz_oidc_logins_total', { acr: 'other' })).toBe(1);
    expect(valueOf(samples, 'wz_oidc_errors_total', { route: 'other', code: 'invalid_client' })).toBe(1);
  });
});

describe('GET /metrics: who may read it', () => {
  it('development without a token: open', async () => {
    const app = await opsApp({ mode: 'development' });
    expect((await app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(200);
    await app.close();
  });

  it('production without a token: off — the same 404 as any unknown route', async () => {
    const app = await opsApp({ mode: 'production' });
    const res = await app.inject({ method: 'GET', url: '/metrics' });
    const unknown = await app.inject({ method: 'GET', url: '/no-such-route' });
    await app.close();
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ error: 'not_found', message: 'no such route' });
    expect(res.json()).toEqual(unknown.json());
  });

  for (const mode of ['development', 'production'] as const) {
    it(`${mode} with a token: only Bearer <token>`, async () => {
      const app = await opsApp({ mode, token: TOKEN });
      const get = (authorization?: string) => app.inject({ method: 'GET', url: '/metrics', headers: authorization === undefined ? {} : { authorization } });
      const none = await get();
      expect([none.statusCode, none.json().error, none.headers['www-authenticate']]).toEqual([401, 'unauthenticated', 'Bearer realm="wangzheng-metrics"']);
      const basic = await get(`Basic ${Buffer.from(`x:${TOKEN}`).toString('base64')}`);
      expect([basic.statusCode, basic.json().error]).toEqual([401, 'unauthenticated']);
      // Boundary pairs: one character off, a prefix, the token with one more character.
      for (const wrong of [`${TOKEN.slice(0, -1)}q`, TOKEN.slice(0, -1), `${TOKEN}p`]) {
        const res = await get(`Bearer ${wrong}`);
        expect([res.statusCode, res.json().error]).toEqual([401, 'invalid_token']);
        expect(res.headers['www-authenticate']).toBe('Bearer realm="wangzheng-metrics", error="invalid_token"');
        expect(res.body).not.toContain(wrong);
      }
      const ok = await get(`Bearer ${TOKEN}`);
      expect([ok.statusCode, ok.headers['cache-control']]).toEqual([200, 'no-store']);
      expect(() => parsePrometheusText(ok.body)).not.toThrow();
      await app.close();
    });
  }
});

describe('configuration: WZ_METRICS_TOKEN and WZ_ACCESS_LOG', () => {
  it('boundary pair: a 32-character token is accepted, 31 refused — naming the setting, never the value', async () => {
    expect(loadConfig({ WZ_METRICS_TOKEN: 'x'.repeat(32) }).metrics.token).toBe('x'.repeat(32));
    const short = 'y'.repeat(31);
    expect(await rejectionCode((async () => loadConfig({ WZ_METRICS_TOKEN: short }))())).toBe('invalid_configuration');
    try {
      loadConfig({ WZ_METRICS_TOKEN: short });
    } catch (e) {
      expect(String((e as Error).message)).toContain('metrics.token (WZ_METRICS_TOKEN)');
      expect(String((e as Error).message)).not.toContain(short);
    }
    expect(await rejectionCode((async () => loadConfig({ WZ_METRICS_TOKEN: `${'z'.repeat(32)} spaced` }))())).toBe('invalid_configuration');
  });

  it('the access log: auto by default — on in production, off in development (the terminal of npm start); on and off say so', () => {
    const secrets = Object.fromEntries(CONFIG_FIELDS.filter((f) => f.secret).map((f) => [f.env, 'k1:AAAA']));
    const production = { ...secrets, WZ_MODE: 'production', WZ_SIGNING_KEY_GM: 'gm.pem', WZ_SIGNING_KEY_INTL: 'intl.pem', WZ_SMS_SENDER: 'disabled', WZ_REGISTRY_URL: 'https://registry.example' };
    expect(loadConfig(production).log.access).toBe(true);
    expect(loadConfig({ ...production, WZ_ACCESS_LOG: 'off' }).log.access).toBe(false);
    expect(loadConfig({}).log.access).toBe(false);
    expect(loadConfig({ WZ_ACCESS_LOG: 'on' }).log.access).toBe(true);
    expect(loadConfig({ WZ_ACCESS_LOG: 'off' }).log.access).toBe(false);
    expect(loadConfig({}).metrics.token).toBeUndefined();
  });
});
