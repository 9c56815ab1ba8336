/**
 * `openStore(cfg)`: connects to SQLite or PostgreSQL, brings the schema up to date (migrations
 * run automatically, under a lock), and returns the `Store` contract of types.ts.
 *
 * ```ts
 * const store = await openStore({ engine: 'sqlite', path: './data/wangzheng.db' });
 * await store.transaction(async (tx) => {
 *   await tx.persons.insert(person);
 *   await tx.persons.addBlindIndexes(person.id, indexes);
 *   await tx.credentials.insert({ personId: person.id, expiresAt });
 * });
 * await store.close();
 * ```
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Kysely } from 'kysely';
import { connect, type StoreConfig } from './dialect.ts';
import { guarded, pick, toStoreError } from './errors.ts';
import { migrateToLatest } from './migrations/index.ts';
import { assertionJtiRepo } from './repos/assertion-jtis.ts';
import { consentRepo } from './repos/consents.ts';
import type { RepoContext } from './repos/context.ts';
import { counterRepo } from './repos/counters.ts';
import { credentialRepo } from './repos/credentials.ts';
import { deviceRepo } from './repos/devices.ts';
import { enrollmentRepo } from './repos/enrollments.ts';
import { verificationRepo } from './repos/verifications.ts';
import { oidcRepo } from './repos/oidc.ts';
import { eventRepo } from './repos/events.ts';
import { passphraseRepo } from './repos/passphrases.ts';
import { personRepo } from './repos/persons.ts';
import { relyingPartyRepo } from './repos/relying-parties.ts';
import type { Database } from './schema.ts';
import type { PersonWriter, Store, StoreReader, StoreTx } from './types.ts';

export type { StoreConfig } from './dialect.ts';
export { newId } from './repos/context.ts';
export type * from './types.ts';
export { CREDENTIAL_STATUSES, PERSON_STATUSES } from './types.ts';

export interface OpenStoreOptions {
  /** Clock for created/updated times (tests). Default `Date.now`. */
  readonly now?: () => number;
}

export async function openStore(cfg: StoreConfig, opts: OpenStoreOptions = {}): Promise<Store> {
  const conn = await connect(cfg);
  let applied: string[];
  try {
    applied = await migrateToLatest(conn);
  } catch (e) {
    await conn.db.destroy().catch(() => {});
    throw toStoreError(e);
  }
  const now = opts.now ?? Date.now;
  // Inside `transaction(fn)`, the store's own (non-transaction) repositories must not be used:
  // on SQLite they would wait forever for the one connection the transaction holds, on
  // PostgreSQL they would run outside the transaction. Both engines refuse it the same way.
  const inTransaction = new AsyncLocalStorage<true>();
  const root = repositories({ db: conn.db, now }, () => {
    if (inTransaction.getStore()) throw new TypeError('inside store.transaction(fn), use the tx repositories, not the store’s');
  });
  let closed = false;

  async function transaction<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T> {
    try {
      if (inTransaction.getStore()) throw new TypeError('store.transaction does not nest');
      return await conn.db.transaction().execute((trx) => inTransaction.run(true, () => fn(repositories({ db: trx, now }, noCheck))));
    } catch (e) {
      throw toStoreError(e);
    }
  }

  // Methods of several statements are atomic on their own too: outside a transaction they
  // open one (inside, `tx.persons.*` already runs in the caller's).
  const persons: PersonWriter = {
    ...root.persons,
    shred: (id) => transaction((tx) => tx.persons.shred(id)),
    replaceBlindIndexes: (personId, kind, entries) => transaction((tx) => tx.persons.replaceBlindIndexes(personId, kind, entries)),
  };
  const writers: StoreTx = { ...root, persons };

  return {
    engine: conn.engine,
    migrationsApplied: Object.freeze(applied),
    ...writers,
    reader: readerOf(writers),
    transaction,
    async close() {
      if (closed) return;
      closed = true;
      await conn.db.destroy();
    },
  };
}

const noCheck = (): void => {};

function repositories(ctx: RepoContext & { db: Kysely<Database> }, check: () => void): StoreTx {
  return {
    persons: guarded(personRepo(ctx), check),
    credentials: guarded(credentialRepo(ctx), check),
    devices: guarded(deviceRepo(ctx), check),
    consents: guarded(consentRepo(ctx), check),
    events: guarded(eventRepo(ctx), check),
    counters: guarded(counterRepo(ctx), check),
    enrollments: guarded(enrollmentRepo(ctx), check),
    passphrases: guarded(passphraseRepo(ctx), check),
    relyingParties: guarded(relyingPartyRepo(ctx), check),
    assertionJtis: guarded(assertionJtiRepo(ctx), check),
    verifications: guarded(verificationRepo(ctx), check),
    oidc: guarded(oidcRepo(ctx), check),
  };
}

function readerOf(w: StoreTx): StoreReader {
  return {
    persons: pick(w.persons, [
      'findById',
      'findByNetid',
      'findByPersonIndex',
      'findByBlindIndex',
      'isNetidTaken',
      'listBlindIndexes',
      'count',
    ]),
    credentials: pick(w.credentials, ['findById', 'listByPerson', 'listStatusEntries']),
    devices: pick(w.devices, ['findById', 'findByThumbprint', 'listByPerson']),
    consents: pick(w.consents, ['findById', 'listByPerson', 'findActive']),
    events: pick(w.events, ['listByPerson']),
    counters: pick(w.counters, ['get']),
    enrollments: pick(w.enrollments, ['findById', 'findByApprovalCode', 'count']),
    passphrases: pick(w.passphrases, ['find']),
    relyingParties: pick(w.relyingParties, ['findByClientId', 'list', 'listClientIdsBySector', 'listEvents']),
    verifications: pick(w.verifications, ['findById', 'findByRef', 'listByPerson', 'listPendingForPerson']),
    oidc: pick(w.oidc, ['findAuthorization', 'findAuthorizationByRef', 'findAuthorizationByCode', 'findAccessToken']),
  };
}
