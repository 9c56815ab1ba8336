/**
 * The simulator's own SQLite database — the authoritative registry. Like a real population
 * registry it holds plaintext identity data; unlike the platform's store, nothing here is
 * blinded or encrypted. better-sqlite3 directly: one process, synchronous, fast.
 *
 * Bulk loading creates the tables bare and builds the secondary indexes afterwards
 * (`createIndexes`), which is several times faster than maintaining them row by row.
 */
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';

export type Db = Database.Database;

export const SCHEMA_VERSION = 1;

const TABLES = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS persons (
  id          INTEGER PRIMARY KEY,   -- generator index + 1
  person_ref  TEXT NOT NULL,         -- opaque reference given to the platform
  category    TEXT NOT NULL,         -- HolderCategory
  name        TEXT NOT NULL,
  name_latin  TEXT NOT NULL,
  sex         TEXT NOT NULL,         -- M | F
  birth_date  TEXT NOT NULL,         -- YYYY-MM-DD
  nationality TEXT NOT NULL,         -- ISO 3166-1 alpha-3
  id_number   TEXT,                  -- GB 11643, citizens only
  face_seed   INTEGER NOT NULL       -- the face template is expanded from it (face/template.ts)
);
CREATE TABLE IF NOT EXISTS offices (
  id     INTEGER PRIMARY KEY,
  issuer TEXT NOT NULL,              -- authority id = signer certificate subject
  name   TEXT NOT NULL,              -- as printed on the document
  UNIQUE (issuer, name)
);
CREATE TABLE IF NOT EXISTS documents (
  id          INTEGER PRIMARY KEY,
  person_id   INTEGER NOT NULL,
  type        TEXT NOT NULL,
  number      TEXT NOT NULL,
  office_id   INTEGER NOT NULL,
  valid_from  TEXT NOT NULL,
  valid_until TEXT,                  -- NULL = long-term
  lost_on     TEXT,                  -- reported lost or stolen
  sod         TEXT                   -- chip security object, written when the chip is first read
);
CREATE TABLE IF NOT EXISTS guardianships (
  child_id    INTEGER NOT NULL,
  guardian_id INTEGER NOT NULL,
  PRIMARY KEY (child_id, guardian_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS issuers (
  id          TEXT PRIMARY KEY,      -- 'root' or the authority id
  kind        TEXT NOT NULL,         -- root | signer
  name        TEXT NOT NULL,
  private_pem TEXT NOT NULL,
  public_jwk  TEXT NOT NULL,
  certificate TEXT,                  -- signer certificate (compact JWS by the root)
  not_before  TEXT NOT NULL,
  not_after   TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS face_challenges (
  nonce      TEXT PRIMARY KEY,
  expires_at INTEGER NOT NULL        -- unix ms
) WITHOUT ROWID;
`;

const INDEXES = `
CREATE UNIQUE INDEX IF NOT EXISTS persons_ref ON persons (person_ref);
CREATE UNIQUE INDEX IF NOT EXISTS persons_id_number ON persons (id_number);
CREATE UNIQUE INDEX IF NOT EXISTS documents_type_number ON documents (type, number);
CREATE INDEX IF NOT EXISTS documents_person ON documents (person_id);
CREATE INDEX IF NOT EXISTS guardianships_guardian ON guardianships (guardian_id);
`;

/**
 * Plaintext identity data: the file is owner-only (0600, a directory we create 0700), whatever
 * the umask. SQLite gives `-wal`/`-shm` the database file's mode, so creating it first suffices;
 * a file (or leftover journal) found with another mode is set to 0600.
 */
function ensurePrivateDbFile(path: string): void {
  if (path === ':memory:' || path === '') return;
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  closeSync(openSync(path, 'a', 0o600));
  for (const f of [path, `${path}-wal`, `${path}-shm`, `${path}-journal`]) {
    if (existsSync(f) && (statSync(f).mode & 0o777) !== 0o600) chmodSync(f, 0o600);
  }
}

export function openDb(path: string, opts: { bulk?: boolean } = {}): Db {
  ensurePrivateDbFile(path);
  const db = new Database(path);
  if (opts.bulk) {
    // Generation into a fresh file: a crash means "generate again", so no journal.
    db.pragma('journal_mode = OFF');
    db.pragma('synchronous = OFF');
    db.pragma('cache_size = -262144');
  } else {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('busy_timeout = 5000');
  }
  db.exec(TABLES);
  db.prepare('INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)').run('schema_version', String(SCHEMA_VERSION));
  return db;
}

export function createIndexes(db: Db): void {
  db.exec(INDEXES);
}

export function getMeta(db: Db, key: string): string | undefined {
  const row = db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined;
  return row?.value;
}

export function setMeta(db: Db, key: string, value: string): void {
  db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(key, value);
}
