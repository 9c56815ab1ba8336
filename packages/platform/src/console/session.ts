/**
 * The console session: a sealed cookie `wz_console` holding the console application identifier
 * (`sub`), `iat` and `exp` (8 hours), set by the callback. It says who signed in, never what they
 * may do: roles are read from the store on every request (grants.ts).
 *
 * On `/v1/admin/*` the cookie stands in for the bearer token (http/operator.ts). This module's
 * `onRequest` hook resolves it before any route runs, for requests without an `Authorization`
 * header:
 * - a cookie that does not open, or has expired → 401 `unauthenticated`;
 * - a state-changing method (not GET, HEAD or OPTIONS) whose `Origin` is not the issuer's own
 *   origin → 403 `forbidden` (cross-site request forgery; SameSite=Strict is the first line, this
 *   the second — a missing `Origin` is refused too);
 * - otherwise the operator `console:<appId>` with the roles granted now.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { WzError } from '@wangzheng/core/errors';
import { isAppId } from '@wangzheng/core/identifiers/index';
import { attachConsoleOperator, OPERATOR_REALM } from '../http/operator.ts';
import { challengeBearer } from '../http/challenge.ts';
import { cookieValue } from '../oidc/params.ts';
import { consoleActor, type ConsoleGrants } from './grants.ts';
import type { CookieSealer } from './sealed-cookie.ts';

export const SESSION_COOKIE = 'wz_console';
export const LOGIN_COOKIE = 'wz_console_login';
export const SESSION_TTL_S = 8 * 3600;
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export interface ConsoleSession {
  readonly appId: string;
  /** Epoch seconds. */
  readonly iat: number;
  readonly exp: number;
}

/** The session in this request's cookie, if it opens and has not expired. */
export function sessionOf(sealer: CookieSealer, req: FastifyRequest): ConsoleSession | undefined {
  const v = sealer.open('console_session', cookieValue(req.headers.cookie, SESSION_COOKIE));
  if (!v || !isAppId(v['sub']) || typeof v['iat'] !== 'number') return undefined;
  return { appId: v['sub'], iat: v['iat'], exp: v.exp };
}

/** The `onRequest` hook: the console session as an operator on `/v1/admin/*`. */
export function registerAdminSession(app: FastifyInstance, d: { sealer: CookieSealer; grants: ConsoleGrants; issuer: string }): void {
  const origin = new URL(d.issuer).origin;
  const sessionOperator = async (req: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const session = sessionOf(d.sealer, req);
    if (!session) {
      challengeBearer(reply, OPERATOR_REALM);
      throw new WzError('unauthenticated', 'The console session is invalid or has expired; sign in again.', { detail: 'console cookie' });
    }
    if (!SAFE_METHODS.has(req.method) && req.headers.origin !== origin) {
      throw new WzError('forbidden', 'This request must come from the console’s own origin.', { detail: 'console origin check' });
    }
    attachConsoleOperator(req, { actor: consoleActor(session.appId), roles: await d.grants.rolesOf(session.appId) });
  };
  // Callback style: every other request (all but the console's) passes without a promise.
  app.addHook('onRequest', (req, reply, done) => {
    if (!req.url.startsWith('/v1/admin/') || req.headers.authorization !== undefined) return done();
    if (cookieValue(req.headers.cookie, SESSION_COOKIE) === undefined) return done();
    sessionOperator(req, reply).then(() => done(), done);
  });
}
