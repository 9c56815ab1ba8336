// Issue #9 §6, access logs: one line per request with its id, method, route pattern, status,
// duration and size — and no personal data: never the URL's values, the query, headers, body,
// IP address or user agent. Request ids: a caller's `x-request-id` is kept only when it has
// the safe shape `^[A-Za-z0-9._:-]{1,64}$`, else replaced; always echoed; on error lines too.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WzError } from '@wangzheng/core/errors';
import { REQUEST_ID_PATTERN } from '../../src/ops/request-id.ts';
import { createHttpApp } from '../../src/server/http.ts';
import type { AnsweredRequest } from '../../src/ops/access-log.ts';
import { capturingLogger } from './support.ts';

const log = capturingLogger();
const seen: AnsweredRequest[] = [];
const app = createHttpApp({ bodyLimit: 4096, logger: log.logger, metrics: { request: (a) => seen.push(a) } });
app.get('/v1/things/:id', async (req) => ({ id: (req.params as { id: string }).id }));
app.post('/v1/things', async () => ({ ok: true }));
app.get('/v1/refused', async () => {
  throw new WzError('forbidden', 'No.');
});
app.get('/v1/broken', async () => {
  throw new Error('driver exploded');
});
app.get('/readyz', async () => ({ status: 'ready' }));

beforeAll(() => app.ready());
afterAll(() => app.close());

const requestLines = () => log.lines().filter((l) => l['msg'] === 'request');
const lineOf = (reqId: string) => log.lines().filter((l) => l['reqId'] === reqId);

describe('x-request-id: kept when well-formed, replaced otherwise, always echoed', () => {
  it('a well-formed id is kept, echoed and written on the line', async () => {
    const res = await app.inject({ method: 'GET', url: '/v1/things/1', headers: { 'x-request-id': 'gw-01.trace:span_9' } });
    expect(res.headers['x-request-id']).toBe('gw-01.trace:span_9');
    expect(lineOf('gw-01.trace:span_9')).toHaveLength(1);
  });

  it('boundary pair: 64 characters are kept, 65 replaced', async () => {
    const ok = await app.inject({ method: 'GET', url: '/v1/things/1', headers: { 'x-request-id': 'a'.repeat(64) } });
    expect(ok.headers['x-request-id']).toBe('a'.repeat(64));
    const long = await app.inject({ method: 'GET', url: '/v1/things/1', headers: { 'x-request-id': 'a'.repeat(65) } });
    expect(long.headers['x-request-id']).not.toBe('a'.repeat(65));
    expect(String(long.headers['x-request-id'])).toMatch(REQUEST_ID_PATTERN);
  });

  it.each([
    ['a space', 'abc def'],
    ['a slash', 'abc/def'],
    ['a quote', 'abc"def'],
    ['non-ASCII', '请求-1'],
    ['empty', ''],
  ])('%s → replaced by a fresh id', async (_what, given) => {
    const res = await app.inject({ method: 'GET', url: '/v1/things/1', headers: { 'x-request-id': given } });
    const id = String(res.headers['x-request-id']);
    expect(id).not.toBe(given);
    expect(id).toMatch(/^[A-Za-z0-9_-]{16}$/);
    expect(log.text()).not.toContain(given === '' ? '"reqId":""' : given);
  });

  it('the header sent twice → replaced', async () => {
    const res = await app.inject({ method: 'GET', url: '/v1/things/1', headers: { 'x-request-id': ['one', 'two'] } });
    expect(res.headers['x-request-id']).not.toMatch(/^(one|two)$/);
  });

  it('without one, each request gets its own fresh id', async () => {
    const a = await app.inject({ method: 'GET', url: '/v1/things/1' });
    const b = await app.inject({ method: 'GET', url: '/v1/things/1' });
    expect(a.headers['x-request-id']).toMatch(/^[A-Za-z0-9_-]{16}$/);
    expect(a.headers['x-request-id']).not.toBe(b.headers['x-request-id']);
  });

  it('a 404 and a framework error carry it too', async () => {
    const missing = await app.inject({ method: 'GET', url: '/nowhere', headers: { 'x-request-id': 'nf-1' } });
    expect(missing.statusCode).toBe(404);
    expect(missing.headers['x-request-id']).toBe('nf-1');
    const malformed = await app.inject({ method: 'GET', url: '/v1/things/%E0%A4%Z', headers: { 'x-request-id': 'fw-1' } });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.headers['x-request-id']).toBe('fw-1');
  });
});

describe('one access-log line per request: id, method, route pattern, status, ms, bytes', () => {
  it('the line has exactly these fields, at info', async () => {
    const res = await app.inject({ method: 'GET', url: '/v1/things/42', headers: { 'x-request-id': 'line-1' } });
    const [line, ...more] = lineOf('line-1');
    expect(more).toEqual([]);
    const { time, pid, hostname, ...rest } = line!;
    expect([typeof time, typeof pid, typeof hostname]).toEqual(['number', 'number', 'string']);
    expect(rest).toEqual({ level: 30, msg: 'request', reqId: 'line-1', method: 'GET', route: '/v1/things/:id', status: 200, ms: expect.any(Number), bytes: Number(res.headers['content-length']) });
    expect(seen.at(-1)).toMatchObject({ reqId: 'line-1', method: 'GET', route: '/v1/things/:id', status: 200 });
  });

  it('no route → `unmatched`; the probe routes are logged at debug', async () => {
    await app.inject({ method: 'GET', url: '/no/such/thing', headers: { 'x-request-id': 'line-2' } });
    expect(lineOf('line-2')[0]).toMatchObject({ level: 30, route: 'unmatched', status: 404 });
    await app.inject({ method: 'GET', url: '/readyz', headers: { 'x-request-id': 'line-3' } });
    expect(lineOf('line-3')[0]).toMatchObject({ level: 20, route: '/readyz', status: 200 });
  });

  it('never the path values, the query, headers, body, IP address or user agent', async () => {
    await app.inject({
      method: 'GET',
      url: '/v1/things/ID-110101199003077777?phone=13912345678&name=%E5%BC%A0%E4%B8%89',
      headers: { 'user-agent': 'Agent-Secret/1.0', authorization: 'Bearer tok-SECRET-abc', 'x-forwarded-for': '203.0.113.9', cookie: 'wz=cookie-SECRET' },
      remoteAddress: '198.51.100.7',
    });
    await app.inject({ method: 'POST', url: '/v1/things', payload: { name: '张三', phone: '13912345678' } });
    const text = log.text();
    for (const leaked of ['110101199003077777', '13912345678', 'phone=', '张三', '%E5', 'Agent-Secret', 'tok-SECRET', '203.0.113.9', '198.51.100.7', 'cookie-SECRET', '"url"', '"ip"', '"remoteAddress"', '"userAgent"', '"headers"']) {
      expect(text, leaked).not.toContain(leaked);
    }
    expect(requestLines().every((l) => typeof l['route'] === 'string' && !String(l['route']).includes('?'))).toBe(true);
  });

  it('the error handler’s lines carry the request id (and no detail of a 4xx)', async () => {
    await app.inject({ method: 'GET', url: '/v1/refused', headers: { 'x-request-id': 'err-4xx' } });
    expect(lineOf('err-4xx').map((l) => [l['msg'], l['code']])).toEqual([
      ['request rejected', 'forbidden'],
      ['request', undefined],
    ]);
    await app.inject({ method: 'GET', url: '/v1/broken', headers: { 'x-request-id': 'err-5xx' } });
    expect(lineOf('err-5xx').map((l) => [l['msg'], l['code'], l['level']])).toEqual([
      ['request failed', 'internal_error', 50],
      ['request', undefined, 30],
    ]);
  });
});

describe('WZ_ACCESS_LOG=off', () => {
  it('no access line; error lines and metrics stay', async () => {
    const quiet = capturingLogger();
    const counted: AnsweredRequest[] = [];
    const q = createHttpApp({ bodyLimit: 4096, logger: quiet.logger, accessLog: false, metrics: { request: (a) => counted.push(a) } });
    q.get('/v1/refused', async () => {
      throw new WzError('forbidden', 'No.');
    });
    await q.inject({ method: 'GET', url: '/v1/refused' });
    await q.close();
    expect(quiet.lines().map((l) => l['msg'])).toEqual(['request rejected']);
    expect(counted).toHaveLength(1);
  });
});
