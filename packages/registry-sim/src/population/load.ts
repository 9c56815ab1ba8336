/**
 * Writes a generated population into the registry database: batched transactions of
 * prepared inserts into bare tables, then the secondary indexes in one pass.
 *
 * Two drivers share the batch format:
 * - `loadPopulation` (synchronous, in-thread): small populations, tests, first start;
 * - `loadPopulationParallel`: a worker thread generates batches while this thread inserts
 *   them (generation and SQLite each take about half the time, so two cores ≈ 2×).
 */
import { Worker } from 'node:worker_threads';
import { WzError } from '@wangzheng/core/errors';
import { createIndexes, getMeta, setMeta, type Db } from '../store/db.ts';
import { DEFAULT_AS_OF, PopulationModel, type PopulationOptions } from './generate.ts';

export interface LoadProgress {
  phase: 'people' | 'indexes' | 'done';
  done: number;
  total: number;
  elapsedMs: number;
}

export interface LoadResult {
  people: number;
  documents: number;
  guardianships: number;
  ms: number;
}

export interface LoadOptions extends PopulationOptions {
  batchSize?: number;
  onProgress?: (p: LoadProgress) => void;
  progressEveryMs?: number;
}

/** From this size on, `loadPopulationParallel` is worth its worker start-up. */
export const PARALLEL_FROM = 200_000;

/** A batch of people as flat arrays of primitives (cheap to post between threads). */
export interface PackedBatch {
  from: number;
  to: number;
  /** 9 values per person: ref, category, name, nameLatin, sex, birthDate, nationality, idNumber, faceSeed. */
  people: unknown[];
  /** 8 values per document: person index, type, number, issuer, issuerName, validFrom, validUntil, lostOn. */
  docs: unknown[];
  /** 2 values per link: child index, guardian index. */
  guardians: number[];
}

export function packBatch(model: PopulationModel, from: number, to: number): PackedBatch {
  const people: unknown[] = [];
  const docs: unknown[] = [];
  const guardians: number[] = [];
  for (let i = from; i < to; i++) {
    const p = model.person(i);
    people.push(p.personRef, p.category, p.name, p.nameLatin, p.sex, p.birthDate, p.nationality, p.idNumber, p.faceSeed);
    for (const d of p.documents) docs.push(i, d.type, d.number, d.issuer, d.issuerName, d.validFrom, d.validUntil, d.lostOn);
    for (const g of p.guardians) guardians.push(i, g);
  }
  return { from, to, people, docs, guardians };
}

/** Has this database been given a population? (0 when empty.) */
export function populationSize(db: Db): number {
  const any = db.prepare('SELECT 1 AS x FROM persons LIMIT 1').get();
  if (!any) return 0;
  return Number(getMeta(db, 'population_count') ?? (db.prepare('SELECT max(id) AS n FROM persons').get() as { n: number }).n);
}

export class BatchWriter {
  documents = 0;
  guardianships = 0;
  private readonly offices = new Map<string, number>();
  private readonly write: (b: PackedBatch) => void;

  constructor(db: Db) {
    const insPerson = db.prepare(
      'INSERT INTO persons (id, person_ref, category, name, name_latin, sex, birth_date, nationality, id_number, face_seed) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    const insDoc = db.prepare('INSERT INTO documents (person_id, type, number, office_id, valid_from, valid_until, lost_on) VALUES (?, ?, ?, ?, ?, ?, ?)');
    const insGuard = db.prepare('INSERT INTO guardianships (child_id, guardian_id) VALUES (?, ?)');
    const insOffice = db.prepare('INSERT INTO offices (issuer, name) VALUES (?, ?) ON CONFLICT (issuer, name) DO UPDATE SET name = excluded.name RETURNING id');
    const officeId = (issuer: string, name: string): number => {
      const k = `${issuer}\u0000${name}`;
      let id = this.offices.get(k);
      if (id === undefined) {
        id = (insOffice.get(issuer, name) as { id: number }).id;
        this.offices.set(k, id);
      }
      return id;
    };
    this.write = db.transaction((b: PackedBatch) => {
      const p = b.people;
      for (let k = 0, i = b.from; k < p.length; k += 9, i++) {
        insPerson.run(i + 1, p[k], p[k + 1], p[k + 2], p[k + 3], p[k + 4], p[k + 5], p[k + 6], p[k + 7], p[k + 8]);
      }
      const d = b.docs;
      for (let k = 0; k < d.length; k += 8) {
        insDoc.run((d[k] as number) + 1, d[k + 1], d[k + 2], officeId(d[k + 3] as string, d[k + 4] as string), d[k + 5], d[k + 6], d[k + 7]);
      }
      const g = b.guardians;
      for (let k = 0; k < g.length; k += 2) insGuard.run(g[k]! + 1, g[k + 1]! + 1);
      this.documents += d.length / 8;
      this.guardianships += g.length / 2;
    });
  }

  add(b: PackedBatch): void {
    this.write(b);
  }
}

function begin(db: Db, opts: LoadOptions): PopulationModel {
  if (populationSize(db) > 0) throw new WzError('conflict', 'The registry database already holds a population.');
  const model = new PopulationModel(opts);
  setMeta(db, 'population_seed', model.seed);
  setMeta(db, 'population_count', String(model.count));
  setMeta(db, 'population_as_of', opts.asOf ?? DEFAULT_AS_OF);
  setMeta(db, 'population_state', 'loading');
  return model;
}

function finish(db: Db, opts: LoadOptions, model: PopulationModel, w: BatchWriter, t0: number): LoadResult {
  opts.onProgress?.({ phase: 'indexes', done: model.count, total: model.count, elapsedMs: performance.now() - t0 });
  // The sorter may use a helper thread (generation has finished by now); ANALYZE samples.
  db.pragma('threads = 2');
  createIndexes(db);
  db.pragma('analysis_limit = 1000');
  db.exec('ANALYZE');
  setMeta(db, 'population_state', 'ready');
  const ms = performance.now() - t0;
  opts.onProgress?.({ phase: 'done', done: model.count, total: model.count, elapsedMs: ms });
  return { people: model.count, documents: w.documents, guardianships: w.guardianships, ms };
}

/** Generates and stores a population in this thread. Refuses a database that already has one (`conflict`). */
export function loadPopulation(db: Db, opts: LoadOptions): LoadResult {
  const t0 = performance.now();
  const model = begin(db, opts);
  const w = new BatchWriter(db);
  const size = opts.batchSize ?? 10_000;
  let last = 0;
  for (let from = 0; from < model.count; from += size) {
    const to = Math.min(model.count, from + size);
    w.add(packBatch(model, from, to));
    const now = performance.now();
    if (opts.onProgress && now - last >= (opts.progressEveryMs ?? 250)) {
      last = now;
      opts.onProgress({ phase: 'people', done: to, total: model.count, elapsedMs: now - t0 });
    }
  }
  return finish(db, opts, model, w, t0);
}

/** Like `loadPopulation`, with generation in a worker thread. Same result for the same options. */
export async function loadPopulationParallel(db: Db, opts: LoadOptions): Promise<LoadResult> {
  const t0 = performance.now();
  const model = begin(db, opts);
  const w = new BatchWriter(db);
  const worker = new Worker(new URL('./worker-boot.mjs', import.meta.url), {
    workerData: { count: model.count, seed: model.seed, asOf: model.asOf, batchSize: opts.batchSize ?? 10_000 },
  });
  let last = 0;
  try {
    await new Promise<void>((resolve, reject) => {
      worker.on('error', reject);
      worker.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`population worker exited with ${code}`))));
      worker.on('message', (m: PackedBatch | { end: true }) => {
        if ('end' in m) return;
        try {
          w.add(m);
        } catch (e) {
          reject(e);
          return;
        }
        worker.postMessage('ack');
        const now = performance.now();
        if (opts.onProgress && now - last >= (opts.progressEveryMs ?? 250)) {
          last = now;
          opts.onProgress({ phase: 'people', done: m.to, total: model.count, elapsedMs: now - t0 });
        }
      });
    });
  } finally {
    await worker.terminate();
  }
  return finish(db, opts, model, w, t0);
}
