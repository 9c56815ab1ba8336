// `wangzheng start`: both services come up on the embedded default, development secrets are
// created once (0600) and reused on restart, and the platform answers health and JWKS with
// public key members only. The demo relying party (examples/ticketing) comes up as a process of
// its own, registered with the platform; one that cannot start leaves the platform running.
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '@wangzheng/platform/config';
import { startCommand, startDemo, startSystem } from '../src/commands/start.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'wz-start-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const silent = pino({ level: 'silent' });
function config() {
  return loadConfig({}, { dataDir: dir, 'http.port': 0, 'registry.port': 0, 'registry.population': 200, 'log.level': 'silent' });
}
function io() {
  const lines: string[] = [];
  return { lines, io: { out: (s: string) => lines.push(s), err: (s: string) => lines.push(s) } };
}

describe('start', () => {
  let firstKids: string[] = [];

  it('starts registry simulator and platform, warns about development secrets', async () => {
    const { lines, io: out } = io();
    const s = await startSystem(config(), out, silent);
    try {
      expect(lines.join('\n')).toMatch(/WARNING: development mode — secrets and signing keys generated in/);
      expect(statSync(path.join(dir, 'dev-secrets.json')).mode & 0o777).toBe(0o600);

      const health = await fetch(`${s.platformUrl}/healthz`);
      expect(health.status).toBe(200);
      expect(await health.json()).toEqual({ status: 'ok', store: 'sqlite', suite: 'gm' });

      const jwks = (await (await fetch(`${s.platformUrl}/.well-known/jwks.json`)).json()) as { keys: Record<string, string>[] };
      expect(jwks.keys.map((k) => [k.alg, k.crv])).toEqual([['SM2', 'SM2'], ['ES256', 'P-256']]);
      for (const k of jwks.keys) expect(Object.keys(k).sort()).toEqual(['alg', 'crv', 'kid', 'kty', 'use', 'x', 'y']);
      firstKids = jwks.keys.map((k) => k.kid as string);

      // The simulator is up, with its own port, and refuses unauthenticated registry calls.
      expect(s.registryUrl).not.toBe(s.platformUrl);
      const samples = await fetch(`${s.registryUrl}/sim/samples`);
      expect(samples.status).toBe(200);
      const unauth = await fetch(`${s.registryUrl}/v1/issuer-keys`);
      expect(unauth.status).toBe(401);

      // The web pages are served (the start builds them when missing or stale, for `npx wangzheng start` as for `npm start`).
      for (const page of ['/wallet/', '/venue/']) {
        const r = await fetch(`${s.platformUrl}${page}`);
        expect([page, r.status, r.headers.get('content-type')]).toEqual([page, 200, expect.stringMatching(/^text\/html/)]);
      }

      const missing = await fetch(`${s.platformUrl}/no-such-route`);
      expect(missing.status).toBe(404);
      expect(await missing.json()).toEqual({ error: 'not_found', message: 'no such route' });
    } finally {
      await s.stop();
    }
  });

  it('restarts on the same data directory with the same keys and no new secrets', async () => {
    const before = readFileSync(path.join(dir, 'dev-secrets.json'), 'utf8');
    const { lines, io: out } = io();
    const s = await startSystem(config(), out, silent);
    try {
      expect(lines.join('\n')).toMatch(/read from/);
      const jwks = (await (await fetch(`${s.platformUrl}/.well-known/jwks.json`)).json()) as { keys: { kid: string }[] };
      expect(jwks.keys.map((k) => k.kid)).toEqual(firstKids);
      expect(readFileSync(path.join(dir, 'dev-secrets.json'), 'utf8')).toBe(before);
    } finally {
      await s.stop();
    }
  });

  it('starts the demo ticketing site as its own process: registered as a sandbox RP (0600 file), serving its pages; stops', { timeout: 90_000 }, async () => {
    // The platform's issuer names its port (the demo is told the issuer), so a real free port, not 0.
    const probe = createServer();
    await new Promise<void>((ok) => probe.listen(0, '127.0.0.1', ok));
    const port = (probe.address() as AddressInfo).port;
    await new Promise((ok) => probe.close(ok));
    const s = await startSystem(loadConfig({}, { dataDir: dir, 'http.port': port, 'registry.port': 0, 'registry.population': 200, 'log.level': 'silent' }), io().io, silent);
    try {
      const { lines, io: out } = io();
      const demo = await startDemo({ issuer: s.platform.deps.issuer, dataDir: dir, port: 0, io: out });
      try {
        expect(demo.url).toMatch(/^http:\/\/localhost:\d+$/);
        const file = path.join(dir, 'demo-ticketing.json');
        expect(statSync(file).mode & 0o777).toBe(0o600);
        const { clientId } = JSON.parse(readFileSync(file, 'utf8')) as { clientId: string };
        expect(lines.join('\n')).toContain(`registered with ${s.platform.deps.issuer} as ${clientId} (sandbox)`);
        const home = await fetch(`${demo.url}/`);
        expect(home.status).toBe(200);
        expect(await home.text()).toContain('用网证登录');
        // "Log in" sends the browser to the platform's authorize endpoint, as this client.
        const login = await fetch(`${demo.url}/login`, { redirect: 'manual' });
        expect(login.status).toBe(303);
        const to = new URL(login.headers.get('location')!);
        expect([to.origin + to.pathname, to.searchParams.get('client_id')]).toEqual([`${s.platform.deps.issuer}/oauth/authorize`, clientId]);
      } finally {
        await demo.stop();
      }
      await expect(fetch(`${demo.url}/`)).rejects.toThrow();

      // A demo that cannot start (its port taken) says why; the platform keeps answering.
      const busy = createServer();
      await new Promise<void>((ok) => busy.listen(0, '127.0.0.1', ok));
      try {
        const failed = startDemo({ issuer: s.platform.deps.issuer, dataDir: dir, port: (busy.address() as AddressInfo).port, io: io().io });
        await expect(failed).rejects.toThrow(/EADDRINUSE/);
      } finally {
        await new Promise((ok) => busy.close(ok));
      }
      expect((await fetch(`${s.platformUrl}/healthz`)).status).toBe(200);
    } finally {
      await s.stop();
    }
  });

  it('the banner names the demo site, and prints every document its sample descriptions refer to (a minor’s guardian, a second document)', { timeout: 90_000 }, async () => {
    const probe = createServer();
    await new Promise<void>((ok) => probe.listen(0, '127.0.0.1', ok));
    const port = (probe.address() as AddressInfo).port;
    await new Promise((ok) => probe.close(ok));
    const saved = { ...process.env };
    Object.assign(process.env, { WZ_DATA_DIR: dir, WZ_REGISTRY_POPULATION: '200', WZ_LOG_LEVEL: 'silent' });
    const { lines, io: out } = io();
    const running = startCommand(['--port', String(port), '--registry-port', '0', '--demo-port', '0'], out);
    try {
      await expect.poll(() => lines.includes('Press Ctrl-C to stop.'), { timeout: 60_000 }).toBe(true);
    } finally {
      process.emit('SIGINT');
      expect(await running).toBe(0);
      process.env = saved;
    }
    const banner = lines.join('\n');
    expect(banner).toMatch(/^ {2}demo ticketing site http:\/\/localhost:\d+\/ {3}\(a relying party/m);
    // The sample lines whose description names another document: the next line prints it.
    const child = lines.findIndex((l) => l.includes("the guardian's document is given"));
    const twoDocs = lines.findIndex((l) => l.includes('both enroll to the same 网号'));
    expect([child, twoDocs].every((i) => i > 0)).toBe(true);
    expect(lines[child + 1]).toMatch(/^ {4}guardian +resident_id_card +\d{17}[\dX] +valid /);
    expect(lines[twoDocs + 1]).toMatch(/^ {4}same person +resident_id_card +\d{17}[\dX]$/);
  });

  it('refuses production mode without configured secrets, naming the variables', () => {
    expect(() => loadConfig({ WZ_MODE: 'production' }, { dataDir: dir })).toThrow(/WZ_NETID_KEYS must be set in production/);
  });
});
