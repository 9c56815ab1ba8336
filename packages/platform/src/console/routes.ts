/**
 * The console's sign-in over HTTP (docs/admin.md, "Console"):
 *
 *   GET  /console/login     303 to /oauth/authorize as the console's client; the login state in `wz_console_login`
 *   GET  /console/callback  the code redeemed and the id_token checked → `wz_console`, 303 to /console/;
 *                           any failure → 303 to /console/#/signin?error=<code> (sign-in.ts lists the codes)
 *   POST /console/logout    the session cookie cleared, 204
 *   GET  /console/session   { signedIn: true, operator: { id, appId, roles }, expiresAt } | { signedIn: false }
 *
 * Cookies: the login state `Path=/console; SameSite=Lax` (it must come back on the redirect
 * from the authorize page), the session `Path=/; SameSite=Strict`; both HttpOnly, sealed
 * (sealed-cookie.ts), Secure when the issuer is https. Every answer is `no-store`. Nothing from
 * a query or a cookie is logged; a failed sign-in logs its code and a fixed detail.
 */
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { AuditRecorder } from '../audit/index.ts';
import { cookieValue } from '../oidc/params.ts';
import type { Store } from '../store/index.ts';
import { consoleActor, type ConsoleGrants, orderedRoles } from './grants.ts';
import { setCookie, type CookieSealer } from './sealed-cookie.ts';
import { LOGIN_COOKIE, SESSION_COOKIE, SESSION_TTL_S, sessionOf } from './session.ts';
import { LOGIN_TTL_S, SignInError, type ConsoleSignIn } from './sign-in.ts';

export interface ConsoleRouteDeps {
  readonly signIn: ConsoleSignIn;
  readonly sealer: CookieSealer;
  readonly grants: ConsoleGrants;
  readonly store: Store;
  readonly audit: AuditRecorder;
  readonly issuer: string;
  readonly logger: Logger;
  readonly now: () => number;
}

export function registerConsoleRoutes(app: FastifyInstance, d: ConsoleRouteDeps): void {
  const secure = d.issuer.startsWith('https:');
  const loginCookie = (value: string, maxAge: number) => setCookie(LOGIN_COOKIE, value, { path: '/console', sameSite: 'Lax', maxAge, secure });
  const sessionCookie = (value: string, maxAge: number) => setCookie(SESSION_COOKIE, value, { path: '/', sameSite: 'Strict', maxAge, secure });

  app.get('/console/login', { exposeHeadRoute: false }, async (_req, reply) => {
    const { location, cookie } = d.signIn.begin();
    return reply.status(303).header('cache-control', 'no-store').header('referrer-policy', 'no-referrer').header('set-cookie', loginCookie(cookie, LOGIN_TTL_S)).redirect(location, 303);
  });

  app.get('/console/callback', { exposeHeadRoute: false }, async (req, reply) => {
    void reply.header('cache-control', 'no-store').header('referrer-policy', 'no-referrer');
    const cookies = [loginCookie('', 0)];
    let target = '/console/';
    try {
      const { appId } = await d.signIn.complete(req.query, cookieValue(req.headers.cookie, LOGIN_COOKIE));
      const now = d.now();
      const { cookie } = d.sealer.seal('console_session', { sub: appId, iat: Math.floor(now / 1000) }, SESSION_TTL_S);
      await d.store.transaction((tx) => d.audit.record(tx, { actor: consoleActor(appId), action: 'console.signed_in' }));
      cookies.push(sessionCookie(cookie, SESSION_TTL_S));
    } catch (e) {
      const code = e instanceof SignInError ? e.code : 'unavailable';
      const line = { reqId: req.id, route: '/console/callback', code, detail: e instanceof SignInError ? e.detail : 'unexpected' };
      if (e instanceof SignInError) d.logger.info(line, 'console sign-in refused');
      else d.logger.error({ ...line, err: e instanceof Error ? e.name : 'unknown' }, 'console sign-in failed');
      target = `/console/#/signin?error=${code}`;
    }
    return reply.status(303).header('set-cookie', cookies).redirect(target, 303);
  });

  // Logging out needs no body; whatever a client sends is not parsed.
  void app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_req, _payload, done) => done(null, undefined));
    scope.post('/console/logout', async (_req, reply) => {
      return reply.status(204).header('cache-control', 'no-store').header('set-cookie', sessionCookie('', 0)).send();
    });
  });

  app.get('/console/session', async (req, reply) => {
    void reply.header('cache-control', 'no-store');
    const s = sessionOf(d.sealer, req);
    if (!s) return { signedIn: false };
    const roles = orderedRoles(await d.grants.rolesOf(s.appId));
    return { signedIn: true, operator: { id: consoleActor(s.appId), appId: s.appId, roles }, expiresAt: new Date(s.exp * 1000).toISOString() };
  });
}
