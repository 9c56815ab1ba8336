/**
 * Named prepared statements on PostgreSQL (issue 10 §1). Kysely sends every statement unnamed,
 * so the server parses and plans it anew each time and the driver sends Parse with every call.
 * Giving a statement a name makes node-postgres prepare it once per connection and send only
 * Bind/Execute afterwards; measured on this machine (a primary-key select), that cuts ~40–50 µs
 * of client CPU and ~50 µs of server CPU per statement — a verification runs about fifteen.
 *
 * - The name is a digest of the SQL text (`wz_` + 22 base64url characters of its SHA-256), so
 *   one text always has one name, on every connection, and two texts never share one.
 * - Only single data statements (select, insert, update, delete, with), at most PREPARED_MAX texts are named per process; later ones run unnamed. The store's
 *   statements are a small fixed set, but a list of variable length (`in (…)`) makes a new text
 *   per length, and each named statement holds a little memory on every connection.
 * - A prepared `select *` whose table gained a column (a migration by a newer process during a
 *   rolling upgrade) fails with "cached plan must not change result type": that text is then
 *   run unnamed from then on, and this call is retried once unnamed.
 * - A connection pooler in transaction mode (PgBouncer before 1.21, or without
 *   `max_prepared_statements`) cannot carry named statements across server connections:
 *   `WZ_POSTGRES_PREPARED=off` (the store configuration's `preparedStatements: false`).
 */
import { createHash } from 'node:crypto';

export const PREPARED_MAX = 512;

/**
 * Only single data statements are named: DDL (migrations, partition upkeep) runs a few times in
 * a process's life, and a text without parameters may hold several statements, which the
 * extended protocol (what a name implies) refuses.
 */
const DATA_STATEMENT = /^\s*(?:select|insert|update|delete|with)\b[^;]*$/i;

export class PreparedNames {
  /** SQL text → its statement name, or null: never name this text again. */
  readonly #names = new Map<string, string | null>();

  nameOf(sqlText: string): string | undefined {
    let name = this.#names.get(sqlText);
    if (name === undefined) {
      if (!DATA_STATEMENT.test(sqlText)) return undefined;
      if (this.#names.size >= PREPARED_MAX) return undefined;
      name = `wz_${createHash('sha256').update(sqlText).digest('base64url').slice(0, 22)}`;
      this.#names.set(sqlText, name);
    }
    return name ?? undefined;
  }

  /** This text runs unnamed from now on (its prepared form no longer fits its table). */
  forget(sqlText: string): void {
    this.#names.set(sqlText, null);
  }

  get size(): number {
    return this.#names.size;
  }
}

/** PostgreSQL's refusal to reuse a prepared plan whose result columns changed (SQLSTATE 0A000). */
export function isStalePlan(e: unknown): boolean {
  const err = e as { code?: unknown; message?: unknown } | null;
  return typeof err === 'object' && err !== null && err.code === '0A000' && typeof err.message === 'string' && err.message.includes('cached plan must not change result type');
}
