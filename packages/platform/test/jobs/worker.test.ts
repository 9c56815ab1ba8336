// The job worker on SQLite and PostgreSQL, with stand-in handlers: outcomes (done deletes the
// row, retry waits the backoff, fail is final, defer is not an attempt), the attempt limit, a
// handler that throws, the timer loop, and several workers on one database running each job
// exactly once.
import { beforeAll, expect, it } from 'vitest';
import { getSuite } from '@wangzheng/core/crypto/index';
import { Outbox, retryDelayMs, Sealer, Worker, type ClaimedJob, type JobHandler, type JobOutcome, type Settlement } from '../../src/jobs/index.ts';
import { DataProtector } from '../../src/protect/index.ts';
import type { Store, StoreConfig } from '../../src/store/index.ts';
import { describeEachEngine } from '../support/engines.ts';
import { kekRing } from '../support/keys.ts';

const suite = getSuite('gm');
const sealer = new Sealer(new DataProtector(suite, kekRing(suite)));
const bytes = (s: string) => new TextEncoder().encode(s);

/** A handler answering from a script per ref; records every run and settlement. */
function scripted(script: Record<string, (JobOutcome | 'throw')[]>) {
  const runs: ClaimedJob[] = [];
  const settled: [string, Settlement['outcome'], string | undefined][] = [];
  const handler: JobHandler = {
    async run(job) {
      runs.push(job);
      const next = script[job.ref ?? '']?.shift() ?? { type: 'done' };
      if (next === 'throw') throw new Error('handler bug with secret detail');
      return next;
    },
    async settled(_tx, job, s) {
      settled.push([job.ref ?? '', s.outcome, s.code]);
    },
  };
  return { handler, runs, settled };
}

describeEachEngine('job worker', (engine) => {
  let cfg: StoreConfig;
  let store: Store;
  let t = 1_800_000_000_000;
  const now = () => t;
  const outbox = new Outbox({ sealer, now });
  const half = () => 0;

  beforeAll(async () => {
    cfg = await engine.freshConfig();
    store = await engine.open(cfg, { now });
  });

  const enqueue = (queue: string, refs: string[], payload?: string) =>
    store.transaction(async (tx) => {
      for (const ref of refs) await outbox.enqueue(tx, { kind: 'ssf.deliver', queue, ref, ...(payload ? { payload: bytes(payload) } : {}) });
    });
  const worker = (handler: JobHandler, s: Store = store) => new Worker({ store: s, sealer, handlers: { 'ssf.deliver': handler }, intervalMs: 10, now, random: half });

  it('done: the handler gets the opened payload; the row is deleted', async () => {
    const { handler, runs, settled } = scripted({});
    await enqueue('q-done', ['a'], 'the SET');
    const report = await worker(handler).runOnce();
    expect(report).toEqual([{ id: runs[0]!.id, kind: 'ssf.deliver', ref: 'a', attempt: 1, outcome: 'done' }]);
    expect(new TextDecoder().decode(runs[0]!.payload!)).toBe('the SET');
    expect(settled).toEqual([['a', 'done', undefined]]);
    expect(await store.jobs.countByQueue(['q-done'])).toEqual({});
  });

  it('retry waits the backoff (not before: boundary), then succeeds; attempts counted', async () => {
    const { handler, runs } = scripted({ r: [{ type: 'retry', code: 'http_503' }, { type: 'retry', code: 'http_503' }] });
    await enqueue('q-retry', ['r']);
    const w = worker(handler);
    expect((await w.runOnce()).map((x) => [x.attempt, x.outcome, x.code])).toEqual([[1, 'retry', 'http_503']]);
    t += retryDelayMs(1, half) - 1;
    expect(await w.runOnce()).toEqual([]);
    t += 1;
    expect((await w.runOnce()).map((x) => [x.attempt, x.outcome])).toEqual([[2, 'retry']]);
    t += retryDelayMs(2, half);
    expect((await w.runOnce()).map((x) => [x.attempt, x.outcome])).toEqual([[3, 'done']]);
    expect(runs.map((r) => r.attempt)).toEqual([1, 2, 3]);
  });

  it('fail is final: not retried, payload dropped, the code kept', async () => {
    const { handler, runs, settled } = scripted({ f: [{ type: 'fail', code: 'rejected:invalid_key' }] });
    await enqueue('q-fail', ['f'], 'payload');
    await worker(handler).runOnce();
    t += 86_400_000;
    expect(await worker(handler).runOnce()).toEqual([]);
    expect(runs.length).toBe(1);
    expect(settled).toEqual([['f', 'failed', 'rejected:invalid_key']]);
    expect(await store.jobs.countByQueue(['q-fail'])).toEqual({ 'q-fail': { pending: 0, failed: 1 } });
  });

  it('after maxAttempts retries the job fails for good with the last code', async () => {
    await store.transaction((tx) => outbox.enqueue(tx, { kind: 'ssf.deliver', queue: 'q-max', ref: 'm', maxAttempts: 3 }));
    const { handler, settled } = scripted({ m: Array.from({ length: 5 }, () => ({ type: 'retry', code: 'timeout' }) as const) });
    const w = worker(handler);
    for (let i = 0; i < 5; i++) {
      await w.runOnce();
      t += 3_600_000;
    }
    expect(settled.map(([, o]) => o)).toEqual(['retry', 'retry', 'failed']);
    expect(await store.jobs.countByQueue(['q-max'])).toEqual({ 'q-max': { pending: 0, failed: 1 } });
  });

  it('a handler that throws is a retry with code handler_error (the message is not kept)', async () => {
    const { handler, settled } = scripted({ x: ['throw'] });
    await enqueue('q-throw', ['x']);
    expect((await worker(handler).runOnce()).map((r) => [r.outcome, r.code])).toEqual([['retry', 'handler_error']]);
    expect(settled).toEqual([['x', 'retry', 'handler_error']]);
    expect(await store.jobs.dropQueue('q-throw')).toBe(1);
  });

  it('defer is not an attempt: the job comes back at runAt with its attempt refunded, under another kind if asked', async () => {
    const { handler, runs } = scripted({ d: [{ type: 'defer', runAt: t + 60_000 }] });
    await enqueue('q-defer', ['d']);
    const w = worker(handler);
    expect((await w.runOnce()).map((r) => r.outcome)).toEqual(['deferred']);
    t += 59_999;
    expect(await w.runOnce()).toEqual([]);
    t += 1;
    await w.runOnce();
    expect(runs.map((r) => r.attempt)).toEqual([1, 1]);
    const moved = scripted({ p: [{ type: 'defer', runAt: t, kind: 'ssf.poll' }] });
    await enqueue('q-defer', ['p']);
    await worker(moved.handler).runOnce();
    expect((await store.jobs.listPending('q-defer', 'ssf.poll', 5)).map((j) => [j.ref, j.attempts])).toEqual([['p', 0]]);
  });

  it('start(): the timer loop runs due jobs without runOnce; stop() waits for the jobs in hand', async () => {
    const { handler, runs } = scripted({});
    await enqueue('q-loop', ['l1', 'l2']);
    const w = worker(handler);
    w.start();
    for (let i = 0; i < 200 && runs.length < 2; i++) await new Promise((r) => setTimeout(r, 10));
    await w.stop();
    expect(runs.map((r) => r.ref).sort()).toEqual(['l1', 'l2']);
    expect(await store.jobs.countByQueue(['q-loop'])).toEqual({});
  });

  it('several workers on one database (two stores, as two processes) run each job exactly once', async () => {
    const other = await engine.open(cfg, { now });
    const refs = Array.from({ length: 40 }, (_, i) => `w${i}`);
    await enqueue('q-many', refs);
    const counts = new Map<string, number>();
    const slow: JobHandler = {
      async run(job) {
        counts.set(job.ref!, (counts.get(job.ref!) ?? 0) + 1);
        await new Promise((r) => setTimeout(r, 5));
        return { type: 'done' };
      },
    };
    const ws = [store, other, store, other].map((s) => new Worker({ store: s, sealer, handlers: { 'ssf.deliver': slow }, intervalMs: 10, now, batchSize: 3 }));
    for (let round = 0; round < 30; round++) {
      const reports = await Promise.all(ws.map((w) => w.runOnce()));
      if (reports.every((r) => r.length === 0)) break;
    }
    expect([...counts.keys()].sort()).toEqual([...refs].sort());
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
  });
});
