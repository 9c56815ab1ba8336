// `wangzheng start`: both services come up on the embedded default, development secrets are
// created once (0600) and reused on restart, and the platform answers health and JWKS with
// public key members only.
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '@wangzheng/platform/config';
import { startSystem } from '../src/commands/start.ts';

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

  it('refuses production mode without configured secrets, naming the variables', () => {
    expect(() => loadConfig({ WZ_MODE: 'production' }, { dataDir: dir })).toThrow(/WZ_NETID_KEYS must be set in production/);
  });
});
