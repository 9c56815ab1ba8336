/**
 * Liveness (`GET /healthz`): is this process worth keeping? It asks nothing outside the process —
 * not the store, not the registry, not Redis — so a database outage never makes an orchestrator
 * restart healthy processes (readiness, readiness.ts, takes them out of rotation instead).
 *
 * What it checks is the event loop: a heartbeat timer ticks every `tickMs` (500 ms). A process
 * whose loop is wedged answers nothing at all, and the orchestrator's probe timeout catches it;
 * one whose loop was blocked for longer than `stallMs` (default 5 s) — a runaway synchronous
 * computation — answers the probe late, after the heartbeat has fallen that far behind, and
 * gets `stalled` (503). Repeated stalls (the probe's failure threshold, 3 × 10 s in the example
 * of docs/operations.md) get the process restarted; one stall does not.
 */

export interface LivenessOptions {
  /** Heartbeat period (ms). Default 500. */
  readonly tickMs?: number;
  /** How far behind the heartbeat may fall before the process is `stalled` (ms). Default 5000. */
  readonly stallMs?: number;
  readonly now?: () => number;
}

export interface LivenessReport {
  readonly status: 'ok' | 'stalled';
  /** Milliseconds since the heartbeat last ran, beyond its period (/healthz shows it when stalled). */
  readonly eventLoopDelayMs: number;
}

export class Liveness {
  readonly #tickMs: number;
  readonly #stallMs: number;
  readonly #now: () => number;
  #last: number;
  #timer: NodeJS.Timeout | undefined;

  constructor(o: LivenessOptions = {}) {
    this.#tickMs = o.tickMs ?? 500;
    this.#stallMs = o.stallMs ?? 5_000;
    if (!(this.#tickMs > 0 && this.#stallMs > this.#tickMs)) throw new TypeError('stallMs must exceed tickMs, both positive');
    this.#now = o.now ?? Date.now;
    this.#last = this.#now();
  }

  /** Starts the heartbeat (it does not keep the process alive). */
  start(): void {
    if (this.#timer !== undefined) return;
    this.#last = this.#now();
    this.#timer = setInterval(() => this.beat(), this.#tickMs);
    this.#timer.unref();
  }

  stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** One heartbeat (the timer's work; tests call it). */
  beat(): void {
    this.#last = this.#now();
  }

  check(): LivenessReport {
    const eventLoopDelayMs = Math.max(0, this.#now() - this.#last - this.#tickMs);
    return { status: eventLoopDelayMs > this.#stallMs ? 'stalled' : 'ok', eventLoopDelayMs };
  }
}
