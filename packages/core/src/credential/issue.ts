/**
 * Issuing a 网证: an SD-JWT VC signed by the platform (SM2 or ES256), bound to the device key
 * in `cnf`, with every identity claim ONLY as a digest in the top-level `_sd` array.
 *
 * Trust: the options come from our own enrollment code (registry-verified data, the device
 * key from a verified proof of possession). They are checked for shape only; a malformed
 * option is a programming error (TypeError) whose message never quotes a claim value.
 * The returned disclosures are the person's data: hand them to the wallet, never store them.
 */
import { signJws } from '../crypto/jws.ts';
import { importPublicKey } from '../crypto/keys.ts';
import { randomBytes } from '../crypto/suites.ts';
import type { PrivateKey, PublicJwk } from '../crypto/types.ts';
import { isDocumentType } from '../documents/document-types.ts';
import { isValidNetid } from '../identifiers/netid.ts';
import { createDisclosure, decoyDigests, sdAlgFor } from './disclosure.ts';
import {
  IDENTITY_CLAIM_NAMES,
  NETID_VCT,
  SD_JWT_VC_TYP,
  type CredentialHeader,
  type IdentityClaimName,
  type IdentityClaims,
  type SdAlg,
  type SignedCredentialPayload,
} from './types.ts';

export interface IssueCredentialOptions {
  /** The platform's signing key: SM2 (→ `_sd_alg: sm3`) or ES256 (→ `sha-256`). */
  signer: PrivateKey;
  /** Header `kid`; default the signer's RFC 7638 thumbprint. */
  kid?: string;
  /** `iss`: the platform's URL. */
  issuer: string;
  /** `vct`; default {@link NETID_VCT}. */
  vct?: string;
  /** `jti`. */
  credentialId: string;
  /** The 网号 (canonical form), plain claim `netid`. */
  netid: string;
  /** Epoch seconds → `iat` and `nbf`; default now. */
  issuedAt?: number;
  /** Epoch seconds → `exp`. */
  expiresAt: number;
  /** Token Status List entry → `status.status_list`. */
  status: { idx: number; uri: string };
  /** The device public key → `cnf.jwk` (only kty, crv, x, y are kept). */
  cnf: PublicJwk;
  claims: IdentityClaims;
}

export interface IssuedCredential {
  /** `issuerJwt~disclosure~…~` — what the wallet stores. */
  sdJwt: string;
  issuerJwt: string;
  /** One per identity claim present, in {@link IDENTITY_CLAIM_NAMES} order. */
  disclosures: string[];
  /** Claim name → digest of its disclosure (as found in `_sd`). */
  digests: Partial<Record<IdentityClaimName, string>>;
  /** How many decoy digests `_sd` holds. */
  decoys: number;
  sdAlg: SdAlg;
  header: CredentialHeader;
  payload: SignedCredentialPayload;
}

/** At most this many real digests, so `_sd` always holds MAX + 1 … MAX + 4 entries. */
const MAX_CLAIMS = IDENTITY_CLAIM_NAMES.length;
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

function isDate(s: unknown): boolean {
  if (typeof s !== 'string') return false;
  const m = DATE_RE.exec(s);
  if (!m) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

function isUrl(s: unknown): s is string {
  if (typeof s !== 'string' || s.length === 0 || s.length > 2048) return false;
  try {
    const u = new URL(s);
    return u.protocol === 'https:' || u.protocol === 'http:';
  } catch {
    return false;
  }
}

function isEpoch(n: unknown): n is number {
  return typeof n === 'number' && Number.isSafeInteger(n) && n > 0;
}

const nonEmpty = (s: unknown): s is string => typeof s === 'string' && s.length > 0 && s.length <= 256;

/** Shape checks on the identity claims. Messages name the claim, never its value. */
function checkClaims(c: IdentityClaims): void {
  if (typeof c !== 'object' || c === null) throw new TypeError('issueCredential: claims must be an object');
  for (const k of Object.keys(c)) {
    if (!(IDENTITY_CLAIM_NAMES as readonly string[]).includes(k)) throw new TypeError(`issueCredential: unknown claim ${k.slice(0, 32)}`);
  }
  const bad = (name: IdentityClaimName): never => {
    throw new TypeError(`issueCredential: claim ${name} is missing or malformed`);
  };
  if (!nonEmpty(c.name)) bad('name');
  if (c.sex !== 'M' && c.sex !== 'F') bad('sex');
  if (!isDate(c.birth_date)) bad('birth_date');
  if (!nonEmpty(c.nationality)) bad('nationality');
  if (!isDocumentType(c.document_type)) bad('document_type');
  if (!nonEmpty(c.document_number)) bad('document_number');
  if (c.document_expires !== undefined && c.document_expires !== null && !isDate(c.document_expires)) bad('document_expires');
  if (typeof c.age_over_14 !== 'boolean') bad('age_over_14');
  if (typeof c.age_over_16 !== 'boolean') bad('age_over_16');
  if (typeof c.age_over_18 !== 'boolean') bad('age_over_18');
  if (c.age_over_60 !== undefined && typeof c.age_over_60 !== 'boolean') bad('age_over_60');
}

/** A uniformly random integer in [0, 3]. */
function random0to3(): number {
  return randomBytes(1)[0]! & 3;
}

/**
 * Issues a 网证. Synchronous and pure apart from randomness and the clock default.
 *
 * @example
 *   const { sdJwt } = issueCredential({
 *     signer: platformKey, issuer: 'https://wangzheng.example', credentialId: 'c-1',
 *     netid: 'WANGZHENGE', expiresAt: now + 365 * 86400,
 *     status: { idx: 42, uri: 'https://wangzheng.example/status/1' },
 *     cnf: deviceKey.publicKey.toJwk(), claims,
 *   });
 */
export function issueCredential(opts: IssueCredentialOptions): IssuedCredential {
  const { signer } = opts;
  if (!signer || (signer.alg !== 'SM2' && signer.alg !== 'ES256')) throw new TypeError('issueCredential: signer must be an SM2 or ES256 private key');
  if (!isUrl(opts.issuer)) throw new TypeError('issueCredential: issuer must be an http(s) URL');
  const vct = opts.vct ?? NETID_VCT;
  if (!nonEmpty(vct)) throw new TypeError('issueCredential: vct must be a non-empty string');
  if (!nonEmpty(opts.credentialId)) throw new TypeError('issueCredential: credentialId must be a non-empty string');
  if (!isValidNetid(opts.netid)) throw new TypeError('issueCredential: netid must be a canonical 网号');
  const iat = opts.issuedAt ?? Math.floor(Date.now() / 1000);
  if (!isEpoch(iat) || !isEpoch(opts.expiresAt) || opts.expiresAt <= iat) throw new TypeError('issueCredential: issuedAt/expiresAt must be epoch seconds with expiresAt > issuedAt');
  const st = opts.status;
  if (!st || !Number.isSafeInteger(st.idx) || st.idx < 0 || !isUrl(st.uri)) throw new TypeError('issueCredential: status needs a non-negative integer idx and an http(s) uri');
  const kid = opts.kid ?? signer.publicKey.thumbprint;
  if (!nonEmpty(kid)) throw new TypeError('issueCredential: kid must be a non-empty string');
  checkClaims(opts.claims);

  // The device key, re-derived from an import so only public members survive (a `d`, or a
  // malformed key, is refused by importPublicKey with WzError('invalid_key')).
  const device = importPublicKey(opts.cnf).toJwk();
  const jwk: PublicJwk = device.y === undefined ? { kty: device.kty, crv: device.crv, x: device.x } : { kty: device.kty, crv: device.crv, x: device.x, y: device.y };

  const sdAlg = sdAlgFor(signer.alg);
  const disclosures: string[] = [];
  const digests: Partial<Record<IdentityClaimName, string>> = {};
  for (const name of IDENTITY_CLAIM_NAMES) {
    const value = opts.claims[name];
    if (value === undefined) continue;
    const d = createDisclosure(name, value, sdAlg);
    disclosures.push(d.encoded);
    digests[name] = d.digest;
  }
  const decoys = MAX_CLAIMS + 1 + random0to3() - disclosures.length;
  const sd = [...Object.values(digests), ...decoyDigests(decoys, sdAlg)].sort();

  const payload: SignedCredentialPayload = {
    iss: opts.issuer,
    vct,
    jti: opts.credentialId,
    netid: opts.netid,
    iat,
    nbf: iat,
    exp: opts.expiresAt,
    cnf: { jwk },
    status: { status_list: { idx: st.idx, uri: st.uri } },
    _sd: sd,
    _sd_alg: sdAlg,
  };
  const header: CredentialHeader = { typ: SD_JWT_VC_TYP, alg: signer.alg, kid };
  const issuerJwt = signJws(payload, signer, { typ: header.typ, kid });
  return {
    sdJwt: `${issuerJwt}~${disclosures.map((d) => `${d}~`).join('')}`,
    issuerJwt,
    disclosures,
    digests,
    decoys,
    sdAlg,
    header,
    payload,
  };
}
