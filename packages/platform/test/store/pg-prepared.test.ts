/**
 * Named prepared statements on PostgreSQL (store/pg-prepared.ts): data statements are prepared
 * once per connection under a name derived from their text; DDL and multi-statement texts are
 * not; a prepared `select *` whose table changed shape is retried unnamed instead of failing;
 * `preparedStatements: false` names nothing; the per-process bound holds.
 */
import { randomBytes } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from '../../src/store/dialect.ts';
import { PREPARED_MAX, PreparedNames } from '../../src/store/pg-prepared.ts';
import { assertPgReachable, PG_URL } from '../support/engines.ts';

describe('PreparedNames', () => {
  it('one name per text, stable, distinct between texts; DDL and several statements unnamed', () => {
    const p = new PreparedNames();
    const a = p.nameOf('select * from "persons" where "id" = $1');
    expect(a).toMatch(/^wz_[A-Za-z0-9_-]{22}$/);
    expect(p.nameOf('select * from "persons" where "id" = $1')).toBe(a);
    expect(p.nameOf('select * from "persons" where "id" = $2')).not.toBe(a);
    expect(p.nameOf('  WITH x AS (select 1) select * from x')).toBeDefined();
    expect(p.nameOf('create table "t" ("a" integer)')).toBeUndefined();
    expect(p.nameOf('select 1; select 2')).toBeUndefined();
    p.forget('select * from "persons" where "id" = $1');
    expect(p.nameOf('select * from "persons" where "id" = $1')).toBeUndefined();
  });

  it(`names at most ${PREPARED_MAX} texts`, () => {
    const p = new PreparedNames();
    const names = Array.from({ length: PREPARED_MAX + 10 }, (_, i) => p.nameOf(`select ${i}`));
    expect(names.filter((n) => n !== undefined)).toHaveLength(PREPARED_MAX);
    expect(names[PREPARED_MAX]).toBeUndefined();
    expect(p.nameOf('select 0')).toBe(names[0]); // the ones named keep their name
  });
});

describe('named statements on PostgreSQL', () => {
  const schema = `wz_test_prep_${randomBytes(5).toString('hex')}`;
  const dbs: Kysely<unknown>[] = [];
  const open = async (preparedStatements?: boolean): Promise<Kysely<unknown>> => {
    const { db } = await connect({ engine: 'postgres', url: PG_URL, schema, poolSize: 1, ...(preparedStatements === undefined ? {} : { preparedStatements }) });
    dbs.push(db as unknown as Kysely<unknown>);
    return db as unknown as Kysely<unknown>;
  };
  const preparedHere = async (db: Kysely<unknown>): Promise<string[]> =>
    (await sql<{ name: string; statement: string }>`select name, statement from pg_prepared_statements order by name`.execute(db)).rows.map((r) => `${r.name} ${r.statement}`);

  beforeAll(assertPgReachable);
  afterAll(async () => {
    for (const db of dbs) await db.destroy();
    const c = new pg.Client({ connectionString: PG_URL });
    await c.connect();
    await c.query(`drop schema if exists "${schema}" cascade`);
    await c.end();
  });

  it('a data statement is prepared once on the connection, under its name; DDL is not', async () => {
    const db = await open();
    await sql`create table "things" ("id" integer primary key, "label" text)`.execute(db);
    await sql`insert into "things" values (${1}, ${'one'}), (${2}, ${'two'})`.execute(db);
    for (const id of [1, 2, 1]) {
      const r = await sql<{ label: string }>`select "label" from "things" where "id" = ${id}`.execute(db);
      expect(r.rows[0]?.label).toBe(id === 1 ? 'one' : 'two');
    }
    const names = new PreparedNames();
    const text = 'select "label" from "things" where "id" = $1';
    const here = await preparedHere(db);
    expect(here).toContain(`${names.nameOf(text)} ${text}`);
    expect(here.some((s) => s.includes('create table'))).toBe(false);
  });

  it('a select * prepared before its table gained a column is answered (retried unnamed), not refused', async () => {
    const db = await open();
    await sql`create table "shapes" ("id" integer primary key)`.execute(db);
    await sql`insert into "shapes" values (${1})`.execute(db);
    const read = (): Promise<Record<string, unknown>[]> => sql<Record<string, unknown>>`select * from "shapes" where "id" = ${1}`.execute(db).then((r) => r.rows);
    expect(await read()).toEqual([{ id: 1 }]);
    await sql`alter table "shapes" add column "extra" text`.execute(db);
    expect(await read()).toEqual([{ id: 1, extra: null }]);
    expect(await read()).toEqual([{ id: 1, extra: null }]); // and again, now unnamed
  });

  it('preparedStatements: false names nothing', async () => {
    const db = await open(false);
    await sql`select ${1}::int as one`.execute(db);
    expect(await preparedHere(db)).toEqual([]);
  });
});
