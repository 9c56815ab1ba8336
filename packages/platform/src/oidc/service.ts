/**
 * The OpenID Connect provider, on top of the verification engine:
 *
 *   RP ──POST /oauth/par (client auth)──▶ request_uri                         (optional, RFC 9126)
 *   browser ──GET /oauth/authorize──▶ checks → a verification request (kind `oidc`) → the page
 *   wallet ──/v1/verifications/{ref}/answer──▶ the person approves with what the mode demands
 *   page ──GET /oauth/authorize/status?ref (cookie)──▶ redirect_uri?code&state&iss   (RFC 9207)
 *   RP ──POST /oauth/token (client auth, code, redirect_uri, code_verifier)──▶ id_token, access token
 *   RP ──GET /oauth/userinfo (Bearer)──▶ sub + consented claims
 *
 * The authorization code is minted only when the person has approved and the page asks for it:
 * single use, 60 s, stored as a digest. The status endpoint answers only the browser that
 * opened the page (a cookie whose digest the authorization keeps), so someone who sees the QR
 * code — the wallet's capability — cannot collect the code. A replayed code is refused and every
 * access token issued from it is revoked (RFC 6749 §4.1.2).
 *
 * Trust: the RP after client authentication (routes.ts); the browser's parameters only after
 * checks.ts; the person's outcome only as the verification engine recorded it (`findWithOutcome`),
 * whose mode is the one the RP asked for — the engine checks every factor of it or fails.
 */
import { timingSafeEqual } from 'node:crypto';
import QRCode from 'qrcode';
import { b64u, randomBytes, type CryptoSuite, type KeyRing } from '@wangzheng/core/crypto/index';
import { isWzError, WzError } from '@wangzheng/core/errors';
import { assertRpActive } from '@wangzheng/core/rp/status';
import { ACR_VALUES, isMode, satisfies, type Mode } from '@wangzheng/core/verification/modes';
import { newId, type OidcAuthorizationRecord, type RelyingPartyRecord, type Store, type VerificationRequestRecord } from '../store/index.ts';
import type { SealedOutcome } from '../verification/outcome.ts';
import type { VerificationService } from '../verification/service.ts';
import type { RequestWithKey } from '../verification/types.ts';
import { checkAuthorizationRequest, checkPkce, type CheckContext } from './checks.ts';
import { endpointsOf, providerMetadata, type OidcEndpoints } from './discovery.ts';
import { toOAuthError } from './errors.ts';
import { signIdToken } from './id-token.ts';
import type { OidcMetrics } from './metrics.ts';
import type { AuthorizeView } from './page.ts';
import { paramsOf, type Params } from './params.ts';
import { oauthScopeString } from './scopes.ts';
import { faultPoint } from '../faults/points.ts';

/** An absolute URL of our own origin as a path (the page links only to its own origin). */
function sameOrigin(url: string): string {
  const u = new URL(url);
  return u.pathname + u.search + u.hash;
}

export const PAR_TTL_S = 60;
export const CODE_TTL_MS = 60_000;
export const ACCESS_TOKEN_TTL_S = 600;
export const BROWSER_COOKIE = 'wz_oidc_browser';
export const REQUEST_URI_PREFIX = 'urn:ietf:params:oauth:request_uri:';

const RANDOM_43 = /^[A-Za-z0-9_-]{43}$/;
const REF = /^[A-Za-z0-9_-]{22}$/;
/** Client authentication parameters: the PAR endpoint does not store them. */
const CLIENT_AUTH_PARAMS = new Set(['client_assertion', 'client_assertion_type', 'client_secret']);

export interface OidcDeps {
  readonly store: Store;
  readonly verification: VerificationService;
  /** Digests of bearer values (request_uri, reference, browser cookie, code, access token). */
  readonly suite: CryptoSuite;
  readonly signing: { readonly gm: KeyRing; readonly intl: KeyRing };
  readonly issuer: string;
  readonly now: () => number;
  /** Operations metrics: logins by `acr` and result. None: nothing is reported. */
  readonly metrics?: Pick<OidcMetrics, 'login'>;
}

/** What GET /oauth/authorize leads to. */
export type AuthorizeOutcome =
  | { readonly kind: 'page'; readonly view: AuthorizeView; readonly browserCookie?: string }
  | { readonly kind: 'redirect'; readonly location: string; readonly error: WzError }
  | { readonly kind: 'error_page'; readonly error: WzError };

export type StatusAnswer = { status: 'pending'; expiresAt: string } | { status: 'complete'; redirect: string } | { status: 'done' };

export interface TokenResponse {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  id_token: string;
  scope: string;
}

export class OidcProvider {
  readonly endpoints: OidcEndpoints;
  readonly metadata: Record<string, unknown>;

  constructor(private readonly deps: OidcDeps) {
    this.endpoints = endpointsOf(deps.issuer);
    this.metadata = providerMetadata(this.endpoints);
  }

  // ---------------------------------------------------------------- PAR (RFC 9126)

  /** A pushed authorization request from an authenticated client: checked now, stored for 60 s, used once. */
  async push(rp: RelyingPartyRecord, body: Readonly<Record<string, string>>): Promise<{ request_uri: string; expires_in: number }> {
    const stored: Record<string, string> = {};
    for (const [k, v] of Object.entries(body)) if (!CLIENT_AUTH_PARAMS.has(k)) stored[k] = v;
    stored['client_id'] = rp.clientId;
    const ctx = this.#context(paramsOf(stored), rp);
    try {
      await checkAuthorizationRequest(ctx);
    } catch (e) {
      // At the PAR endpoint every error is the JSON answer to the client itself.
      throw toOAuthError(e);
    }
    const random = b64u(randomBytes(32));
    const now = this.deps.now();
    await this.deps.store.oidc.insertPar({ uriHash: this.#digest('par', random), clientId: rp.clientId, params: stored, expiresAt: now + PAR_TTL_S * 1000, createdAt: now });
    return { request_uri: `${REQUEST_URI_PREFIX}${random}`, expires_in: PAR_TTL_S };
  }

  // ---------------------------------------------------------------- authorization endpoint

  /** Checks the request, creates the verification request and the authorization, and describes the page. */
  async authorize(query: unknown, browserCookie: string | undefined): Promise<AuthorizeOutcome> {
    let ctx: CheckContext | undefined;
    try {
      const params = await this.#resolveParams(paramsOf(query));
      ctx = this.#context(params);
      const req = await checkAuthorizationRequest(ctx);
      // With its view: the request is not read back.
      const { created, view: d } = await this.deps.verification.createAndDescribe(req.rp, { kind: 'oidc', mode: req.mode, scopes: req.scopes.filter((s) => s !== 'result') });
      const browser = typeof browserCookie === 'string' && RANDOM_43.test(browserCookie) ? browserCookie : b64u(randomBytes(32));
      const now = this.deps.now();
      await this.deps.store.oidc.insertAuthorization({
        id: newId(),
        requestId: created.requestId,
        refHash: this.#digest('ref', created.ref),
        browserHash: this.#digest('browser', browser),
        clientId: req.rp.clientId,
        redirectUri: req.redirectUri,
        state: req.state,
        nonce: req.nonce,
        codeChallenge: req.codeChallenge,
        mode: req.mode,
        scopes: req.scopes,
        expiresAt: Date.parse(created.expiresAt) + CODE_TTL_MS,
        createdAt: now,
      });
      // One byte segment, a fixed mask (any is valid): choosing them cost 8× the drawing.
      const qrSvg = await QRCode.toString([{ data: Buffer.from(created.walletUrl), mode: 'byte' as const }], { type: 'svg', margin: 2, errorCorrectionLevel: 'M', maskPattern: 2 });
      return {
        kind: 'page',
        view: { rp: d.rp, modeName: d.modeName, scopes: d.scopes, ref: created.ref, link: sameOrigin(created.walletUrl), qrSvg, expiresAt: d.expiresAt },
        ...(browser !== browserCookie ? { browserCookie: browser } : {}),
      };
    } catch (e) {
      // Redirectable only once the redirect URI is known to be the client's (checks.ts).
      const redirectUri = ctx?.redirectUri;
      const err = toOAuthError(e, { redirectable: redirectUri !== undefined });
      if (err.redirectable && redirectUri !== undefined) {
        return { kind: 'redirect', location: this.#redirect(redirectUri, { ...err.toOAuthJSON(), state: ctx?.state ?? null }), error: err };
      }
      return { kind: 'error_page', error: err };
    }
  }

  /**
   * What the authorize page polls: pending, or — once the person has answered — where to go.
   * Approved: the code is minted now (once). Declined, failed, expired: `access_denied` with a
   * reason code first in `error_description`.
   */
  async status(ref: unknown, browserCookie: string | undefined): Promise<StatusAnswer> {
    const notFound = () => new WzError('invalid_request', 'No such authorization in this browser.', { status: 404 });
    if (typeof ref !== 'string' || !REF.test(ref) || typeof browserCookie !== 'string' || !RANDOM_43.test(browserCookie)) throw notFound();
    // One statement: the authorization and its request.
    const found = await this.deps.store.oidc.findAuthorizationWithRequest('ref_hash', this.#digest('ref', ref));
    const a = found?.authorization;
    if (!a || !sameBytes(a.browserHash, this.#digest('browser', browserCookie))) throw notFound();
    if (a.status === 'code_issued' || a.status === 'redeemed') return { status: 'done' };
    const r = found.request ?? (await this.deps.verification.findRequest(a.requestId));
    if (!r) throw new WzError('server_error', 'The verification request is gone.', { detail: 'request missing' });
    const now = this.deps.now();
    if (a.status === 'pending' && r.status === 'approved') {
      const code = b64u(randomBytes(32));
      const minted = await this.deps.store.oidc.transitionAuthorization(a.id, 'pending', {
        status: 'code_issued',
        codeHash: this.#digest('code', code),
        codeExpiresAt: now + CODE_TTL_MS,
        authTime: r.approvedAt ?? now,
      });
      if (!minted) return { status: 'done' };
      return { status: 'complete', redirect: this.#redirect(a.redirectUri, { code, state: a.state }) };
    }
    if (a.status === 'pending' && r.status === 'pending' && r.expiresAt > now) return { status: 'pending', expiresAt: new Date(r.expiresAt).toISOString() };
    if (a.status === 'pending' && (await this.deps.store.oidc.transitionAuthorization(a.id, 'pending', { status: 'finished' }))) {
      this.deps.metrics?.login(acrOf(a.mode), 'denied');
    }
    const [reason, text] = denial(r, now);
    return { status: 'complete', redirect: this.#redirect(a.redirectUri, { error: 'access_denied', error_description: `${reason}: ${text}`, state: a.state }) };
  }

  // ---------------------------------------------------------------- token endpoint

  /** `grant_type=authorization_code` for an authenticated client (RFC 6749 §4.1.3, RFC 7636 §4.6). */
  async token(rp: RelyingPartyRecord, body: Readonly<Record<string, string>>): Promise<TokenResponse> {
    const grantType = body['grant_type'];
    if (grantType === undefined) throw new WzError('invalid_request', 'grant_type is required.');
    if (grantType !== 'authorization_code') throw new WzError('unsupported_grant_type', 'Only grant_type=authorization_code is supported.');
    const code = body['code'];
    if (code === undefined) throw new WzError('invalid_request', 'code is required.');
    if (body['redirect_uri'] === undefined) throw new WzError('invalid_request', 'redirect_uri is required: the one of the authorization request.');
    const invalidGrant = (description: string, detail: string) => new WzError('invalid_grant', description, { detail });
    if (!RANDOM_43.test(code)) throw invalidGrant('The authorization code is invalid, expired or already used.', 'code format');
    // One statement: the authorization, its request and the person's data key.
    const found = await this.deps.store.oidc.findAuthorizationWithRequest('code_hash', this.#digest('code', code));
    const a = found?.authorization;
    if (!a || a.clientId !== rp.clientId) throw invalidGrant('The authorization code is invalid, expired or already used.', a ? 'other client' : 'unknown code');
    const now = this.deps.now();
    if (a.status === 'redeemed') {
      // RFC 6749 §4.1.2: a code used twice is a sign it leaked; what it gave is withdrawn.
      await this.deps.store.oidc.revokeAccessTokens(a.id, now);
      throw invalidGrant('The authorization code is invalid, expired or already used.', 'code replay: tokens revoked');
    }
    if (a.status !== 'code_issued' || a.codeExpiresAt === null || a.codeExpiresAt <= now) throw invalidGrant('The authorization code is invalid, expired or already used.', 'code expired');
    if (body['redirect_uri'] !== a.redirectUri) throw invalidGrant('redirect_uri must equal the one of the authorization request.', 'redirect_uri mismatch');
    checkPkce(body['code_verifier'], a.codeChallenge);

    const { r, outcome } = await this.#approved(a, found.request && { request: found.request, dataKey: found.dataKey });
    const accessToken = b64u(randomBytes(32));
    // The code redeemed and the access token written in one atomic write (on PostgreSQL one statement).
    faultPoint('oidc.token.before-commit');
    const redeemed = await this.deps.store.oidc.redeemAuthorization(a.id, now, { tokenHash: this.#digest('access-token', accessToken), authorizationId: a.id, clientId: rp.clientId, expiresAt: now + ACCESS_TOKEN_TTL_S * 1000, createdAt: now });
    if (redeemed) faultPoint('oidc.token.after-commit');
    if (!redeemed) {
      // Lost a race with another use of the same code: that is a replay too.
      await this.deps.store.oidc.revokeAccessTokens(a.id, now);
      throw invalidGrant('The authorization code is invalid, expired or already used.', 'code replay (concurrent): tokens revoked');
    }
    const idToken = signIdToken(this.deps.signing, {
      issuer: this.deps.issuer,
      clientId: rp.clientId,
      alg: rp.idTokenSigningAlg,
      sub: outcome.appId,
      nonce: a.nonce,
      mode: r.mode as Mode,
      authTime: a.authTime ?? r.approvedAt ?? now,
      now,
      claims: outcome.claims,
    });
    this.deps.metrics?.login(acrOf(r.mode), 'success');
    return { access_token: accessToken, token_type: 'Bearer', expires_in: ACCESS_TOKEN_TTL_S, id_token: idToken, scope: oauthScopeString(a.scopes) };
  }

  // ---------------------------------------------------------------- userinfo

  /** OIDC Core §5.3 with an RFC 6750 bearer token: `sub` and the consented claims, nothing else. */
  async userinfo(token: string | undefined): Promise<Record<string, string>> {
    const invalid = (detail: string) => new WzError('invalid_token', 'The access token is invalid, expired or revoked.', { detail });
    if (token === undefined || !RANDOM_43.test(token)) throw invalid('token format');
    const t = await this.deps.store.oidc.findAccessToken(this.#digest('access-token', token));
    const now = this.deps.now();
    if (!t) throw invalid('unknown token');
    if (t.revokedAt !== null) throw invalid('revoked');
    if (t.expiresAt <= now) throw invalid('expired');
    const rp = await this.deps.store.relyingParties.findByClientId(t.clientId);
    const a = await this.deps.store.oidc.findAuthorization(t.authorizationId);
    if (!rp || !a || a.clientId !== rp.clientId) throw invalid('authorization missing');
    try {
      assertRpActive(rp);
    } catch {
      throw invalid('client inactive');
    }
    let outcome: SealedOutcome;
    try {
      outcome = (await this.#approved(a)).outcome;
    } catch (e) {
      // The person's data is gone (deleted 网号) or the request is: the token has nothing left to give.
      if (isWzError(e, 'invalid_grant') || isWzError(e, 'verification_not_found')) throw invalid('outcome gone');
      throw e;
    }
    return { ...outcome.claims, sub: outcome.appId };
  }

  // ---------------------------------------------------------------- helpers

  /** `client_id` + `request_uri` → the pushed parameters (used once); otherwise the query itself. */
  async #resolveParams(query: Params): Promise<Params> {
    if (query.repeated.includes('request_uri')) throw new WzError('invalid_request', 'The parameter request_uri is included more than once.');
    const uri = query.values['request_uri'];
    if (uri === undefined) return query;
    const clientId = query.values['client_id'];
    if (clientId === undefined || query.repeated.includes('client_id')) throw new WzError('invalid_request', 'client_id is required with request_uri (RFC 9126 §4).');
    const invalidUri = (detail: string) => new WzError('invalid_request_uri', 'request_uri is unknown, expired or already used; push the request again.', { detail });
    if (!uri.startsWith(REQUEST_URI_PREFIX) || !RANDOM_43.test(uri.slice(REQUEST_URI_PREFIX.length))) throw invalidUri('format');
    // Used up only if this client pushed it: another client's try leaves it to its owner.
    const par = await this.deps.store.oidc.consumePar(this.#digest('par', uri.slice(REQUEST_URI_PREFIX.length)), clientId, this.deps.now());
    if (!par) throw invalidUri('unknown, expired, used or not this client');
    // RFC 9126 §4: only the pushed parameters count; anything else on the query is ignored.
    return paramsOf(par.params);
  }

  #context(params: Params, pushedBy?: RelyingPartyRecord): CheckContext {
    return {
      params,
      findClient: (id) => this.deps.store.relyingParties.findByClientId(id),
      state: null,
      ...(pushedBy ? { pushedBy } : {}),
    };
  }

  /** The authorization's request, checked, and its outcome opened: one statement, none when `read` already. */
  async #approved(a: OidcAuthorizationRecord, read?: RequestWithKey): Promise<{ r: VerificationRequestRecord; outcome: SealedOutcome }> {
    const found = await this.deps.verification.findWithOutcome(read ?? a.requestId);
    const r = this.#checkApproved(a, found?.request);
    return { r, outcome: found!.outcome() };
  }

  /** The approved verification request behind an authorization, with the mode the RP asked for. */
  #checkApproved(a: OidcAuthorizationRecord, r: VerificationRequestRecord | undefined): VerificationRequestRecord {
    if (!r || r.kind !== 'oidc' || r.clientId !== a.clientId || (r.status !== 'approved' && r.status !== 'consumed') || r.personId === null) {
      throw new WzError('invalid_grant', 'The authorization is no longer valid.', { detail: 'request not approved' });
    }
    // Never weaker than asked: the engine ran exactly the requested mode; checked again here.
    if (!isMode(r.mode) || !isMode(a.mode) || r.mode !== a.mode || !satisfies(r.mode, a.mode)) {
      throw new WzError('invalid_grant', 'The authorization is no longer valid.', { detail: 'mode mismatch' });
    }
    return r;
  }

  /** The redirect URI (its own query kept, RFC 6749 §3.1.2) with our parameters and `iss` (RFC 9207). */
  #redirect(redirectUri: string, p: Record<string, string | null>): string {
    const url = new URL(redirectUri);
    for (const [k, v] of Object.entries(p)) if (v !== null) url.searchParams.set(k, v);
    url.searchParams.set('iss', this.deps.issuer);
    return url.href;
  }

  #digest(kind: string, value: string): Uint8Array {
    return this.deps.suite.hash(new TextEncoder().encode(`oidc-${kind}\u0000${value}`));
  }
}

function acrOf(mode: string): string {
  return isMode(mode) ? ACR_VALUES[mode] : 'unknown';
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Why the person did not approve: a stable reason code and a text, for `error_description`. */
function denial(r: VerificationRequestRecord, now: number): [string, string] {
  if (r.status === 'declined') return ['declined', 'The person declined the request.'];
  if (r.status === 'failed') return [r.failure ?? 'failed', 'The verification failed.'];
  if (r.status === 'pending' && r.expiresAt <= now) return ['expired', 'The person did not answer in time.'];
  return ['failed', 'The verification did not complete.'];
}
