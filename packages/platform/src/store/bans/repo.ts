/** Bans of a 网号: found by keyed digest, decided by compare-and-set. See types.ts. */
import type { Selectable } from 'kysely';
import { toDbBytes } from '../dialect.ts';
import type { BansTable } from '../schema.ts';
import { BAN_STATES, type BanReader, type BanRecord, type BanState, type BanWriter } from './types.ts';
import { assertBytes, assertCode, assertEpochMs, assertText, lookupId, newId, writeId, type RepoContext } from '../context.ts';

/** The read-only methods: all that `store.reader.bans` carries. */
export const BAN_READ = ['findById', 'findOpenByDigest', 'list'] as const satisfies readonly (keyof BanReader)[];

const OPEN: readonly BanState[] = ['requested', 'active', 'unban_requested'];

export function banRepo({ db, now }: RepoContext): BanWriter {
  return {
    async findById(id) {
      const key = lookupId(id);
      if (key === undefined) return undefined;
      const row = await db.selectFrom('bans').selectAll().where('id', '=', key).executeTakeFirst();
      return row && toBan(row);
    },

    async findOpenByDigest(digests) {
      if (!Array.isArray(digests) || digests.length === 0 || digests.length > 16) throw new TypeError('digests must be 1..16 byte arrays');
      const list = digests.map((d) => toDbBytes(assertBytes(d, 'digest')));
      const row = await db
        .selectFrom('bans')
        .selectAll()
        .where('ban_digest', 'in', list)
        .where('state', 'in', OPEN)
        .orderBy('created_at', 'desc')
        .executeTakeFirst();
      return row && toBan(row);
    },

    async list(opts = {}) {
      const limit = opts.limit ?? 100;
      if (!Number.isInteger(limit) || limit < 1 || limit > 500) throw new TypeError('limit must be 1..500');
      let q = db.selectFrom('bans').selectAll();
      if (opts.state !== undefined) q = q.where('state', '=', assertState(opts.state));
      const rows = await q.orderBy('created_at', 'desc').orderBy('id').limit(limit).execute();
      return rows.map(toBan);
    },

    async insert(b) {
      const at = b.createdAt === undefined ? now() : assertEpochMs(b.createdAt, 'createdAt');
      const row = {
        id: b.id === undefined ? newId() : writeId(b.id, 'ban id'),
        ban_digest: toDbBytes(assertBytes(b.banDigest, 'banDigest')),
        ban_key_id: assertCode(b.banKeyId, 'banKeyId'),
        person_id: b.personId === null ? null : writeId(b.personId, 'person id'),
        state: assertState(b.state),
        reason: assertCode(b.reason, 'reason'),
        legal_ref: assertText(b.legalRef, 'legalRef', 400),
        requested_by: assertText(b.requestedBy, 'requestedBy', 128),
        approved_by: b.approvedBy == null ? null : assertText(b.approvedBy, 'approvedBy', 128),
        unban_requested_by: null,
        unban_approved_by: null,
        unban_legal_ref: null,
        created_at: at,
        updated_at: at,
      };
      await db.insertInto('bans').values(row).execute();
      return toBan(row);
    },

    async transition(id, from, patch) {
      const key = lookupId(id);
      if (key === undefined) return false;
      const set: Record<string, unknown> = { state: assertState(patch.state), updated_at: now() };
      if (patch.approvedBy !== undefined) set['approved_by'] = patch.approvedBy;
      if (patch.unbanRequestedBy !== undefined) set['unban_requested_by'] = patch.unbanRequestedBy;
      if (patch.unbanApprovedBy !== undefined) set['unban_approved_by'] = patch.unbanApprovedBy;
      if (patch.unbanLegalRef !== undefined) set['unban_legal_ref'] = patch.unbanLegalRef === null ? null : assertText(patch.unbanLegalRef, 'unbanLegalRef', 400);
      const r = await db.updateTable('bans').set(set).where('id', '=', key).where('state', '=', assertState(from)).executeTakeFirst();
      return r.numUpdatedRows > 0n;
    },
  };
}

function assertState(s: unknown): BanState {
  if (!(BAN_STATES as readonly unknown[]).includes(s)) throw new TypeError(`ban state must be one of ${BAN_STATES.join(', ')}`);
  return s as BanState;
}

function toBan(r: Selectable<BansTable>): BanRecord {
  return {
    id: r.id,
    banDigest: r.ban_digest,
    banKeyId: r.ban_key_id,
    personId: r.person_id,
    state: r.state as BanState,
    reason: r.reason,
    legalRef: r.legal_ref,
    requestedBy: r.requested_by,
    approvedBy: r.approved_by,
    unbanRequestedBy: r.unban_requested_by,
    unbanApprovedBy: r.unban_approved_by,
    unbanLegalRef: r.unban_legal_ref,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}
