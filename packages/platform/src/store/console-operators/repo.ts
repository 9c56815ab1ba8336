/** Role grants of the operator console, by console application identifier. See types.ts. */
import type { Selectable } from 'kysely';
import { isAppId } from '@wangzheng/core/identifiers/index';
import type { ConsoleOperatorsTable } from '../schema.ts';
import { assertEpochMs, type RepoContext } from '../context.ts';
import type { ConsoleOperatorReader, ConsoleOperatorRecord, ConsoleOperatorWriter } from './types.ts';

const MAX_PAGE = 500;
const ROLE = /^[a-z][a-z_]{0,31}$/;
const ACTOR = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}$/;

/** The read-only methods: all that `store.reader.consoleOperators` carries. */
export const CONSOLE_OPERATOR_READ = ['find', 'list'] as const satisfies readonly (keyof ConsoleOperatorReader)[];

function writeAppId(v: unknown): string {
  if (!isAppId(v)) throw new TypeError('appId must be an application identifier');
  return v;
}

function rolesCode(roles: readonly string[]): string {
  if (!Array.isArray(roles) || roles.length === 0) throw new TypeError('roles must be a non-empty array');
  for (const r of roles) if (typeof r !== 'string' || !ROLE.test(r)) throw new TypeError(`each role must match ${ROLE.source}`);
  return [...new Set(roles)].sort().join('+');
}

export function consoleOperatorRepo({ db, now }: RepoContext): ConsoleOperatorWriter {
  return {
    async find(appId) {
      if (!isAppId(appId)) return undefined;
      const row = await db.selectFrom('console_operators').selectAll().where('app_id', '=', appId).executeTakeFirst();
      return row && toRecord(row);
    },

    async list(opts = {}) {
      const limit = opts.limit ?? MAX_PAGE;
      if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) throw new TypeError(`limit must be 1..${MAX_PAGE}`);
      const rows = await db.selectFrom('console_operators').selectAll().orderBy('created_at').orderBy('app_id').limit(limit).execute();
      return rows.map(toRecord);
    },

    async put(g) {
      const at = g.at === undefined ? now() : assertEpochMs(g.at, 'at');
      if (typeof g.grantedBy !== 'string' || !ACTOR.test(g.grantedBy)) throw new TypeError(`grantedBy must match ${ACTOR.source}`);
      const row = { app_id: writeAppId(g.appId), roles: rolesCode(g.roles), granted_by: g.grantedBy, created_at: at, updated_at: at };
      const out = await db
        .insertInto('console_operators')
        .values(row)
        .onConflict((oc) => oc.column('app_id').doUpdateSet({ roles: row.roles, granted_by: row.granted_by, updated_at: at }))
        .returningAll()
        .executeTakeFirstOrThrow();
      return toRecord(out);
    },

    async delete(appId) {
      if (!isAppId(appId)) return false;
      const r = await db.deleteFrom('console_operators').where('app_id', '=', appId).executeTakeFirst();
      return r.numDeletedRows > 0n;
    },
  };
}

function toRecord(r: Selectable<ConsoleOperatorsTable>): ConsoleOperatorRecord {
  return { appId: r.app_id, roles: r.roles.split('+'), grantedBy: r.granted_by, createdAt: Number(r.created_at), updatedAt: Number(r.updated_at) };
}
