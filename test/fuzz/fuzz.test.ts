/**
 * The fuzz run (`npm run fuzz`, fuzz/) kept working in CI: its detectors first — each must flag
 * what it exists to flag, so a check cannot pass by detecting nothing — then the same run as the
 * full one, small (2,000 requests), held to the same checks.
 */
import { describe, expect, it } from 'vitest';
import { judgeAnswer, judgeLogLine, stackTraceIn } from '../../fuzz/checks.ts';
import { runFuzz } from '../../fuzz/engine.ts';
import { generate, prng } from '../../fuzz/mutations.ts';
import { memoryVerdict, verdict } from '../../fuzz/report.ts';
import { parseRouteTree } from '../../fuzz/routes.ts';

function realStack(): string {
  try {
    (null as unknown as { x: number }).x;
    return '';
  } catch (e) {
    return (e as Error).stack ?? '';
  }
}

describe('Stack-trace detector (checks.ts)', () => {
  it('flags a real V8 stack trace, its parts, and a logged one', () => {
    const stack = realStack();
    expect(stack).toContain('    at ');
    expect(stackTraceIn(stack)).toBeDefined();
    expect(stackTraceIn(JSON.stringify({ error: 'internal_error', message: stack }))).toBeDefined();
    expect(stackTraceIn('    at Object.<anonymous> (/srv/app/src/x.ts:12:5)')).toBeDefined();
    expect(stackTraceIn('at async Promise.all (index 0)\n    at file:///srv/app/src/x.js:3:9')).toBeDefined();
    expect(stackTraceIn('node:internal/process/task_queues:95')).toBeDefined();
    expect(stackTraceIn('{"detail":"TypeError: Cannot read properties of undefined"}')).toBeDefined();
    expect(stackTraceIn('failed in service.ts:88')).toBeDefined();
    expect(stackTraceIn('SqliteError: SQLITE_CONSTRAINT_UNIQUE')).toBeDefined();
    expect(judgeLogLine(JSON.stringify({ level: 50, msg: 'request failed', err: { type: 'Error', stack: 'Error: x' } }))).toBeDefined();
  });

  it('passes the platform’s own error answers and access-log lines', () => {
    expect(stackTraceIn(JSON.stringify({ error: 'invalid_request', message: 'body.nonce: Too small: expected string to have >=16 characters' }))).toBeUndefined();
    expect(judgeLogLine('{"level":30,"time":1,"reqId":"a1","method":"POST","route":"/v1/enrollments/:id","status":400,"ms":1.2,"bytes":70,"msg":"request"}')).toBeUndefined();
    expect(judgeLogLine('platform  listening on http://127.0.0.1:40123 (issuer http://localhost:0)')).toBeUndefined();
  });
});

describe('Answer rules (checks.ts)', () => {
  const json = (status: number, body: unknown) => ({ status, contentType: 'application/json; charset=utf-8', body: JSON.stringify(body) });
  it('a 5xx fails, a 503 too; 4xx and 429 are fine', () => {
    expect(judgeAnswer('POST /v1/enrollments', 'POST', json(500, { error: 'internal_error', message: 'x' }))).toMatch(/status 500/);
    expect(judgeAnswer('GET /healthz', 'GET', json(503, { error: 'unavailable', message: 'x' }))).toMatch(/status 503/);
    expect(judgeAnswer('POST /v1/enrollments', 'POST', json(429, { error: 'rate_limited', message: 'x' }))).toBeUndefined();
  });
  it('an error answer must be { error, message } JSON; HTML only on the HTML pages; RFC 6749 shape on /oauth/*', () => {
    expect(judgeAnswer('POST /v1/enrollments', 'POST', { status: 400, contentType: 'text/plain', body: 'Bad Request' })).toMatch(/not JSON/);
    expect(judgeAnswer('POST /v1/enrollments', 'POST', json(400, { message: 'x' }))).toMatch(/"error"/);
    expect(judgeAnswer('POST /v1/enrollments', 'POST', json(400, { error: 'invalid_request' }))).toMatch(/"message"/);
    expect(judgeAnswer('GET /oauth/authorize', 'GET', { status: 400, contentType: 'text/html; charset=utf-8', body: '<p>bad</p>' })).toBeUndefined();
    expect(judgeAnswer('POST /v1/me/status', 'POST', { status: 400, contentType: 'text/html', body: '<p>bad</p>' })).toMatch(/not JSON/);
    expect(judgeAnswer('POST /oauth/token', 'POST', json(400, { error: 'invalid_grant', error_description: 'x' }))).toBeUndefined();
  });
});

describe('Route inventory and generators', () => {
  it('reads Fastify’s route tree, joining segments and splitting methods', () => {
    const tree = ['├── /v1/admin/bans (GET, HEAD, POST)', '│   ├── /:id/approve (POST)', '│   │   └── -unban (POST)', '│   └── /:id/reject (POST)', '└── /venue (GET)', '    └── / (GET)', '        └── :name (GET)'].join('\n');
    expect(parseRouteTree(tree).map((r) => `${r.method} ${r.path}`)).toEqual([
      'GET /v1/admin/bans',
      'HEAD /v1/admin/bans',
      'POST /v1/admin/bans',
      'POST /v1/admin/bans/:id/approve',
      'POST /v1/admin/bans/:id/approve-unban',
      'POST /v1/admin/bans/:id/reject',
      'GET /venue',
      'GET /venue/',
      'GET /venue/:name',
    ]);
  });
  it('is deterministic: request n of a seed is always the same request', () => {
    const routes = [{ method: 'POST', path: '/v1/enrollments/:id/phone', params: ['id'] }];
    expect(generate(42, 7, routes, {})).toEqual(generate(42, 7, routes, {}));
    expect(prng(7, 1)()).not.toEqual(prng(7, 2)());
  });
  it('memory: growth past the bound, or a steady climb over the last third, is not flat', () => {
    const run = (mb: (i: number) => number) => memoryVerdict(Array.from({ length: 240 }, (_, i) => ({ t: i, done: i * 100, mb: mb(i) })), 24_000);
    expect(run((i) => 200 + (i % 5) * 3).flat).toBe(true); // a sawtooth (GC) is flat
    expect(run((i) => 200 + i * 0.5).why).toMatch(/grew/); // 0.5 MB/s for 4 minutes
    expect(run((i) => (i < 180 ? 200 : 200 + (i - 180) * 0.6)).why).toMatch(/last third/); // +36 MB, all at the end
  });
});

describe('Issue 10 §4: malformed requests across every endpoint', () => {
  it('2,000 requests: zero 5xx, zero stack traces, well-formed errors, flat memory, /healthz 200', { timeout: 120_000 }, async () => {
    const r = await runFuzz({ requests: 2000, concurrency: 8, seed: 11 });
    expect(verdict(r, 2000)).toEqual([]);
    expect(r.routes).toBeGreaterThan(100);
    expect(r.routesHit).toBe(r.routes);
    expect(r.fivexx).toBe(0);
    expect(r.stackTraces).toBe(0);
    expect(r.healthz).toBe(200);
  });
});
