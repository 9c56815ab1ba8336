/**
 * Done-when of the storage issue: personal data is encrypted at rest. A few hundred synthetic
 * people go through the real protector and store; then the whole database is dumped — files and
 * rows — and no name, ID number, phone number or birth date may appear in it.
 *
 * Since 0002 the dump also holds enrollments in progress — of other people, who exist nowhere
 * else in the database, their whole state (document, chip data, phone) sealed under each
 * enrollment's own data key — and passphrase hashes, some of passphrases made of the person's
 * own birth date (people do that).
 */
import { createHmac, randomBytes } from 'node:crypto';
import { hash } from '@node-rs/argon2';
import { beforeAll, expect, it } from 'vitest';
import { getSuite } from '@wangzheng/core/crypto/index';
import { BlindIndexer } from '../../src/protect/blind-index.ts';
import { DataProtector } from '../../src/protect/data-protector.ts';
import { newId, type NewEnrollment, type Store, type StoreConfig } from '../../src/store/index.ts';
import { hasPgDump, pgDump, postgresRows, sqliteCheckpoint, sqliteFiles, sqliteRows } from '../support/dump.ts';
import { describeEachEngine } from '../support/engines.ts';
import { enrollSynthetic } from '../support/enroll.ts';
import { blindKeyRing, kekRing } from '../support/keys.ts';
import { fakeNetid, syntheticPeople, type SyntheticPerson } from '../support/people.ts';
import { PlaintextDetector, summarise, type Haystack } from '../support/plaintext.ts';

const COUNT = 300;
const PENDING = 100;
const PASSPHRASES = 20;
const suite = getSuite('gm');
const people = syntheticPeople(COUNT, 20240726);
const detector = new PlaintextDetector(people);
/** People whose enrollment is still in progress: only the enrollments table knows them. */
const pending = syntheticPeople(PENDING, 20250102);
const everyone = new PlaintextDetector([...people, ...pending]);

/** An enrollment at the phone-code step, the way the enrollment service will store it. */
function pendingEnrollment(protector: DataProtector, p: SyntheticPerson, i: number, unsealed = false): NewEnrollment {
  const id = newId();
  const { dek, wrappedDek, kekId } = protector.newDataKey(id);
  const state = { person: p, chip: { documentNumber: p.documentNumber, name: p.name, birthDate: p.birthDate }, phone: p.phone };
  const digestKey = randomBytes(32);
  return {
    id,
    tokenHash: createHmac('sha256', digestKey).update(randomBytes(32)).digest(),
    state: 'phone_code',
    nonceHash: createHmac('sha256', digestKey).update(randomBytes(32)).digest(),
    nonceExpiresAt: Date.now() + 300_000,
    expiresAt: Date.now() + 1_800_000,
    kekId,
    wrappedDek,
    // The bug the control test guards against: personal data written without the protector.
    sealed: unsealed ? Buffer.from(JSON.stringify(state)) : protector.sealFor(dek, id, 'enrollment', state),
    approvalCodeHash: i % 10 === 0 ? createHmac('sha256', digestKey).update(String(100000 + i)).digest() : null,
  };
}

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
    const ids: string[] = [];
    for (const p of people) ids.push((await enrollSynthetic(store, protector, indexer, p)).id);
    for (const [i, p] of pending.entries()) await store.enrollments.insert(pendingEnrollment(protector, p, i));
    for (const [i, p] of people.slice(0, PASSPHRASES).entries()) {
      const passphrase = i % 2 === 0 ? p.birthDate.replaceAll('-', '') : p.phone;
      await store.passphrases.set(ids[i]!, await hash(passphrase, { memoryCost: 1024, timeCost: 1, parallelism: 1 }));
    }
    if (cfg.engine === 'sqlite') {
      liveFiles = sqliteFiles(cfg.path, 'live'); // as the running process leaves them, WAL included
      await store.close();
      sqliteCheckpoint(cfg.path);
    }
  });

  it('every person, enrollment in progress and passphrase was stored', async () => {
    const rows = await dumpRows(cfg);
    const lines = (table: string) => String(rows.find((h) => h.where.endsWith(` ${table}`))?.data).split('\n');
    expect(lines('persons')).toHaveLength(COUNT);
    expect(lines('enrollments')).toHaveLength(PENDING);
    expect(lines('passphrases')).toHaveLength(PASSPHRASES);
  });

  it('no name, ID number, phone or birth date in any row of any table, read as text', async () => {
    const findings = everyone.scan(await dumpRows(cfg));
    expect(summarise(findings)).toEqual([]);
  });

  if (engine.name === 'sqlite') {
    it('no name, ID number, phone or birth date in the database file or WAL, live and after a checkpoint', () => {
      const files = [...liveFiles, ...sqliteFiles((cfg as { path: string }).path, 'checkpointed')];
      expect(files.some((f) => f.where === 'live -wal file')).toBe(true);
      expect(summarise(everyone.scan(files))).toEqual([]);
    });
  } else {
    it('no name, ID number, phone or birth date in pg_dump of the schema (pg_dump must be on PATH)', async () => {
      expect(await hasPgDump(), 'pg_dump is not on PATH').toBe(true);
      const pgCfg = cfg as { url: string; schema: string };
      const dump = await pgDump(pgCfg.url, pgCfg.schema);
      expect(String(dump.data)).toContain('COPY');
      expect(summarise(everyone.scan([dump]))).toEqual([]);
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

  it('an enrollment whose state was stored unsealed is found, in the enrollments table', async () => {
    const cfg = await engine.freshConfig();
    const store = await engine.open(cfg);
    const protector = new DataProtector(suite, kekRing(suite));
    await store.enrollments.insert(pendingEnrollment(protector, pending[0]!, 1, true));
    const findings = new PlaintextDetector(pending).scan(await dumpRows(cfg));
    expect(new Set(findings.map((f) => f.kind))).toEqual(new Set(['name', 'id_number', 'phone', 'birth_date']));
    expect(findings.every((f) => f.person === 0 && f.where.includes('enrollments'))).toBe(true);
  });
});
