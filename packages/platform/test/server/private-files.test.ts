/**
 * What the platform writes to its data directory besides the database — the development
 * secrets file (keys, admin tokens, the signing keys' PEM) and the development SMS outbox
 * (phone numbers and one-time codes in clear) — is owner-only: files 0600, the directories it
 * creates 0700, whatever the umask (widened to 000 here so nothing relies on it). An old
 * secrets file rewritten on upgrade stays 0600.
 */
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEV_SECRETS_FILE, developmentSecretsFile } from '../../src/secrets.ts';
import { OutboxSmsSender } from '../../src/sms/sender.ts';

const modeOf = (path: string) => statSync(path).mode & 0o777;

describe('development secrets and SMS outbox are owner-only whatever the umask', () => {
  let dir: string;
  let umask: number;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'wz-private-'));
    umask = process.umask(0o000);
  });
  afterEach(() => {
    process.umask(umask);
    rmSync(dir, { recursive: true, force: true });
  });

  it('dev-secrets.json (with the signing keys’ PEM) is 0600 in a 0700 data directory it created; still 0600 after the upgrade rewrite', () => {
    const dataDir = join(dir, 'a', '.wangzheng');
    const { file, secrets } = developmentSecretsFile(dataDir);
    expect(file).toBe(join(dataDir, DEV_SECRETS_FILE));
    expect(secrets.signing.gm).toContain('PRIVATE KEY');
    expect(modeOf(file)).toBe(0o600);
    expect([modeOf(join(dir, 'a')), modeOf(dataDir)]).toEqual([0o700, 0o700]);
    // A file from before the admin API, left world-readable: the rewrite that adds the field is 0600.
    const { adminTokens: _, ...old } = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    writeFileSync(file, JSON.stringify(old));
    chmodSync(file, 0o644);
    expect(modeOf(file)).toBe(0o644);
    expect(developmentSecretsFile(dataDir).secrets.adminTokens).toEqual(expect.any(String));
    expect(modeOf(file)).toBe(0o600);
  });

  it('the SMS outbox is 0600 in a 0700 directory it created', async () => {
    const file = join(dir, 'phone', 'sms-outbox.jsonl');
    const sender = new OutboxSmsSender(file);
    await sender.send({ to: '13800138000', text: '验证码 123456', code: '123456', purpose: 'enrollment', sentAt: 1_770_000_000_000 });
    await sender.send({ to: '13800138000', text: '验证码 654321', code: '654321', purpose: 'enrollment', sentAt: 1_770_000_000_001 });
    expect(modeOf(file)).toBe(0o600);
    expect(modeOf(join(dir, 'phone'))).toBe(0o700);
  });
});
