/** Relying parties: registration and approval, client authentication, the operator API, routes. */
import type { PlatformDeps } from '../server/platform.ts';
import { AdminAuthenticator } from './admin-auth.ts';
import { ClientAuthenticator } from './client-auth.ts';
import { RelyingPartyService } from './service.ts';

export { AdminAuthenticator, ADMIN_REALM, type AdminActor } from './admin-auth.ts';
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
export { challengeOnFailure, registerRpRoutes, rpSchemas, rpView, CLIENT_REALM } from './routes.ts';

/** What later slices use: the service (records, scopes), client authentication, operator authentication. */
export interface RelyingParties {
  readonly service: RelyingPartyService;
  readonly clientAuth: ClientAuthenticator;
  readonly adminAuth: AdminAuthenticator;
}

/** Wires the RP components from the platform's dependencies. */
export function createRelyingParties(deps: PlatformDeps, extra: { now: () => number }): RelyingParties {
  return {
    service: new RelyingPartyService({
      store: deps.store,
      mode: deps.config.mode,
      defaultIdTokenAlg: deps.config.suite === 'gm' ? 'SM2' : 'ES256',
      now: extra.now,
    }),
    clientAuth: new ClientAuthenticator({ store: deps.store, issuer: deps.issuer, now: extra.now }),
    adminAuth: new AdminAuthenticator(deps.secrets.admin),
  };
}
