/** Consent records: who consented to what, when, and whether it was withdrawn. */
import type { Selectable } from 'kysely';
import type { ConsentsTable } from '../schema.ts';
import type { ConsentReader, ConsentRecord, ConsentWriter } from './types.ts';
import { assertEpochMs, assertText, lookupId, newId, writeId, type RepoContext } from '../context.ts';

/** The read-only methods: all that `store.reader.consents` carries. */
export const CONSENT_READ = ['findById', 'listByPerson', 'findActive'] as const satisfies readonly (keyof ConsentReader)[];

export function consentRepo({ db, now }: RepoContext): ConsentWriter {
  return {
    async findById(id) {
      const key = lookupId(id);
      if (key === undefined) return undefined;
      const row = await db.selectFrom('consents').selectAll().where('id', '=', key).executeTakeFirst();
      return row && toConsent(row);
    },

    async listByPerson(personId) {
      const key = lookupId(personId);
      if (key === undefined) return [];
      const rows = await db.selectFrom('consents').selectAll().where('person_id', '=', key).orderBy('granted_at').orderBy('id').execute();
      return rows.map(toConsent);
    },

    async findActive(personId, subject) {
      const key = lookupId(personId);
      if (key === undefined || typeof subject !== 'string') return undefined;
      const row = await db
        .selectFrom('consents')
        .selectAll()
        .where('person_id', '=', key)
        .where('subject', '=', subject)
        .where('withdrawn_at', 'is', null)
        .orderBy('granted_at', 'desc')
        .orderBy('id', 'desc')
        .executeTakeFirst();
      return row && toConsent(row);
    },

    async insert(c) {
      const row = {
        id: c.id === undefined ? newId() : writeId(c.id, 'consent id'),
        person_id: writeId(c.personId, 'person id'),
        subject: assertText(c.subject, 'subject', 256),
        scope: assertText(c.scope, 'scope', 1024),
        granted_at: c.grantedAt === undefined ? now() : assertEpochMs(c.grantedAt, 'grantedAt'),
        withdrawn_at: null,
      };
      await db.insertInto('consents').values(row).execute();
      return toConsent(row);
    },

    async withdraw(id, at) {
      const key = lookupId(id);
      if (key === undefined) return false;
      const r = await db
        .updateTable('consents')
        .set({ withdrawn_at: at === undefined ? now() : assertEpochMs(at, 'at') })
        .where('id', '=', key)
        .where('withdrawn_at', 'is', null)
        .executeTakeFirst();
      return r.numUpdatedRows > 0n;
    },
  };
}

function toConsent(r: Selectable<ConsentsTable>): ConsentRecord {
  return { id: r.id, personId: r.person_id, subject: r.subject, scope: r.scope, grantedAt: r.granted_at, withdrawnAt: r.withdrawn_at };
}
