/**
 * bench/audit.ts runs on both engines and ends with a trail that verifies, every entry of both
 * modes in it and none left queued (the benchmark itself throws otherwise).
 */
import { expect, it } from 'vitest';
import { runAuditBench } from '../../bench/audit.ts';

it('audited actions, chained and queued, on SQLite and PostgreSQL: figures for both modes, the trail intact', async () => {
  const rows = await runAuditBench({ count: 30, concurrency: 4, warmup: 5 });
  for (const engine of ['SQLite', 'PostgreSQL']) {
    const mine = rows.filter((r) => r.name.startsWith(`${engine}:`));
    expect(mine.filter((r) => r.name.includes('audited actions/s')).map((r) => Number(r.value) > 0)).toEqual([true, true]);
    expect(mine.at(-1)).toEqual({ name: `${engine}: the trail after both, verified`, value: '70 entries, intact' });
  }
}, 60_000);
