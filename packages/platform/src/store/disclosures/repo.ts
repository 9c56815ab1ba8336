/** Identity-disclosure requests: inserted, decided once by compare-and-set. See types.ts. */
import type { Selectable } from 'kysely';
import type { DisclosuresTable } from '../schema.ts';
import { DISCLOSURE_STATES, type DisclosureReader, type DisclosureRecord, type DisclosureState, type DisclosureWriter } from './types.ts';
import { assertEpochMs, assertText, lookupId, newId, writeId, type RepoContext } from '../context.ts';

/** The read-only methods: all that `store.reader.disclosures` carries. */
export const DISCLOSURE_READ = ['findById', 'list'] as const satisfies readonly (keyof DisclosureReader)[];

export function disclosureRepo({ db, now }: RepoContext): DisclosureWriter {
  return {
    async findById(id) {
      const key = lookupId(id);
      if (key === undefined) return undefined;
      const row = await db.selectFrom('disclosures').selectAll().where('id', '=', key).executeTakeFirst();
      return row && toDisclosure(row);
    },

    async list(opts = {}) {
      const limit = opts.limit ?? 100;
      if (!Number.isInteger(limit) || limit < 1 || limit > 500) throw new TypeError('limit must be 1..500');
      let q = db.selectFrom('disclosures').selectAll();
      if (opts.state !== undefined) q = q.where('state', '=', assertState(opts.state));
      return (await q.orderBy('created_at', 'desc').orderBy('id').limit(limit).execute()).map(toDisclosure);
    },

    async insert(d) {
      const at = d.createdAt === undefined ? now() : assertEpochMs(d.createdAt, 'createdAt');
      if (d.namedBy !== 'netid' && d.namedBy !== 'app_id') throw new TypeError('namedBy must be netid or app_id');
      const row = {
        id: d.id === undefined ? newId() : writeId(d.id, 'disclosure id'),
        person_id: writeId(d.personId, 'person id'),
        named_by: d.namedBy,
        case_ref: assertText(d.caseRef, 'caseRef', 200),
        state: 'requested',
        requested_by: assertText(d.requestedBy, 'requestedBy', 128),
        approved_by: null,
        expires_at: null,
        created_at: at,
        updated_at: at,
      };
      await db.insertInto('disclosures').values(row).execute();
      return toDisclosure(row);
    },

    async decide(id, patch) {
      const key = lookupId(id);
      if (key === undefined) return false;
      const r = await db
        .updateTable('disclosures')
        .set({
          state: assertState(patch.state),
          approved_by: assertText(patch.approvedBy, 'approvedBy', 128),
          expires_at: patch.expiresAt === null ? null : assertEpochMs(patch.expiresAt, 'expiresAt'),
          updated_at: now(),
        })
        .where('id', '=', key)
        .where('state', '=', 'requested')
        .executeTakeFirst();
      return r.numUpdatedRows > 0n;
    },
  };
}

function assertState(s: unknown): DisclosureState {
  if (!(DISCLOSURE_STATES as readonly unknown[]).includes(s)) throw new TypeError(`disclosure state must be one of ${DISCLOSURE_STATES.join(', ')}`);
  return s as DisclosureState;
}

function toDisclosure(r: Selectable<DisclosuresTable>): DisclosureRecord {
  return {
    id: r.id,
    personId: r.person_id,
    namedBy: r.named_by as DisclosureRecord['namedBy'],
    caseRef: r.case_ref,
    state: r.state as DisclosureState,
    requestedBy: r.requested_by,
    approvedBy: r.approved_by,
    expiresAt: r.expires_at,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}
