/**
 * The population registry as operations see it: every call timed and counted by operation and
 * outcome, and the last outcome kept for readiness — the registry being down does not make the
 * platform unready (verification of an enrolled person does not need it), but readiness reports
 * it as a non-fatal check.
 *
 * Outcomes: `ok` (answered), `refused` (answered with a 4xx verdict: unknown person, invalid
 * document, expired challenge — the registry is up), `unavailable` (unreachable, a 5xx, a
 * malformed answer: `registry_unavailable`, or anything that is not a `WzError`).
 *
 * Nothing about the call's arguments or answer is recorded: the operation's name and the time.
 */
import { isWzError } from '@wangzheng/core/errors';
import type { Registry } from '../registry/index.ts';
import type { RegistryCallOutcome } from './metrics.ts';
import { withTimeout } from './timeout.ts';

type Operation = keyof Registry;
const OPERATIONS: readonly Operation[] = ['verifyDocument', 'faceChallenge', 'faceMatch', 'isGuardian', 'issuerKeys'];

export function outcomeOf(e: unknown): RegistryCallOutcome {
  return isWzError(e) && e.status < 500 ? 'refused' : 'unavailable';
}

/**
 * `inner` with every call reported to `report` (metrics) and `health` (readiness).
 * Arguments and answers pass through untouched.
 */
export function observeRegistry(
  inner: Registry,
  o: { report?: (operation: Operation, outcome: RegistryCallOutcome, seconds: number) => void; health?: RegistryHealth; clock?: () => number },
): Registry {
  const clock = o.clock ?? (() => performance.now());
  const wrap = <K extends Operation>(op: K): Registry[K] =>
    (async (...args: unknown[]) => {
      const t0 = clock();
      let outcome: RegistryCallOutcome = 'ok';
      try {
        return await (inner[op] as (...a: unknown[]) => Promise<unknown>).apply(inner, args);
      } catch (e) {
        outcome = outcomeOf(e);
        throw e;
      } finally {
        o.report?.(op, outcome, (clock() - t0) / 1000);
        o.health?.observe(outcome !== 'unavailable');
      }
    }) as Registry[K];
  return Object.fromEntries(OPERATIONS.map((op) => [op, wrap(op)])) as unknown as Registry;
}

export interface RegistryHealthOptions {
  /** A cheap read-only call to the registry (its published trust material). */
  readonly probe: () => Promise<unknown>;
  /** How long an observed outcome — a real call's or a probe's — stands (ms). Default 30 s. */
  readonly ttlMs?: number;
  /** The longest a probe may take before it counts as unavailable (ms). Default 2 s. */
  readonly timeoutMs?: number;
  readonly now?: () => number;
}

/**
 * Is the registry answering? The last observed outcome while it is fresh; otherwise one probe,
 * shared by every concurrent asker, so a readiness probe every second makes at most one registry
 * call per `ttlMs`.
 */
export class RegistryHealth {
  readonly #o: RegistryHealthOptions;
  readonly #now: () => number;
  #last: { at: number; up: boolean } | undefined;
  #probing: Promise<void> | undefined;

  constructor(o: RegistryHealthOptions) {
    this.#o = o;
    this.#now = o.now ?? Date.now;
  }

  /** A call's outcome (observeRegistry): `up` unless the registry could not be reached. */
  observe(up: boolean): void {
    this.#last = { at: this.#now(), up };
  }

  async status(): Promise<'ok' | 'unavailable'> {
    const fresh = this.#last !== undefined && this.#now() - this.#last.at < (this.#o.ttlMs ?? 30_000);
    if (!fresh) {
      this.#probing ??= withTimeout(this.#o.probe(), this.#o.timeoutMs ?? 2_000)
        .then(
          () => this.observe(true),
          () => this.observe(false),
        )
        .finally(() => {
          this.#probing = undefined;
        });
      await this.#probing;
    }
    return this.#last?.up ? 'ok' : 'unavailable';
  }
}
