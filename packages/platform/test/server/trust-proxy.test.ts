/**
 * WZ_TRUST_PROXY: behind a load balancer the connection's address is the balancer's, so the
 * per-source rate limits would count every client together. Only the configured balancers may
 * name the client with `X-Forwarded-For`; nobody else can, and "trust everyone" is refused.
 */
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { isWzError } from '@wangzheng/core/errors';
import { loadConfig } from '../../src/config.ts';
import { createHttpApp } from '../../src/server/http.ts';

const apps: { close(): Promise<unknown> }[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((a) => a.close()));
});

/** The address the platform sees for a request from 127.0.0.1 that claims `forwardedFor`. */
async function seenAddress(trustProxy: readonly string[] | undefined, forwardedFor: string): Promise<string> {
  const app = createHttpApp({ bodyLimit: 1024, logger: pino({ level: 'silent' }), ...(trustProxy ? { trustProxy } : {}) });
  app.get('/ip', async (req) => ({ ip: req.ip }));
  apps.push(app);
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  const res = await fetch(`${url}/ip`, { headers: { 'x-forwarded-for': forwardedFor } });
  return ((await res.json()) as { ip: string }).ip;
}

describe('trusted proxies', () => {
  it('unset: X-Forwarded-For is ignored, the source is the connection', async () => {
    expect(await seenAddress(undefined, '203.0.113.7')).toBe('127.0.0.1');
  });

  it('from a configured balancer, X-Forwarded-For names the client (the nearest untrusted hop)', async () => {
    expect(await seenAddress(['127.0.0.1'], '203.0.113.7')).toBe('203.0.113.7');
    expect(await seenAddress(['127.0.0.0/8'], '198.51.100.1, 203.0.113.7')).toBe('203.0.113.7');
  });

  it('from an address that is not a configured balancer, X-Forwarded-For is ignored', async () => {
    expect(await seenAddress(['10.0.0.1'], '203.0.113.7')).toBe('127.0.0.1');
  });

  it('WZ_TRUST_PROXY takes addresses and CIDR ranges, and refuses anything else', () => {
    expect(loadConfig({ WZ_TRUST_PROXY: ' 10.0.0.0/8 , 192.0.2.10,2001:db8::/32' }).http.trustProxy).toEqual(['10.0.0.0/8', '192.0.2.10', '2001:db8::/32']);
    expect(loadConfig({}).http.trustProxy).toBeUndefined();
    for (const bad of ['*', 'true', '10.0.0.0/33', 'lb.example', '10.0.0.0/8/1', ',', '2001:db8::/129']) {
      let code: string | undefined;
      try {
        loadConfig({ WZ_TRUST_PROXY: bad });
      } catch (e) {
        code = isWzError(e) ? e.code : 'not a WzError';
      }
      expect([bad, code]).toEqual([bad, 'invalid_configuration']);
    }
  });
});
