/**
 * The bulk generator: enrolled people written straight into a platform database, as many as
 * asked, in batches (rows.ts builds them, sink.ts writes them), resumable.
 *
 * The people are the registry simulator's deterministic population (seed `wangzheng`, the
 * simulator's default): population index i is `PopulationModel.person(i)`, the same person —
 * name, document and number — that a simulator started with that seed holds at index i, so a
 * generated person's document can be looked up there. Adults' data does not depend on the
 * population's size (only minors' guardians do), so the model is built at MAX_POPULATION and
 * indexes are walked from 0; the few sequence counters of residence permits make person i
 * depend on the people before it, so a resumed run replays indexes 0…next (cheap: no crypto).
 *
 * Keys: those of the platform started with `WZ_DATA_DIR=<dataDir>` in development mode
 * (`<dataDir>/dev-secrets.json`, created here when missing, exactly as `wangzheng start` would).
 */
import { getSuite } from '@wangzheng/core/crypto/index';
import { MAX_POPULATION, PopulationModel } from '@wangzheng/registry-sim';
import { loadConfig } from '@wangzheng/platform/config';
import { PassphraseHasher } from '@wangzheng/platform/passphrase/hasher';
import { BlindIndexer, DataProtector } from '@wangzheng/platform/protect/index';
import { resolveSecrets } from '@wangzheng/platform/secrets';
import { connect } from '@wangzheng/platform/store/dialect';
import { openStore, type StoreConfig } from '@wangzheng/platform/store/index';
import { ensureMonthlyPartitions } from '@wangzheng/platform/store/partitions';
import { DeviceKeys } from './device-keys.ts';
import type { Progress } from './progress.ts';
import { buildBatch, enrollsWith, StatusPositions, type Chosen } from './rows.ts';
import { openSink } from './sink.ts';

export const SEED = 'wangzheng';
/** Every generated person's passphrase (what the benchmarks' holders use too). */
export const PASSPHRASE = '48273915';
/** Enrollments spread over the last 11 months by default: a 网证 is valid for 365 days. */
export const DEFAULT_MONTHS = 11;
const MONTH_MS = 30 * 86_400_000;

export interface ScaleOptions {
  readonly store: StoreConfig;
  /** The platform's data directory: its development secrets seal and digest everything. */
  readonly dataDir: string;
  /** People enrolled in the database when done (a rerun adds only what is missing). */
  readonly people: number;
  readonly batch?: number;
  /**
   * The enrollments are spread evenly over this many months before now, in population order
   * (default DEFAULT_MONTHS; 0: all at the moment of writing), as a platform in service for
   * that long would hold them: on PostgreSQL each month's history events fill that month's
   * partition, not all of them the current one.
   */
  readonly months?: number;
  /** Add to a database that already holds people this generator did not write. */
  readonly into?: boolean;
  readonly progress?: Progress;
  /** Stop after the batch in hand has committed (Ctrl-C). */
  readonly stop?: () => boolean;
  /** Tests: stop (as a crash would) after this many batches of this run. */
  readonly maxBatches?: number;
}

export interface ScaleResult {
  /** People in the database now (generated). */
  readonly people: number;
  /** Written by this run. */
  readonly written: number;
  readonly nextIndex: number;
  readonly seconds: number;
}

export async function generateScale(o: ScaleOptions): Promise<ScaleResult> {
  const batchSize = o.batch ?? 2_000;
  const cfg = loadConfig({ WZ_DATA_DIR: o.dataDir });
  const secrets = resolveSecrets(cfg);
  const suite = getSuite(cfg.suite);
  const spanMs = (o.months ?? DEFAULT_MONTHS) * MONTH_MS;
  if (!(spanMs >= 0) || spanMs >= (cfg.credential.validityDays - 1) * 86_400_000) {
    throw new Error(`scale: --months must leave the earliest 网证 valid (validity ${cfg.credential.validityDays} days)`);
  }
  // Argon2id costs ~50 ms: once per run, not per person (10 M hashes would take days). Every
  // person of a run shares this PHC string (same salt); each still verifies as a real one.
  const passphraseHash = await new PassphraseHasher(cfg.passphrase).hash(PASSPHRASE);
  const keys = {
    protector: new DataProtector(suite, secrets.kek),
    blindIndexer: new BlindIndexer(suite, secrets.blindIndex),
    netidKey: secrets.netid[0]!.key,
    passphraseHash,
    validityDays: cfg.credential.validityDays,
  };
  await (await openStore(o.store)).close(); // the platform's schema, by its own migrations
  if (spanMs > 0) await historyPartitions(o.store, Date.now() - spanMs);
  const sink = await openSink(o.store);
  const t0 = performance.now();
  try {
    let meta = await sink.meta();
    if (meta === undefined) {
      await sink.begin(SEED, o.into === true);
      meta = { seed: SEED, nextIndex: 0, people: 0 };
    }
    if (meta.seed !== SEED) throw new Error(`scale: this database was generated with another seed`);
    // A keyed digest of a fixed label: the same keys give the same value, and it tells nothing about them.
    const fingerprint = Buffer.from(keys.blindIndexer.digest('person_ref', 'bench-scale-keys').digest).toString('hex');
    if (!(await sink.sameKeys(fingerprint))) {
      throw new Error('scale: this database was generated with the keys of another data directory (--dir); use that one');
    }
    const model = new PopulationModel({ count: MAX_POPULATION, seed: SEED });
    if (meta.nextIndex > 0) {
      o.progress?.phase('replaying the population', 0, meta.nextIndex);
      for (let i = 0; i < meta.nextIndex; i++) {
        model.person(i);
        if ((i & 0xffff) === 0) o.progress?.update(i);
      }
      o.progress?.done(meta.nextIndex);
    }
    const open = await sink.openStatusList();
    const status = new StatusPositions(open.stored, open.taken);
    const devices = new DeviceKeys();
    let { nextIndex: index, people } = meta;
    const start = people;
    let batches = 0;
    // The batch being written while the next one is built (its netids are not in the database yet).
    let writing: { done: Promise<void>; netids: ReadonlySet<string> } | undefined;
    const taken = async (candidates: string[]): Promise<Set<string>> => {
      const t = await sink.netidsTaken(candidates);
      for (const c of candidates) if (writing?.netids.has(c)) t.add(c);
      return t;
    };
    o.progress?.phase('people', people, o.people);
    try {
      while (people < o.people && !(o.stop?.() ?? false) && (o.maxBatches === undefined || batches < o.maxBatches)) {
        const now = Date.now();
        // This batch's enrollment time: earlier people enrolled earlier (a rerun goes on from where it stopped).
        const at = now - Math.round(spanMs * (1 - people / o.people));
        const chosen: Chosen[] = [];
        const want = Math.min(batchSize, o.people - people);
        while (chosen.length < want) {
          const found: Omit<Chosen, 'personIndex'>[] = [];
          while (found.length < want - chosen.length) {
            const p = model.person(index++);
            const doc = enrollsWith(p, at, keys.validityDays, now);
            if (doc) found.push({ p, doc });
          }
          // Someone already enrolled (a database given with --into) is passed over, as the
          // platform would find them by their person reference and re-enroll them instead.
          const indexed = found.map((f) => ({ ...f, personIndex: keys.blindIndexer.digest('person_ref', f.p.personRef) }));
          const known = await sink.personsEnrolled(indexed.map((f) => f.personIndex.digest));
          for (const f of indexed) if (!known.has(Buffer.from(f.personIndex.digest).toString('hex'))) chosen.push(f);
        }
        const b = await buildBatch(keys, chosen, devices.next(chosen.length), status, taken, at);
        // One batch written at a time, in order: the bookkeeping of a committed batch covers all before it.
        await writing?.done;
        if (writing) o.progress?.update(people);
        people += b.people;
        const done = sink.write(b, { seed: SEED, nextIndex: index, people });
        done.catch(() => {}); // awaited before the next write or after the loop
        writing = { done, netids: new Set(b.persons['netid'] as string[]) };
        batches++;
        // SQLite's writes are synchronous: without a turn of the event loop a Ctrl-C would never be seen.
        await new Promise((r) => setImmediate(r));
      }
    } finally {
      await writing?.done;
    }
    o.progress?.done(people);
    return { people, written: people - start, nextIndex: index, seconds: (performance.now() - t0) / 1000 };
  } finally {
    await sink.close();
  }
}

/** PostgreSQL: the history's monthly partitions back to `from`, as a platform in service since then has them. */
async function historyPartitions(store: StoreConfig, from: number): Promise<void> {
  const { db } = await connect(store);
  try {
    await ensureMonthlyPartitions(db, 'events', from, Date.now());
  } finally {
    await db.destroy();
  }
}
