/**
 * Done-when of the storage issue: personal data is encrypted at rest. A few hundred synthetic
 * people go through the real protector and store; then the whole database is dumped — files and
 * rows — and no name, ID number, phone number or birth date may appear in it.
 */
import { randomBytes } from 'node:crypto';
import { beforeAll, expect, it } from 'vitest';
import { getSuite } from '@wangzheng/core/crypto/index';
import { BlindIndexer } from '../../src/protect/blind-index.ts';
import { DataProtector } from '../../src/protect/data-protector.ts';
import { newId, type Store, type StoreConfig } from '../../src/store/index.ts';
import { hasPgDump, pgDump, postgresRows, sqliteCheckpoint, sqliteFiles, sqliteRows } from '../support/dump.ts';
import { describeEachEngine } from '../support/engines.ts';
import { enrollSynthetic } from '../support/enroll.ts';
import { blindKeyRing, kekRing } from '../support/keys.ts';
import { fakeNetid, syntheticPeople } from '../support/people.ts';
import { PlaintextDetector, summarise, type Haystack } from '../support/plaintext.ts';

const COUNT = 300;
const suite = getSuite('gm');
const people = syntheticPeople(COUNT, 20240726);
const detector = new PlaintextDetector(people);

async function dumpRows(cfg: StoreConfig): Promise<Haystack[]> {
  return cfg.engine === 'sqlite' ? sqliteRows(cfg.path) : postgresRows(cfg.url, cfg.schema as string);
}

describeEachEngine(`no plaintext personal data in a dump of ${COUNT} stored people`, (engine) => {
  let cfg: StoreConfig;
  let store: Store;
  let liveFiles: Haystack[] = [];

  beforeAll(async () => {
    cfg = await engine.freshConfig();
    store = await engine.open(cfg);
    const protector = new DataProtector(suite, kekRing(suite));
    const indexer = new BlindIndexer(suite, blindKeyRing());
    for (const p of people) await enrollSynthetic(store, protector, indexer, p);
    if (cfg.engine === 'sqlite') {
      liveFiles = sqliteFiles(cfg.path, 'live'); // as the running process leaves them, WAL included
      await store.close();
      sqliteCheckpoint(cfg.path);
    }
  });

  it('every person was stored', async () => {
    const rows = await dumpRows(cfg);
    const persons = rows.find((h) => h.where.endsWith(' persons'));
    expect(String(persons?.data).split('\n')).toHaveLength(COUNT);
  });

  it('no name, ID number, phone or birth date in any row of any table, read as text', async () => {
    const findings = detector.scan(await dumpRows(cfg));
    expect(summarise(findings)).toEqual([]);
  });

  if (engine.name === 'sqlite') {
    it('no name, ID number, phone or birth date in the database file or WAL, live and after a checkpoint', () => {
      const files = [...liveFiles, ...sqliteFiles((cfg as { path: string }).path, 'checkpointed')];
      expect(files.some((f) => f.where === 'live -wal file')).toBe(true);
      expect(summarise(detector.scan(files))).toEqual([]);
    });
  } else {
    it('no name, ID number, phone or birth date in pg_dump of the schema (pg_dump must be on PATH)', async () => {
      expect(await hasPgDump(), 'pg_dump is not on PATH').toBe(true);
      const pgCfg = cfg as { url: string; schema: string };
      const dump = await pgDump(pgCfg.url, pgCfg.schema);
      expect(String(dump.data)).toContain('COPY');
      expect(summarise(detector.scan([dump]))).toEqual([]);
    });
  }
});

describeEachEngine('the plaintext check itself finds what an unsealed column would leak', (engine) => {
  it('a profile stored unsealed is found: name, ID number, phone and both birth-date forms', async () => {
    const cfg = await engine.freshConfig();
    const store = await engine.open(cfg);
    const p = people[0]!;
    const id = newId();
    await store.persons.insert({
      id,
      netid: fakeNetid(),
      netidAttempt: 0,
      personIndex: randomBytes(32),
      personIndexKeyId: 'bidx-1',
      wrappedDek: randomBytes(40),
      kekId: 'kek-1',
      // The bug this guards against: personal data written without the protector.
      profile: Buffer.from(JSON.stringify({ name: p.name, id: p.documentNumber, phone: p.phone, born: p.birthDate, ymd: p.birthDate.replaceAll('-', '') })),
    });
    const findings = detector.scan(await dumpRows(cfg));
    expect(new Set(findings.filter((f) => f.person === 0).map((f) => f.kind))).toEqual(new Set(['name', 'id_number', 'phone', 'birth_date']));
    expect(findings.filter((f) => f.kind === 'birth_date').length).toBeGreaterThanOrEqual(2);
    expect(findings.every((f) => f.person === 0)).toBe(true);
  });
});
