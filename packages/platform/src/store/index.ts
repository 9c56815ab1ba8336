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
import type { KyselyPlugin, PluginTransformQueryArgs, PluginTransformResultArgs, QueryResult, RootOperationNode, UnknownRow } from 'kysely';
import { assertionJtiRepo } from './assertion-jtis/repo.ts';
import { AUDIT_READ, auditRepo } from './audit/repo.ts';
import { BAN_READ, banRepo } from './bans/repo.ts';
import { DISCLOSURE_READ, disclosureRepo } from './disclosures/repo.ts';
import { CONSENT_READ, consentRepo } from './consents/repo.ts';
import type { RepoContext } from './context.ts';
import { COUNTER_READ, counterRepo } from './counters/repo.ts';
import { CREDENTIAL_READ, credentialRepo } from './credentials/repo.ts';
import { DEVICE_READ, deviceRepo } from './devices/repo.ts';
import { connect, type StoreConfig } from './dialect.ts';
import { ENROLLMENT_READ, enrollmentRepo } from './enrollments/repo.ts';
import { guarded, pick, toStoreError } from './errors.ts';
import { EVENT_READ, eventRepo } from './events/repo.ts';
import { migrateToLatest } from './migrations/index.ts';
import { OIDC_READ, oidcRepo } from './oidc/repo.ts';
import { PASSPHRASE_READ, passphraseRepo } from './passphrases/repo.ts';
import { PERSON_READ, personRepo } from './persons/repo.ts';
import { RELYING_PARTY_READ, relyingPartyRepo } from './relying-parties/repo.ts';
import { JOB_READ, jobRepo } from './jobs/repo.ts';
import { SSF_STREAM_READ, ssfStreamRepo } from './ssf-streams/repo.ts';
import { spentNonceRepo } from './spent-nonces/repo.ts';
import { erasureRepo } from './erasure/repo.ts';
import { compact } from './compact.ts';
import { phoneChangeRepo } from './phone-changes/repo.ts';
import { CONSOLE_OPERATOR_READ, consoleOperatorRepo } from './console-operators/repo.ts';
import type { OidcWriter, PersonWriter, Store, StoreReader, StoreTx, VerificationWriter } from './types.ts';
import { VERIFICATION_READ, verificationRepo } from './verifications/repo.ts';
import { RpCache, type RpCacheOptions } from './rp-cache.ts';

export type { StoreConfig } from './dialect.ts';
export type { RpCacheOptions } from './rp-cache.ts';
export { newId } from './context.ts';
export type * from './types.ts';
export { BAN_STATES, CREDENTIAL_STATUSES, DISCLOSURE_STATES, PERSON_STATUSES } from './types.ts';

/**
 * Every repository, once: its name on the store, how it is built, and the read-only methods
 * `store.reader` carries (null: writer only, not on the reader at all). A new repository is
 * one import and one line here; the compiler checks the line against `StoreTx` and `StoreReader`.
 */
const REPOSITORIES = [
  { name: 'persons', repo: personRepo, read: PERSON_READ },
  { name: 'bans', repo: banRepo, read: BAN_READ },
  { name: 'disclosures', repo: disclosureRepo, read: DISCLOSURE_READ },
  { name: 'credentials', repo: credentialRepo, read: CREDENTIAL_READ },
  { name: 'devices', repo: deviceRepo, read: DEVICE_READ },
  { name: 'consents', repo: consentRepo, read: CONSENT_READ },
  { name: 'events', repo: eventRepo, read: EVENT_READ },
  { name: 'counters', repo: counterRepo, read: COUNTER_READ },
  { name: 'enrollments', repo: enrollmentRepo, read: ENROLLMENT_READ },
  { name: 'passphrases', repo: passphraseRepo, read: PASSPHRASE_READ },
  { name: 'relyingParties', repo: relyingPartyRepo, read: RELYING_PARTY_READ },
  { name: 'assertionJtis', repo: assertionJtiRepo, read: null },
  { name: 'verifications', repo: verificationRepo, read: VERIFICATION_READ },
  { name: 'oidc', repo: oidcRepo, read: OIDC_READ },
  { name: 'jobs', repo: jobRepo, read: JOB_READ },
  { name: 'ssfStreams', repo: ssfStreamRepo, read: SSF_STREAM_READ },
  { name: 'spentNonces', repo: spentNonceRepo, read: null },
  { name: 'erasure', repo: erasureRepo, read: null },
  { name: 'phoneChanges', repo: phoneChangeRepo, read: null },
  { name: 'audit', repo: auditRepo, read: AUDIT_READ },
  { name: 'consoleOperators', repo: consoleOperatorRepo, read: CONSOLE_OPERATOR_READ },
] as const satisfies readonly RepoEntry[];

/** A line of the table: a `StoreTx` key, the factory of that writer, and methods of that reader. */
type RepoEntry = {
  [K in keyof StoreTx]: {
    readonly name: K;
    readonly repo: (ctx: RepoContext) => StoreTx[K];
    readonly read: K extends keyof StoreReader ? readonly (keyof StoreReader[K])[] : null;
  };
}[keyof StoreTx];

type Entry = (typeof REPOSITORIES)[number];
/** What `repositories()` builds, by type. Returned as `StoreTx`: a repository without a line fails to compile. */
type Writers = { [E in Entry as E['name']]: ReturnType<E['repo']> };
/**
 * What `readerOf()` builds, by type: each writer cut down to its listed methods. Returned as
 * `StoreReader`: a reader method missing from its list fails to compile.
 */
type Readers = {
  [E in Entry as E['read'] extends null ? never : E['name']]: Pick<ReturnType<E['repo']>, NonNullable<E['read']>[number] & keyof ReturnType<E['repo']>>;
};

export interface OpenStoreOptions {
  /** Clock for created/updated times (tests). Default `Date.now`. */
  readonly now?: () => number;
  /** The per-process cache of relying-party records (rp-cache.ts): `{ ttlMs: 0 }` turns it off. */
  readonly rpCache?: RpCacheOptions;
  /**
   * Refuse, with a TypeError, the store's own repositories or a second `transaction` used
   * inside `transaction(fn)` (a programming error: on SQLite it waits forever for the one
   * connection, on PostgreSQL it runs outside the transaction). A development assertion, on in
   * the test suite, off by default: it needs an AsyncLocalStorage, and once one is in use
   * Node 20 runs a hook on every promise the process makes, which cost the platform a measured
   * share of each verification's CPU (docs/store.md, "Transactions").
   */
  readonly checkTransactions?: boolean;
}

/** Counts executed statements (Kysely calls `transformResult` once per query, in and out of transactions). */
class StatementCounter implements KyselyPlugin {
  count = 0;
  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    return args.node;
  }
  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    this.count += 1;
    return args.result;
  }
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
  const statements = new StatementCounter();
  const db = conn.db.withPlugin(statements);
  // Inside `transaction(fn)`, the store's own (non-transaction) repositories must not be used:
  // on SQLite they would wait forever for the one connection the transaction holds, on
  // PostgreSQL they would run outside the transaction. Both engines refuse it the same way.
  const inTransaction = opts.checkTransactions === true ? new AsyncLocalStorage<true>() : undefined;
  const rpCache = new RpCache(opts.rpCache);
  const root = allRepositories(
    { db, now },
    (name, repo) => (name === 'relyingParties' ? rpCache.wrap(repo as StoreTx['relyingParties']) : repo),
    inTransaction === undefined
      ? noCheck
      : () => {
          if (inTransaction.getStore()) throw new TypeError('inside store.transaction(fn), use the tx repositories, not the store’s');
        },
  );
  let closed = false;

  async function transaction<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T> {
    // A transaction that wrote a relying party invalidates the cache again once it has ended:
    // a read between the write and the commit may have fetched the old row.
    let wroteRp = false;
    const markRp = (): void => void (wroteRp = true);
    const decorate: Decorate = (name, repo) => (name === 'relyingParties' ? rpCache.wrapTx(repo as StoreTx['relyingParties'], markRp) : repo);
    try {
      if (inTransaction?.getStore()) throw new TypeError('store.transaction does not nest');
      return await db.transaction().execute((trx) => {
        const tx = repositories({ db: trx, now }, decorate, noCheck);
        return inTransaction === undefined ? fn(tx) : inTransaction.run(true, () => fn(tx));
      });
    } catch (e) {
      throw toStoreError(e);
    } finally {
      if (wroteRp) rpCache.invalidate();
    }
  }

  // Methods of several statements are atomic on their own too: outside a transaction they
  // open one (inside, `tx.persons.*` already runs in the caller's).
  const persons: PersonWriter = {
    ...root.persons,
    shred: (id) => transaction((tx) => tx.persons.shred(id)),
    replaceBlindIndexes: (personId, kind, entries) => transaction((tx) => tx.persons.replaceBlindIndexes(personId, kind, entries)),
  };
  // `verifications.transitionWith` and `oidc.redeemAuthorization` are one statement on
  // PostgreSQL (store/moved.ts); on SQLite, several.
  const onePg = conn.engine === 'postgres';
  const verifications: VerificationWriter = onePg ? root.verifications : { ...root.verifications, transitionWith: (id, from, patch, rows) => transaction((tx) => tx.verifications.transitionWith(id, from, patch, rows)) };
  const oidc: OidcWriter = onePg ? root.oidc : { ...root.oidc, redeemAuthorization: (id, at, t) => transaction((tx) => tx.oidc.redeemAuthorization(id, at, t)) };
  const writers: StoreTx = { ...root, persons, verifications, oidc };

  return {
    engine: conn.engine,
    migrationsApplied: Object.freeze(applied),
    ...writers,
    reader: readerOf(writers),
    transaction,
    async compact() {
      if (inTransaction?.getStore()) throw new TypeError('store.compact runs outside a transaction');
      return compact(conn).catch((e: unknown) => Promise.reject(toStoreError(e)));
    },
    statementCount: () => statements.count,
    async close() {
      if (closed) return;
      closed = true;
      await conn.db.destroy();
    },
  };
}

const noCheck = (): void => {};

/** A hook on each repository as built (before the guard): the relying-party cache. */
type Decorate = (name: keyof StoreTx, repo: object) => object;

/** What a set of lazily built repositories is bound to. */
interface Binding {
  readonly ctx: RepoContext;
  readonly decorate: Decorate;
  readonly check: () => void;
}

const BINDING = Symbol('repositories binding');

/**
 * One lazy getter per repository, shared by every transaction's repositories object: the first
 * use builds the repository (guarded, decorated) and keeps it as a plain value. The getters are
 * the same functions every time, so defining them on a new object reuses V8's hidden classes; a
 * fresh closure per getter and transaction (as before) was measurable in a verification's CPU,
 * and so was building all twenty (issue 10). They are the object's own properties: a
 * transaction's repositories can be spread (`{ ...tx, counters }`) like any object.
 */
const LAZY_REPOSITORIES: PropertyDescriptorMap = Object.fromEntries(
  REPOSITORIES.map(({ name, repo }) => [
    name,
    {
      enumerable: true,
      configurable: true,
      get(this: { readonly [BINDING]: Binding }) {
        const { ctx, decorate, check } = this[BINDING];
        const built = guarded(decorate(name, (repo as (c: RepoContext) => object)(ctx)), check);
        Object.defineProperty(this, name, { value: built, enumerable: true });
        return built;
      },
    },
  ]),
);

/** The repositories over one handle (a transaction's), each built on first use. */
function repositories(ctx: RepoContext, decorate: Decorate, check: () => void): StoreTx {
  const out = Object.defineProperty({}, BINDING, { value: { ctx, decorate, check } });
  return Object.defineProperties(out, LAZY_REPOSITORIES) as unknown as Writers;
}

/** All the repositories over one handle, built at once as own properties (the store's own, once). */
function allRepositories(ctx: RepoContext, decorate: Decorate, check: () => void): StoreTx {
  const out: Record<string, unknown> = {};
  for (const { name, repo } of REPOSITORIES) out[name] = guarded(decorate(name, (repo as (c: RepoContext) => object)(ctx)), check);
  return out as Writers;
}

/** Only the listed methods, copied onto new objects (`pick`): a reader cannot be cast back to a writer. */
function readerOf(w: StoreTx): StoreReader {
  const out: Record<string, unknown> = {};
  for (const { name, read } of REPOSITORIES) {
    if (read !== null) out[name] = pick(w[name] as unknown as Record<string, unknown>, read);
  }
  return out as Readers;
}
