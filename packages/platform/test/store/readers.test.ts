/**
 * Privilege in the types, and at run time too: `store.reader` carries each repository's read
 * methods and nothing else, on objects of its own, and a writer-only repository (used
 * client-assertion ids) not at all. The lists below are written out by hand on purpose: they
 * check the per-repository `*_READ` lists that `readerOf` is built from.
 */
import { beforeAll, expect, it } from 'vitest';
import type { Store } from '../../src/store/index.ts';
import { describeEachEngine } from '../support/engines.ts';

const READ_METHODS: Readonly<Record<string, readonly string[]>> = {
  persons: ['findById', 'findByNetid', 'findByPersonIndex', 'findByBlindIndex', 'isNetidTaken', 'listBlindIndexes', 'count'],
  bans: ['findById', 'findOpenByDigest', 'list'],
  disclosures: ['findById', 'list'],
  credentials: ['findById', 'findPresented', 'listByPerson', 'listStatusEntries', 'listStatusChanges', 'hasStatusList', 'isStatusEntryTaken'],
  devices: ['findById', 'findByThumbprint', 'listByPerson'],
  consents: ['findById', 'listByPerson', 'findActive'],
  events: ['listByPerson'],
  counters: ['get'],
  enrollments: ['findById', 'findByApprovalCode', 'count'],
  passphrases: ['find'],
  relyingParties: ['findByClientId', 'list', 'listClientIdsBySector', 'listEvents'],
  verifications: ['findById', 'findWithDataKey', 'findByRef', 'findByRefPresenting', 'listByPerson', 'listPendingForPerson', 'listByClient'],
  oidc: ['findAuthorization', 'findAuthorizationByRef', 'findAuthorizationByCode', 'findAccessToken', 'findAuthorizationByRequest', 'findAuthorizationWithRequest', 'listAccessTokens'],
  jobs: ['countByQueue'],
  ssfStreams: ['findByClientId', 'list'],
  audit: ['head', 'queued', 'list', 'listCheckpoints', 'latestCheckpoint'],
  consoleOperators: ['find', 'list'],
};

const REPOSITORIES = [
  'persons',
  'bans',
  'disclosures',
  'credentials',
  'devices',
  'consents',
  'events',
  'counters',
  'enrollments',
  'passphrases',
  'relyingParties',
  'assertionJtis',
  'verifications',
  'oidc',
  'jobs',
  'ssfStreams',
  'spentNonces',
  'erasure',
  'phoneChanges',
  'audit',
  'consoleOperators',
];

describeEachEngine('store.reader: the read methods only, for every repository', (engine) => {
  let store: Store;
  beforeAll(async () => {
    store = await engine.openFresh();
  });

  it('the store carries every repository (writers), in a fixed order', () => {
    expect(Object.keys(store)).toEqual(['engine', 'migrationsApplied', ...REPOSITORIES, 'reader', 'transaction', 'compact', 'statementCount', 'close']);
  });

  it('one reader per repository that has one; none for assertionJtis (writer only)', () => {
    expect(Object.keys(store.reader)).toEqual(Object.keys(READ_METHODS));
    expect((store.reader as unknown as Record<string, unknown>).assertionJtis).toBeUndefined();
  });

  it('each reader holds exactly its read methods, as functions, and is not the writer object', () => {
    const readers = store.reader as unknown as Record<string, Record<string, unknown>>;
    const writers = store as unknown as Record<string, Record<string, unknown>>;
    for (const [name, methods] of Object.entries(READ_METHODS)) {
      const reader = readers[name]!;
      expect(Object.keys(reader), name).toEqual(methods);
      for (const m of methods) expect(typeof reader[m], `${name}.${m}`).toBe('function');
      expect(reader, name).not.toBe(writers[name]);
      // Every other method of the writer is a write method, and absent from the reader.
      for (const m of Object.keys(writers[name]!)) if (!methods.includes(m)) expect(reader[m], `${name}.${m}`).toBeUndefined();
    }
  });

  it('the readers work: they run against the same database as the writers', async () => {
    expect(await store.reader.persons.count()).toBe(0);
    expect(await store.reader.counters.get('readers.test')).toBe(0);
    await store.counters.increment('readers.test');
    expect(await store.reader.counters.get('readers.test')).toBe(1);
  });
});
