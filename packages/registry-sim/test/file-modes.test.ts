/**
 * The simulator's database is the registry itself — names, ID numbers, issuer private keys in
 * clear — so its files are owner-only (0600, a directory it creates 0700) whatever the umask,
 * the `-wal` and `-shm` files included (SQLite gives them the database file's mode). The umask
 * is widened to 000 around each case so nothing relies on it.
 */
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDb, setMeta } from '../src/store/db.ts';

const modeOf = (path: string) => statSync(path).mode & 0o777;

describe('registry simulator database files are 0600 (directories 0700) whatever the umask', () => {
  let dir: string;
  let umask: number;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'wz-regmodes-'));
    umask = process.umask(0o000);
  });
  afterEach(() => {
    process.umask(umask);
    rmSync(dir, { recursive: true, force: true });
  });

  it('a new database (WAL): the file, -wal and -shm after a write are 0600; the directory it made is 0700', () => {
    const path = join(dir, 'made', 'registry.db');
    const db = openDb(path);
    try {
      setMeta(db, 'probe', '1');
      for (const f of [path, `${path}-wal`, `${path}-shm`]) {
        expect(existsSync(f), f).toBe(true);
        expect([f, modeOf(f)]).toEqual([f, 0o600]);
      }
      expect(modeOf(join(dir, 'made'))).toBe(0o700);
    } finally {
      db.close();
    }
  });

  it('bulk generation (no journal) makes a 0600 file; an existing 0644 file is set to 0600 when opened', () => {
    const bulk = join(dir, 'bulk.db');
    const a = openDb(bulk, { bulk: true });
    setMeta(a, 'probe', '1');
    a.close();
    expect(modeOf(bulk)).toBe(0o600);
    const old = join(dir, 'old.db');
    writeFileSync(old, '', { mode: 0o644 });
    const b = openDb(old);
    try {
      setMeta(b, 'probe', '1');
      expect([modeOf(old), modeOf(`${old}-wal`), modeOf(`${old}-shm`)]).toEqual([0o600, 0o600, 0o600]);
    } finally {
      b.close();
    }
  });

  it(':memory: touches no file', () => {
    const db = openDb(':memory:');
    db.close();
    expect(existsSync(':memory:')).toBe(false);
  });
});
