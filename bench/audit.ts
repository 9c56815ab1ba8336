/**
 * Audited actions side by side: `npm run bench -- audit`. Each action is a transaction of one
 * write of its own (a counter row nobody else touches) and its audit entry — chained in the
 * transaction (`record`, the appenders' lock held until the commit) or queued (`enqueue`, no lock;
 * the sequencer chains the queue every 100 ms, as in a server, and what is left at the end). The
 * same number of actions, the same concurrency, each engine on a fresh database; the actions per
 * second and their latency (begin → commit) show what the lock costs when actions run at once.
 *
 *   BENCH_AUDIT_ACTIONS   actions per mode (default 2000)
 *   BENCH_CONCURRENCY     actions in flight (default 8; PostgreSQL's pool holds 10 connections)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getSuite, KeyRing } from '@wangzheng/core/crypto/index';
import { AuditTrail, scheduleSequencer } from '@wangzheng/platform/audit/index';
import { openStore, type StoreConfig } from '@wangzheng/platform/store/index';
import { pct } from './child.ts';
import { closedLoop } from './load.ts';
import { onBenchPg } from './pg.ts';

interface Row {
  name: string;
  value: string;
}

const quiet = { warn: () => {}, info: () => {}, debug: () => {} } as never;

async function runOn(engine: string, cfg: StoreConfig, count: number, concurrency: number, warmup: number): Promise<Row[]> {
  const store = await openStore(cfg);
  const suite = getSuite('gm');
  const trail = new AuditTrail({ store, suite, signing: new KeyRing(suite.generateKey()), now: Date.now });
  const rows: Row[] = [];
  try {
    let n = 0;
    const action = (mode: 'record' | 'enqueue') => async (): Promise<number> => {
      const t = performance.now();
      const i = ++n;
      await store.transaction(async (tx) => {
        await tx.counters.increment(`bench.audit.${process.pid}.${i}`);
        await trail[mode](tx, { actor: 'system', action: 'verification.completed', data: { n: i } });
      });
      return performance.now() - t;
    };
    await closedLoop(warmup, concurrency, action('record')); // warm-up: connections, JIT
    await closedLoop(warmup, concurrency, action('enqueue'));
    await trail.flush();
    for (const mode of ['record', 'enqueue'] as const) {
      const sequencer = mode === 'enqueue' ? scheduleSequencer(trail, 100, quiet) : undefined;
      const { latencies, wallS } = await closedLoop(count, concurrency, action(mode));
      const t = performance.now();
      await sequencer?.stop(); // what the last actions queued, chained
      const tail = performance.now() - t;
      const what = mode === 'record' ? "chained in its transaction (record: the appenders' lock, or SQLite's one writer, until the commit)" : 'queued (enqueue: no lock), the sequencer chaining every 100 ms';
      rows.push({ name: `${engine}: audited actions/s, entry ${what}; ${count} with ${concurrency} in flight`, value: (count / wallS).toFixed(1) });
      rows.push({ name: `${engine}: latency p50 / p99 of an action (begin → commit)${mode === 'enqueue' ? ', and the last chaining at the end' : ''}`, value: `${pct(latencies, 50).toFixed(2)} / ${pct(latencies, 99).toFixed(2)} ms${mode === 'enqueue' ? `; ${tail.toFixed(0)} ms` : ''}` });
    }
    const report = await trail.verify();
    if (!report.ok || report.queued !== 0) throw new Error(`bench audit: the trail does not verify (${report.findings.length} findings, ${report.queued} queued)`);
    rows.push({ name: `${engine}: the trail after both, verified`, value: `${report.checked} entries, intact` });
  } finally {
    await store.close();
  }
  return rows;
}

export async function runAuditBench(o: { count?: number; concurrency?: number; warmup?: number } = {}): Promise<Row[]> {
  const count = o.count ?? Number(process.env['BENCH_AUDIT_ACTIONS'] ?? 2000);
  const concurrency = o.concurrency ?? Number(process.env['BENCH_CONCURRENCY'] ?? 8);
  const warmup = o.warmup ?? 200;
  const dir = mkdtempSync(join(tmpdir(), 'wz-bench-audit-'));
  const rows: Row[] = [];
  try {
    rows.push(...(await runOn('SQLite', { engine: 'sqlite', path: join(dir, 'audit.db') }, count, concurrency, warmup)));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  rows.push(...(await onBenchPg('bench_audit', ({ url, schema }) => runOn('PostgreSQL', { engine: 'postgres', url, schema }, count, concurrency, warmup))));
  return rows;
}
