import { describe, expect, it } from 'vitest';
import { openDb, type Db } from '../src/store/db.ts';
import { loadPopulation, loadPopulationParallel, populationSize, type LoadProgress } from '../src/population/load.ts';

function dump(db: Db): unknown[] {
  return [
    db.prepare('SELECT * FROM persons ORDER BY id').all(),
    db.prepare('SELECT d.person_id, d.type, d.number, o.issuer, o.name, d.valid_from, d.valid_until, d.lost_on FROM documents d JOIN offices o ON o.id = d.office_id ORDER BY d.person_id, d.type').all(),
    db.prepare('SELECT * FROM guardianships ORDER BY child_id, guardian_id').all(),
  ];
}

describe('Population loading into the registry database', () => {
  it('the worker-thread loader writes exactly what the in-thread loader writes', async () => {
    const a = openDb(':memory:');
    const b = openDb(':memory:');
    const phases: LoadProgress['phase'][] = [];
    const ra = loadPopulation(a, { count: 2500, seed: 'load-test', batchSize: 700, onProgress: (p) => phases.push(p.phase), progressEveryMs: 0 });
    const rb = await loadPopulationParallel(b, { count: 2500, seed: 'load-test', batchSize: 300 });
    expect({ ...rb, ms: 0 }).toEqual({ ...ra, ms: 0 });
    expect(dump(b)).toEqual(dump(a));
    expect(phases.at(0)).toBe('people');
    expect(phases.slice(-2)).toEqual(['indexes', 'done']);
    expect(populationSize(a)).toBe(2500);
    a.close();
    b.close();
  });

  it('a database that already holds a population is refused (conflict)', () => {
    const db = openDb(':memory:');
    expect(populationSize(db)).toBe(0);
    loadPopulation(db, { count: 10, seed: 'x' });
    expect(() => loadPopulation(db, { count: 10, seed: 'x' })).toThrow(expect.objectContaining({ code: 'conflict' }));
    db.close();
  });
});
