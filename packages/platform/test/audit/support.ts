// Shared by the audit tests: a trail on a fresh store of the engine under test, raw SQL on the
// real database behind the store's back (the tamperer's view), and a one-line view of a report.
import { randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';
import pg from 'pg';
import type { AuditReport } from '@wangzheng/core/audit/index';
import { getSuite, KeyRing, type SuiteName } from '@wangzheng/core/crypto/index';
import { AuditTrail } from '../../src/audit/index.ts';
import type { Store, StoreConfig } from '../../src/store/index.ts';
import type { TestEngine } from '../support/engines.ts';

export const T0 = Date.UTC(2026, 0, 1);

export interface TrailFixture {
  store: Store;
  cfg: StoreConfig;
  trail: AuditTrail;
  ring: KeyRing;
}

/** A fresh store and a trail over it with a fresh signing key; the clock ticks one second per call. */
export async function freshTrail(engine: TestEngine, suiteName: SuiteName = 'gm'): Promise<TrailFixture> {
  const cfg = await engine.freshConfig();
  const store = await engine.open(cfg);
  const suite = getSuite(suiteName);
  const ring = new KeyRing(suite.generateKey());
  let t = T0;
  const trail = new AuditTrail({ store, suite, signing: ring, now: () => (t += 1000) });
  return { store, cfg, trail, ring };
}

/** Records `n` operator decisions about made-up RPs, each in its own transaction. */
export async function recordMany(f: TrailFixture, n: number): Promise<void> {
  for (let i = 1; i <= n; i++) {
    await f.store.transaction((tx) =>
      f.trail.record(tx, { actor: i % 2 ? 'admin:ops-1' : 'system', action: i % 3 ? 'rp.approved' : 'rp.suspended', subject: `rp_${String(i).padStart(22, '0')}`, data: { scopes: ['result'], n: i } }),
    );
  }
}

/** Runs statements in order on the database behind `cfg`, outside the store (as an intruder would). */
export async function rawSql(cfg: StoreConfig, statements: readonly (string | { sql: string; params: unknown[] })[]): Promise<void> {
  const norm = statements.map((s) => (typeof s === 'string' ? { sql: s, params: [] as unknown[] } : s));
  if (cfg.engine === 'sqlite') {
    const db = new Database(cfg.path);
    try {
      db.pragma('busy_timeout = 5000');
      for (const s of norm) db.prepare(s.sql.replace(/\$\d+/g, '?')).run(...(s.params as never[]));
    } finally {
      db.close();
    }
    return;
  }
  const client = new pg.Client({ connectionString: cfg.url, options: `-c search_path=${cfg.schema}` });
  await client.connect();
  try {
    for (const s of norm) await client.query(s.sql, s.params);
  } finally {
    await client.end();
  }
}

/** Rows of a raw query on the database behind `cfg`. */
export async function rawRows(cfg: StoreConfig, query: string): Promise<Record<string, unknown>[]> {
  if (cfg.engine === 'sqlite') {
    const db = new Database(cfg.path, { readonly: true });
    try {
      return db.prepare(query).all() as Record<string, unknown>[];
    } finally {
      db.close();
    }
  }
  const client = new pg.Client({ connectionString: cfg.url, options: `-c search_path=${cfg.schema}` });
  await client.connect();
  try {
    return (await client.query(query)).rows as Record<string, unknown>[];
  } finally {
    await client.end();
  }
}

/** `code@seq` or `code@from-through` per finding, in report order. */
export function summary(r: AuditReport): string[] {
  return r.findings.map((f) => `${f.code}@${f.seq ?? '-'}${f.through === undefined ? '' : `-${f.through}`}`);
}

export function randomRpId(): string {
  return `rp_${randomBytes(16).toString('base64url').slice(0, 22)}`;
}
