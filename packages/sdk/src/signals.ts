/**
 * Verifying a Security Event Token (SET, RFC 8417) the platform pushed or a poll returned
 * (docs/signals.md): a nationwide ban, its lifting, a cancelled 网号, a revoked 网证, withdrawn
 * consent — each about one person, named by **your** application identifier for them.
 *
 * The checks are @wangzheng/core `verifySet`'s — SM2 (GB/T 32918.2 with SM3) or ES256 — with:
 *
 * - the algorithm **pinned** to the one the RP registered (`idTokenSigningAlg`): the token's own
 *   header never chooses (`none`, HMAC, the other suite's algorithm never pass);
 * - the keys from the platform's JWKS only (the same `JwksCache` as receipts: refreshed, rate
 *   limited, when the token names a key id the cache does not hold);
 * - `typ` = `secevent+jwt`, `iss` = the issuer, `aud` = this RP's client id, no `sub` and no
 *   `exp` (SSF 1.0 §4.1), `sub_id` an `iss_sub` of this issuer, exactly one known event;
 * - here: `iat` not in the future (beyond `clockSkewSeconds`) and, if `maxAgeSeconds` is given,
 *   not older than that — so a receiver can remember `jti`s for that long and refuse replays.
 *
 * De-duplicating by `jti` is the receiver's job (delivery is at least once): the SDK cannot know
 * which SETs you already processed.
 *
 * Nothing in the token is trusted before the signature verifies; the unverified header is read
 * only to notice a key id the cached JWKS does not hold yet.
 */
import { importPublicKey, type PublicJwk, type PublicKey } from '@wangzheng/core/crypto/index';
import { isWzError } from '@wangzheng/core/errors';
import { EVENT_TYPE_URIS, type EventCode, type SecurityEvent } from '@wangzheng/core/signals/events';
import { verifySet } from '@wangzheng/core/signals/set';
import { WangzhengError } from './errors.ts';
import type { JwksCache } from './jwks.ts';
import { unverifiedKid, type ReceiptAlg } from './receipt.ts';

export type { EventCode, SecurityEvent };

/** The event type URIs by short code: what a stream's `events_requested` lists. */
export const SECURITY_EVENT_TYPES: Readonly<Record<EventCode, string>> = EVENT_TYPE_URIS;

/** A verified SET. */
export interface SecurityEventToken {
  /** The SET's id: de-duplicate by it. */
  readonly jti: string;
  /** Issued at, epoch seconds. */
  readonly iat: number;
  /** Shared by the SETs of one cause, when present. */
  readonly txn?: string;
  /** Your application identifier for the person (the `sub` of your id_tokens and receipts). */
  readonly sub: string;
  /** What happened: `account_disabled` (with `reason`), `account_enabled`, `account_purged`, `credential_revoked` (with `cause`), `consent_withdrawn`. */
  readonly event: SecurityEvent;
}

export interface VerifySecurityEventOptions {
  /** The platform's issuer URL. */
  issuer: string;
  /** Your client id. */
  audience: string;
  /** Your registered `idTokenSigningAlg`: SETs are signed with it, and only it is accepted. */
  alg: ReceiptAlg;
  /** The platform's keys: a `JwksCache` (fetched and refreshed) or a JWKS snapshot. */
  jwks: JwksCache | { keys: readonly PublicJwk[] };
  /** Refuse SETs issued longer ago than this (then remember `jti`s for as long). Default: no limit. */
  maxAgeSeconds?: number;
  /** Tolerated clock difference for an `iat` in the future. Default 60 seconds. */
  clockSkewSeconds?: number;
  /** Default: `Date.now()`. */
  now?: () => number;
}

async function keysOf(jwks: VerifySecurityEventOptions['jwks'], token: string): Promise<readonly PublicKey[]> {
  if (typeof jwks.keys === 'function') return (jwks as JwksCache).keys(unverifiedKid(token));
  const keys: PublicKey[] = [];
  for (const k of (jwks as { keys: readonly PublicJwk[] }).keys) {
    try {
      keys.push(importPublicKey(k));
    } catch {
      // not a key this SDK can verify with
    }
  }
  return keys;
}

/**
 * Verifies one SET. Throws a `WangzhengError`: `invalid_jws` (malformed, wrong `typ`, `iss`,
 * `aud`, subject or event; `iat` in the future or older than `maxAgeSeconds`),
 * `unsupported_algorithm` (not your registered algorithm), `signature_mismatch` (no platform
 * key verifies it), `jwks_unavailable`.
 *
 * @example
 *   const jwks = new JwksCache(`${issuer}/.well-known/jwks.json`, fetch);
 *   // your push endpoint, body = the SET (Content-Type: application/secevent+jwt)
 *   const set = await verifySecurityEvent(body, { issuer, audience: clientId, alg: 'ES256', jwks, maxAgeSeconds: 86_400 });
 *   if (seen.has(set.jti)) return reply(202);           // at-least-once delivery
 *   if (set.event.code === 'account_disabled') await sessions.deleteAllOf(set.sub);
 *   reply(202);
 */
export async function verifySecurityEvent(token: string, o: VerifySecurityEventOptions): Promise<SecurityEventToken> {
  if (typeof token !== 'string') throw new TypeError('verifySecurityEvent(token): token must be the compact JWS string');
  if (o?.alg !== 'SM2' && o?.alg !== 'ES256') throw new TypeError('verifySecurityEvent: alg must be SM2 or ES256');
  const keys = await keysOf(o.jwks, token);
  let v: ReturnType<typeof verifySet>;
  try {
    v = verifySet(token, keys, { issuer: o.issuer, audience: o.audience, algorithms: [o.alg] });
  } catch (e) {
    if (isWzError(e)) throw new WangzhengError(e.code, e.message, { cause: e });
    throw e;
  }
  const now = Math.floor((o.now ?? Date.now)() / 1000);
  const iat = v.claims.iat;
  if (iat > now + (o.clockSkewSeconds ?? 60)) throw new WangzhengError('invalid_jws', 'This security event token is issued in the future (iat).');
  if (o.maxAgeSeconds !== undefined && iat < now - o.maxAgeSeconds) throw new WangzhengError('invalid_jws', 'This security event token is older than accepted (iat).');
  return { jti: v.claims.jti, iat, ...(v.claims.txn !== undefined ? { txn: v.claims.txn } : {}), sub: v.subject.sub, event: v.event };
}
