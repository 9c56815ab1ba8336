/** Credentials: status and status-list references, nothing personal. See types.ts. */
import { sql, type Selectable } from 'kysely';
import type { CredentialsTable } from '../schema.ts';
import { toDevice } from '../devices/repo.ts';
import { toPerson } from '../persons/repo.ts';
import { CREDENTIAL_STATUSES, type CredentialReader, type PresentedCredential, type CredentialRecord, type CredentialStatus, type CredentialWriter } from './types.ts';
import { assertCode, assertEpochMs, assertInt32, lookupId, newId, writeId, type RepoContext } from '../context.ts';

/** The read-only methods: all that `store.reader.credentials` carries. */
export const CREDENTIAL_READ = ['findById', 'findPresented', 'listByPerson', 'listStatusEntries', 'listStatusChanges', 'hasStatusList', 'isStatusEntryTaken'] as const satisfies readonly (keyof CredentialReader)[];

/**
 * `findPresented`'s query up to its condition: a credential with its device and its person,
 * every column prefixed (`c_`, `d_`, `p_`: the three tables share column names), so that it can
 * also be read beside another table's row (`verifications.findByRefPresenting`). Built once per
 * repository (Kysely's builders are immutable): building this select list costs about half of
 * what running the whole lookup does.
 */
export function presentedQuery(db: RepoContext['db']) {
  return db
    .selectFrom('credentials as c')
    .leftJoin('devices as d', 'd.id', 'c.device_id')
    .leftJoin('persons as p', 'p.id', 'c.person_id')
    .select(['c.id as c_id', 'c.person_id as c_person_id', 'c.device_id as c_device_id', 'c.status as c_status', 'c.status_list as c_status_list', 'c.status_index as c_status_index'])
    .select(['c.issued_at as c_issued_at', 'c.expires_at as c_expires_at', 'c.revoked_at as c_revoked_at', 'c.reason as c_reason'])
    .select(['d.id as d_id', 'd.person_id as d_person_id', 'd.public_jwk as d_public_jwk', 'd.thumbprint as d_thumbprint', 'd.label as d_label', 'd.created_at as d_created_at', 'd.revoked_at as d_revoked_at'])
    .select(['p.id as p_id', 'p.netid as p_netid', 'p.netid_attempt as p_netid_attempt', 'p.person_index as p_person_index', 'p.person_index_key_id as p_person_index_key_id'])
    .select(['p.wrapped_dek as p_wrapped_dek', 'p.kek_id as p_kek_id', 'p.profile as p_profile', 'p.status as p_status', 'p.created_at as p_created_at', 'p.updated_at as p_updated_at']);
}

type PresentedRow = Awaited<ReturnType<ReturnType<typeof presentedQuery>['executeTakeFirstOrThrow']>>;
/** A row of `presentedQuery`, read alone or left-joined beside another (then every column may be null). */
export type PresentedColumns = { [K in keyof PresentedRow]: PresentedRow[K] | null };

/** The credential, device and person of a `presentedQuery` row; none when the row has no credential. */
export function toPresented(r: PresentedColumns): PresentedCredential | undefined {
  if (r.c_id === null) return undefined;
  return {
    credential: toCredential({
      id: r.c_id,
      person_id: r.c_person_id,
      device_id: r.c_device_id,
      status: r.c_status!,
      status_list: r.c_status_list,
      status_index: r.c_status_index,
      issued_at: r.c_issued_at!,
      expires_at: r.c_expires_at!,
      revoked_at: r.c_revoked_at,
      reason: r.c_reason,
    }),
    device:
      r.d_id === null
        ? undefined
        : toDevice({ id: r.d_id, person_id: r.d_person_id!, public_jwk: r.d_public_jwk!, thumbprint: r.d_thumbprint!, label: r.d_label, created_at: r.d_created_at!, revoked_at: r.d_revoked_at }),
    person:
      r.p_id === null
        ? undefined
        : toPerson({
            id: r.p_id,
            netid: r.p_netid!,
            netid_attempt: r.p_netid_attempt!,
            person_index: r.p_person_index!,
            person_index_key_id: r.p_person_index_key_id!,
            wrapped_dek: r.p_wrapped_dek!,
            kek_id: r.p_kek_id!,
            profile: r.p_profile!,
            status: r.p_status!,
            created_at: r.p_created_at!,
            updated_at: r.p_updated_at!,
          }),
  };
}

export function credentialRepo({ db, now }: RepoContext): CredentialWriter {
  let presented: ReturnType<typeof presentedQuery> | undefined;
  return {
    async findById(id) {
      const key = lookupId(id);
      if (key === undefined) return undefined;
      const row = await db.selectFrom('credentials').selectAll().where('id', '=', key).executeTakeFirst();
      return row && toCredential(row);
    },

    async findPresented(id) {
      const key = lookupId(id);
      if (key === undefined) return undefined;
      presented ??= presentedQuery(db);
      const r = await presented.where('c.id', '=', key).executeTakeFirst();
      return r && toPresented(r);
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
