/**
 * The id_token (OpenID Connect Core §2): a JWS signed with the algorithm the RP registered —
 * `SM2` (SM3, distinguishing ID 1234567812345678; the platform's gm key) or `ES256` (its intl
 * key) — with `kid` the key's RFC 7638 thumbprint as published in the JWKS.
 *
 * Claims: `iss`, `sub` (the RP's application identifier — pairwise, per RP), `aud` (the client
 * id), `exp`, `iat`, `auth_time` (when the person approved), `nonce`, `acr` (the mode actually
 * performed) and, only for approved scopes the person consented to, the disclosed claims. The
 * protocol claims are written last, so a disclosed claim can never shadow one.
 */
import type { KeyRing } from '@wangzheng/core/crypto/index';
import { signJws } from '@wangzheng/core/crypto/index';
import type { IdTokenAlg } from '@wangzheng/core/rp/types';
import { ACR_VALUES, type Mode } from '@wangzheng/core/verification/modes';

export const ID_TOKEN_TTL_S = 600;

export interface IdTokenInput {
  readonly issuer: string;
  readonly clientId: string;
  readonly alg: IdTokenAlg;
  readonly sub: string;
  readonly nonce: string;
  readonly mode: Mode;
  /** Epoch ms. */
  readonly authTime: number;
  /** Epoch ms. */
  readonly now: number;
  readonly claims: Readonly<Record<string, string>>;
}

export function signIdToken(keys: { readonly gm: KeyRing; readonly intl: KeyRing }, t: IdTokenInput): string {
  const key = (t.alg === 'SM2' ? keys.gm : keys.intl).signer;
  if (key.alg !== t.alg) throw new TypeError(`the ${t.alg === 'SM2' ? 'gm' : 'intl'} signing key is ${key.alg}, not ${t.alg}`);
  const iat = Math.floor(t.now / 1000);
  return signJws(
    {
      ...t.claims,
      iss: t.issuer,
      sub: t.sub,
      aud: t.clientId,
      exp: iat + ID_TOKEN_TTL_S,
      iat,
      auth_time: Math.floor(t.authTime / 1000),
      nonce: t.nonce,
      acr: ACR_VALUES[t.mode],
    },
    key,
    { typ: 'JWT' },
  );
}
