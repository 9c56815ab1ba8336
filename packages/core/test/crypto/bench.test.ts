// bench/crypto.ts stays runnable: a very short run of the SM2 cases returns sane rows.
import { describe, expect, it } from 'vitest';
import { formatCryptoBench, runCryptoBench } from '../../../../bench/crypto.ts';

describe('bench/crypto.ts (npm run bench:crypto)', () => {
  it('returns ops/s rows and the ours/native ratios, and formats a markdown table', async () => {
    const rows = await runCryptoBench({ seconds: 0.02, rounds: 1, warmup: 0.01, only: ['sm2.sign', 'sm2.verify.ours', 'sm2.verify.node', 'sm3'] });
    const ids = rows.map((r) => r.id);
    expect(ids).toEqual(expect.arrayContaining(['sm2.sign.ours', 'sm2.sign.node', 'sm2.verify.ours', 'sm2.verify.node', 'sm3.1k', 'sm2.sign.ratio', 'sm2.verify.ratio']));
    for (const r of rows) expect(r.opsPerSec ?? r.ratio).toBeGreaterThan(0);
    expect(formatCryptoBench(rows)).toMatch(/^\| operation \| ops\/s per core/);
  });
});
