/**
 * The OpenID Connect provider over HTTP (docs/oidc.md):
 *
 *   GET  /.well-known/openid-configuration   provider metadata
 *   POST /oauth/par                          client auth; authorization parameters → 201 { request_uri, expires_in }
 *   GET  /oauth/authorize                    the authorize page (HTML), or a redirect with an error
 *   GET  /oauth/authorize/status?ref=        JSON for the page's polling (browser-bound by cookie)
 *   POST /oauth/token                        client auth; authorization_code → tokens
 *   GET|POST /oauth/userinfo                 Authorization: Bearer → sub + consented claims
 *
 * The /oauth routes live in their own encapsulated Fastify scope, which adds two things the rest
 * of the platform does not have: a parser for `application/x-www-form-urlencoded` bodies (only
 * here), and an error handler that answers as OAuth clients expect, `{ error,
 * error_description }` with RFC 6749 codes — `invalid_client` as 401 with a `WWW-Authenticate`
 * challenge for the scheme tried. Nothing from a query or body is logged: the request id, the
 * code, the route and the private detail only; the same code and route are counted (metrics).
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { b64u, randomBytes } from '@wangzheng/core/crypto/index';
import { clientCredentialsFrom, type ClientAuthenticator } from '../rp/client-auth.ts';
import { challengeBearer, challengeClient, CLIENT_REALM } from '../http/challenge.ts';
import { isWzError, oauthCodeOf, WzError } from '@wangzheng/core/errors';
import { toOAuthError } from './errors.ts';
import { htmlHeaders, renderAuthorizePage, renderErrorPage } from './page.ts';
import { cookieValue, parseForm } from './params.ts';
import type { OidcMetrics } from './metrics.ts';
import { BROWSER_COOKIE, type OidcProvider } from './service.ts';

const FORM = 'application/x-www-form-urlencoded';

export interface OidcRouteDeps {
  readonly provider: OidcProvider;
  readonly clientAuth: ClientAuthenticator;
  readonly logger: Logger;
  /** Operations metrics: error answers and client authentication failures by route and code. */
  readonly metrics?: Pick<OidcMetrics, 'rejected' | 'clientAuthFailed'>;
}

export function registerOidcRoutes(app: FastifyInstance, deps: OidcRouteDeps): void {
  const { provider } = deps;

  app.get('/.well-known/openid-configuration', async (_req, reply) => {
    void reply.header('cache-control', 'public, max-age=300');
    return provider.metadata;
  });

  void app.register(async (scope) => {
    scope.addContentTypeParser(FORM, { parseAs: 'string' }, (_req, body, done) => {
      try {
        done(null, parseForm(body as string));
      } catch (e) {
        done(e as Error, undefined);
      }
    });
    scope.setErrorHandler((err: FastifyError, req, reply) => sendOAuthError(deps, err, req, reply));

    const formBody = (req: FastifyRequest): Record<string, string> => {
      if (!(req.headers['content-type'] ?? '').toLowerCase().startsWith(FORM)) {
        throw new WzError('invalid_request', `The body must be ${FORM} (RFC 6749 §4.1.3).`);
      }
      return (req.body ?? {}) as Record<string, string>;
    };
    const authenticate = async (req: FastifyRequest, audience: string) => {
      try {
        return (await deps.clientAuth.authenticate(clientCredentialsFrom(req), { audience })).rp;
      } catch (e) {
        deps.metrics?.clientAuthFailed(req.routeOptions.url ?? '', isWzError(e) ? e.code : 'internal_error');
        throw e;
      }
    };

    scope.post('/oauth/par', async (req, reply) => {
      const body = formBody(req);
      const rp = await authenticate(req, provider.endpoints.par);
      const answer = await provider.push(rp, body);
      void reply.status(201).header('cache-control', 'no-store');
      return answer;
    });

    // No automatic HEAD route: a link previewer's HEAD must not start a verification.
    scope.get('/oauth/authorize', { exposeHeadRoute: false }, async (req, reply) => {
      const nonce = b64u(randomBytes(16));
      const out = await provider.authorize(req.query, cookieValue(req.headers.cookie, BROWSER_COOKIE));
      if (out.kind === 'redirect') {
        logRejected(deps, req, out.error);
        return reply.status(303).header('cache-control', 'no-store').header('referrer-policy', 'no-referrer').redirect(out.location, 303);
      }
      htmlHeaders(reply, nonce);
      if (out.kind === 'error_page') {
        logRejected(deps, req, out.error);
        // Never a redirect here: the redirect URI is not (yet) trusted.
        if (out.error.retryAfterS !== undefined) void reply.header('retry-after', String(out.error.retryAfterS));
        return reply.status(out.error.status >= 500 ? out.error.status : 400).send(renderErrorPage(oauthCodeOf(out.error.code, out.error.status), out.error.message, nonce));
      }
      if (out.browserCookie) {
        const secure = provider.endpoints.issuer.startsWith('https:') ? '; Secure' : '';
        void reply.header('set-cookie', `${BROWSER_COOKIE}=${out.browserCookie}; Path=/oauth/authorize; HttpOnly; SameSite=Lax; Max-Age=3600${secure}`);
      }
      return reply.status(200).send(renderAuthorizePage(out.view, nonce, 'authorize/status'));
    });

    scope.get('/oauth/authorize/status', async (req, reply) => {
      const ref = (req.query as Record<string, unknown> | undefined)?.['ref'];
      void reply.header('cache-control', 'no-store');
      return provider.status(ref, cookieValue(req.headers.cookie, BROWSER_COOKIE));
    });

    scope.post('/oauth/token', async (req, reply) => {
      const body = formBody(req);
      const rp = await authenticate(req, provider.endpoints.token);
      const tokens = await provider.token(rp, body);
      void reply.header('cache-control', 'no-store').header('pragma', 'no-cache');
      return tokens;
    });

    const userinfo = async (req: FastifyRequest, reply: FastifyReply) => {
      const auth = req.headers.authorization;
      const m = typeof auth === 'string' ? /^Bearer +([^\s]+)\s*$/i.exec(auth) : null;
      if (!m) {
        // RFC 6750 §3.1: no credentials → a challenge without an error code.
        challengeBearer(reply, CLIENT_REALM);
        throw new WzError('invalid_token', 'An access token is required: Authorization: Bearer <token>.', { detail: 'no token' });
      }
      void reply.header('cache-control', 'no-store');
      return provider.userinfo(m[1]);
    };
    scope.get('/oauth/userinfo', userinfo);
    scope.post('/oauth/userinfo', userinfo);
  });
}

function logRejected(deps: Pick<OidcRouteDeps, 'logger' | 'metrics'>, req: FastifyRequest, e: WzError): void {
  const line = { reqId: req.id, route: req.routeOptions.url, method: req.method, code: e.code, detail: e.detail };
  // A database outage: one error line for the whole outage, shared with the app's error handler (http/store-outage.ts).
  if (e.code === 'store_unavailable') req.server.storeOutage.refused(req.routeOptions.url ?? '', line);
  else if (e.status >= 500) deps.logger.error(line, 'request failed');
  else deps.logger.info(line, 'request rejected');
  deps.metrics?.rejected(req.routeOptions.url ?? '', e.code);
}

function sendOAuthError(deps: Pick<OidcRouteDeps, 'logger' | 'metrics'>, err: unknown, req: FastifyRequest, reply: FastifyReply): void {
  const e = toOAuthError(err);
  logRejected(deps, req, e);
  const body = e.toOAuthJSON();
  if (body.error === 'invalid_client') challengeClient(req, reply);
  else if (body.error === 'invalid_token' && !reply.hasHeader('www-authenticate')) challengeBearer(reply, CLIENT_REALM, { code: body.error, description: body.error_description });
  if (e.retryAfterS !== undefined) void reply.header('retry-after', String(e.retryAfterS));
  void reply.status(e.status).header('cache-control', 'no-store').send(body);
}
