import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isWzError } from '@wangzheng/core/errors';
import { openStore, type StoreConfig } from '../../src/store/index.ts';

describe('openStore: configuration faults fail fast, safely', () => {
  it('an unreachable PostgreSQL → store_unavailable (503), without echoing the URL or its password', async () => {
    const err = await openStore({ engine: 'postgres', url: 'postgres://wz:s3cret-pw@127.0.0.1:1/none' }).catch((e: unknown) => e);
    expect(isWzError(err, 'store_unavailable')).toBe(true);
    const e = err as Error & { status: number; detail?: string };
    expect(e.status).toBe(503);
    expect(`${e.message} ${e.detail} ${JSON.stringify(e)}`).not.toMatch(/s3cret|127\.0\.0\.1/);
  });

  it('a PostgreSQL schema name that is not a plain identifier is a TypeError (no SQL injection through config)', async () => {
    await expect(openStore({ engine: 'postgres', url: 'postgres://x@127.0.0.1:1/x', schema: 'a"; drop table x; --' })).rejects.toThrow(TypeError);
    await expect(openStore({ engine: 'postgres', url: 'postgres://x@127.0.0.1:1/x', schema: 'Upper' })).rejects.toThrow(TypeError);
  });

  it('an unknown engine or an empty path is a TypeError', async () => {
    await expect(openStore({ engine: 'mysql' } as unknown as StoreConfig)).rejects.toThrow(TypeError);
    await expect(openStore({ engine: 'sqlite', path: '' })).rejects.toThrow(TypeError);
  });

  it('a SQLite path that cannot be created → store_unavailable', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wz-open-'));
    try {
      writeFileSync(join(dir, 'file'), 'not a directory');
      const err = await openStore({ engine: 'sqlite', path: join(dir, 'file', 'sub', 'db.sqlite') }).catch((e: unknown) => e);
      expect(isWzError(err, 'store_unavailable')).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
