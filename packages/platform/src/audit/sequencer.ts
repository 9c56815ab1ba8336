/**
 * The audit sequencer's schedule (docs/audit.md, "The queue and the sequencer"): every
 * `intervalMs` (an unref'd timer) it chains what is queued, in passes of up to 500 until one is not full — when this process queued something
 * since the last pass, and otherwise every tenth tick, which picks up what other processes (or
 * one that died) left queued. A pass that finds another process chaining returns at once
 * (`wait: false`); the queue is never chained twice. A failure (database briefly away) is retried
 * at the next tick, logged once when the failures begin and once when a pass succeeds again.
 * `stop()` ends the timer and chains what is left, after the last request.
 */
import type { Logger } from 'pino';
import { serialPasses } from './passes.ts';
import { SEQUENCE_BATCH, type AuditTrail } from './service.ts';

export interface SequencerSchedule {
  /** Stops the timer, waits for a pass in progress, then chains everything still queued. */
  stop(): Promise<void>;
}

/** Full passes per tick at most (SEQUENCE_BATCH entries each), so that one tick cannot hold the event loop for long. */
const PASSES_PER_TICK = 20;
const IDLE_EVERY = 10;

export function scheduleSequencer(trail: Pick<AuditTrail, 'sequence' | 'flush' | 'takeQueuedHere'>, intervalMs: number, logger: Pick<Logger, 'warn' | 'info' | 'debug'>): SequencerSchedule {
  if (!Number.isInteger(intervalMs) || intervalMs < 1) throw new TypeError('intervalMs must be a positive integer');
  const run = serialPasses(logger, {
    failed: 'audit sequencer failed; retrying at every interval, quietly until a pass succeeds',
    again: 'audit sequencer failed again',
    resumed: 'audit sequencer resumed',
  });
  let ticks = 0;
  const tick = (): void => {
    ticks += 1;
    if (!trail.takeQueuedHere() && ticks % IDLE_EVERY !== 0) return;
    void run(async () => {
      // A pass that chained less than a full batch emptied the queue (as of its read): no empty pass after it.
      for (let i = 0; i < PASSES_PER_TICK && (await trail.sequence({ wait: false })) === SEQUENCE_BATCH; i++);
    });
  };
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  let stopped: Promise<void> | undefined;
  return {
    stop() {
      clearInterval(timer);
      stopped ??= run(() => trail.flush());
      return stopped;
    },
  };
}
