/**
 * Operations (issue #9 §6, #10 §2): Prometheus metrics (merged over the workers of a cluster),
 * readiness apart from liveness (which reads nothing outside the process), access logs with
 * request ids, and an in-memory history of the metrics for in-process callers (the operator
 * console). docs/operations.md describes the endpoints, every metric and the log line.
 */
export { answeredOf, logAccess, UNMATCHED_ROUTE, type AnsweredRequest } from './access-log.ts';
export { codeLabel, PlatformMetrics, type PlatformMetricsOptions, type RegistryCallOutcome } from './metrics.ts';
export { Readiness, type ReadinessDeps, type ReadinessReport } from './readiness.ts';
export { Liveness, type LivenessOptions, type LivenessReport } from './liveness.ts';
export { ClusterMetrics, clusterMetricsSource, type MetricsSource } from './cluster.ts';
export { observeRegistry, RegistryHealth, type RegistryHealthOptions } from './registry.ts';
export { newRequestId, REQUEST_ID_HEADER, REQUEST_ID_PATTERN, requestIdOf } from './request-id.ts';
export { METRICS_REALM, READYZ_RETRY_AFTER_S, registerOpsRoutes, type OpsRouteDeps } from './routes.ts';
export { CONSOLE_SERIES, quantileOf, Series, type SeriesOptions, type SeriesSpec, type SeriesValue } from './series.ts';
export { TimedOut, withTimeout } from './timeout.ts';

import type { PlatformMetrics } from './metrics.ts';
import type { Readiness } from './readiness.ts';
import type { Series } from './series.ts';

/** What the platform exposes to in-process callers. */
export interface Operations {
  /** The metrics and their prom-client registry (what /metrics renders). */
  readonly metrics: PlatformMetrics;
  /** The last hour of the console's series, 10 s apart. */
  readonly series: Series;
  /** What /readyz answers; `beginShutdown()` is called when the platform starts closing. */
  readonly readiness: Readiness;
}
