/**
 * docs/scale.md, "What a generated person is": the bulk generator (bench/scale/) writes people
 * that the platform's own store finds and opens exactly as if they had enrolled — by the blind
 * index of their document number and phone, with an active 网证 on a device key, a passphrase
 * that verifies, both consents and a sealed `enrolled` event — and an interrupted run, rerun,
 * adds no duplicates. On both engines (PostgreSQL: a fresh schema of the test database).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { getSuite, importPublicKey } from '@wangzheng/core/crypto/index';
import { MAX_POPULATION, PopulationModel, type SyntheticPerson } from '@wangzheng/registry-sim';
import { loadConfig } from '@wangzheng/platform/config';
import { consentSubjects, NOTICE } from '@wangzheng/platform/enrollment/notice';
import { PassphraseHasher } from '@wangzheng/platform/passphrase/hasher';
import { openHistoryEvent } from '@wangzheng/platform/person/history';
import { openProfile } from '@wangzheng/platform/person/profile';
import { BlindIndexer, DataProtector } from '@wangzheng/platform/protect/index';
import { resolveSecrets } from '@wangzheng/platform/secrets';
import type { Store, StoreConfig } from '@wangzheng/platform/store/index';
import { describeEachEngine } from '../../packages/platform/test/support/engines.ts';
import { generateScale, PASSPHRASE, SEED } from '../../bench/scale/generate.ts';
import { enrollsWith, phoneOf } from '../../bench/scale/rows.ts';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const dataDir = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'wz-scale-'));
  dirs.push(d);
  return d;
};

/** Row counts of every table the generator writes. */
async function counts(store: Store, cfg: StoreConfig): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const t of ['persons', 'blind_indexes', 'devices', 'credentials', 'passphrases', 'consents', 'events']) {
    out[t] = await rowCount(cfg, t);
  }
  out['enrollments.issued'] = await store.reader.counters.get('enrollments.issued');
  out['status_list.1.allocated'] = await store.reader.counters.get('status_list.1.allocated');
  return out;
}

/** Rows of a query over the generated tables (PostgreSQL: in the test's schema). */
async function rows<T>(cfg: StoreConfig, text: string): Promise<T[]> {
  if (cfg.engine === 'sqlite') {
    const { default: Database } = await import('better-sqlite3');
    const db = new Database(cfg.path, { readonly: true });
    try {
      return db.prepare(text).all() as T[];
    } finally {
      db.close();
    }
  }
  const { default: pg } = await import('pg');
  const c = new pg.Client({ connectionString: cfg.url });
  await c.connect();
  try {
    await c.query(`SET search_path TO "${cfg.schema}"`);
    return (await c.query(text)).rows as T[];
  } finally {
    await c.end();
  }
}

async function rowCount(cfg: StoreConfig, table: string): Promise<number> {
  return Number((await rows<{ n: number | string }>(cfg, `SELECT count(*) AS n FROM ${table}`))[0]!.n);
}

describeEachEngine('bench/scale: generated people are enrolled people', (engine) => {
  it('writes exactly the rows of an enrollment, resumes after an interruption without duplicates, and the store opens them', async () => {
    const cfg = await engine.freshConfig();
    const dir = dataDir();
    // Interrupted: two batches of 400 committed, then the run ends (as a kill between batches would).
    const first = await generateScale({ store: cfg, dataDir: dir, people: 1_500, batch: 400, months: 0, maxBatches: 2 });
    expect(first.people).toBe(800);
    // The rerun continues where the first stopped, to exactly the number asked.
    const second = await generateScale({ store: cfg, dataDir: dir, people: 1_500, batch: 400, months: 0 });
    expect(second).toMatchObject({ people: 1_500, written: 700 });
    expect(second.nextIndex).toBeGreaterThan(first.nextIndex);
    // Once there, a third run writes nothing.
    expect((await generateScale({ store: cfg, dataDir: dir, people: 1_500, batch: 400, months: 0 })).written).toBe(0);
    // A rerun with another data directory (other keys) would write people the platform cannot open.
    await expect(generateScale({ store: cfg, dataDir: dataDir(), people: 1_600, batch: 400, months: 0 })).rejects.toThrow(/keys of another data directory/);

    const store = await engine.open(cfg);
    expect(await counts(store, cfg)).toEqual({
      persons: 1_500,
      blind_indexes: 3_000,
      devices: 1_500,
      credentials: 1_500,
      passphrases: 1_500,
      consents: 3_000,
      events: 1_500,
      'enrollments.issued': 1_500,
      'status_list.1.allocated': 1_500,
    });

    // The platform's keys for this data directory, as `wangzheng start` resolves them.
    const config = loadConfig({ WZ_DATA_DIR: dir });
    const secrets = resolveSecrets(config);
    const suite = getSuite(config.suite);
    const protector = new DataProtector(suite, secrets.kek);
    const bi = new BlindIndexer(suite, secrets.blindIndex);

    // The registry simulator's people, recomputed: the enrolled ones among the walked indexes.
    const model = new PopulationModel({ count: MAX_POPULATION, seed: SEED });
    const walked: SyntheticPerson[] = [];
    for (let i = 0; i < second.nextIndex; i++) walked.push(model.person(i));
    const enrolled = walked.filter((p) => enrollsWith(p, Date.now(), config.credential.validityDays) !== undefined);
    expect(enrolled.length).toBe(1_500);
    // First, one from the interrupted run, the last one written, and someone never enrolled (a child).
    for (const p of [enrolled[0]!, enrolled[799]!, enrolled[1_499]!]) {
      const doc = p.documents[0]!;
      const person = await store.reader.persons.findByBlindIndex(`document:${doc.type}`, bi.candidates(`document:${doc.type}`, doc.number).map((c) => c.digest));
      expect(person, `population index ${p.index}`).toBeDefined();
      expect((await store.reader.persons.findByBlindIndex('phone', bi.candidates('phone', phoneOf(p.index)).map((c) => c.digest)))?.id).toBe(person!.id);
      expect((await store.reader.persons.findByPersonIndex(bi.candidates('person_ref', p.personRef).map((c) => c.digest)))?.id).toBe(person!.id);
      expect(person!.status).toBe('active');
      const dek = protector.unwrapDataKey(person!.id, person!.wrappedDek, person!.kekId);
      expect(openProfile(protector, dek, person!)).toMatchObject({ personRef: p.personRef, name: p.name, birthDate: p.birthDate, documents: [{ type: doc.type, number: doc.number }] });

      const [cred, ...more] = await store.reader.credentials.listByPerson(person!.id);
      expect(more).toEqual([]);
      expect(cred).toMatchObject({ status: 'valid', statusList: '1' });
      expect(cred!.expiresAt).toBeGreaterThan(Date.now());
      const [device] = await store.reader.devices.listByPerson(person!.id);
      expect(device!.id).toBe(cred!.deviceId);
      expect(device!.revokedAt).toBeNull();
      expect(importPublicKey(JSON.parse(device!.publicJwk)).thumbprint).toBe(device!.thumbprint);

      const subjects = consentSubjects(NOTICE.version);
      expect(await store.reader.consents.findActive(person!.id, subjects.processing)).toBeDefined();
      expect(await store.reader.consents.findActive(person!.id, subjects.sensitive)).toBeDefined();
      const [event] = await store.reader.events.listByPerson(person!.id);
      expect(openHistoryEvent(protector, dek, event!)).toMatchObject({ kind: 'enrolled', details: { credentialId: cred!.id, device: device!.thumbprint, documentType: doc.type } });
    }
    const child = walked.find((p) => enrollsWith(p, Date.now(), config.credential.validityDays) === undefined)!;
    expect(await store.reader.persons.findByPersonIndex(bi.candidates('person_ref', child.personRef).map((c) => c.digest))).toBeUndefined();

    const someone = await store.reader.persons.findByPersonIndex(bi.candidates('person_ref', enrolled[42]!.personRef).map((c) => c.digest));
    const pass = await store.reader.passphrases.find(someone!.id);
    expect(await new PassphraseHasher(config.passphrase).verify(pass!.hash, PASSPHRASE)).toBe(true);
    expect(await new PassphraseHasher(config.passphrase).verify(pass!.hash, '00000000')).toBe(false);
  });

  it('spreads the enrollments over the months asked, earlier people earlier, each month in its history partition, every 网证 still valid', async () => {
    const cfg = await engine.freshConfig();
    const before = Date.now();
    await generateScale({ store: cfg, dataDir: dataDir(), people: 600, batch: 100, months: 6 });
    const after = Date.now();
    const month = 30 * 86_400_000;
    // Six batches, enrolled 6, 5, … 1 months before the run: every table's times agree.
    const times = await rows<{ at: number; issued: number; expires: number; person: number }>(
      cfg,
      `SELECT e.created_at AS at, c.issued_at AS issued, c.expires_at AS expires, p.created_at AS person
         FROM events e JOIN credentials c ON c.person_id = e.person_id JOIN persons p ON p.id = e.person_id`,
    );
    expect(times).toHaveLength(600);
    const distinct = [...new Set(times.map((t) => Number(t.at)))].sort((a, b) => a - b);
    expect(distinct).toHaveLength(6);
    distinct.forEach((at, k) => {
      expect(at).toBeGreaterThanOrEqual(before - (6 - k) * month);
      expect(at).toBeLessThanOrEqual(after - (6 - k) * month);
    });
    for (const t of times) {
      expect(Number(t.issued)).toBe(Number(t.at));
      expect(Number(t.person)).toBe(Number(t.at));
      expect(Number(t.expires)).toBeGreaterThan(after);
    }
    if (cfg.engine === 'postgres') {
      // Each event sits in the monthly partition of its own month, none in DEFAULT.
      const parts = await rows<{ part: string; at: string }>(cfg, `SELECT tableoid::regclass::text AS part, created_at AS at FROM events`);
      for (const r of parts) {
        const d = new Date(Number(r.at));
        expect(r.part.replace(/^.*\./, '')).toBe(`events_p${d.getUTCFullYear()}${String(d.getUTCMonth() + 1).padStart(2, '0')}`);
      }
    }
  });

  it('refuses a database holding people it did not write, unless told (--into)', async () => {
    const cfg = await engine.freshConfig();
    const dir = dataDir();
    const other = dataDir();
    await generateScale({ store: cfg, dataDir: other, people: 10, batch: 10 });
    // Someone else's bookkeeping gone: to the generator these are people it did not write.
    await dropBookkeeping(cfg);
    await expect(generateScale({ store: cfg, dataDir: dir, people: 20, batch: 10 })).rejects.toThrow(/did not write; pass --into/);
    expect(await rowCount(cfg, 'persons')).toBe(10);
    // Told: it adds its own people and passes over those already enrolled (the same population).
    const r = await generateScale({ store: cfg, dataDir: dir, people: 20, batch: 10, into: true });
    expect(r.written).toBe(20);
    expect(await rowCount(cfg, 'persons')).toBe(30);
  });
});

async function dropBookkeeping(cfg: StoreConfig): Promise<void> {
  if (cfg.engine === 'sqlite') {
    const { default: Database } = await import('better-sqlite3');
    const db = new Database(cfg.path);
    db.exec('DROP TABLE bench_scale');
    db.close();
    return;
  }
  const { default: pg } = await import('pg');
  const c = new pg.Client({ connectionString: cfg.url });
  await c.connect();
  await c.query(`DROP TABLE "${cfg.schema}".bench_scale`);
  await c.end();
}

describe('bench/scale: killed with SIGKILL mid-run (SQLite, the command itself)', () => {
  it('leaves only whole batches, and a rerun continues without duplicates', async () => {
    const dir = dataDir();
    const path = join(dir, 'platform.db');
    const root = new URL('../..', import.meta.url).pathname;
    const child = spawn(process.execPath, ['--import', 'tsx', 'bench/index.ts', 'scale', '--engine', 'sqlite', '--people', '200000', '--batch', '150', '--dir', dir], { cwd: root, stdio: 'ignore' });
    const exited = new Promise((r) => child.once('exit', r));
    const { default: Database } = await import('better-sqlite3');
    const written = (): number => {
      try {
        const db = new Database(path, { readonly: true, fileMustExist: true });
        try {
          return Number(db.prepare("SELECT value FROM bench_scale WHERE name = 'people'").pluck().get() ?? 0);
        } finally {
          db.close();
        }
      } catch {
        return 0; // not created yet
      }
    };
    const deadline = Date.now() + 90_000;
    while (written() < 450 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    child.kill('SIGKILL');
    await exited;
    const atKill = written();
    expect(atKill).toBeGreaterThanOrEqual(450);
    expect(atKill % 150).toBe(0); // whole batches only
    const cfg: StoreConfig = { engine: 'sqlite', path };
    expect(await rowCount(cfg, 'persons')).toBe(atKill);
    expect(await rowCount(cfg, 'credentials')).toBe(atKill);

    const r = await generateScale({ store: cfg, dataDir: dir, people: atKill + 300, batch: 150 });
    expect(r).toMatchObject({ people: atKill + 300, written: 300 });
    expect(await rowCount(cfg, 'persons')).toBe(atKill + 300);
    expect(await rowCount(cfg, 'events')).toBe(atKill + 300);
  }, 150_000);
});
