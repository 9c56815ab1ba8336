/**
 * "用网证登录" and the step-up before a purchase, with openid-client: the authorization code
 * flow with PKCE, state and nonce (docs/oidc.md). The platform's authorize page shows a QR code
 * for a phone (cross-device) and a button for the web wallet on this device (same device); the
 * site only redirects there and back.
 *
 * The modes (`acr`): 网证 for logging in; 网证+人脸 for buying a real-name ticket.
 */
import * as client from 'openid-client';
import type { PendingAuth } from './store.ts';

export const ACR = {
  wz: 'urn:wangzheng:acr:wz',
  wzPass: 'urn:wangzheng:acr:wz+pass',
  wzFace: 'urn:wangzheng:acr:wz+face',
  wzPassFace: 'urn:wangzheng:acr:wz+pass+face',
} as const;

/** The modes that include a live face. */
export const FACE_ACRS: readonly string[] = [ACR.wzFace, ACR.wzPassFace];

/** A face step-up counts for a purchase this long (seconds); older, the person shows their face again. */
export const STEP_UP_MAX_AGE = 300;

/** Starts an authorization request: where to send the browser, and what to keep in the session for the callback. */
export async function startAuth(
  config: client.Configuration,
  redirectUri: string,
  o: { purpose: 'login' } | { purpose: 'buy'; eventId: string },
): Promise<{ url: URL; pending: PendingAuth }> {
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const params: Record<string, string> = {
    redirect_uri: redirectUri,
    scope: 'openid', // the result only: no name, no ID number
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    nonce,
    acr_values: o.purpose === 'login' ? ACR.wz : ACR.wzFace,
  };
  // The purchase needs a fresh face: ask for a new authentication, and check auth_time when it comes back.
  if (o.purpose === 'buy') Object.assign(params, { prompt: 'login', max_age: String(STEP_UP_MAX_AGE) });
  const pending: PendingAuth = { purpose: o.purpose, verifier, state, nonce, ...(o.purpose === 'buy' ? { eventId: o.eventId, maxAge: STEP_UP_MAX_AGE } : {}) };
  return { url: client.buildAuthorizationUrl(config, params), pending };
}

/**
 * The callback: openid-client checks `iss` (RFC 9207), `state`, exchanges the code with the PKCE
 * verifier, and checks the id_token's `iss`, `aud`, `exp`, `nonce` (and `auth_time` against
 * `max_age`). Throws `client.AuthorizationResponseError` when the person declined, failed or did
 * not answer (`error=access_denied`, the reason first in `error_description`).
 */
export async function finishAuth(config: client.Configuration, callbackUrl: URL, p: PendingAuth): Promise<{ sub: string; acr: string; authTime: number }> {
  const tokens = await client.authorizationCodeGrant(config, callbackUrl, {
    pkceCodeVerifier: p.verifier,
    expectedState: p.state,
    expectedNonce: p.nonce,
    idTokenExpected: true,
    ...(p.maxAge !== undefined ? { maxAge: p.maxAge } : {}),
  });
  const claims = tokens.claims()!;
  const wanted = p.purpose === 'login' ? [ACR.wz] : FACE_ACRS;
  // The platform never runs a weaker mode than asked (it fails instead), but the site checks what it relies on.
  if (typeof claims.acr !== 'string' || !wanted.includes(claims.acr)) throw new Error(`unexpected acr ${String(claims.acr)}`);
  return { sub: claims.sub, acr: claims.acr, authTime: Number(claims.auth_time) };
}
