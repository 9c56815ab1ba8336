import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isWzError } from '../../src/errors.ts';
import { ReplayCache, bodyDigest, generateSharedKey, parseSharedKey, signRequest, verifyRequest } from '../../src/registry/http-auth.ts';

const KEY = parseSharedKey(`k1:${Buffer.alloc(32, 7).toString('base64url')}`);
const NOW = new Date('2026-06-15T04:00:00Z');
const REQ = { method: 'POST', path: '/v1/face/match', body: '{"a":1}' };

function detailOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    if (isWzError(e, 'unauthenticated')) return e.detail;
    throw e;
  }
  return 'accepted';
}

describe('WZ-HMAC-SM3 request signatures', () => {
  it('the header is HMAC-SM3 over scheme, key id, ts, nonce, method, path and SM3(body)', () => {
    const header = signRequest(KEY, REQ, { now: NOW, nonce: 'nonce-nonce-nonce-1' });
    const ts = Math.floor(NOW.getTime() / 1000);
    const expected = createHmac('sm3', KEY.key)
      .update(['WZ-HMAC-SM3', 'k1', String(ts), 'nonce-nonce-nonce-1', 'POST', '/v1/face/match', bodyDigest('{"a":1}')].join('\n'))
      .digest('base64url');
    expect(header).toBe(`WZ-HMAC-SM3 keyId=k1,ts=${ts},nonce=nonce-nonce-nonce-1,sig=${expected}`);
    // GB/T 32905 SM3("abc")
    expect(bodyDigest('abc')).toBe('66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0');
  });

  it('every signed part is bound: method, path, body, timestamp each change → rejected', () => {
    const header = signRequest(KEY, REQ, { now: NOW });
    expect(detailOf(() => verifyRequest(header, REQ, [KEY], { now: NOW }))).toBe('accepted');
    expect(detailOf(() => verifyRequest(header, { ...REQ, method: 'PUT' }, [KEY], { now: NOW }))).toBe('signature mismatch');
    expect(detailOf(() => verifyRequest(header, { ...REQ, path: '/v1/face/match?x=1' }, [KEY], { now: NOW }))).toBe('signature mismatch');
    expect(detailOf(() => verifyRequest(header, { ...REQ, body: '{"a":2}' }, [KEY], { now: NOW }))).toBe('signature mismatch');
    expect(detailOf(() => verifyRequest(header.replace(/ts=(\d+)/, (_m, t: string) => `ts=${Number(t) + 1}`), REQ, [KEY], { now: NOW }))).toBe('signature mismatch');
  });

  it('clock window: 300 s either way accepted, 301 s rejected', () => {
    const t = NOW.getTime();
    for (const d of [-300_000, 300_000]) expect(detailOf(() => verifyRequest(signRequest(KEY, REQ, { now: new Date(t + d) }), REQ, [KEY], { now: NOW }))).toBe('accepted');
    for (const d of [-301_000, 301_000]) expect(detailOf(() => verifyRequest(signRequest(KEY, REQ, { now: new Date(t + d) }), REQ, [KEY], { now: NOW }))).toBe('timestamp outside the window');
  });

  it('replay cache: a nonce is accepted once within the window', () => {
    const replay = new ReplayCache();
    const header = signRequest(KEY, REQ, { now: NOW });
    expect(detailOf(() => verifyRequest(header, REQ, [KEY], { now: NOW, replay }))).toBe('accepted');
    expect(detailOf(() => verifyRequest(header, REQ, [KEY], { now: NOW, replay }))).toBe('replayed nonce');
  });

  it('malformed or missing headers and unknown key ids are rejected with a reason in detail', () => {
    expect(detailOf(() => verifyRequest(undefined, REQ, [KEY]))).toBe('no authorization header');
    expect(detailOf(() => verifyRequest('Bearer abc', REQ, [KEY]))).toBe('malformed authorization header');
    const other = parseSharedKey(generateSharedKey('k2'));
    expect(detailOf(() => verifyRequest(signRequest(other, REQ, { now: NOW }), REQ, [KEY], { now: NOW }))).toBe('unknown key id');
  });

  it('shared keys: keyId:base64url of at least 32 bytes; 31 bytes or no key id → invalid_configuration', () => {
    expect(parseSharedKey(`a:${Buffer.alloc(32).toString('base64url')}`).key.length).toBe(32);
    for (const bad of [`a:${Buffer.alloc(31).toString('base64url')}`, `:${Buffer.alloc(32).toString('base64url')}`, 'nokey', `a b:${Buffer.alloc(32).toString('base64url')}`]) {
      expect(() => parseSharedKey(bad)).toThrow(expect.objectContaining({ code: 'invalid_configuration' }));
    }
  });
});
