/**
 * The embedded database holds sealed personal data and digests: its files are owner-only
 * (0600) and a directory the store creates is 0700, whatever the process umask. SQLite gives
 * its `-wal` and `-shm` files the database file's mode, so the store creates the database file
 * itself first; a file found with wider bits (an older install) is set to 0600.
 *
 * The umask is widened to 000 around each case: with the usual 022 a 0644 file would still
 * fail the check, but 000 also proves nothing relies on the umask to remove group/other bits.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/index.ts';
import { insertApprovedRp } from '../support/rows.ts';

const modeOf = (path: string) => statSync(path).mode & 0o777;

describe('SQLite store files are owner-only (0600, directories 0700) whatever the umask', () => {
  let dir: string;
  let umask: number;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'wz-modes-'));
    umask = process.umask(0o000);
  });
  afterEach(() => {
    process.umask(umask);
    rmSync(dir, { recursive: true, force: true });
  });

  it('a new database: the file, its -wal and -shm after a write are 0600; the directories it made are 0700', async () => {
    const path = join(dir, 'data', 'nested', 'platform.db');
    const store = await openStore({ engine: 'sqlite', path });
    try {
      await insertApprovedRp(store); // a committed write: the WAL and its index exist now
      for (const f of [path, `${path}-wal`, `${path}-shm`]) {
        expect(existsSync(f), f).toBe(true);
        expect([f, modeOf(f)]).toEqual([f, 0o600]);
      }
      expect(modeOf(join(dir, 'data'))).toBe(0o700);
      expect(modeOf(join(dir, 'data', 'nested'))).toBe(0o700);
    } finally {
      await store.close();
    }
  });

  it('an existing database file with group/other bits is set to 0600 on open, and its WAL follows', async () => {
    const path = join(dir, 'old.db');
    writeFileSync(path, '', { mode: 0o644 });
    expect(modeOf(path)).toBe(0o644);
    const store = await openStore({ engine: 'sqlite', path });
    try {
      await insertApprovedRp(store);
      expect([modeOf(path), modeOf(`${path}-wal`), modeOf(`${path}-shm`)]).toEqual([0o600, 0o600, 0o600]);
    } finally {
      await store.close();
    }
  });

  it('an existing directory is left as it is (only directories the store creates are 0700)', async () => {
    const shared = join(dir, 'shared');
    mkdirSync(shared, { mode: 0o755 });
    const store = await openStore({ engine: 'sqlite', path: join(shared, 'here.db') });
    await store.close();
    expect(modeOf(shared)).toBe(0o755);
    expect(modeOf(join(shared, 'here.db'))).toBe(0o600);
  });
});
