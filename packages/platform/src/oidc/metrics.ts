/**
 * What the OpenID Connect provider reports for the operator's metrics (ops/metrics.ts implements
 * it): `acr` values, route patterns and stable codes — never a client id, a `sub`, a code or a
 * token.
 */
import type { ErrorCode } from '@wangzheng/core/errors';

export interface OidcMetrics {
  /** A login ended: `success` when the token endpoint issued the ID token, `denied` when the authorization ended in `access_denied`. */
  login(acr: string, result: 'success' | 'denied'): void;
  /** An /oauth endpoint answered an error (`route` is the route pattern). */
  rejected(route: string, code: ErrorCode): void;
  /** A client failed to authenticate at the PAR or token endpoint. */
  clientAuthFailed(route: string, code: ErrorCode): void;
}
