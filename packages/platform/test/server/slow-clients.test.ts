/**
 * Slow clients (slowloris) cannot hold connections: with real sockets against a listening app
 * and a listening platform, configured with small deadlines (headers 300 ms, whole request
 * 600 ms, idle keep-alive 400 ms):
 * - headers sent one byte every 100 ms, a connection that sends nothing, and a body dribbled
 *   after good headers are each answered by Node's deadline check with exactly our 408
 *   `{ error: 'request_timeout', … }` (no URL or header echoed) and the socket is closed;
 * - normal requests, and headers that arrive in pieces within the deadline, still work;
 * - an idle keep-alive connection is closed after its timeout (plus the one second Node adds
 *   so the client can see the `Keep-Alive` header first) without a byte written.
 */
import net from 'node:net';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { resolveSecrets } from '../../src/secrets.ts';
import { createPlatform, type Platform } from '../../src/server/platform.ts';
import { createHttpApp, DEFAULT_HTTP_TIMEOUTS } from '../../src/server/http.ts';
import { startRegistry, type SharedRegistry } from '../enrollment/harness.ts';

const HEADERS_MS = 300;
const REQUEST_MS = 600;
const KEEP_ALIVE_MS = 400;
/** Node's deadline check runs every 75 ms here; the rest is for two busy shared cores. */
const SLACK_MS = 1_500;

const TIMEOUT_408 =
  'HTTP/1.1 408 Request Timeout\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: 76\r\ncache-control: no-store\r\nconnection: close\r\n\r\n' +
  '{"error":"request_timeout","message":"The request took too long to arrive."}';

/** Headers that never end: one more byte of an endless header line every tick. */
const NEVER_ENDING_HEAD = `GET /v1/secret-path?token=t0k3n HTTP/1.1\r\nHost: x\r\nX-Secret: s3cr3t\r\nX-Pad: ${'a'.repeat(500)}`;

interface Closed {
  /** From connect to the server closing the socket. */
  ms: number;
  got: string;
}

/**
 * Connects, writes `first` at once and then `next(i)` every `everyMs` (null: nothing this tick),
 * and resolves when the server closes the socket. Rejects if it is still open after `giveUpMs`.
 */
function slowClient(port: number, first: string, next: (i: number) => string | null, everyMs = 100, giveUpMs = 5_000): Promise<Closed> {
  return new Promise((resolve, reject) => {
    const t0 = Date.now();
    let got = '';
    let i = 0;
    const s = net.connect(port, '127.0.0.1', () => {
      if (first !== '') s.write(first);
    });
    const tick = setInterval(() => {
      const c = next(i++);
      if (c !== null && s.writable) s.write(c);
    }, everyMs);
    const giveUp = setTimeout(() => {
      s.destroy();
      reject(new Error(`the server still held the connection after ${giveUpMs} ms (got ${JSON.stringify(got.slice(0, 80))})`));
    }, giveUpMs);
    s.on('data', (d) => (got += d.toString('latin1')));
    s.on('error', () => {}); // a reset after the answer is fine: what was received is asserted
    s.on('close', () => {
      clearInterval(tick);
      clearTimeout(giveUp);
      resolve({ ms: Date.now() - t0, got });
    });
  });
}

const slowHeaders = (port: number) => slowClient(port, NEVER_ENDING_HEAD[0]!, (i) => NEVER_ENDING_HEAD[i + 1] ?? 'a');
const silent = (port: number) => slowClient(port, '', () => null);
const slowBody = (port: number, path: string) =>
  slowClient(port, `POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n{"a":"`, () => 'b');

function expectCutAt(c: Closed, deadlineMs: number): void {
  expect(c.got).toBe(TIMEOUT_408);
  expect(c.ms).toBeGreaterThanOrEqual(deadlineMs - 25);
  expect(c.ms).toBeLessThan(deadlineMs + SLACK_MS);
}

function logSink(): { logger: pino.Logger; text: () => string } {
  let text = '';
  const sink = new Writable({
    write(chunk, _enc, cb) {
      text += String(chunk);
      cb();
    },
  });
  return { logger: pino({ level: 'debug' }, sink), text: () => text };
}

describe('HTTP deadlines on the app (createHttpApp): slow headers, slow bodies, idle keep-alive', () => {
  const log = logSink();
  const app = createHttpApp({ bodyLimit: 4096, logger: log.logger, timeouts: { headersMs: HEADERS_MS, requestMs: REQUEST_MS, keepAliveMs: KEEP_ALIVE_MS } });
  app.get('/ping', async () => ({ ok: true }));
  app.post('/echo', async (req) => ({ got: req.body }));
  let port = 0;
  let base = '';

  beforeAll(async () => {
    base = await app.listen({ port: 0, host: '127.0.0.1' });
    port = Number(new URL(base).port);
  });
  afterAll(() => app.close());

  it('headers sent one byte every 100 ms → 408 request_timeout at the headers deadline, socket closed, nothing echoed', async () => {
    const c = await slowHeaders(port);
    expectCutAt(c, HEADERS_MS);
    expect(c.got).not.toMatch(/secret|t0k3n|s3cr3t|aaaa/);
  });

  it('a connection that sends nothing → the same 408 at the headers deadline', async () => {
    expectCutAt(await silent(port), HEADERS_MS);
  });

  it('good headers, then a body one byte every 100 ms → 408 at the whole-request deadline (not the headers one); no error logged', async () => {
    const c = await slowBody(port, '/echo');
    expectCutAt(c, REQUEST_MS);
    await new Promise((r) => setTimeout(r, 50));
    expect(log.text()).not.toMatch(/"level":(50|60)/);
  });

  it('twenty slow connections at once are all cut within the deadline, and a normal request is served meanwhile', async () => {
    const slow = Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? slowHeaders(port) : slowBody(port, '/echo')));
    const res = await fetch(`${base}/echo`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ hello: '网证' }) });
    expect([res.status, await res.json()]).toEqual([200, { got: { hello: '网证' } }]);
    const cut = await Promise.all(slow);
    for (const c of cut) expect(c.got).toBe(TIMEOUT_408);
    expect(Math.max(...cut.map((c) => c.ms))).toBeLessThan(REQUEST_MS + SLACK_MS);
  });

  it('a normal request works; headers arriving in pieces within the deadline work; the idle keep-alive socket is then closed silently', async () => {
    expect([(await fetch(`${base}/ping`)).status]).toEqual([200]);
    const pieces = ['GET /ping HTT', 'P/1.1\r\nHost: x\r\n', '\r\n'];
    const c = await slowClient(port, pieces[0]!, (i) => pieces[i + 1] ?? null, 50);
    const [head, body] = c.got.split('\r\n\r\n');
    expect(head).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(head).toContain('Connection: keep-alive');
    expect(body).toBe('{"ok":true}');
    // Closed after keep-alive (400 ms) + Node's 1 s grace, counted from the answer (~100 ms in).
    expect(c.ms).toBeGreaterThanOrEqual(KEEP_ALIVE_MS);
    expect(c.ms).toBeLessThan(100 + KEEP_ALIVE_MS + 1_000 + SLACK_MS);
  });
});

describe('HTTP deadlines on the platform: WZ_HTTP_*_TIMEOUT_MS reach its listening server', () => {
  let reg: SharedRegistry;
  let platform: Platform;
  let port = 0;
  let base = '';

  beforeAll(async () => {
    reg = await startRegistry(20, 'slow-clients');
    const config = loadConfig(
      { WZ_HTTP_HEADERS_TIMEOUT_MS: String(HEADERS_MS), WZ_HTTP_REQUEST_TIMEOUT_MS: String(REQUEST_MS), WZ_HTTP_KEEP_ALIVE_TIMEOUT_MS: String(KEEP_ALIVE_MS) },
      { dataDir: reg.dir, 'registry.url': reg.url, 'http.port': 0, 'jobs.intervalMs': 0, 'log.level': 'silent' },
    );
    expect(config.http).toMatchObject({ headersTimeoutMs: HEADERS_MS, requestTimeoutMs: REQUEST_MS, keepAliveTimeoutMs: KEEP_ALIVE_MS });
    platform = await createPlatform({ config, secrets: resolveSecrets(config), logger: pino({ level: 'silent' }) });
    base = await platform.listen({ port: 0, host: '127.0.0.1' });
    port = Number(new URL(base).port);
  });
  afterAll(async () => {
    await platform?.close();
    await reg?.close();
  });

  it('slow headers and a slow body to a real endpoint are cut with 408; discovery still answers', async () => {
    const [headers, body] = await Promise.all([slowHeaders(port), slowBody(port, '/oauth/par')]);
    expectCutAt(headers, HEADERS_MS);
    expectCutAt(body, REQUEST_MS);
    expect((await fetch(`${base}/.well-known/openid-configuration`)).status).toBe(200);
  });
});

describe('configuration of the HTTP deadlines', () => {
  it('defaults: headers 10 s, whole request 30 s, keep-alive 5 s — the same as the app’s own defaults', () => {
    const c = loadConfig({}, { dataDir: '/nonexistent' });
    expect(c.http).toMatchObject({ headersTimeoutMs: 10_000, requestTimeoutMs: 30_000, keepAliveTimeoutMs: 5_000 });
    expect(DEFAULT_HTTP_TIMEOUTS).toEqual({ headersMs: c.http.headersTimeoutMs, requestMs: c.http.requestTimeoutMs, keepAliveMs: c.http.keepAliveTimeoutMs });
  });

  it('refused at start-up: a headers deadline past the request deadline (boundary pair), a deadline under 100 ms, or none', () => {
    expect(loadConfig({ WZ_HTTP_HEADERS_TIMEOUT_MS: '30000' }).http.headersTimeoutMs).toBe(30_000);
    expect(() => loadConfig({ WZ_HTTP_HEADERS_TIMEOUT_MS: '30001' })).toThrow(/http\.headersTimeoutMs \(WZ_HTTP_HEADERS_TIMEOUT_MS\) must not exceed http\.requestTimeoutMs/);
    for (const [env, v] of [['WZ_HTTP_HEADERS_TIMEOUT_MS', '99'], ['WZ_HTTP_REQUEST_TIMEOUT_MS', '0'], ['WZ_HTTP_KEEP_ALIVE_TIMEOUT_MS', '0'], ['WZ_HTTP_REQUEST_TIMEOUT_MS', 'soon']] as const) {
      expect(() => loadConfig({ [env]: v }), env).toThrow(expect.objectContaining({ code: 'invalid_configuration', message: expect.stringContaining(env) }));
    }
  });
});
