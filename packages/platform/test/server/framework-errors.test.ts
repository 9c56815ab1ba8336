/**
 * Rule "errors are data" at the edge: what Fastify or Node's HTTP parser would answer on their
 * own — a URL that does not decode, an over-long path parameter, oversized headers, bytes that
 * are not HTTP — leaves as `{ error, message }` with a stable code, and never echoes the URL or
 * a header back.
 */
import net from 'node:net';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpApp } from '../../src/server/http.ts';

let port = 0;
const app = createHttpApp({ bodyLimit: 1024, logger: pino({ level: 'silent' }) });
app.get('/v1/things/:id', async (req) => ({ id: (req.params as { id: string }).id }));

beforeAll(async () => {
  port = Number(new URL(await app.listen({ port: 0, host: '127.0.0.1' })).port);
});
afterAll(() => app.close());

/** Sends raw bytes and returns the status line's code and the parsed body. */
function raw(text: string): Promise<{ status: number; body: unknown; text: string }> {
  return new Promise((resolve, reject) => {
    let got = '';
    const s = net.connect(port, '127.0.0.1', () => s.write(text));
    s.on('data', (d) => (got += d.toString()));
    s.on('error', reject);
    s.on('close', () => {
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(got)?.[1]);
      const body = got.slice(got.indexOf('\r\n\r\n') + 4);
      resolve({ status, body: JSON.parse(body), text: got });
    });
  });
}

describe('framework errors answer { error, message } and echo nothing', () => {
  it('a path that does not decode → 400 invalid_request, the URL not echoed', async () => {
    const r = await raw('GET /v1/things/%E0%A4%Zsecret HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(r.status).toBe(400);
    expect(r.body).toEqual({ error: 'invalid_request', message: 'The request URL is malformed.' });
    expect(r.text).not.toContain('secret');
  });

  it('a path parameter past the limit → 414 uri_too_long, the value not echoed', async () => {
    const r = await raw(`GET /v1/things/${'s'.repeat(400)} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
    expect(r.status).toBe(414);
    expect(r.body).toEqual({ error: 'uri_too_long', message: 'A path parameter is too long.' });
    expect(r.text).not.toContain('sssss');
  });

  it('boundary pair: a 100-character parameter is routed, 101 is refused', async () => {
    const ok = await raw(`GET /v1/things/${'a'.repeat(100)} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
    expect(ok.status).toBe(200);
    const long = await raw(`GET /v1/things/${'a'.repeat(101)} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
    expect(long.status).toBe(414);
  });

  it('oversized headers → 431 header_too_large, the header not echoed', async () => {
    const r = await raw(`GET /v1/things/1 HTTP/1.1\r\nHost: x\r\nX-Big: ${'h'.repeat(20_000)}\r\nConnection: close\r\n\r\n`);
    expect(r.status).toBe(431);
    expect(r.body).toEqual({ error: 'header_too_large', message: 'The request headers are too large.' });
    expect(r.text).not.toContain('hhhhh');
  });

  it('a HEAD request the parser refuses gets the status and headers only: no body (found by npm run fuzz)', async () => {
    for (const req of [`HEAD /v1/things/1 HTTP/1.1\r\nHost: x\r\nbad header\r\n\r\n`, `HEAD /v1/things/1 HTTP/1.1\r\nHost: x\r\nX-Big: ${'h'.repeat(20_000)}\r\n\r\n`]) {
      const text = await new Promise<string>((resolve, reject) => {
        let got = '';
        const s = net.connect(port, '127.0.0.1', () => s.write(req));
        s.on('data', (d) => (got += d.toString()));
        s.on('error', reject);
        s.on('close', () => resolve(got));
      });
      expect(text).toMatch(/^HTTP\/1\.1 4(00|31) /);
      expect(text.endsWith('\r\n\r\n')).toBe(true);
    }
  });

  it('bytes that are not HTTP → 400 invalid_request', async () => {
    const r = await raw('NOT HTTP AT ALL\r\n\r\n');
    expect(r.status).toBe(400);
    expect(r.body).toEqual({ error: 'invalid_request', message: 'The request is not valid HTTP.' });
  });

  it('an unknown route → 404 not_found in the same shape', async () => {
    const r = await raw('GET /nowhere HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(r.status).toBe(404);
    expect(r.body).toEqual({ error: 'not_found', message: 'no such route' });
  });
});
