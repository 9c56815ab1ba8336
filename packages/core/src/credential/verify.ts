/**
 * Verifying a 网证 (SD-JWT VC, RFC 9901 §7.1 and draft-ietf-oauth-sd-jwt-vc §3).
 *
 * Trust model: NOTHING in the input is trusted until the issuer signature verifies with one of
 * the caller's keys under one of the caller's algorithms (crypto/jws.ts — the header never
 * chooses). After that the plain claims are the issuer's word; a disclosure is trusted only
 * when its digest is in the signed `_sd` array, exactly once. Order of checks: signature →
 * `typ` → plain claims → validity period → `_sd_alg` / `_sd` → disclosures.
 *
 * Codes: `invalid_credential` (structure, typ, iss/vct, digests, reserved names),
 * `unsupported_algorithm` / `signature_mismatch` / `invalid_signature` (from the JWS layer),
 * `credential_expired` (past `exp`). Messages and details never quote claim values.
 * Revocation (the `status` reference) is NOT checked here: that needs the status list (I/O).
 */
import { verifyJws, type JwsHeader, type VerifiedJws } from '../crypto/jws.ts';
import { importPublicKey } from '../crypto/keys.ts';
import { KeyRing } from '../crypto/keyring.ts';
import type { SignatureMemo } from '../crypto/memo.ts';
import type { PublicJwk, PublicKey, SigAlg } from '../crypto/types.ts';
import { isWzError, WzError } from '../errors.ts';
import { isValidNetid } from '../identifiers/netid.ts';
import { splitCompact } from './compact.ts';
import { decodeDisclosure, isDigest, isSdAlg, sdAlgFor, sdDigest } from './disclosure.ts';
import {
  CLOCK_SKEW_SECONDS,
  NETID_VCT,
  RESERVED_CLAIM_NAMES,
  SD_JWT_VC_TYP,
  type CredentialPayload,
  type SdAlg,
} from './types.ts';

export interface VerifyCredentialOptions {
  /** The issuer's public keys (a ring: every key verifies). */
  keys: KeyRing | readonly PublicKey[];
  /** Mandatory, non-empty: the issuer algorithms accepted. */
  algorithms: readonly SigAlg[];
  /** Expected `iss`. */
  issuer: string;
  /** Expected `vct`; default {@link NETID_VCT}. */
  vct?: string;
  /** Epoch seconds; default now. */
  now?: number;
  /**
   * Issuer JWTs already verified by this verifier (crypto/memo.ts): a 网证 presented again
   * skips only the issuer signature computation; every claim, date and disclosure is checked.
   */
  memo?: SignatureMemo<PublicKey>;
}

export interface VerifiedCredential {
  /** The protected header (trustworthy: the signature verified). `typ` is dc+sd-jwt. */
  header: JwsHeader;
  /** Plain claims (without `_sd` / `_sd_alg`). */
  payload: CredentialPayload;
  sdAlg: SdAlg;
  /** Claims whose disclosures were attached and whose digests are in `_sd`. */
  disclosed: Record<string, unknown>;
  cnf: { jwk: PublicJwk };
  /** The issuer key that verified the signature. */
  issuerKey: PublicKey;
}

function invalid(detail: string, cause?: unknown): WzError {
  return new WzError('invalid_credential', 'The credential is malformed or not acceptable.', { detail, cause });
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isEpoch = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

/** True when `v` holds a `_sd` or `...` key anywhere (nested selective disclosure is not part of a 网证). */
function hasSdMarkers(v: unknown, depth = 0): boolean {
  if (depth > 8) return true;
  if (Array.isArray(v)) return v.some((x) => hasSdMarkers(x, depth + 1));
  if (!isObject(v)) return false;
  return Object.keys(v).some((k) => k === '_sd' || k === '...' || hasSdMarkers(v[k], depth + 1));
}

function normTyp(t: unknown): string {
  return typeof t === 'string' ? t.toLowerCase().replace(/^application\//, '') : '';
}

/** The plain claims, checked for shape; `cnf.jwk` must import as a public key. */
function plainClaims(p: Record<string, unknown>, opts: VerifyCredentialOptions): CredentialPayload {
  if (p['iss'] !== opts.issuer) throw invalid('iss does not match');
  if (p['vct'] !== (opts.vct ?? NETID_VCT)) throw invalid('vct does not match');
  if (typeof p['jti'] !== 'string' || p['jti'].length === 0) throw invalid('no jti');
  if (!isValidNetid(p['netid'])) throw invalid('netid missing or malformed');
  if (!isEpoch(p['iat']) || !isEpoch(p['nbf']) || !isEpoch(p['exp'])) throw invalid('iat/nbf/exp missing or not integers');
  const cnf = p['cnf'];
  if (!isObject(cnf) || !isObject(cnf['jwk'])) throw invalid('no cnf.jwk');
  let key: PublicJwk;
  try {
    key = importPublicKey(cnf['jwk'] as unknown as PublicJwk).toJwk();
  } catch (e) {
    throw invalid('cnf.jwk is not a usable public key', e);
  }
  // Only the key material: whatever else the issuer put there is not carried on.
  const jwk: PublicJwk = key.y === undefined ? { kty: key.kty, crv: key.crv, x: key.x } : { kty: key.kty, crv: key.crv, x: key.x, y: key.y };
  const status = p['status'];
  const sl = isObject(status) ? status['status_list'] : undefined;
  if (!isObject(sl) || !Number.isSafeInteger(sl['idx']) || (sl['idx'] as number) < 0 || typeof sl['uri'] !== 'string') throw invalid('status.status_list missing or malformed');
  for (const k of ['cnf', 'status'] as const) if (hasSdMarkers(p[k])) throw invalid(`nested _sd in ${k}`);
  return {
    iss: p['iss'] as string,
    vct: p['vct'] as string,
    jti: p['jti'],
    netid: p['netid'],
    iat: p['iat'],
    nbf: p['nbf'],
    exp: p['exp'],
    cnf: { jwk },
    status: { status_list: { idx: sl['idx'] as number, uri: sl['uri'] } },
  };
}

/**
 * Verifies the issuer-signed part and the attached disclosures. Shared by verifyCredential and
 * verifyPresentation (which adds the KB-JWT checks).
 */
export function verifyIssuerSigned(issuerJwt: string, disclosures: readonly string[], opts: VerifyCredentialOptions): VerifiedCredential {
  if (!opts || typeof opts.issuer !== 'string') throw new TypeError('verifyCredential: opts.issuer is required');
  if (opts.now !== undefined && (typeof opts.now !== 'number' || !Number.isFinite(opts.now) || opts.now < 0 || opts.now > 1e11)) throw new TypeError('verifyCredential: opts.now is epoch seconds');
  const keys = opts.keys instanceof KeyRing ? opts.keys.verifiers : opts.keys;
  if (!Array.isArray(keys) || keys.length === 0) throw new TypeError('verifyCredential: opts.keys must hold at least one key');

  let verified: VerifiedJws;
  try {
    verified = verifyJws(issuerJwt, keys, { algorithms: opts.algorithms, ...(opts.memo ? { memo: opts.memo } : {}) });
  } catch (e) {
    // Malformed JWS is a malformed credential; algorithm and signature codes pass through.
    if (isWzError(e, 'invalid_jws')) throw invalid(`issuer JWT: ${e.detail ?? 'malformed'}`, e);
    throw e;
  }
  // From here on the header and payload are the issuer's (signature verified).
  const header: JwsHeader = verified.header;
  if (normTyp(header.typ) !== SD_JWT_VC_TYP) throw invalid('typ is not dc+sd-jwt');
  let p: unknown;
  try {
    p = verified.json();
  } catch (e) {
    throw invalid('payload is not JSON', e);
  }
  if (!isObject(p)) throw invalid('payload is not an object');
  const payload = plainClaims(p, opts);

  const now = opts.now ?? Math.floor(Date.now() / 1000);
  if (now >= payload.exp + CLOCK_SKEW_SECONDS) throw new WzError('credential_expired', 'The credential has expired.', { detail: 'exp passed' });
  if (payload.nbf > now + CLOCK_SKEW_SECONDS || payload.iat > now + CLOCK_SKEW_SECONDS) throw invalid('not yet valid (nbf/iat in the future)');

  const sdAlg = p['_sd_alg'];
  if (!isSdAlg(sdAlg)) throw invalid('unknown or missing _sd_alg');
  if (sdAlg !== sdAlgFor(header.alg)) throw invalid('_sd_alg does not match the signature suite');
  const sd = p['_sd'];
  if (!Array.isArray(sd) || !sd.every(isDigest)) throw invalid('_sd is not an array of digests');
  const digests = new Set<string>(sd);
  if (digests.size !== sd.length) throw invalid('duplicate digest in _sd');

  const disclosed: Record<string, unknown> = {};
  const seenDisclosures = new Set<string>();
  const usedDigests = new Set<string>();
  for (const encoded of disclosures) {
    if (seenDisclosures.has(encoded)) throw invalid('duplicate disclosure');
    seenDisclosures.add(encoded);
    const d = decodeDisclosure(encoded);
    const digest = sdDigest(encoded, sdAlg);
    if (!digests.has(digest)) throw invalid('disclosure digest not in _sd');
    if (usedDigests.has(digest)) throw invalid('digest disclosed twice');
    usedDigests.add(digest);
    if (RESERVED_CLAIM_NAMES.has(d.name)) throw invalid('disclosure sets a reserved claim name');
    if (Object.hasOwn(p, d.name) || Object.hasOwn(disclosed, d.name)) throw invalid('disclosure name already present');
    if (d.value !== null && typeof d.value === 'object') throw invalid('disclosure value is not a scalar');
    disclosed[d.name] = d.value;
  }
  return { header, payload, sdAlg, disclosed, cnf: payload.cnf, issuerKey: verified.key };
}

/**
 * Verifies a 网证 as held (`issuerJwt~disclosures~`, no KB-JWT): use `verifyPresentation`
 * for anything a holder presents — a trailing KB-JWT here is refused, not ignored.
 *
 * @example
 *   const { disclosed, cnf } = verifyCredential(sdJwt, {
 *     keys: platformRing, algorithms: ['SM2'], issuer: 'https://wangzheng.example',
 *   });
 */
export function verifyCredential(sdJwt: string, opts: VerifyCredentialOptions): VerifiedCredential {
  const parts = splitCompact(sdJwt);
  if (parts.kbJwt !== '') throw invalid('has a KB-JWT: verify it as a presentation');
  return verifyIssuerSigned(parts.issuerJwt, parts.disclosures, opts);
}
