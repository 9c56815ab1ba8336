// The audit sequencer's schedule: a pass when this process queued something, otherwise every
// tenth tick (what other processes left); passes until one is not full, never two at once;
// a failing pass is logged once and retried; stop() chains what is left, after the last pass.
import type { LogFn, Logger } from 'pino';
import { describe, expect, it } from 'vitest';
import { scheduleSequencer } from '../../src/audit/index.ts';

function fakeTrail(queue: { n: number }, o: { failFirst?: number } = {}) {
  let queuedHere = false;
  let inPass = 0;
  let overlapped = false;
  let failures = o.failFirst ?? 0;
  const calls: string[] = [];
  return {
    calls,
    overlapped: () => overlapped,
    queueHere(n: number) {
      queue.n += n;
      queuedHere = true;
    },
    takeQueuedHere() {
      const q = queuedHere;
      queuedHere = false;
      return q;
    },
    async sequence(opts: { wait?: boolean } = {}) {
      calls.push(`sequence wait=${opts.wait !== false}`);
      if (++inPass > 1) overlapped = true;
      try {
        await new Promise((r) => setTimeout(r, 1));
        if (failures > 0) {
          failures -= 1;
          throw Object.assign(new Error('database away'), { code: 'store_unavailable' });
        }
        const n = Math.min(500, queue.n);
        queue.n -= n;
        return n;
      } finally {
        inPass -= 1;
      }
    },
    async flush() {
      calls.push('flush');
      const n = queue.n;
      queue.n = 0;
      return n;
    },
  };
}

/** A logger that keeps its warnings and infos as lines. */
function quiet(): Pick<Logger, 'warn' | 'info' | 'debug'> & { lines: string[] } {
  const lines: string[] = [];
  const keep = (level: string) => ((_: unknown, m: string) => void lines.push(`${level} ${m}`)) as unknown as LogFn;
  return { lines, warn: keep('warn'), info: keep('info'), debug: (() => {}) as unknown as LogFn };
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Waits until `ok()` (timers run late on a loaded machine, never early), at most 5 s. */
async function until(ok: () => boolean): Promise<void> {
  for (const t0 = Date.now(); !ok(); await sleep(5)) if (Date.now() - t0 > 5_000) throw new Error('timed out');
}

describe('audit sequencer schedule', () => {
  it('chains what this process queued at the next tick, in passes of 500 until none is left', async () => {
    const queue = { n: 0 };
    const t = fakeTrail(queue);
    const s = scheduleSequencer(t, 10, quiet());
    t.queueHere(1_200);
    await until(() => queue.n === 0);
    // 500 + 500 + 200: a pass that is not full emptied the queue, so no empty pass follows; none may wait.
    expect(t.calls).toEqual(Array(3).fill('sequence wait=false'));
    await s.stop();
    expect(t.overlapped()).toBe(false);
  });

  it('with nothing queued here, passes only every tenth tick (for what other processes left)', async () => {
    const queue = { n: 3 }; // queued by "another process"
    const t = fakeTrail(queue);
    const t0 = Date.now();
    const s = scheduleSequencer(t, 10, quiet());
    await until(() => queue.n === 0);
    // The tenth tick of 10 ms: not before 100 ms (later on a loaded machine), one pass.
    expect(Date.now() - t0).toBeGreaterThanOrEqual(95);
    expect(t.calls).toEqual(['sequence wait=false']);
    await s.stop();
  });

  it('a failing pass is logged once, retried at the next ticks, and its recovery logged', async () => {
    const queue = { n: 0 };
    const t = fakeTrail(queue, { failFirst: 3 });
    const log = quiet();
    const s = scheduleSequencer(t, 10, log);
    await until(() => {
      t.queueHere(1);
      return log.lines.length === 2;
    });
    expect(log.lines).toEqual(['warn audit sequencer failed; retrying at every interval, quietly until a pass succeeds', 'info audit sequencer resumed']);
    await s.stop();
  });

  it('stop() ends the ticks and chains what is left (flush), once', async () => {
    const queue = { n: 0 };
    const t = fakeTrail(queue);
    const s = scheduleSequencer(t, 1_000, quiet());
    t.queueHere(7);
    await Promise.all([s.stop(), s.stop()]);
    expect([queue.n, t.calls]).toEqual([0, ['flush']]);
    await sleep(20);
    expect(t.calls).toEqual(['flush']);
    expect(() => scheduleSequencer(t, 0, quiet())).toThrow(TypeError);
  });
});
