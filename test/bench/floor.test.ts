// `npm run bench -- floor` (bench/floor.ts) at a small size: every measure comes out as a positive
// CPU time, the Fastify and node:http servers answer the four exchanges (the bench checks the
// receipt-sized answer), and each floor is the sum of its parts. The figures themselves are
// docs/benchmarks.md's; a test does not time anything.
import { expect, it } from 'vitest';
import { runFloorBench } from '../../bench/floor.ts';

it('measures the crypto, the bare exchanges and the statements, and adds them up', { timeout: 120_000 }, async () => {
  const rows = await runFloorBench({ exchanges: 60, rounds: 40 });
  const ms = (i: number): number => Number(/^([\d.]+) ms/.exec(rows[i]!.value)![1]);
  expect(rows).toHaveLength(8);
  for (let i = 0; i < rows.length; i++) expect(ms(i), rows[i]!.name).toBeGreaterThan(0);
  expect(ms(6)).toBeCloseTo(ms(0) + ms(1) + ms(3), 2);
  expect(ms(7)).toBeCloseTo(ms(0) + ms(1) + ms(5), 2);
  expect(rows[6]!.value).toMatch(/× the crypto \(target ≤ 1\.5×\)$/);
});
