/**
 * One error line per database outage, not one per refused request. While the database is away
 * every request that needs it is refused with 503 `store_unavailable` — hundreds a second under
 * load, each of which used to write an `error` line. The error handler (server/http.ts) asks this
 * tracker how to log each refusal:
 *
 *   the first refusal of an outage   `error` "request failed", with `outage: "begins"`
 *   the ones after it                `debug`, with `outage: "continues"`
 *   the store answers again          `info` "store answers again; the outage is over", with the
 *                                    outage's length (`outageMs`) and how many requests it refused
 *
 * "Answers again" is judged from answers this process gives anyway, without a probe of its own:
 * a success (status < 400) on a route that was refused during the outage (it needed the store a
 * moment ago and now works), or `/readyz` answering 200 (its check read the store). Counted per
 * process; the jobs worker and the audit checkpoints log their own single line per outage.
 */

declare module 'fastify' {
  interface FastifyInstance {
    /** The app's outage tracker (server/http.ts), for route scopes with error handlers of their own (oidc/routes.ts). */
    storeOutage: StoreOutageLog;
  }
}

/** The three calls made (a pino logger fits). */
export interface OutageLogger {
  error(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  debug(obj: object, msg: string): void;
}

export const READYZ_ROUTE = '/readyz';

export class StoreOutageLog {
  readonly #log: OutageLogger;
  readonly #now: () => number;
  #since: number | undefined;
  #refused = 0;
  readonly #routes = new Set<string>();

  constructor(log: OutageLogger, now: () => number = Date.now) {
    this.#log = log;
    this.#now = now;
  }

  /** Whether an outage is under way (a refusal seen, no recovery yet). */
  get inOutage(): boolean {
    return this.#since !== undefined;
  }

  /** Logs one request refused with `store_unavailable`; `line` is what the error handler logs about any failure. */
  refused(route: string, line: object): void {
    this.#refused += 1;
    this.#routes.add(route);
    if (this.#since === undefined) {
      this.#since = this.#now();
      this.#log.error({ ...line, outage: 'begins' }, 'request failed');
    } else {
      this.#log.debug({ ...line, outage: 'continues' }, 'request failed');
    }
  }

  /** Every answered request: ends the outage on the first sign that the store answers. */
  answered(route: string, status: number): void {
    if (this.#since === undefined || status >= 400) return;
    if (!this.#routes.has(route) && !(route === READYZ_ROUTE && status === 200)) return;
    const outageMs = Math.max(0, this.#now() - this.#since);
    this.#log.info({ outageMs, refused: this.#refused }, 'store answers again; the outage is over');
    this.#since = undefined;
    this.#refused = 0;
    this.#routes.clear();
  }
}
