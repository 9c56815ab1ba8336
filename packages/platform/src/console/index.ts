/**
 * The operator console's server side (docs/admin.md, "Console"): operators sign in with their
 * own 网证 through the platform's OpenID Connect provider — the console is a relying party of
 * the platform (client.ts), in mode 网证+口令+人脸 (sign-in.ts) — and hold a sealed session
 * cookie (session.ts) that the admin API accepts in place of a bearer token; roles are bound to
 * the console application identifier in the store (grants.ts) and managed over the admin API
 * (admin-routes.ts), with the metric series for the console's charts.
 */
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { CryptoSuite } from '@wangzheng/core/crypto/index';
import type { SecretRing } from '@wangzheng/core/identifiers/index';
import type { IdTokenAlg } from '@wangzheng/core/rp/types';
import type { Registry } from 'prom-client';
import type { AuditRecorder } from '../audit/index.ts';
import type { OperatorAuth } from '../http/operator.ts';
import type { Series } from '../ops/index.ts';
import type { DataProtector } from '../protect/index.ts';
import type { Store } from '../store/index.ts';
import { registerConsoleAdminRoutes } from './admin-routes.ts';
import { consoleClient, ensureConsoleClient, type ConsoleClient } from './client.ts';
import { ConsoleGrants } from './grants.ts';
import { registerConsoleRoutes } from './routes.ts';
import { CookieSealer } from './sealed-cookie.ts';
import { registerAdminSession } from './session.ts';
import { ConsoleSignIn } from './sign-in.ts';

export { CONSOLE_CLIENT_ID, CONSOLE_CLIENT_NAME, CONSOLE_SECTOR, consoleClient, consoleClientSecret, ensureConsoleClient, type ConsoleClient } from './client.ts';
export { consoleActor, ConsoleGrants, type ConsoleOperatorView } from './grants.ts';
export { CookieSealer } from './sealed-cookie.ts';
export { LOGIN_COOKIE, SESSION_COOKIE, SESSION_TTL_S } from './session.ts';
export { CONSOLE_ACR, SIGN_IN_FAILURES, type SignInFailure } from './sign-in.ts';
export { seriesJson, type SeriesJson } from './series.ts';

export interface ConsoleDeps {
  readonly store: Store;
  readonly suite: CryptoSuite;
  readonly protector: DataProtector;
  readonly audit: AuditRecorder;
  readonly operators: OperatorAuth;
  /** Derives the console's client secret and cookie keys. */
  readonly keys: SecretRing;
  /** Derives application identifiers (the platform's `appid` ring). */
  readonly appidKeys: SecretRing;
  readonly issuer: string;
  readonly idTokenSigningAlg: IdTokenAlg;
  readonly series: Series;
  readonly registry: Registry;
  readonly logger: Logger;
  readonly now: () => number;
}

export interface OperatorConsole {
  readonly client: ConsoleClient;
  readonly grants: ConsoleGrants;
}

/**
 * Registers the console's client (idempotent) and mounts its routes and the admin-session hook.
 * Call before any `/v1/admin/*` route is registered.
 */
export async function registerConsole(app: FastifyInstance, d: ConsoleDeps): Promise<OperatorConsole> {
  const client = consoleClient(d.issuer, d.keys, d.idTokenSigningAlg);
  await ensureConsoleClient(d.store, client, d.now);
  const sealer = new CookieSealer(d.suite, d.keys, d.now);
  const grants = new ConsoleGrants({ store: d.store, protector: d.protector, appidKeys: d.appidKeys, client, audit: d.audit, now: d.now });
  registerAdminSession(app, { sealer, grants, issuer: d.issuer });
  registerConsoleRoutes(app, { signIn: new ConsoleSignIn({ app, issuer: d.issuer, client, sealer, now: d.now }), sealer, grants, store: d.store, audit: d.audit, issuer: d.issuer, logger: d.logger, now: d.now });
  registerConsoleAdminRoutes(app, { grants, operators: d.operators, series: d.series, registry: d.registry });
  return { client, grants };
}
