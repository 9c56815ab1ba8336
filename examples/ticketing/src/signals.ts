/**
 * The site's Shared Signals receiver (RFC 8935 push, docs/signals.md): the platform POSTs one
 * Security Event Token per request to `/ssf/events` with the bearer token we configured.
 *
 * Trust: nothing in the body counts until `verifySecurityEvent` (SDK) has checked the signature
 * against the platform's JWKS with our registered algorithm pinned, `iss`, `aud` (our client id),
 * and that `iat` lies within the window we remember `jti`s for. Delivery is at least once, so a
 * `jti` seen before is acknowledged and ignored.
 *
 * Answers (RFC 8935 §2.2–2.3): 202 accepted; 400 `{ err, description }` for a SET that will never
 * verify (the platform does not retry); 401 for a wrong bearer token and 503 when the platform's
 * keys cannot be fetched (the platform retries both).
 */
import { timingSafeEqual } from 'node:crypto';
import { isWangzhengError, verifySecurityEvent, type JwksCache, type SecurityEventToken } from '@wangzheng/sdk';
import type { Store } from './store.ts';

/** SETs older than this are refused, so remembering `jti`s this long catches every replay. */
const WINDOW_S = 24 * 3600;

export interface Receiver {
  receive(authorization: string | undefined, body: string): Promise<{ status: number; body?: unknown }>;
}

function sameSecret(a: string | undefined, b: string): boolean {
  const x = Buffer.from(a ?? '');
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** What the site does with each event: sign the person out, and remember what the event means for the account. */
function apply(store: Store, set: SecurityEventToken): number {
  const account = store.accounts.get(set.sub);
  switch (set.event.code) {
    case 'account_disabled': // nationwide ban
      if (account) account.disabled = true;
      return store.signOut(set.sub, 'account_disabled');
    case 'account_enabled':
      if (account) account.disabled = false;
      return 0;
    case 'credential_revoked': // a 网证 on one device: sign out; logging in again works from another
      return store.signOut(set.sub, 'credential_revoked');
    case 'account_purged': // the 网号 was cancelled: forget the person
      store.accounts.delete(set.sub);
      return store.signOut(set.sub, 'account_purged');
    case 'consent_withdrawn': // stop using what we received: the registration must be asked again
      if (account) delete account.registration;
      return store.signOut(set.sub, 'consent_withdrawn');
  }
}

export function createReceiver(o: { issuer: string; clientId: string; pushToken: string; jwks: JwksCache; store: Store; log: (s: string) => void }): Receiver {
  const seen = new Map<string, number>(); // jti → iat
  return {
    async receive(authorization, body) {
      if (!sameSecret(authorization, `Bearer ${o.pushToken}`)) return { status: 401, body: { err: 'authentication_failed', description: 'wrong or missing authorization' } };
      let set: SecurityEventToken;
      try {
        set = await verifySecurityEvent(body.trim(), { issuer: o.issuer, audience: o.clientId, alg: 'ES256', jwks: o.jwks, maxAgeSeconds: WINDOW_S });
      } catch (e) {
        if (isWangzhengError(e, 'jwks_unavailable')) return { status: 503 };
        if (!isWangzhengError(e)) throw e;
        o.log(`SET refused: ${e.code}`);
        const err = e.code === 'signature_mismatch' || e.code === 'unsupported_algorithm' ? 'invalid_key' : 'invalid_request';
        return { status: 400, body: { err, description: e.message } };
      }
      const horizon = Date.now() / 1000 - WINDOW_S;
      for (const [jti, iat] of seen) if (iat < horizon) seen.delete(jti);
      if (seen.has(set.jti)) return { status: 202 };
      seen.set(set.jti, set.iat);
      const n = apply(o.store, set);
      o.log(`SET ${set.jti}: ${set.event.code}, ${n} session(s) signed out`);
      return { status: 202 };
    },
  };
}
