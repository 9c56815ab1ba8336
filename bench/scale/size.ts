/** The size of a platform database on disk: the SQLite file with its WAL, or `pg_database_size`. */
import { existsSync, statSync } from 'node:fs';
import pg from 'pg';
import type { StoreConfig } from '@wangzheng/platform/store/index';

export async function databaseBytes(store: StoreConfig): Promise<number> {
  if (store.engine === 'sqlite') {
    return ['', '-wal'].reduce((n, ext) => n + (existsSync(store.path + ext) ? statSync(store.path + ext).size : 0), 0);
  }
  const c = new pg.Client({ connectionString: store.url });
  await c.connect();
  try {
    return Number((await c.query<{ n: string }>('SELECT pg_database_size(current_database()) AS n')).rows[0]!.n);
  } finally {
    await c.end();
  }
}
