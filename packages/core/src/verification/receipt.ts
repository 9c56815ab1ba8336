/**
 * The verification receipt (凭据): what an RP's back end fetches after a person approved a
 * verification request. A JWS signed by the platform with the RP's registered algorithm (SM2
 * or ES256), `typ: wz-receipt+jwt`, verifiable offline with the platform's JWKS.
 *
 * Payload: `iss` platform, `aud` the RP's client id, `jti` the request id, `biz_seq` the RP's
 * own reference, `iat`, `service_time` (when the person approved), `mode` + `acr`, `result`
 * (`pass` | `fail`), `sub` the RP's application identifier for the person (pass only),
 * `face_similarity` in face modes, and `claims` — only fields of the RP's approved scopes the
 * person consented to. Nothing else.
 */
import { signJws, verifyJws, type KeyRing, type PrivateKey, type PublicKey, type SigAlg } from '../crypto/index.ts';
import { WzError } from '../errors.ts';
import { ACR_VALUES, isMode, type Mode } from './modes.ts';

export const RECEIPT_TYP = 'wz-receipt+jwt';

export interface ReceiptClaims {
  iss: string;
  aud: string;
  jti: string;
  biz_seq: string;
  iat: number;
  service_time: number;
  mode: Mode;
  acr: string;
  result: 'pass' | 'fail';
  sub?: string;
  face_similarity?: number;
  failure?: string;
  claims?: Record<string, string>;
}

export function signReceipt(key: PrivateKey, c: Omit<ReceiptClaims, 'acr'>): string {
  return signJws({ ...c, acr: ACR_VALUES[c.mode] }, key, { typ: RECEIPT_TYP });
}

export interface VerifyReceiptOptions {
  keys: KeyRing | readonly PublicKey[];
  algorithms: readonly SigAlg[];
  issuer: string;
  audience: string;
}

/** Verifies a receipt offline. Wrong issuer, audience, typ or shape → `invalid_jws`. */
export function verifyReceipt(token: string, o: VerifyReceiptOptions): ReceiptClaims {
  const keys = 'verifiers' in o.keys ? o.keys.verifiers : o.keys;
  const v = verifyJws(token, keys, { algorithms: o.algorithms });
  const c = v.json<ReceiptClaims>();
  if (v.header.typ !== RECEIPT_TYP || c?.iss !== o.issuer || c.aud !== o.audience || !isMode(c.mode) || (c.result !== 'pass' && c.result !== 'fail')) {
    throw new WzError('invalid_jws', 'This is not a receipt for this relying party.');
  }
  return c;
}
