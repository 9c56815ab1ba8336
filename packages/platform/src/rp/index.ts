/** Relying parties: registration and approval, client authentication, self-service (keys, request log, delivery), the operator API, routes. */
import type { IdTokenAlg } from '@wangzheng/core/rp/types';
import type { Store } from '../store/index.ts';
import type { AuditRecorder } from '../audit/index.ts';
import type { RateLimits } from '../limits/index.ts';
import { ClientAuthenticator } from './client-auth.ts';
import { RpSelfService, type RpSelfServiceDeps } from './self-service.ts';
import { RelyingPartyService } from './service.ts';

export {
  ClientAuthenticator,
  clientCredentialsFrom,
  type AuthenticateOptions,
  type AuthenticatedClient,
  type ClientCredentials,
} from './client-auth.ts';
export { clientSecretMatches, digestClientSecret, generateClientSecret, CLIENT_SECRET_BYTES } from './client-secret.ts';
export {
  publicRecord,
  RelyingPartyService,
  SANDBOX_SECTOR_PREFIX,
  type Registered,
  type RpAdminView,
  type RpApplication,
  type SandboxApplication,
} from './service.ts';
export { RpSelfService, type DeliveryView, type RequestLogItem, type RequestLogPage } from './self-service.ts';
export { bodyOf, clientIdOf, registerRpRoutes, rpSchemas, rpView } from './routes.ts';

/** What other domains use: the service (records, scopes) and client authentication. */
export interface RelyingParties {
  readonly service: RelyingPartyService;
  readonly clientAuth: ClientAuthenticator;
  /** What an authenticated RP manages and reads about itself (keys, request log, delivery). */
  readonly selfService: RpSelfService;
}

/** What the relying-party components need, and nothing more. */
export interface RelyingPartyDeps {
  readonly store: Store;
  /** `development` allows sandbox RPs. */
  readonly mode: 'development' | 'production';
  /** The id_token algorithm an RP gets when it registers none (the configured suite's). */
  readonly defaultIdTokenAlg: IdTokenAlg;
  /** The platform's public URL: the audience client assertions must name. */
  readonly issuerUrl: string;
  /** The audit trail: each operator decision is recorded in the transaction that makes it. */
  readonly audit: AuditRecorder;
  /** The RP's own stream with its delivery counters (signals/report.ts `streamReportOf`), for its self-service view. */
  readonly deliveryOf: RpSelfServiceDeps['deliveryOf'];
  /** Lockout of failed client authentications and the per-RP ceiling (limits/). None: unlimited. */
  readonly limits?: RateLimits;
  readonly now: () => number;
}

/** Wires the RP components from their dependencies. */
export function createRelyingParties(deps: RelyingPartyDeps): RelyingParties {
  return {
    service: new RelyingPartyService({ store: deps.store, mode: deps.mode, defaultIdTokenAlg: deps.defaultIdTokenAlg, audit: deps.audit, now: deps.now }),
    clientAuth: new ClientAuthenticator({ store: deps.store, issuer: deps.issuerUrl, now: deps.now, ...(deps.limits ? { limits: deps.limits } : {}) }),
    selfService: new RpSelfService({ store: deps.store, audit: deps.audit, deliveryOf: deps.deliveryOf, now: deps.now }),
  };
}
