/**
 * Readiness (`GET /readyz`): may a load balancer send this process requests? Separate from
 * liveness (`GET /healthz`: the process is up and answers), so that an orchestrator takes a
 * process out of rotation — and does not restart it — while its database is away.
 *
 * Fatal checks (any one fails → `not_ready`, 503 with `Retry-After`):
 * - `process`: `shutting_down` from the moment `platform.close()` begins;
 * - `store`: a trivial read answers within the timeout (`unavailable`, `timeout`);
 * - `migrations`: the schema is the one this build expects. `openStore` brings it to the latest
 *   migration under a lock and the platform does not start otherwise; migrations are additive, so
 *   a newer process migrating further later leaves this one working. Always `ok` while running.
 * Non-fatal (reported, never makes the platform unready; verification of enrolled people does
 * not need it):
 * - `registry`: the population registry answered lately (ops/registry.ts; at most one probe call
 *   per 30 s, however often readiness is asked).
 */
import type { RegistryHealth } from './registry.ts';
import { TimedOut, withTimeout } from './timeout.ts';

export type StoreCheck = 'ok' | 'unavailable' | 'timeout';

export interface ReadinessReport {
  readonly status: 'ready' | 'not_ready';
  readonly checks: {
    readonly process: 'ok' | 'shutting_down';
    readonly store: StoreCheck;
    readonly migrations: 'ok';
    readonly registry?: 'ok' | 'unavailable';
  };
}

export interface ReadinessDeps {
  /** A trivial read of the store (a named counter). */
  readonly ping: () => Promise<unknown>;
  readonly registry?: Pick<RegistryHealth, 'status'>;
  /** The longest the store check may take (ms). Default 2 s. */
  readonly timeoutMs?: number;
}

export class Readiness {
  readonly #d: ReadinessDeps;
  #shuttingDown = false;

  constructor(d: ReadinessDeps) {
    this.#d = d;
  }

  /** From now on not ready: the platform is closing. */
  beginShutdown(): void {
    this.#shuttingDown = true;
  }

  get shuttingDown(): boolean {
    return this.#shuttingDown;
  }

  async check(): Promise<ReadinessReport> {
    const [store, registry] = await Promise.all([this.#store(), this.#d.registry?.status()]);
    const process = this.#shuttingDown ? 'shutting_down' : 'ok';
    return {
      status: process === 'ok' && store === 'ok' ? 'ready' : 'not_ready',
      checks: { process, store, migrations: 'ok', ...(registry ? { registry } : {}) },
    };
  }

  async #store(): Promise<StoreCheck> {
    try {
      await withTimeout(this.#d.ping(), this.#d.timeoutMs ?? 2_000);
      return 'ok';
    } catch (e) {
      return e instanceof TimedOut ? 'timeout' : 'unavailable';
    }
  }
}
