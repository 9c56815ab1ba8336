/**
 * Verifying a receipt (凭据) offline: the platform-signed JWS an RP fetched for a verification
 * request (docs/receipts.md). The checks are @wangzheng/core `verifyReceipt`'s — SM2
 * (GB/T 32918.2 with SM3 and the standard ID) or ES256 — with:
 *
 * - the algorithm **pinned** to the one the RP registered (`idTokenSigningAlg`): the token's
 *   own header never chooses (an ES256 receipt does not pass an SM2-registered RP, `none`
 *   and HMAC never pass);
 * - the keys from the platform's JWKS only;
 * - `typ` = `wz-receipt+jwt`, `iss` = the issuer, `aud` = this RP's client id;
 * - optionally `jti` = the request id and `biz_seq` = the RP's own reference, so a receipt
 *   for another request of the same RP is not taken for this one.
 *
 * Nothing in the token is trusted before the signature verifies; the unverified header is
 * read only to notice a key id the cached JWKS does not hold yet.
 */
import { fromB64u, type PublicKey } from '@wangzheng/core/crypto/index';
import { isWzError } from '@wangzheng/core/errors';
import { verifyReceipt as coreVerifyReceipt, type ReceiptClaims } from '@wangzheng/core/verification/receipt';
import { WangzhengError } from './errors.ts';

/** The claims of a verified receipt. `sub` only on `pass`; `claims` only the fields the RP was approved for and the person consented to. */
export type Receipt = ReceiptClaims;

/** The algorithms a receipt can be signed with: the RP's registered `idTokenSigningAlg`. */
export type ReceiptAlg = 'SM2' | 'ES256';

export interface ExpectedReceipt {
  /** The request id the receipt must be for (`jti`). */
  requestId?: string;
  /** The RP's own reference the request was created with (`biz_seq`). */
  bizSeq?: string;
}

/** The `kid` of a compact JWS header, NOT verified: only to decide whether to refresh the JWKS. */
export function unverifiedKid(token: string): string | undefined {
  if (typeof token !== 'string' || token.length > 65_536) return undefined;
  const h = fromB64u(token.split('.')[0] ?? '');
  if (!h) return undefined;
  try {
    const kid = (JSON.parse(Buffer.from(h).toString('utf8')) as { kid?: unknown } | null)?.kid;
    return typeof kid === 'string' ? kid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Verifies `token` with `keys`, `alg` pinned, for `issuer` and `clientId`. Throws a
 * `WangzhengError`: `invalid_jws` (malformed, wrong `typ`, `iss` or `aud`),
 * `unsupported_algorithm` (not the registered algorithm), `signature_mismatch` (no key
 * verifies it), `receipt_mismatch` (`jti` or `biz_seq` not the expected ones).
 *
 * @example
 *   const keys = await new JwksCache(`${issuer}/.well-known/jwks.json`, fetch).keys();
 *   const r = verifyReceiptWith(token, { keys, alg: 'SM2', issuer, clientId, expect: { requestId } });
 *   if (r.result === 'pass') login(r.sub!);
 */
export function verifyReceiptWith(
  token: string,
  o: { keys: readonly PublicKey[]; alg: ReceiptAlg; issuer: string; clientId: string; expect?: ExpectedReceipt },
): Receipt {
  let claims: Receipt;
  try {
    claims = coreVerifyReceipt(token, { keys: o.keys, algorithms: [o.alg], issuer: o.issuer, audience: o.clientId });
  } catch (e) {
    if (isWzError(e)) throw new WangzhengError(e.code, e.message, { cause: e });
    throw e;
  }
  if (o.expect?.requestId !== undefined && claims.jti !== o.expect.requestId) {
    throw new WangzhengError('receipt_mismatch', 'This receipt is for another verification request (jti).');
  }
  if (o.expect?.bizSeq !== undefined && claims.biz_seq !== o.expect.bizSeq) {
    throw new WangzhengError('receipt_mismatch', 'This receipt is for another business reference (biz_seq).');
  }
  return claims;
}
