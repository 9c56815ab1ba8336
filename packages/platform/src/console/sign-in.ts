/**
 * Signing an operator in to the console: the console is an OpenID Connect relying party of its
 * own platform (client.ts), in the authorization code flow with PKCE S256, `state`, `nonce` and
 * `acr_values` = 网证+口令+人脸.
 *
 *   begin()     → the authorize URL, and the login state sealed in a cookie (10 minutes)
 *   complete()  → the callback's parameters checked against that state; the code redeemed at the
 *                 platform's real token endpoint (`app.inject`: the same pipeline as any RP's
 *                 request, client authentication included); the id_token verified against
 *                 the platform's published JWKS with the registered algorithm pinned; `iss`,
 *                 `aud`, `exp`, `nonce` and an `acr` of exactly 网证+口令+人脸
 *
 * Trust: nothing in the callback's query is trusted; the login state only once its cookie
 * opens; the id_token only once its signature verifies — then its claims are checked one by one.
 * Every failure is a stable code for the console page (`SignInFailure`), never a 500.
 */
import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { b64u, importPublicKey, randomBytes, verifyJws, type PublicJwk, type PublicKey } from '@wangzheng/core/crypto/index';
import { isAppId } from '@wangzheng/core/identifiers/index';
import { ACR_VALUES } from '@wangzheng/core/verification/modes';
import type { ConsoleClient } from './client.ts';
import type { CookieSealer } from './sealed-cookie.ts';

/** The only mode the console accepts: 网证+口令+人脸. */
export const CONSOLE_ACR = ACR_VALUES.wz_pass_face;
export const LOGIN_TTL_S = 600;
/** Clock skew allowed on the id_token's `iat`. */
const SKEW_S = 60;

/** Why a sign-in failed: what `/console/#/signin?error=` carries. A closed set. */
export const SIGN_IN_FAILURES = ['access_denied', 'login_expired', 'weaker_mode', 'invalid_response', 'unavailable'] as const;
export type SignInFailure = (typeof SIGN_IN_FAILURES)[number];

export class SignInError extends Error {
  constructor(
    readonly code: SignInFailure,
    /** For the log only: never a value from the request. */
    readonly detail: string,
  ) {
    super(code);
    this.name = 'SignInError';
  }
}

export interface SignInDeps {
  readonly app: FastifyInstance;
  readonly issuer: string;
  readonly client: ConsoleClient;
  readonly sealer: CookieSealer;
  readonly now: () => number;
}

export class ConsoleSignIn {
  constructor(private readonly deps: SignInDeps) {}

  /** A fresh login: where to send the browser, and the sealed login state for its cookie. */
  begin(): { location: string; cookie: string } {
    const verifier = b64u(randomBytes(32));
    const state = b64u(randomBytes(16));
    const nonce = b64u(randomBytes(16));
    const { cookie } = this.deps.sealer.seal('console_login', { v: verifier, s: state, n: nonce }, LOGIN_TTL_S);
    const q = new URLSearchParams({
      response_type: 'code',
      client_id: this.deps.client.clientId,
      redirect_uri: this.deps.client.redirectUri,
      scope: 'openid',
      code_challenge: createHash('sha256').update(verifier, 'ascii').digest('base64url'),
      code_challenge_method: 'S256',
      state,
      nonce,
      acr_values: CONSOLE_ACR,
    });
    return { location: `${this.deps.issuer}/oauth/authorize?${q.toString()}`, cookie };
  }

  /** The callback: the console application identifier of the person who signed in. @throws SignInError */
  async complete(query: unknown, loginCookie: string | undefined): Promise<{ appId: string }> {
    const login = this.deps.sealer.open('console_login', loginCookie);
    const verifier = login?.['v'];
    const state = login?.['s'];
    const nonce = login?.['n'];
    if (typeof verifier !== 'string' || typeof state !== 'string' || typeof nonce !== 'string') throw new SignInError('login_expired', 'no valid login cookie');
    const q = single(query);
    // RFC 9207: the response names its issuer, errors included.
    if (q['iss'] !== this.deps.issuer) throw new SignInError('invalid_response', 'iss missing or other issuer');
    if (q['state'] !== state) throw new SignInError('invalid_response', 'state mismatch');
    if (q['error'] !== undefined) throw new SignInError(q['error'] === 'access_denied' ? 'access_denied' : 'invalid_response', 'authorization error');
    const code = q['code'];
    if (code === undefined || !/^[A-Za-z0-9_-]{1,128}$/.test(code)) throw new SignInError('invalid_response', 'no code');
    const idToken = await this.#redeem(code, verifier);
    return { appId: await this.#check(idToken, nonce) };
  }

  /** POST /oauth/token as this client (client_secret_basic, RFC 6749 §2.3.1), through the platform's own HTTP pipeline. */
  async #redeem(code: string, verifier: string): Promise<string> {
    const c = this.deps.client;
    const basic = Buffer.from(`${encodeURIComponent(c.clientId)}:${encodeURIComponent(c.secret)}`).toString('base64');
    const res = await this.deps.app.inject({
      method: 'POST',
      url: '/oauth/token',
      headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: c.redirectUri, code_verifier: verifier }).toString(),
    });
    if (res.statusCode >= 500) throw new SignInError('unavailable', `token endpoint ${res.statusCode}`);
    const body = safeJson(res.body);
    if (res.statusCode !== 200 || typeof body?.['id_token'] !== 'string') throw new SignInError('invalid_response', `token endpoint ${res.statusCode} ${String(body?.['error'] ?? '')}`);
    return body['id_token'];
  }

  /** OpenID Connect Core §3.1.3.7, for this client: signature (the registered algorithm only), iss, aud, exp, iat, nonce, acr. */
  async #check(idToken: string, nonce: string): Promise<string> {
    let claims: Record<string, unknown>;
    try {
      claims = verifyJws(idToken, await this.#jwks(), { algorithms: [this.deps.client.idTokenSigningAlg], typ: 'JWT' }).json<Record<string, unknown>>();
    } catch {
      throw new SignInError('invalid_response', 'id_token signature');
    }
    const now = Math.floor(this.deps.now() / 1000);
    const aud = claims['aud'];
    if (claims['iss'] !== this.deps.issuer) throw new SignInError('invalid_response', 'id_token iss');
    if (!(aud === this.deps.client.clientId || (Array.isArray(aud) && aud.length === 1 && aud[0] === this.deps.client.clientId))) throw new SignInError('invalid_response', 'id_token aud');
    if (typeof claims['exp'] !== 'number' || claims['exp'] <= now) throw new SignInError('invalid_response', 'id_token expired');
    if (typeof claims['iat'] !== 'number' || claims['iat'] > now + SKEW_S) throw new SignInError('invalid_response', 'id_token iat');
    if (claims['nonce'] !== nonce) throw new SignInError('invalid_response', 'id_token nonce');
    if (claims['acr'] !== CONSOLE_ACR) throw new SignInError('weaker_mode', 'id_token acr');
    const sub = claims['sub'];
    if (!isAppId(sub)) throw new SignInError('invalid_response', 'id_token sub');
    return sub;
  }

  /** The platform's published keys (GET /.well-known/jwks.json), as any RP would read them. */
  async #jwks(): Promise<PublicKey[]> {
    const res = await this.deps.app.inject({ method: 'GET', url: '/.well-known/jwks.json' });
    const keys = safeJson(res.body)?.['keys'];
    if (res.statusCode !== 200 || !Array.isArray(keys)) throw new SignInError('unavailable', 'jwks');
    const out: PublicKey[] = [];
    for (const k of keys) {
      try {
        out.push(importPublicKey(k as PublicJwk));
      } catch {
        // A key we cannot read verifies nothing.
      }
    }
    return out;
  }
}

/** Query parameters that appear exactly once; repeated ones are dropped (and so fail the checks). */
function single(query: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (typeof query !== 'object' || query === null) return out;
  for (const [k, v] of Object.entries(query as Record<string, unknown>)) if (typeof v === 'string') out[k] = v;
  return out;
}

function safeJson(text: string): Record<string, unknown> | undefined {
  try {
    const v = JSON.parse(text) as unknown;
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
