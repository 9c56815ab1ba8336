/**
 * Client authentication at the platform's back channel (docs/relying-parties.md, "Client
 * authentication"): one of the two methods the RP registered.
 *
 * - `client_secret_basic` (RFC 6749 §2.3.1): `Authorization: Basic base64(urlencode(id) ":"
 *   urlencode(secret))`.
 * - `private_key_jwt` (RFC 7523 §2.2, OIDC Core §9): a fresh client assertion per call, in
 *   `Authorization: Bearer <assertion>` — `iss` = `sub` = the client id, `aud` = the platform
 *   issuer, a random `jti` (the platform accepts each jti once), `iat`, and `exp` 60 seconds
 *   ahead (the platform refuses more than 5 minutes). Signed with @wangzheng/core `signJws`:
 *   SM2 (GB/T 32918.2, SM3, the standard ID), ES256 or EdDSA, as the registered key.
 *
 * Trusted: the private key the caller passes is the RP's own; nothing the platform sends is
 * used here.
 */
import { createPrivateKey, randomUUID } from 'node:crypto';
import { fromB64u, importPrivateKeyPem, signJws, sm2PrivateKeyFromScalar, type PrivateKey, type SigAlg } from '@wangzheng/core/crypto/index';

/** A private key as a JWK (RFC 7517): `EC`/`SM2`, `EC`/`P-256` or `OKP`/`Ed25519`, with `d`. */
export interface PrivateJwk {
  kty: 'EC' | 'OKP';
  crv: 'SM2' | 'P-256' | 'Ed25519';
  x: string;
  y?: string;
  d: string;
  kid?: string;
  alg?: SigAlg;
}

/** The registered method, with its secret or key. */
export type ClientAuthOptions =
  | {
      /** `client_secret_basic`: the secret the platform showed once at registration. */
      clientSecret: string;
    }
  | {
      /** `private_key_jwt`: a core `PrivateKey`, a PKCS#8 / SEC1 PEM, or a private JWK. */
      privateKey: PrivateKey | string | PrivateJwk;
      /** The key's algorithm, if you want it checked: `SM2`, `ES256` or `EdDSA`. Default: the key's own. */
      alg?: SigAlg;
      /** The `kid` registered for this key. Default: its RFC 7638 thumbprint (the platform accepts either). */
      kid?: string;
    };

/** Lifetime of a client assertion: well inside the platform's 5-minute limit. */
export const ASSERTION_LIFETIME_S = 60;

/**
 * Turns the key forms the SDK accepts into a core `PrivateKey`. A malformed key, a public key
 * where a private one is needed, or a JWK whose `x`/`y` do not match its `d` is a `TypeError`.
 *
 * @example
 *   const key = importSigningKey(fs.readFileSync('rp-sm2.pem', 'utf8'));   // openssl genpkey … SM2
 *   const same = importSigningKey({ kty: 'EC', crv: 'P-256', x, y, d });   // a JWK
 */
export function importSigningKey(k: PrivateKey | string | PrivateJwk): PrivateKey {
  if (typeof k === 'string') {
    try {
      return importPrivateKeyPem(k);
    } catch (e) {
      throw new TypeError('privateKey is not a PKCS#8 or SEC1 PEM private key (SM2, P-256 or Ed25519)', { cause: e });
    }
  }
  if (typeof k !== 'object' || k === null) throw new TypeError('privateKey must be a PrivateKey, a PEM string or a private JWK');
  if ('sign' in k && typeof k.sign === 'function') return k;
  const jwk = k as PrivateJwk;
  if (typeof jwk.d !== 'string') throw new TypeError('privateKey JWK has no private member d');
  let key: PrivateKey;
  try {
    if (jwk.kty === 'EC' && jwk.crv === 'SM2') {
      const d = fromB64u(jwk.d);
      if (!d || d.length !== 32) throw new TypeError('SM2 JWK member d must be 32 bytes');
      key = sm2PrivateKeyFromScalar(d);
    } else if ((jwk.kty === 'EC' && jwk.crv === 'P-256') || (jwk.kty === 'OKP' && jwk.crv === 'Ed25519')) {
      // Node reads these JWKs itself; core takes the key over as PKCS#8.
      const pem = createPrivateKey({ key: { kty: jwk.kty, crv: jwk.crv, x: jwk.x, ...(jwk.y !== undefined ? { y: jwk.y } : {}), d: jwk.d }, format: 'jwk' }).export({
        type: 'pkcs8',
        format: 'pem',
      });
      key = importPrivateKeyPem(String(pem));
    } else {
      throw new TypeError(`unsupported private JWK ${String(jwk.kty)}/${String(jwk.crv)}`);
    }
  } catch (e) {
    if (e instanceof TypeError) throw e;
    throw new TypeError('privateKey JWK could not be imported', { cause: e });
  }
  const pub = key.publicKey.toJwk();
  if (pub.x !== jwk.x || (jwk.y !== undefined && pub.y !== jwk.y)) throw new TypeError('privateKey JWK: x/y do not belong to d');
  return key;
}

/** Computes the `Authorization` header for one call. */
export type Authorizer = () => string;

/**
 * The `Authorization` header factory for the registered method. `issuer` is the platform's
 * issuer URL, the audience of client assertions.
 *
 * @example
 *   const authorize = clientAuthorizer('rp_…', 'https://wangzheng.example', { privateKey: pem });
 *   await fetch(url, { headers: { authorization: authorize() } });   // a fresh assertion each time
 */
export function clientAuthorizer(clientId: string, issuer: string, auth: ClientAuthOptions): Authorizer {
  if ('clientSecret' in auth) {
    if (typeof auth.clientSecret !== 'string' || auth.clientSecret.length === 0) throw new TypeError('auth.clientSecret must be a non-empty string');
    const basic = `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(auth.clientSecret)}`, 'utf8').toString('base64')}`;
    return () => basic;
  }
  if (!('privateKey' in auth)) throw new TypeError('auth must be { clientSecret } or { privateKey }');
  const key = importSigningKey(auth.privateKey);
  if (auth.alg !== undefined && auth.alg !== key.alg) throw new TypeError(`auth.alg is ${auth.alg} but the key is an ${key.alg} key`);
  const header = { typ: 'JWT', ...(auth.kid !== undefined ? { kid: auth.kid } : {}) };
  return () => `Bearer ${clientAssertion(clientId, issuer, key, header)}`;
}

/**
 * An RFC 7523 client assertion: `iss` = `sub` = client id, `aud` = issuer, random `jti`,
 * `iat`, `exp` = `iat` + 60 s.
 *
 * @example
 *   const jwt = clientAssertion('rp_…', 'https://wangzheng.example', importSigningKey(pem));
 */
export function clientAssertion(clientId: string, issuer: string, key: PrivateKey, header: Record<string, unknown> = { typ: 'JWT' }): string {
  const iat = Math.floor(Date.now() / 1000);
  return signJws({ iss: clientId, sub: clientId, aud: issuer, jti: randomUUID(), iat, exp: iat + ASSERTION_LIFETIME_S }, key, header);
}
