/** Credentials: status and status-list references, nothing personal. See types.ts. */
import { sql, type Selectable } from 'kysely';
import type { CredentialsTable } from '../schema.ts';
import { CREDENTIAL_STATUSES, type CredentialReader, type CredentialRecord, type CredentialStatus, type CredentialWriter } from './types.ts';
import { assertCode, assertEpochMs, assertInt32, lookupId, newId, writeId, type RepoContext } from '../context.ts';

/** The read-only methods: all that `store.reader.credentials` carries. */
export const CREDENTIAL_READ = ['findById', 'listByPerson', 'listStatusEntries', 'listStatusChanges', 'hasStatusList', 'isStatusEntryTaken'] as const satisfies readonly (keyof CredentialReader)[];

export function credentialRepo({ db, now }: RepoContext): CredentialWriter {
  return {
    async findById(id) {
      const key = lookupId(id);
      if (key === undefined) return undefined;
      const row = await db.selectFrom('credentials').selectAll().where('id', '=', key).executeTakeFirst();
      return row && toCredential(row);
    },

    async listByPerson(personId) {
      const key = lookupId(personId);
      if (key === undefined) return [];
      const rows = await db.selectFrom('credentials').selectAll().where('person_id', '=', key).orderBy('issued_at').orderBy('id').execute();
      return rows.map(toCredential);
    },

    async listStatusEntries(statusList) {
      assertCode(statusList, 'statusList');
      const rows = await db
        .selectFrom('credentials')
        .select(['status_index', 'status'])
        .where('status_list', '=', statusList)
        .where('status_index', 'is not', null)
        .orderBy('status_index')
        .execute();
      return rows.map((r) => ({ statusIndex: r.status_index as number, status: r.status as CredentialStatus }));
    },

    async listStatusChanges(statusList) {
      assertCode(statusList, 'statusList');
      const rows = await db
        .selectFrom('credentials')
        .select(['status_index', 'status'])
        .where('status_list', '=', statusList)
        // The partial index's own predicate (0015), as a literal: a bound value would keep
        // PostgreSQL's generic plan of a prepared statement from using the index.
        .where(sql<boolean>`"status" <> 'valid'`)
        .where('status_index', 'is not', null)
        .orderBy('status_index')
        .execute();
      return rows.map((r) => ({ statusIndex: r.status_index as number, status: r.status as CredentialStatus }));
    },

    async hasStatusList(statusList) {
      const row = await db.selectFrom('credentials').select('id').where('status_list', '=', assertCode(statusList, 'statusList')).limit(1).executeTakeFirst();
      return row !== undefined;
    },

    async isStatusEntryTaken(statusList, statusIndex) {
      const row = await db
        .selectFrom('credentials')
        .select('id')
        .where('status_list', '=', assertCode(statusList, 'statusList'))
        .where('status_index', '=', assertInt32(statusIndex, 'statusIndex'))
        .executeTakeFirst();
      return row !== undefined;
    },

    async insert(c) {
      const issuedAt = c.issuedAt === undefined ? now() : assertEpochMs(c.issuedAt, 'issuedAt');
      const statusList = c.statusList ?? null;
      const statusIndex = c.statusIndex ?? null;
      if ((statusList === null) !== (statusIndex === null)) throw new TypeError('statusList and statusIndex go together');
      const row = {
        id: c.id === undefined ? newId() : writeId(c.id, 'credential id'),
        person_id: writeId(c.personId, 'person id'),
        device_id: c.deviceId == null ? null : writeId(c.deviceId, 'device id'),
        status: 'valid',
        status_list: statusList === null ? null : assertCode(statusList, 'statusList'),
        status_index: statusIndex === null ? null : assertInt32(statusIndex, 'statusIndex'),
        issued_at: issuedAt,
        expires_at: assertEpochMs(c.expiresAt, 'expiresAt'),
        revoked_at: null,
        reason: null,
      };
      await db.insertInto('credentials').values(row).execute();
      return toCredential(row);
    },

    async setStatus(id, status, opts = {}) {
      assertStatus(status);
      const key = lookupId(id);
      if (key === undefined) return false;
      const at = opts.at === undefined ? now() : assertEpochMs(opts.at, 'at');
      const reason = opts.reason === undefined ? null : assertCode(opts.reason, 'reason');
      const r = await db
        .updateTable('credentials')
        .set(status === 'valid' ? { status, reason: null } : status === 'revoked' ? { status, reason, revoked_at: at } : { status, reason })
        .where('id', '=', key)
        .where('status', '<>', 'revoked')
        .executeTakeFirst();
      return r.numUpdatedRows > 0n;
    },

    async revokeAllOfPerson(personId, reason, at) {
      const key = lookupId(personId);
      if (key === undefined) return 0;
      const r = await db
        .updateTable('credentials')
        .set({ status: 'revoked', reason: assertCode(reason, 'reason'), revoked_at: at === undefined ? now() : assertEpochMs(at, 'at') })
        .where('person_id', '=', key)
        .where('status', '<>', 'revoked')
        .executeTakeFirst();
      return Number(r.numUpdatedRows);
    },

    async suspendAllOfPerson(personId, reason) {
      const key = lookupId(personId);
      if (key === undefined) return 0;
      const r = await db
        .updateTable('credentials')
        .set({ status: 'suspended', reason: assertCode(reason, 'reason') })
        .where('person_id', '=', key)
        .where('status', '=', 'valid')
        .executeTakeFirst();
      return Number(r.numUpdatedRows);
    },

    async restoreSuspended(personId, reason) {
      const key = lookupId(personId);
      if (key === undefined) return 0;
      const r = await db
        .updateTable('credentials')
        .set({ status: 'valid', reason: null })
        .where('person_id', '=', key)
        .where('status', '=', 'suspended')
        .where('reason', '=', assertCode(reason, 'reason'))
        .executeTakeFirst();
      return Number(r.numUpdatedRows);
    },
  };
}

function toCredential(r: Selectable<CredentialsTable>): CredentialRecord {
  return {
    id: r.id,
    personId: r.person_id,
    deviceId: r.device_id,
    status: r.status as CredentialStatus,
    statusList: r.status_list,
    statusIndex: r.status_index,
    issuedAt: r.issued_at,
    expiresAt: r.expires_at,
    revokedAt: r.revoked_at,
    reason: r.reason,
  };
}

function assertStatus(s: unknown): asserts s is CredentialStatus {
  if (!(CREDENTIAL_STATUSES as readonly unknown[]).includes(s)) throw new TypeError(`credential status must be one of ${CREDENTIAL_STATUSES.join(', ')}`);
}
