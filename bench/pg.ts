/**
 * The benchmarks' PostgreSQL: the local server the tests use (WZ_TEST_PG_URL), a schema of the
 * benchmark's own for each run, dropped afterwards. When the server is not reachable the
 * benchmark says so in its table instead of failing: PostgreSQL is optional on a developer's
 * machine.
 */
import pg from 'pg';

export const BENCH_PG_URL = process.env['WZ_TEST_PG_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';

/**
 * Runs `fn` with the URL and a fresh schema name (`<prefix>_<pid>`) and drops the schema after,
 * whatever `fn` does; `drop()` drops it meanwhile (to start the next part on an empty schema).
 * Unreachable: one row saying so, `fn` not run.
 */
export async function onBenchPg<R extends { name: string; value: string }>(prefix: string, fn: (p: { url: string; schema: string; drop(): Promise<void> }) => Promise<R[]>): Promise<Array<R | { name: string; value: string }>> {
  const schema = `${prefix}_${process.pid}`;
  const c = new pg.Client({ connectionString: BENCH_PG_URL, connectionTimeoutMillis: 2000 });
  try {
    await c.connect();
  } catch {
    return [{ name: 'PostgreSQL', value: `skipped: not reachable at ${new URL(BENCH_PG_URL).host}` }];
  }
  const drop = async (): Promise<void> => void (await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`));
  try {
    return await fn({ url: BENCH_PG_URL, schema, drop });
  } finally {
    await drop().catch(() => {});
    await c.end();
  }
}
