/**
 * The platform's Prometheus metrics: one prom-client `Registry` per platform instance (never the
 * library's global default registry — several platforms live in one test process), the Node.js
 * process figures (`collectDefaultMetrics`), and the `wz_*` metrics of the HTTP layer and the
 * domains. docs/operations.md lists every metric.
 *
 * The domains do not import this file: each declares the narrow port it reports to
 * (`EnrollmentMetrics`, `VerificationMetrics`, `OidcMetrics`, `JobMetrics`) and the composition
 * root hands it the matching object from here. Without one they report nothing.
 *
 * Labels come only from closed sets — the route pattern (never the URL), HTTP method and status,
 * a verification mode, an `acr` value, a job kind, a stable error code — and every value is
 * checked against its set here, so that a caller passing something else yields `other`, never a
 * new series. No label, and no value, ever carries a 网号, an application identifier (`sub`), a
 * name, a document or phone number, a client id or a secret.
 */
import cluster from 'node:cluster';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { ERROR_CODES, type ErrorCode } from '@wangzheng/core/errors';
import { ACR_VALUES, isMode } from '@wangzheng/core/verification/modes';
import type { EnrollmentMetrics, EnrollmentOutcome } from '../enrollment/session.ts';
import type { AnsweredRequest } from './access-log.ts';
import { withTimeout } from './timeout.ts';
import type { JobMetrics, SweepCounts } from '../jobs/index.ts';
import type { OidcMetrics } from '../oidc/metrics.ts';
import type { JobKind } from '../store/index.ts';
import { JOB_KINDS } from '../store/jobs/types.ts';
import type { VerificationMetrics, VerificationSettled } from '../verification/metrics.ts';

/** How a call to the population registry ended: answered (`ok`), refused (a 4xx verdict), or not reachable. */
export type RegistryCallOutcome = 'ok' | 'refused' | 'unavailable';

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
const VERIFICATION_KINDS = new Set(['receipt', 'oidc', 'reverify']);
const ACRS = new Set<string>(Object.values(ACR_VALUES));
const KINDS = new Set<string>(JOB_KINDS);
/** Failure codes that are not error codes: the person declined (verification_requests.failure). */
const EXTRA_CODES = new Set(['declined']);
const REGISTRY_OPERATIONS = new Set(['verifyDocument', 'faceChallenge', 'faceMatch', 'isGuardian', 'issuerKeys']);

/** A stable error code as a label, or `other` (a bug or a new code: still never free text). */
export function codeLabel(code: unknown): string {
  return typeof code === 'string' && (Object.hasOwn(ERROR_CODES, code) || EXTRA_CODES.has(code)) ? code : 'other';
}

const DURATION_BUCKETS_HTTP = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** From a request's creation to its settlement: a person reading, typing a passphrase, facing a camera; re-verification waits up to 30 min. */
const DURATION_BUCKETS_VERIFICATION = [1, 2, 5, 10, 20, 30, 60, 120, 300, 600, 1800];
const DURATION_BUCKETS_REGISTRY = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

export interface PlatformMetricsOptions {
  /** Process metrics (default true). */
  readonly processMetrics?: boolean;
  readonly now?: () => number;
}

export class PlatformMetrics {
  /** This platform's registry: what `/metrics` renders. */
  readonly registry = new Registry();

  readonly #now: () => number;
  readonly #info: Gauge<'suite' | 'store' | 'mode'>;
  readonly #http: { requests: Counter<'method' | 'route' | 'status'>; duration: Histogram<'method' | 'route'> };
  readonly #enrollments: Counter<'outcome'>;
  readonly #enrollmentFailures: Counter<'code'>;
  readonly #verificationRequests: Counter<'kind' | 'mode'>;
  readonly #verifications: Counter<'kind' | 'mode' | 'result'>;
  readonly #verificationFailures: Counter<'code' | 'final'>;
  readonly #verificationDuration: Histogram<'mode'>;
  readonly #oidcLogins: Counter<'acr' | 'result'>;
  readonly #oidcErrors: Counter<'route' | 'code'>;
  readonly #oidcClientAuth: Counter<'route' | 'code'>;
  readonly #ssf: Counter<'result'>;
  readonly #jobs: Counter<'kind' | 'outcome'>;
  readonly #swept: Counter<'step'>;
  readonly #registryCalls: Counter<'operation' | 'outcome'>;
  readonly #registryDuration: Histogram<'operation'>;

  constructor(o: PlatformMetricsOptions = {}) {
    const registers = [this.registry];
    this.#now = o.now ?? Date.now;
    // In a cluster worker the process figures are one series per worker (`worker` = its cluster
    // id): summed over workers, a heap or an event-loop lag would mean nothing (ops/cluster.ts).
    const worker = cluster.isWorker && cluster.worker ? { labels: { worker: String(cluster.worker.id) } } : {};
    if (o.processMetrics !== false) collectDefaultMetrics({ register: this.registry, ...worker });
    // `max`, not the default sum, when workers are merged: every worker says the same.
    this.#info = new Gauge({ name: 'wz_platform_info', help: 'Always 1; the labels say which crypto suite, store engine and mode this platform runs.', labelNames: ['suite', 'store', 'mode'], aggregator: 'max', registers });

    this.#http = {
      requests: new Counter({ name: 'wz_http_requests_total', help: 'HTTP requests answered, by method, route pattern (`unmatched` for no route) and status.', labelNames: ['method', 'route', 'status'], registers }),
      duration: new Histogram({ name: 'wz_http_request_duration_seconds', help: 'Server handling time of HTTP requests, by method and route pattern.', labelNames: ['method', 'route'], buckets: DURATION_BUCKETS_HTTP, registers }),
    };
    this.#enrollments = new Counter({ name: 'wz_enrollments_total', help: 'Enrollment attempts by outcome: started, issued, failed (a rule ended it), abandoned (expired).', labelNames: ['outcome'], registers });
    this.#enrollmentFailures = new Counter({ name: 'wz_enrollment_failures_total', help: 'Enrollment attempts a rule ended, by stable error code.', labelNames: ['code'], registers });
    this.#verificationRequests = new Counter({ name: 'wz_verification_requests_total', help: 'Verification requests created, by kind (receipt, oidc, reverify) and mode.', labelNames: ['kind', 'mode'], registers });
    this.#verifications = new Counter({ name: 'wz_verifications_total', help: 'Verification requests settled by the person’s answer, by kind, mode and result (pass, fail).', labelNames: ['kind', 'mode', 'result'], registers });
    this.#verificationFailures = new Counter({
      name: 'wz_verification_failures_total',
      help: 'Failed answers to verification requests by stable code; final="true" when the request failed, "false" when the answer was refused and the request stays open.',
      labelNames: ['code', 'final'],
      registers,
    });
    this.#verificationDuration = new Histogram({ name: 'wz_verification_duration_seconds', help: 'Time from a verification request’s creation to its settlement (pass or fail), by mode.', labelNames: ['mode'], buckets: DURATION_BUCKETS_VERIFICATION, registers });
    this.#oidcLogins = new Counter({ name: 'wz_oidc_logins_total', help: 'OpenID Connect logins by acr and result: success (tokens issued) or denied (declined, failed or expired).', labelNames: ['acr', 'result'], registers });
    this.#oidcErrors = new Counter({ name: 'wz_oidc_errors_total', help: 'Error answers of the /oauth endpoints, by route pattern and stable code.', labelNames: ['route', 'code'], registers });
    this.#oidcClientAuth = new Counter({ name: 'wz_oidc_client_auth_failures_total', help: 'Failed client authentications at the PAR and token endpoints, by route pattern and stable code.', labelNames: ['route', 'code'], registers });
    this.#ssf = new Counter({ name: 'wz_ssf_deliveries_total', help: 'Shared Signals push deliveries (ssf.deliver jobs) by result: delivered, retry, failed, deferred, lost.', labelNames: ['result'], registers });
    this.#jobs = new Counter({ name: 'wz_jobs_total', help: 'Jobs the worker in this process ran, by kind and outcome.', labelNames: ['kind', 'outcome'], registers });
    this.#swept = new Counter({ name: 'wz_sweep_deleted_total', help: 'Rows the expiry sweep deleted, by step.', labelNames: ['step'], registers });
    this.#registryCalls = new Counter({ name: 'wz_registry_requests_total', help: 'Calls to the population registry by operation and outcome (ok, refused, unavailable).', labelNames: ['operation', 'outcome'], registers });
    this.#registryDuration = new Histogram({ name: 'wz_registry_request_duration_seconds', help: 'Duration of calls to the population registry, by operation.', labelNames: ['operation'], buckets: DURATION_BUCKETS_REGISTRY, registers });
  }

  /** Sets `wz_platform_info` (once the store is open). */
  describe(info: { readonly suite: string; readonly store: string; readonly mode: string }): void {
    this.#info.reset();
    this.#info.set({ suite: info.suite, store: info.store, mode: info.mode }, 1);
  }

  /**
   * Adds the `wz_jobs_queued{state}` gauge: `read` (one grouped count over the jobs table) runs at
   * scrape time, at most once per `ttlMs` (default 10 s); between, and when the store fails, the
   * last count is shown.
   */
  watchJobQueue(read: () => Promise<{ pending: number; failed: number }>, ttlMs = 10_000): void {
    const now = this.#now;
    let cached: { at: number; pending: number; failed: number } | undefined;
    new Gauge({
      name: 'wz_jobs_queued',
      // Every worker counts the same shared queue: merged by `max`, not summed.
      aggregator: 'max',
      help: 'Jobs in the durable queue, all processes together: pending (due, scheduled or running) and failed for good. Counted at most every 10 s.',
      labelNames: ['state'],
      registers: [this.registry],
      async collect() {
        if (cached === undefined || now() - cached.at >= ttlMs) {
          try {
            cached = { at: now(), ...(await withTimeout(read(), 2_000)) };
          } catch {
            // The store is down (readiness says so); the scrape still answers, with the last count.
            if (cached === undefined) return;
          }
        }
        this.set({ state: 'pending' }, cached.pending);
        this.set({ state: 'failed' }, cached.failed);
      },
    });
  }

  /** One answered request (the HTTP layer's onResponse). */
  request(a: AnsweredRequest): void {
    const method = METHODS.has(a.method) ? a.method : 'OTHER';
    this.#http.requests.inc({ method, route: a.route, status: String(a.status) });
    this.#http.duration.observe({ method, route: a.route }, a.ms / 1000);
  }

  /** The port enrollment reports to (enrollment/session.ts). */
  readonly enrollment: EnrollmentMetrics = {
    outcome: (outcome: EnrollmentOutcome, code?: ErrorCode) => {
      this.#enrollments.inc({ outcome });
      if (outcome === 'failed') this.#enrollmentFailures.inc({ code: codeLabel(code) });
    },
  };

  /** The port verification reports to (verification/service.ts). */
  readonly verification: VerificationMetrics = {
    requested: (kind: string, mode: string) => {
      this.#verificationRequests.inc({ kind: kindLabel(kind), mode: modeLabel(mode) });
    },
    settled: (s: VerificationSettled) => {
      const mode = modeLabel(s.mode);
      this.#verifications.inc({ kind: kindLabel(s.kind), mode, result: s.result });
      if (s.result === 'fail') this.#verificationFailures.inc({ code: codeLabel(s.code), final: 'true' });
      if (Number.isFinite(s.seconds) && s.seconds >= 0) this.#verificationDuration.observe({ mode }, s.seconds);
    },
    refused: (code: ErrorCode) => {
      this.#verificationFailures.inc({ code: codeLabel(code), final: 'false' });
    },
  };

  /** The port the OpenID Connect provider and its routes report to (oidc/). */
  readonly oidc: OidcMetrics = {
    login: (acr: string, result: 'success' | 'denied') => {
      this.#oidcLogins.inc({ acr: ACRS.has(acr) ? acr : 'other', result });
    },
    rejected: (route: string, code: ErrorCode) => {
      this.#oidcErrors.inc({ route: oauthRoute(route), code: codeLabel(code) });
    },
    clientAuthFailed: (route: string, code: ErrorCode) => {
      this.#oidcClientAuth.inc({ route: oauthRoute(route), code: codeLabel(code) });
    },
  };

  /** The port the job worker and the expiry sweep report to (jobs/). */
  readonly jobs: JobMetrics = {
    settled: (kind: JobKind, outcome) => {
      this.#jobs.inc({ kind: KINDS.has(kind) ? kind : 'other', outcome });
      if (kind === 'ssf.deliver') this.#ssf.inc({ result: outcome === 'done' ? 'delivered' : outcome });
    },
    swept: (counts: SweepCounts) => {
      for (const [step, n] of Object.entries(counts)) if (n > 0) this.#swept.inc({ step }, n);
      if (counts.enrollments > 0) this.#enrollments.inc({ outcome: 'abandoned' }, counts.enrollments);
    },
  };

  /** One call to the population registry (ops/registry.ts). */
  /** `wz_store_statements_total`, read from the store's own count when scraped (nothing added per statement here). */
  watchStore(count: () => number): void {
    let reported = 0;
    new Counter({
      name: 'wz_store_statements_total',
      help: 'Statements this process ran against the store (SQLite or PostgreSQL), transaction control excluded.',
      registers: [this.registry],
      collect() {
        const n = count();
        if (n > reported) this.inc(n - reported);
        reported = Math.max(reported, n);
      },
    });
  }

  registryCall(operation: string, outcome: RegistryCallOutcome, seconds: number): void {
    const op = REGISTRY_OPERATIONS.has(operation) ? operation : 'other';
    this.#registryCalls.inc({ operation: op, outcome });
    this.#registryDuration.observe({ operation: op }, seconds);
  }
}

function kindLabel(kind: string): string {
  return VERIFICATION_KINDS.has(kind) ? kind : 'other';
}

function modeLabel(mode: string): string {
  return isMode(mode) ? mode : 'other';
}

/** A route pattern under /oauth (our own, fixed), or `other`. */
function oauthRoute(route: string): string {
  return /^\/oauth\/[a-z/]{1,32}$/.test(route) ? route : 'other';
}
