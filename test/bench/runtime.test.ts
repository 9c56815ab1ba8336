/**
 * bench/runtime.ts: V8's `--trace-gc` lines read into pauses (from this Node's own output, not
 * only from samples), their clock mapped onto the benchmark's, the slowest requests matched with
 * the pauses they overlapped, and the runtime's figures read from Prometheus text.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { GcLog, parseTraceGcLine, runtimeFigures, slowestOverlapping, summarise, watchThisProcess } from '../../bench/runtime.ts';

describe('--trace-gc lines', () => {
  it('reads scavenges and mark-compacts, with the main-thread pause and the heap after', () => {
    expect(parseTraceGcLine('[9890:0x39834ec0]       21 ms: Scavenge 3.9 (4.0) -> 3.7 (5.0) MB, 1.18 / 0.00 ms  (average mu = 1.000, current mu = 1.000) allocation failure; ')).toEqual({ isolate: '0x39834ec0', kind: 'scavenge', atMs: 21, pauseMs: 1.18, heapAfterMb: 3.7, committedMb: 5 });
    expect(parseTraceGcLine('[9898:0x3bedee50]      186 ms: Mark-Compact 61.9 (80.4) -> 52.2 (86.8) MB, 18.01 / 0.01 ms  (+ 7.5 ms in 27 steps since start of marking, biggest step 4.2 ms) finalize incremental marking via stack guard')).toEqual({ isolate: '0x3bedee50', kind: 'mark-compact', atMs: 186, pauseMs: 18.01, heapAfterMb: 52.2, committedMb: 86.8 });
    expect(parseTraceGcLine('[1:0x1]  9 ms: Mark-Compact (reduce) 10.0 (12.0) -> 8.0 (9.0) MB, 3.50 / 0.00 ms  (average mu = 0.9) low memory notification')?.kind).toBe('mark-compact');
    expect(parseTraceGcLine('{"level":40,"msg":"a platform log line"}')).toBeUndefined();
    expect(parseTraceGcLine('wangzheng: platform  http://127.0.0.1:4000')).toBeUndefined();
  });

  it('reads what this Node prints, lines split across chunks, and maps its clock onto ours', () => {
    const r = spawnSync(process.execPath, ['--trace-gc', '--expose-gc', '-e', 'let a = []; for (let i = 0; i < 3e5; i++) { a.push({ i, s: "x" + i }); if (a.length > 5e4) a = []; } gc();'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    const log = new GcLog();
    const t = performance.now();
    // Fed in 7-byte pieces, as a pipe may cut it, all "arriving" at t.
    for (let i = 0; i < r.stdout.length; i += 7) log.feed(r.stdout.slice(i, i + 7), t);
    log.feed('\n', t);
    const lines = r.stdout.split('\n').filter((l) => l.includes(' ms: '));
    expect(lines.length).toBeGreaterThan(1);
    expect(log.pauses).toHaveLength(lines.length);
    expect(summarise(log.pauses, 'scavenge').count).toBeGreaterThan(0);
    expect(summarise(log.pauses, 'mark-compact').count).toBeGreaterThanOrEqual(1); // the explicit gc()
    // All arrived at t: the last pause (the latest stamp) ends at t on our clock, earlier ones before it.
    const mapped = log.between(-Infinity, Infinity);
    expect(Math.max(...mapped.map((p) => p.end))).toBeCloseTo(t, 6);
    expect(log.between(t + 1, t + 2)).toEqual([]);
  });

  it("keeps the main thread's pauses only: a worker thread's isolate has its own clock and loop", () => {
    const log = new GcLog();
    log.feed('[7:0xaaa]   20 ms: Scavenge 3.9 (4.0) -> 3.7 (5.0) MB, 1.00 / 0.00 ms  allocation failure;\n', 1000);
    log.feed('[7:0xbbb]    5 ms: Mark-Compact 9.0 (12.0) -> 8.0 (12.0) MB, 30.00 / 0.00 ms  testing;\n', 1010);
    log.feed('[7:0xaaa]   40 ms: Scavenge 3.9 (5.0) -> 3.8 (6.0) MB, 2.00 / 0.00 ms  allocation failure;\n', 1025);
    expect(log.pauses.map((p) => [p.isolate, p.pauseMs])).toEqual([['0xaaa', 1], ['0xaaa', 2]]);
    // Offset 980 (the first line waited least): the second pause ends at 1020 on our clock.
    expect(log.between(1019, 1019).map((p) => [p.start, p.end])).toEqual([[1018, 1020]]);
  });
});

describe('the slowest requests and the pauses they overlapped', () => {
  const pause = (start: number, ms: number, kind: 'scavenge' | 'mark-compact') => ({ isolate: '0x1', kind, atMs: 0, pauseMs: ms, heapAfterMb: 0, committedMb: 0, start, end: start + ms });
  const requests = Array.from({ length: 200 }, (_, i) => ({ start: i * 10, ms: i === 50 ? 80 : i === 120 ? 90 : 5 }));

  it('counts the slowest 1 % that a pause of the size and kind asked for touched', () => {
    const pauses = [pause(530, 20, 'mark-compact'), pause(1250, 6, 'scavenge'), pause(10, 50, 'mark-compact')];
    expect(slowestOverlapping(requests, pauses, { share: 0.01, minPauseMs: 5 })).toEqual({ slowest: 2, overlapping: 2 });
    expect(slowestOverlapping(requests, pauses, { share: 0.01, minPauseMs: 5, kinds: ['mark-compact'] })).toEqual({ slowest: 2, overlapping: 1 });
    expect(slowestOverlapping(requests, pauses, { share: 0.01, minPauseMs: 10 })).toEqual({ slowest: 2, overlapping: 1 });
    expect(slowestOverlapping(requests, [], { share: 0.01, minPauseMs: 5 })).toEqual({ slowest: 2, overlapping: 0 });
  });
});

describe('/metrics', () => {
  it('reads the event-loop delay, the heap and the statement counter; NaN for what is missing', () => {
    const text = ['# HELP nodejs_eventloop_lag_p99_seconds The 99th percentile.', 'nodejs_eventloop_lag_p99_seconds 0.012320767', 'nodejs_eventloop_lag_max_seconds 0.0812', 'nodejs_heap_size_used_bytes 52428800', 'nodejs_heap_size_total_bytes 73400320', 'wz_store_statements_total 4200', ''].join('\n');
    const f = runtimeFigures(text);
    expect(f.loopP99Ms).toBeCloseTo(12.32, 2);
    expect(f.loopMaxMs).toBeCloseTo(81.2, 6);
    expect(f.heapUsedMb).toBe(50);
    expect(f.heapTotalMb).toBe(70);
    expect(f.statements).toBe(4200);
    expect(f.externalMb).toBeNaN();
  });
});

describe('this process', () => {
  it('sees its own loop blocked and its own collections', async () => {
    const watch = watchThisProcess();
    await new Promise((r) => setTimeout(r, 30));
    const until = performance.now() + 80;
    while (performance.now() < until); // the loop stands still for 80 ms
    let keep: unknown[] = [];
    for (let i = 0; i < 400_000; i++) keep.push({ i, s: `x${i}` }), keep.length > 50_000 && (keep = []); // young-generation garbage
    await new Promise((r) => setTimeout(r, 50)); // the collector's entries arrive asynchronously
    const seen = watch.stop();
    expect(seen.loopMaxMs).toBeGreaterThanOrEqual(60);
    expect(seen.loopP99Ms).toBeGreaterThan(0);
    expect(seen.gc.count).toBeGreaterThan(0);
    expect(seen.gc.maxMs).toBeGreaterThan(0);
    expect(seen.gc.totalMs).toBeGreaterThanOrEqual(seen.gc.maxMs);
  });
});
