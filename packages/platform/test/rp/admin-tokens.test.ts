// Operator tokens (WZ_ADMIN_TOKENS): a secret ring like the platform's others; only digests kept
// and compared; production refuses to start without them; development generates them into
// dev-secrets.json, and adds them to a file written before they existed (on the next start,
// keeping every other field).
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateSecretEntry, parseSecretRing } from '@wangzheng/core/identifiers/index';
import { loadConfig } from '../../src/config.ts';
import { AdminAuthenticator } from '../../src/admin/auth.ts';
import { DEV_SECRETS_FILE, resolveSecrets } from '../../src/secrets.ts';
import { errorCode } from '../../../../test/support/errors.ts';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'wz-admin-'));
  dirs.push(d);
  return d;
}

describe('admin tokens: configuration and development secrets', () => {
  it('production refuses to start without WZ_ADMIN_TOKENS, naming it', () => {
    expect(() => loadConfig({ WZ_MODE: 'production' })).toThrow(/WZ_ADMIN_TOKENS must be set in production/);
  });

  it('WZ_ADMIN_TOKENS is parsed as a ring: ids kept in order; short or malformed keys refused', () => {
    const dir = tempDir();
    const cfg = loadConfig({ WZ_ADMIN_TOKENS: `${generateSecretEntry('ops-a')},${generateSecretEntry('ops-b')}` }, { dataDir: dir });
    expect(resolveSecrets(cfg).admin.map((e) => e.id)).toEqual(['ops-a', 'ops-b']);
    const short = loadConfig({ WZ_ADMIN_TOKENS: `ops:${Buffer.alloc(16, 1).toString('base64url')}` }, { dataDir: dir });
    expect(errorCode(() => resolveSecrets(short))).toBe('invalid_configuration');
  });

  it('development: a new dev-secrets.json gets an admin token (0600), the same on every start', () => {
    const dir = tempDir();
    const first = resolveSecrets(loadConfig({}, { dataDir: dir }));
    const again = resolveSecrets(loadConfig({}, { dataDir: dir }));
    expect(first.admin[0].id).toBe('dev-admin-1');
    expect(Buffer.from(again.admin[0].key).equals(Buffer.from(first.admin[0].key))).toBe(true);
    expect(statSync(join(dir, DEV_SECRETS_FILE)).mode & 0o777).toBe(0o600);
  });

  it('development: a dev-secrets.json from before the admin API gets adminTokens added on the next start; nothing else changes', () => {
    const dir = tempDir();
    resolveSecrets(loadConfig({}, { dataDir: dir }));
    const file = join(dir, DEV_SECRETS_FILE);
    const { adminTokens: _dropped, ...old } = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    writeFileSync(file, JSON.stringify(old), { mode: 0o600 });

    const upgraded = resolveSecrets(loadConfig({}, { dataDir: dir }));
    const written = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    expect(typeof written.adminTokens).toBe('string');
    expect({ ...written, adminTokens: undefined }).toEqual({ ...old, adminTokens: undefined });
    expect(parseSecretRing(written.adminTokens as string)[0].id).toBe(upgraded.admin[0].id);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const later = resolveSecrets(loadConfig({}, { dataDir: dir }));
    expect(Buffer.from(later.admin[0].key).equals(Buffer.from(upgraded.admin[0].key))).toBe(true);
  });
});

describe('AdminAuthenticator', () => {
  const ring = parseSecretRing(`${generateSecretEntry('ops-1')},${generateSecretEntry('ops-2')}`);
  const auth = new AdminAuthenticator(ring);
  const token = (i: number) => Buffer.from(ring[i]!.key).toString('base64url');

  it('any entry of the ring authenticates, as admin:<id>', () => {
    expect(auth.authenticate(`Bearer ${token(0)}`)).toEqual({ tokenId: 'ops-1', actor: 'admin:ops-1', roles: new Set() });
    expect(auth.authenticate(`bearer ${token(1)}`).actor).toBe('admin:ops-2');
  });

  it('missing or non-Bearer → unauthenticated; anything else → forbidden', () => {
    for (const h of [undefined, '', 'Basic abc', 'Bearer', token(0)]) expect(errorCode(() => auth.authenticate(h)), String(h)).toBe('unauthenticated');
    for (const h of [`Bearer ${token(0)}x`, `Bearer ${token(0).slice(1)}`, `Bearer ${'A'.repeat(10_000)}`, `Bearer ops-1:${token(0)}`]) {
      expect(errorCode(() => auth.authenticate(h))).toBe('forbidden');
    }
  });
});
