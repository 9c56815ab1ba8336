/**
 * Looking at the database behind the store's back, read-only, for what the store contract does
 * not expose on purpose: whether a failed job still holds its sealed payload, and (PostgreSQL)
 * VACUUM of the tables a cancellation deletes from, so that dead tuples become free space before
 * the dump (their bytes may stay in the pages until reused: docs/person.md).
 */
import Database from 'better-sqlite3';
import pg from 'pg';
import type { StoreConfig } from '../../src/store/index.ts';

/** Every table a cancellation deletes from. */
export const CANCELLATION_TABLES = ['persons', 'blind_indexes', 'devices', 'consents', 'events', 'passphrases', 'credentials', 'verification_requests', 'oidc_authorizations', 'oidc_access_tokens', 'bans', 'jobs'];

/** State of each job of a queue, and whether it still holds a sealed payload. */
export async function jobRows(cfg: StoreConfig, queue: string): Promise<{ state: string; sealed: boolean }[]> {
  const sqlText = 'SELECT state, payload IS NOT NULL AS sealed FROM jobs WHERE queue = $1 ORDER BY id';
  if (cfg.engine === 'sqlite') {
    const db = new Database(cfg.path, { readonly: true });
    try {
      return (db.prepare(sqlText.replace('$1', '?')).all(queue) as { state: string; sealed: number }[]).map((r) => ({ state: r.state, sealed: r.sealed === 1 }));
    } finally {
      db.close();
    }
  }
  const client = new pg.Client({ connectionString: cfg.url });
  await client.connect();
  try {
    return (await client.query<{ state: string; sealed: boolean }>(sqlText.replace('jobs', `"${cfg.schema}".jobs`), [queue])).rows;
  } finally {
    await client.end();
  }
}

/** VACUUM (not FULL) each table a cancellation deletes from, in the store's schema. */
export async function vacuum(url: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    for (const t of CANCELLATION_TABLES) await client.query(`VACUUM "${schema}"."${t}"`);
  } finally {
    await client.end();
  }
}
