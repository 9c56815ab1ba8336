/**
 * Periodic checkpoints of the audit trail: one every `intervalMs` (an unref'd timer, so it
 * never keeps the process alive) and a last one when the platform closes. A checkpoint is a
 * no-op while the head has not moved, so an idle platform writes nothing. A failure (database
 * briefly away) is retried at the next tick: it leaves only a longer window in which a
 * truncation of the newest entries would go unnoticed (docs/audit.md). It is logged once when
 * the failures begin (a warning) and once when a checkpoint succeeds again (passes.ts).
 */
import type { Logger } from 'pino';
import { serialPasses } from './passes.ts';
import type { AuditTrail } from './service.ts';

export interface CheckpointSchedule {
  /** Stops the timer, waits for a checkpoint in progress, then writes the last one. */
  stop(): Promise<void>;
}

export function scheduleCheckpoints(trail: Pick<AuditTrail, 'checkpoint'>, intervalMs: number, logger: Pick<Logger, 'warn' | 'info' | 'debug'>): CheckpointSchedule {
  if (!Number.isInteger(intervalMs) || intervalMs < 1) throw new TypeError('intervalMs must be a positive integer');
  const run = serialPasses(logger, {
    failed: 'audit checkpoint failed; retrying at every interval, quietly until one succeeds',
    again: 'audit checkpoint failed again',
    resumed: 'audit checkpoints resumed',
  });
  const once = (): Promise<void> =>
    run(async () => {
      const c = await trail.checkpoint();
      if (c !== undefined) logger.debug({ seq: c.seq }, 'audit checkpoint');
    });
  const timer = setInterval(() => void once(), intervalMs);
  timer.unref();
  let stopped: Promise<void> | undefined;
  return {
    stop() {
      clearInterval(timer);
      stopped ??= once();
      return stopped;
    },
  };
}
