// http/no-store.ts: the URLs each module names get `Cache-Control: no-store` from one hook; other
// answers are left alone. The matchers see the URL as sent, query string included.
import Fastify from 'fastify';
import { expect, it } from 'vitest';
import { noStore } from '../../src/http/no-store.ts';

it('marks the answers of every named URL no-store, from one onSend hook, and no other', async () => {
  const app = Fastify();
  let hooks = 0;
  const addHook = app.addHook.bind(app);
  (app as unknown as { addHook: typeof addHook }).addHook = ((name: string, fn: never) => {
    if (name === 'onSend') hooks++;
    return addHook(name as never, fn);
  }) as typeof addHook;
  noStore(app, (url) => url.startsWith('/v1/rp/'));
  noStore(app, (url) => url === '/v1/admin/audit' || url.startsWith('/v1/admin/audit?'));
  expect(hooks).toBe(1);
  for (const p of ['/v1/rp/x', '/v1/admin/audit', '/v1/admin/audit-other', '/public']) app.get(p, async () => ({ ok: true }));
  const cc = async (url: string) => (await app.inject({ url })).headers['cache-control'];
  expect(await cc('/v1/rp/x')).toBe('no-store');
  expect(await cc('/v1/rp/x?page=2')).toBe('no-store');
  expect(await cc('/v1/admin/audit')).toBe('no-store');
  expect(await cc('/v1/admin/audit?limit=5')).toBe('no-store');
  expect(await cc('/v1/admin/audit-other')).toBeUndefined();
  expect(await cc('/public')).toBeUndefined();
  // The body passes through unchanged.
  expect((await app.inject({ url: '/v1/rp/x' })).json()).toEqual({ ok: true });
  await app.close();
});
