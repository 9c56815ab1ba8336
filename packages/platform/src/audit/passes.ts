/**
 * The audit trail's background passes (checkpoints.ts, sequencer.ts) run one at a time, each
 * after the one before has ended. A failing pass (the database briefly away) is retried at the
 * next tick by its schedule; it is logged once when the failures begin (a warning) and once when
 * a pass succeeds again — not at every tick of an outage.
 */
import type { Logger } from 'pino';

export interface PassMessages {
  /** The warning when passes begin to fail. */
  readonly failed: string;
  /** The debug line of each failure after the first. */
  readonly again: string;
  /** The info line when a pass succeeds after failures. */
  readonly resumed: string;
}

/** Returns `run(pass)`: queues the pass behind the one in progress; resolves when it has ended, failed or not. */
export function serialPasses(logger: Pick<Logger, 'warn' | 'info' | 'debug'>, m: PassMessages): (pass: () => Promise<unknown>) => Promise<void> {
  let running: Promise<void> = Promise.resolve();
  /** Passes failed in a row since the last success (only the first is a warning). */
  let failing = 0;
  return (pass) => {
    running = running.then(async () => {
      try {
        await pass();
        if (failing > 0) logger.info({ failed: failing }, m.resumed);
        failing = 0;
      } catch (e) {
        failing += 1;
        const code = (e as { code?: unknown }).code;
        if (failing === 1) logger.warn({ code }, m.failed);
        else logger.debug({ code, failed: failing }, m.again);
      }
    });
    return running;
  };
}
