// Partitions ahead and retention as steps of the expiry sweep (jobs/retention.ts), on both
// engines: by default (no period set) nothing is removed however old; with a period the sweep
// removes exactly what lies before `now − period`, logs counts only, and reports the rows to
// the metrics as `*_retention` steps; on PostgreSQL it keeps `monthsAhead` months partitioned.
// A step that throws is logged by code and defers the sweep while the others still run. Also:
// the configuration keys (default: keep forever) and the settings' validation.
import { randomBytes } from 'node:crypto';
import { expect, it } from 'vitest';
import { WzError } from '@wangzheng/core/errors';
import { loadConfig } from '../../src/config.ts';
import { ExpirySweep, type ClaimedJob, type SweepCounts, type SweepOptions } from '../../src/jobs/index.ts';
import { checkRetentionSettings, retentionSettings } from '../../src/jobs/retention.ts';
import { addMonths, partitionName } from '../../src/store/partitions.ts';
import { newId, type Store } from '../../src/store/index.ts';
import { describeEachEngine } from '../support/engines.ts';
import { rawRows } from '../audit/support.ts';
import { insertApprovedRp } from '../support/rows.ts';

const NOW = Date.now();
const DAY = 86_400_000;
const JOB: ClaimedJob = { id: 'job-1', kind: 'sweep.expired', queue: 'sweep', ref: 'expired', attempt: 1, maxAttempts: 10, payload: null };

function recorder() {
  const lines: { level: string; obj: Record<string, unknown>; msg: string }[] = [];
  const at = (level: string) => (obj: Record<string, unknown>, msg: string) => void lines.push({ level, obj, msg });
  return { lines, logger: { info: at('info'), error: at('error'), debug: at('debug') } as unknown as NonNullable<SweepOptions['logger']> };
}

async function seed(store: Store): Promise<number[]> {
  const times = [NOW - 400 * DAY, NOW - 100 * DAY, NOW - 31 * DAY, NOW - 29 * DAY, NOW];
  await store.events.ensurePartitions(NOW - 400 * DAY, 14);
  for (const t of times) await store.events.append({ personId: null, type: 'probe', createdAt: t });
  return times;
}

describeEachEngine('retention in the expiry sweep', (engine) => {
  it('with no period set, nothing is removed, however old', async () => {
    const cfg = await engine.freshConfig();
    const store = await engine.open(cfg);
    const times = await seed(store);
    const log = recorder();
    const sweep = new ExpirySweep({ store, now: () => NOW, intervalMs: 60_000, retentionMs: 7 * DAY, logger: log.logger });
    expect(await sweep.run(JOB)).toEqual({ type: 'done' });
    const [row] = await rawRows(cfg, 'select count(*) as n from events');
    expect(Number(row?.n)).toBe(times.length);
    expect(log.lines.filter((l) => l.level === 'error')).toEqual([]);
  }, 30_000);

  it('with a 30-day history period, exactly the events before now − 30 days go; counts only in the log and the metrics', async () => {
    const cfg = await engine.freshConfig();
    const store = await engine.open(cfg);
    await seed(store);
    const log = recorder();
    const swept: SweepCounts[] = [];
    const sweep = new ExpirySweep({
      store,
      now: () => NOW,
      intervalMs: 60_000,
      retentionMs: 7 * DAY,
      logger: log.logger,
      metrics: { swept: (c) => void swept.push(c) },
      retention: { historyMs: 30 * DAY, monthsAhead: 6 },
      batchSize: 1,
    });
    expect(await sweep.run(JOB)).toEqual({ type: 'done' });
    const left = (await rawRows(cfg, 'select created_at from events order by created_at')).map((r) => Number(r.created_at));
    const cutoff = NOW - 30 * DAY;
    expect(left.filter((t) => t >= cutoff)).toEqual([NOW - 29 * DAY, NOW]);
    if (engine.name === 'sqlite') expect(left).toEqual([NOW - 29 * DAY, NOW]);
    // PostgreSQL drops only whole months before the cutoff: the month holding the cutoff keeps its older rows.
    else expect(left.every((t) => t >= addMonths(cutoff, 0))).toBe(true);
    const removed = 5 - left.length;
    expect(removed).toBeGreaterThanOrEqual(2);
    const line = log.lines.find((l) => l.msg === 'partitions and retention');
    expect(line?.obj).toMatchObject({ job: 'job-1', history: { rows: removed } });
    expect(Object.keys(line?.obj ?? {}).sort()).toEqual(['audit', 'history', 'job', 'partitionsCreated', 'unfinished', 'verifications']);
    expect(swept.map((c) => (c as SweepCounts & Record<string, number>)['history_retention'])).toEqual([removed]);
    if (engine.name === 'postgres') {
      // Six months ahead: months 4–6 were created by this run (0–3 at migration).
      expect(line?.obj.partitionsCreated).toBe(9);
      const parts = (await rawRows(cfg, `select c.relname as p from pg_inherits i join pg_class c on c.oid = i.inhrelid where i.inhparent = 'audit_entries'::regclass`)).map((r) => r.p);
      expect(parts).toContain(partitionName('audit_entries', addMonths(NOW, 6)));
      expect(parts).not.toContain(partitionName('audit_entries', addMonths(NOW, 7)));
    }
  }, 30_000);

  it('a retention step that throws is logged by code and defers the sweep; the other targets still run', async () => {
    const cfg = await engine.freshConfig();
    const store = await engine.open(cfg);
    const clientId = await insertApprovedRp(store);
    await store.verifications.insert({ id: newId(), refHash: randomBytes(32), clientId, kind: 'receipt', bizSeq: null, mode: 'wz', scopes: ['result'], nonce: 'n', expiresAt: NOW, createdAt: NOW - 400 * DAY });
    const log = recorder();
    const broken = { ...store, events: { ...store.events, deleteBefore: async () => Promise.reject(new Error('secret detail')) } } as Store;
    const sweep = new ExpirySweep({ store: broken, now: () => NOW, intervalMs: 60_000, retentionMs: 7 * DAY, logger: log.logger, retention: { historyMs: DAY, verificationMs: DAY } });
    expect(await sweep.run(JOB)).toEqual({ type: 'defer', runAt: NOW + 60_000 });
    expect(log.lines.filter((l) => l.level === 'error')).toEqual([{ level: 'error', obj: { job: 'job-1', step: 'history_retention', code: 'unexpected' }, msg: 'partitions and retention step failed' }]);
    expect(JSON.stringify(log.lines)).not.toContain('secret detail');
    // Verification retention ran all the same.
    expect(await rawRows(cfg, 'select id from verification_requests')).toEqual([]);
  }, 30_000);

  it('a step that meets a database outage is logged at debug (the job worker reports the outage once) and defers the sweep', async () => {
    const store = await engine.openFresh();
    const log = recorder();
    const down = async (): Promise<never> => Promise.reject(new WzError('store_unavailable', 'the database is unavailable'));
    const broken = { ...store, events: { ...store.events, ensurePartitions: down, deleteBefore: down } } as Store;
    const sweep = new ExpirySweep({ store: broken, now: () => NOW, intervalMs: 60_000, retentionMs: 7 * DAY, logger: log.logger, retention: { historyMs: DAY } });
    expect(await sweep.run(JOB)).toEqual({ type: 'defer', runAt: NOW + 60_000 });
    expect(log.lines.filter((l) => l.level === 'error')).toEqual([]);
    expect(log.lines.filter((l) => l.msg === 'partitions and retention step failed').map((l) => [l.level, (l.obj as { step: string }).step])).toEqual([
      ['debug', 'partitions'],
      ['debug', 'history_retention'],
    ]);
  }, 30_000);
});

it('configuration: retention unset by default (keep forever), 3 months ahead; days validated', () => {
  const cfg = loadConfig({});
  expect(cfg.retention).toEqual({ partitionMonthsAhead: 3 });
  const set = loadConfig({ WZ_HISTORY_RETENTION_DAYS: '365', WZ_AUDIT_RETENTION_DAYS: '3650', WZ_VERIFICATION_RETENTION_DAYS: '180', WZ_PARTITION_MONTHS_AHEAD: '6' });
  expect(set.retention).toEqual({ partitionMonthsAhead: 6, historyDays: 365, auditDays: 3650, verificationDays: 180 });
  expect(() => loadConfig({ WZ_HISTORY_RETENTION_DAYS: '0' })).toThrow(/retention\.historyDays \(WZ_HISTORY_RETENTION_DAYS\)/);
  expect(() => loadConfig({ WZ_AUDIT_RETENTION_DAYS: '1.5' })).toThrow(/WZ_AUDIT_RETENTION_DAYS/);
  // What the sweep is given: days as milliseconds, an unset period left out (keep forever).
  expect(retentionSettings(cfg.retention)).toEqual({ monthsAhead: 3 });
  expect(retentionSettings(set.retention)).toEqual({ monthsAhead: 6, historyMs: 365 * DAY, auditMs: 3650 * DAY, verificationMs: 180 * DAY });
  expect(() => checkRetentionSettings({ historyMs: 0 })).toThrow(TypeError);
  expect(() => checkRetentionSettings({ monthsAhead: 61 })).toThrow(TypeError);
  expect(() => checkRetentionSettings({ historyMs: 1, auditMs: DAY, verificationMs: DAY, monthsAhead: 0 })).not.toThrow();
});
