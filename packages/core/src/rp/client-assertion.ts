/**
 * Client assertions for `private_key_jwt` (RFC 7523 §2.2 and §3; OIDC Core §9): a JWT the RP
 * signs with one of its registered keys to authenticate at the platform's back channel.
 *
 * Checks, in order (RFC 7523 §3):
 * 1. signature by a key of the RP's registered set, with the algorithms pinned to those keys'
 *    own — the header's `alg` never chooses (no `none`, no HMAC, no SM2 header on an ES256 key);
 *    a `kid` in the header must name a registered key (its registered kid or its RFC 7638
 *    thumbprint); without a `kid` every registered key is tried; `typ`, if present, is `JWT` or
 *    `client-authentication+jwt` (so no other kind of JWT the RP signs doubles as one);
 * 2. `iss` = `sub` = the client id;
 * 3. `aud` = one of the platform's audiences (its issuer, its token endpoint) — a string, or an
 *    array of exactly one such value (an array naming other servers is refused: an assertion
 *    meant for several servers could be replayed by any of them);
 * 4. `exp` present, not passed, at most `maxLifetimeSeconds` (300) ahead; `nbf` and `iat`, if
 *    present, not in the future (a small leeway for clock skew);
 * 5. `jti` present (1–256 characters). Single use is the caller's (the platform stores used jtis
 *    until `exp`): this module is pure.
 *
 * Every failure is `invalid_client` (RFC 6749 §5.2) with a message saying which rule failed —
 * useful to an RP developer, and nothing secret.
 */
import { fromB64u, verifyJws, type JwsHeader } from '../crypto/index.ts';
import { WzError, isWzError } from '../errors.ts';
import type { ClientJwks } from './client-jwks.ts';

export const CLIENT_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
export const MAX_ASSERTION_LIFETIME_S = 300;
export const ASSERTION_LEEWAY_S = 30;
const TYPS = new Set(['jwt', 'client-authentication+jwt']);

export interface ClientAssertionOptions {
  readonly clientId: string;
  readonly keys: ClientJwks;
  /** Accepted `aud` values: the platform issuer and its token endpoint URL. */
  readonly audiences: readonly string[];
  /** Epoch milliseconds. */
  readonly now: number;
  readonly maxLifetimeSeconds?: number;
  readonly leewaySeconds?: number;
}

export interface VerifiedClientAssertion {
  readonly jti: string;
  /** Epoch milliseconds: until when the jti must be remembered. */
  readonly expiresAt: number;
}

function refused(message: string, detail?: string, cause?: unknown): WzError {
  return new WzError('invalid_client', message, { ...(detail ? { detail } : {}), ...(cause ? { cause } : {}) });
}

/**
 * The `iss` of an assertion, read WITHOUT verifying anything: only to find which client's keys
 * to verify it with. Returns undefined when the token is not a JWT with a string `iss`.
 */
export function unverifiedAssertionIssuer(token: string): string | undefined {
  if (typeof token !== 'string' || token.length > 16_384) return undefined;
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  const payload = fromB64u(parts[1]!);
  if (!payload) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(payload).toString('utf8')) as { iss?: unknown };
    return typeof claims?.iss === 'string' ? claims.iss : undefined;
  } catch {
    return undefined;
  }
}

/** @throws WzError `invalid_client`. */
export function verifyClientAssertion(token: string, opts: ClientAssertionOptions): VerifiedClientAssertion {
  const { keys, clientId, audiences } = opts;
  if (audiences.length === 0) throw new TypeError('verifyClientAssertion: audiences must not be empty');
  const leeway = (opts.leewaySeconds ?? ASSERTION_LEEWAY_S) * 1000;
  const maxLifetime = (opts.maxLifetimeSeconds ?? MAX_ASSERTION_LIFETIME_S) * 1000;

  let claims: Record<string, unknown>;
  try {
    const v = verifyJws(
      token,
      (h: JwsHeader) => (typeof h.kid === 'string' ? keys.keys.filter((k) => k.kid === h.kid || k.key.thumbprint === h.kid) : keys.keys).map((k) => k.key),
      { algorithms: keys.algorithms },
    );
    const typ = v.header.typ;
    if (typ !== undefined && (typeof typ !== 'string' || !TYPS.has(typ.toLowerCase()))) {
      throw refused('The client assertion has an unexpected typ; use "JWT" or "client-authentication+jwt".', 'typ');
    }
    const parsed = v.json<unknown>();
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw refused('The client assertion payload is not a JSON object.', 'payload');
    claims = parsed as Record<string, unknown>;
  } catch (e) {
    if (isWzError(e, 'invalid_client')) throw e;
    if (isWzError(e, 'unsupported_algorithm')) {
      throw refused(`The client assertion is not signed with an algorithm registered for this client (registered: ${keys.algorithms.join(', ')}).`, 'alg', e);
    }
    if (isWzError(e, 'signature_mismatch')) throw refused('The client assertion is not signed by a key registered for this client.', 'signature', e);
    throw refused('The client assertion is not a well-formed signed JWT.', 'malformed', e);
  }

  // Everything below is signed by the RP: trusted as the RP's statement, checked against our rules.
  if (claims['iss'] !== clientId || claims['sub'] !== clientId) throw refused('The client assertion must have iss and sub equal to the client_id (RFC 7523 §3).', 'iss/sub');

  const aud = claims['aud'];
  const audOk = typeof aud === 'string' ? audiences.includes(aud) : Array.isArray(aud) && aud.length === 1 && typeof aud[0] === 'string' && audiences.includes(aud[0]);
  if (!audOk) throw refused('The client assertion is not addressed to this platform: aud must be the issuer or the token endpoint URL, alone (RFC 7523 §3).', 'aud');

  const exp = claims['exp'];
  if (typeof exp !== 'number' || !Number.isFinite(exp)) throw refused('The client assertion needs a numeric exp (RFC 7523 §3).', 'exp missing');
  const expMs = Math.floor(exp * 1000);
  if (expMs + leeway <= opts.now) throw refused('The client assertion has expired.', 'expired');
  if (expMs > opts.now + maxLifetime + leeway) throw refused(`The client assertion lives too long: exp may be at most ${maxLifetime / 1000} seconds ahead.`, 'exp too far');
  for (const c of ['nbf', 'iat'] as const) {
    const v = claims[c];
    if (v === undefined) continue;
    if (typeof v !== 'number' || !Number.isFinite(v) || v * 1000 > opts.now + leeway) throw refused(`The client assertion's ${c} is in the future or not a number.`, c);
  }

  const jti = claims['jti'];
  if (typeof jti !== 'string' || jti.length === 0 || jti.length > 256) throw refused('The client assertion needs a jti of 1–256 characters (RFC 7523 §3).', 'jti');
  return { jti, expiresAt: Math.max(expMs, opts.now) + leeway };
}
