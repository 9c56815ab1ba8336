/** Devices: the public keys credentials are bound to. The label is sealed by the caller. */
import type { Selectable } from 'kysely';
import { toDbBytes } from '../dialect.ts';
import type { DevicesTable } from '../schema.ts';
import type { DeviceReader, DeviceRecord, DeviceWriter } from './types.ts';
import { assertBytes, assertEpochMs, assertText, lookupId, newId, writeId, type RepoContext } from '../context.ts';

/** The read-only methods: all that `store.reader.devices` carries. */
export const DEVICE_READ = ['findById', 'findByThumbprint', 'listByPerson'] as const satisfies readonly (keyof DeviceReader)[];

export function deviceRepo({ db, now }: RepoContext): DeviceWriter {
  return {
    async findById(id) {
      const key = lookupId(id);
      if (key === undefined) return undefined;
      const row = await db.selectFrom('devices').selectAll().where('id', '=', key).executeTakeFirst();
      return row && toDevice(row);
    },

    async findByThumbprint(thumbprint) {
      if (typeof thumbprint !== 'string' || thumbprint.length === 0) return undefined;
      const row = await db.selectFrom('devices').selectAll().where('thumbprint', '=', thumbprint).executeTakeFirst();
      return row && toDevice(row);
    },

    async listByPerson(personId) {
      const key = lookupId(personId);
      if (key === undefined) return [];
      const rows = await db.selectFrom('devices').selectAll().where('person_id', '=', key).orderBy('created_at').orderBy('id').execute();
      return rows.map(toDevice);
    },

    async insert(d) {
      const row = {
        id: d.id === undefined ? newId() : writeId(d.id, 'device id'),
        person_id: writeId(d.personId, 'person id'),
        public_jwk: assertText(d.publicJwk, 'publicJwk'),
        thumbprint: assertText(d.thumbprint, 'thumbprint', 128),
        label: d.label == null ? null : toDbBytes(assertBytes(d.label, 'label')),
        created_at: d.createdAt === undefined ? now() : assertEpochMs(d.createdAt, 'createdAt'),
        revoked_at: null,
      };
      await db.insertInto('devices').values(row).execute();
      return toDevice(row);
    },

    async revoke(id, at) {
      const key = lookupId(id);
      if (key === undefined) return false;
      const r = await db
        .updateTable('devices')
        .set({ revoked_at: at === undefined ? now() : assertEpochMs(at, 'at') })
        .where('id', '=', key)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      return r.numUpdatedRows > 0n;
    },
  };
}

/** A `devices` row as a record (also read joined: credentials/repo.ts `findPresented`). */
export function toDevice(r: Selectable<DevicesTable>): DeviceRecord {
  return {
    id: r.id,
    personId: r.person_id,
    publicJwk: r.public_jwk,
    thumbprint: r.thumbprint,
    label: r.label,
    createdAt: r.created_at,
    revokedAt: r.revoked_at,
  };
}
