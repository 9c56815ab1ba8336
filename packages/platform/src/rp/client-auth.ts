/**
 * Client authentication for relying parties' back-channel calls (the RP's own record now; the
 * token, receipt and re-verification endpoints later). One of, per request (RFC 6749 §2.3):
 *
 * - `client_secret_basic` (RFC 6749 §2.3.1): `Authorization: Basic base64(id:secret)`, id and
 *   secret each form-urlencoded first. The secret's digest is recomputed and compared in
 *   constant time.
 * - `private_key_jwt` (RFC 7523 §2.2, OIDC Core §9): `client_assertion_type` =
 *   `urn:ietf:params:oauth:client-assertion-type:jwt-bearer` and `client_assertion` = a JWT
 *   signed by a key of the RP's registered set, in the request body (form or JSON); for GET
 *   requests, which have no body, the assertion may come as `Authorization: Bearer <JWT>`.
 *   Checked by `verifyClientAssertion` (core/rp), then its `jti` is recorded until the
 *   assertion expires: a second use is refused (replay).
 *
 * Trust: before the signature checks, the assertion's `iss` (or the body's `client_id`) only
 * says whose registered keys to try. Every failure is 401 `invalid_client` with a message
 * naming the rule — nothing secret is in it, and no secret or assertion is ever logged. By
 * default only an approved RP authenticates (`rp_not_approved` / `rp_suspended` otherwise);
 * an RP reading its own record may be in any status (`allowInactive`).
 *
 * Rate limits (limits/, docs/limits.md): failed authentications count per source address, per
 * (claimed client id, source) and per claimed client id; past a limit the next attempt is 429
 * `rate_limited` with `Retry-After` before any secret is looked at — a correct one included —
 * until the window ends. Every successful call counts towards the RP's ceiling (`rp_calls`).
 *
 * @example
 *   // in a later endpoint
 *   const rp = await platform.rp.clientAuth.authenticate(clientCredentialsFrom(req), { audience: tokenEndpointUrl });
 */
import type { FastifyRequest } from 'fastify';
import { isWzError, WzError } from '@wangzheng/core/errors';
import { CLIENT_ASSERTION_TYPE, unverifiedAssertionIssuer, verifyClientAssertion } from '@wangzheng/core/rp/client-assertion';
import { isClientId } from '@wangzheng/core/rp/client-id';
import { parseClientJwks, type ClientJwks } from '@wangzheng/core/rp/client-jwks';
import { assertRpActive } from '@wangzheng/core/rp/status';
import type { ClientAuthMethod } from '@wangzheng/core/rp/types';
import type { RateLimits } from '../limits/index.ts';
import type { RelyingPartyRecord, Store } from '../store/index.ts';
import { clientSecretMatches } from './client-secret.ts';

/** What a request presents, gathered by `clientCredentialsFrom` (or built by a caller). Untrusted. */
export interface ClientCredentials {
  /** The `Authorization` header. */
  readonly authorization?: string | undefined;
  /** Body parameters (form or JSON). */
  readonly clientId?: string | undefined;
  readonly clientAssertionType?: string | undefined;
  readonly clientAssertion?: string | undefined;
  /** The caller's address (Fastify's `req.ip`): the rate limits' source key; never logged. */
  readonly source?: string | undefined;
}

export interface AuthenticateOptions {
  /** Accept an RP that is not approved (it reads its own record and status). Default false. */
  readonly allowInactive?: boolean;
  /** An extra accepted `aud` besides the issuer: the calling endpoint's URL (e.g. the token endpoint). */
  readonly audience?: string;
}

export interface AuthenticatedClient {
  readonly rp: RelyingPartyRecord;
  readonly method: ClientAuthMethod;
}

export interface ClientAuthenticatorDeps {
  readonly store: Store;
  /** The platform issuer URL: always an accepted assertion audience. */
  readonly issuer: string;
  readonly now: () => number;
  /** Rate limits and lockout; without them nothing is limited. */
  readonly limits?: RateLimits;
}

const MAX_ASSERTION = 8192;
const JWKS_CACHE_MAX = 1000;

function invalidClient(message: string, detail?: string): WzError {
  return new WzError('invalid_client', message, detail ? { detail } : {});
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** Gathers what a Fastify request presents: the Authorization header and the body parameters. */
export function clientCredentialsFrom(req: FastifyRequest): ClientCredentials {
  const body = typeof req.body === 'object' && req.body !== null && !Array.isArray(req.body) ? (req.body as Record<string, unknown>) : {};
  return {
    authorization: str(req.headers.authorization),
    clientId: str(body['client_id']),
    clientAssertionType: str(body['client_assertion_type']),
    clientAssertion: str(body['client_assertion']),
    source: req.ip,
  };
}

/** The client id a request claims to be, before anything is verified: it only picks the lockout counters. */
function claimedClientId(creds: ClientCredentials): string | undefined {
  const auth = creds.authorization?.trim() ?? '';
  if (/^Basic /i.test(auth)) {
    try {
      return parseBasic(auth).clientId;
    } catch {
      return creds.clientId;
    }
  }
  if (creds.clientId !== undefined) return creds.clientId;
  const token = /^Bearer /i.test(auth) ? auth.replace(/^Bearer +/i, '') : creds.clientAssertion;
  return token === undefined ? undefined : unverifiedAssertionIssuer(token);
}

/** application/x-www-form-urlencoded decoding of one Basic credential part (RFC 6749 §2.3.1). */
function formDecode(s: string): string | undefined {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return undefined;
  }
}

function parseBasic(header: string): { clientId: string; secret: string } {
  const m = /^Basic +([A-Za-z0-9+/]+={0,2})\s*$/i.exec(header);
  const decoded = m ? Buffer.from(m[1]!, 'base64').toString('utf8') : '';
  const colon = decoded.indexOf(':');
  const clientId = colon > 0 ? formDecode(decoded.slice(0, colon)) : undefined;
  const secret = colon > 0 ? formDecode(decoded.slice(colon + 1)) : undefined;
  if (clientId === undefined || secret === undefined) throw invalidClient('The Basic credentials are malformed: base64 of client_id:client_secret (RFC 6749 §2.3.1).', 'basic malformed');
  return { clientId, secret };
}

export class ClientAuthenticator {
  readonly #deps: ClientAuthenticatorDeps;
  readonly #jwks = new Map<string, { updatedAt: number; jwks: ClientJwks }>();

  constructor(deps: ClientAuthenticatorDeps) {
    this.#deps = deps;
  }

  /**
   * @throws WzError `invalid_client` (401: no, malformed or wrong credentials; an assertion
   *         that fails RFC 7523 §3 or is replayed), `invalid_request` (two methods at once),
   *         `rp_not_approved` / `rp_suspended` (403) unless `allowInactive`; `rate_limited` (429,
   *         `retryAfterS`) while this client or source is locked out, or past the RP's ceiling.
   */
  async authenticate(creds: ClientCredentials, opts: AuthenticateOptions = {}): Promise<AuthenticatedClient> {
    const limits = this.#deps.limits;
    if (!limits) return this.#authenticate(creds, opts);
    const checks = limits.clientChecks(claimedClientId(creds), creds.source);
    const result = await limits.failures(checks, () => this.#authenticate(creds, opts), (e) => isWzError(e, 'invalid_client'));
    await limits.count('rp_calls', limits.client(result.rp.clientId));
    return result;
  }

  async #authenticate(creds: ClientCredentials, opts: AuthenticateOptions): Promise<AuthenticatedClient> {
    const auth = creds.authorization?.trim();
    const basic = auth !== undefined && /^Basic /i.test(auth);
    const bearer = auth !== undefined && /^Bearer /i.test(auth) ? auth.replace(/^Bearer +/i, '').trim() : undefined;
    const inBody = creds.clientAssertion !== undefined || creds.clientAssertionType !== undefined;
    if ([basic, bearer !== undefined, inBody].filter(Boolean).length > 1) {
      throw new WzError('invalid_request', 'Use one client authentication method per request (RFC 6749 §2.3).');
    }
    let result: AuthenticatedClient;
    if (basic) result = await this.#basic(auth!, creds.clientId);
    else if (bearer !== undefined) result = await this.#assertion(bearer, undefined, opts);
    else if (inBody) {
      if (creds.clientAssertionType !== CLIENT_ASSERTION_TYPE) {
        throw invalidClient(`client_assertion_type must be ${CLIENT_ASSERTION_TYPE} (RFC 7523 §2.2).`, 'assertion type');
      }
      result = await this.#assertion(creds.clientAssertion ?? '', creds.clientId, opts);
    } else {
      throw invalidClient('Client authentication is required: client_secret_basic or private_key_jwt.', 'none');
    }
    if (!opts.allowInactive) assertRpActive(result.rp);
    return result;
  }

  async #basic(header: string, bodyClientId: string | undefined): Promise<AuthenticatedClient> {
    const { clientId, secret } = parseBasic(header);
    if (bodyClientId !== undefined && bodyClientId !== clientId) throw invalidClient('client_id in the body differs from the Basic credentials.', 'client_id mismatch');
    const rp = isClientId(clientId) ? await this.#deps.store.relyingParties.findByClientId(clientId) : undefined;
    const stored = rp?.tokenEndpointAuthMethod === 'client_secret_basic' ? rp.secretHash : null;
    // Hash and compare even for an unknown client: the time does not tell which part was wrong.
    const ok = clientSecretMatches(clientId, secret, stored);
    if (!rp || !ok) throw invalidClient('Client authentication failed.', rp ? 'wrong secret or method' : 'unknown client');
    return { rp, method: 'client_secret_basic' };
  }

  async #assertion(token: string, bodyClientId: string | undefined, opts: AuthenticateOptions): Promise<AuthenticatedClient> {
    if (token.length === 0 || token.length > MAX_ASSERTION) throw invalidClient('client_assertion is missing or too long.', 'assertion size');
    // Not verified yet: only selects whose registered keys to try.
    const clientId = bodyClientId ?? unverifiedAssertionIssuer(token);
    const rp = isClientId(clientId) ? await this.#deps.store.relyingParties.findByClientId(clientId) : undefined;
    if (!rp || rp.tokenEndpointAuthMethod !== 'private_key_jwt' || rp.jwks === null) throw invalidClient('Client authentication failed.', rp ? 'not a private_key_jwt client' : 'unknown client');
    const now = this.#deps.now();
    const audiences = opts.audience === undefined ? [this.#deps.issuer] : [this.#deps.issuer, opts.audience];
    const verified = verifyClientAssertion(token, { clientId: rp.clientId, keys: this.#keysOf(rp), audiences, now });
    if (!(await this.#deps.store.assertionJtis.use(rp.clientId, verified.jti, verified.expiresAt))) {
      throw invalidClient('This client assertion was already used: make a new one with a fresh jti for every request (RFC 7523 §3).', 'jti replay');
    }
    return { rp, method: 'private_key_jwt' };
  }

  /** Parsed keys, cached per client until its record changes. */
  #keysOf(rp: RelyingPartyRecord): ClientJwks {
    const cached = this.#jwks.get(rp.clientId);
    if (cached && cached.updatedAt === rp.updatedAt) return cached.jwks;
    const jwks = parseClientJwks(rp.jwks);
    if (this.#jwks.size >= JWKS_CACHE_MAX) this.#jwks.clear();
    this.#jwks.set(rp.clientId, { updatedAt: rp.updatedAt, jwks });
    return jwks;
  }
}
