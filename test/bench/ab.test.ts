// `npm run bench -- ab` (bench/ab.ts) at a small size, with this checkout as its own base and its
// compiled build as B (`--built`): both platforms start, run their paired blocks and report the
// same statements per verification (the same code). A bad --base is refused before anything starts. The figures are docs/benchmarks.md's;
// a test does not time anything.
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { runAbCli } from '../../bench/ab.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

it('compares two checkouts in paired blocks and reports the ratio', { timeout: 240_000 }, async () => {
  const out = await runAbCli(['--base', ROOT, '--built', '--blocks', '2', '--per-block', '20', '--warmup', '20']);
  expect(out).toContain('B (this checkout, compiled)');
  const stmts = /\| store statements per verification \| ([\d.]+) \| ([\d.]+) \|/.exec(out);
  expect(stmts, out).not.toBeNull();
  expect(Number(stmts![1])).toBeGreaterThan(5);
  expect(Math.abs(Number(stmts![1]) - Number(stmts![2]))).toBeLessThan(0.5);
  expect(out).toMatch(/\| B ÷ A, median of the 2 paired blocks \(min–max\) \| \| \*\*[\d.]+×\*\* \([\d.]+–[\d.]+\) \|/);
});

it('refuses a base that is not a checkout of this project', async () => {
  await expect(runAbCli(['--base', '/nonexistent'])).rejects.toThrow(/--base must name another checkout/);
  await expect(runAbCli(['--base', ROOT, '--engine', 'mysql'])).rejects.toThrow(/--engine is sqlite or pg/);
  await expect(runAbCli(['--base', ROOT, '--blocks', '0'])).rejects.toThrow(/--blocks must be a positive integer/);
});
