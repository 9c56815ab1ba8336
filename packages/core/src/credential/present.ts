/**
 * Presentations with holder key binding (RFC 9901 §4.3, §7.3):
 * `issuerJwt~chosen disclosures~kbJwt`, where the KB-JWT (`typ: kb+jwt`) is signed by the
 * device key named in `cnf.jwk` over `{ iat, aud, nonce, sd_hash }` and `sd_hash` is
 * base64url(H_{_sd_alg}(everything up to and including the last `~`)).
 *
 * Holder side (`createPresentation`): the wallet's own credential is trusted as stored (it is
 * read, not verified); only the chosen disclosures leave the device.
 * Verifier side (`verifyPresentation`): nothing is trusted until the issuer signature verifies
 * (verify.ts); the KB-JWT is then verified ONLY with `cnf.jwk` under the caller's
 * `holderAlgorithms`, and only after that are its `aud`, `nonce`, `iat` and `sd_hash` read.
 * Every key-binding failure is `invalid_presentation`; issuer-side failures keep their codes.
 */
import { signJws, verifyJws } from '../crypto/jws.ts';
import { importPublicKey } from '../crypto/keys.ts';
import type { PrivateKey, PublicJwk, SigAlg } from '../crypto/types.ts';
import { WzError } from '../errors.ts';
import { decodeDisclosure, isSdAlg, sdDigest } from './disclosure.ts';
import { CLOCK_SKEW_SECONDS, KB_JWT_TYP } from './types.ts';
import { splitCompact } from './compact.ts';
import { verifyIssuerSigned, type VerifiedCredential, type VerifyCredentialOptions } from './verify.ts';

export interface CreatePresentationOptions {
  /** Claim names to disclose (may be empty: the 网号 and key binding only). */
  disclose: readonly string[];
  /**
   * The device key the credential is bound to (`cnf.jwk`). Not checked here: a presentation
   * signed by any other key is built, and refused by every verifier (`invalid_presentation`).
   */
  holderKey: PrivateKey;
  /** The verifier's identifier → `aud`. */
  audience: string;
  /** The verifier's fresh nonce → `nonce`. */
  nonce: string;
  /** Epoch seconds → `iat`; default now. */
  issuedAt?: number;
}

export interface VerifyPresentationOptions extends VerifyCredentialOptions {
  /** Mandatory, non-empty: the algorithms accepted for the KB-JWT. */
  holderAlgorithms: readonly SigAlg[];
  /** Expected `aud`. */
  audience: string;
  /** Expected `nonce` (the one this verifier issued). */
  nonce: string;
  /** How old the KB-JWT `iat` may be; default 300 s. */
  maxAgeSeconds?: number;
}

export interface KeyBindingClaims {
  iat: number;
  aud: string;
  nonce: string;
  sd_hash: string;
}

export interface VerifiedPresentation extends VerifiedCredential {
  /** The device key that signed the KB-JWT (= `cnf.jwk`). */
  holderJwk: PublicJwk;
  kb: KeyBindingClaims;
}

export const DEFAULT_MAX_AGE_SECONDS = 300;

const dec = new TextDecoder('utf-8', { fatal: true });

function badPresentation(detail: string, cause?: unknown): WzError {
  return new WzError('invalid_presentation', 'The presentation is not valid.', { detail, cause });
}

/** Decodes the issuer JWT payload WITHOUT verifying it — holder side, on the wallet's own credential. */
function unverifiedPayload(issuerJwt: string): Record<string, unknown> {
  const seg = issuerJwt.split('.')[1];
  try {
    const p: unknown = JSON.parse(dec.decode(Buffer.from(seg ?? '', 'base64url')));
    if (typeof p === 'object' && p !== null && !Array.isArray(p)) return p as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw new WzError('invalid_credential', 'The credential is malformed.', { detail: 'issuer JWT payload unreadable' });
}

/**
 * The credential id (`jti`) a presentation's issuer JWT claims, NOT verified — only to choose
 * which row to read before `verifyPresentation` checks everything (the verifier then compares
 * the id it verified with the row it read). None when the presentation is malformed; never throws.
 */
export function presentedCredentialId(presentation: unknown): string | undefined {
  if (typeof presentation !== 'string') return undefined;
  try {
    const jti = unverifiedPayload(splitCompact(presentation).issuerJwt)['jti'];
    return typeof jti === 'string' ? jti : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Builds a presentation of the stored `sdJwt` with the chosen claims and a KB-JWT.
 *
 * @example
 *   const vp = createPresentation(sdJwt, {
 *     disclose: ['age_over_18'], holderKey: deviceKey, audience: 'https://rp.example', nonce,
 *   });
 */
export function createPresentation(sdJwt: string, opts: CreatePresentationOptions): string {
  if (!opts || !Array.isArray(opts.disclose)) throw new TypeError('createPresentation: disclose must be an array of claim names');
  if (typeof opts.audience !== 'string' || opts.audience.length === 0) throw new TypeError('createPresentation: audience is required');
  if (typeof opts.nonce !== 'string' || opts.nonce.length === 0) throw new TypeError('createPresentation: nonce is required');
  const parts = splitCompact(sdJwt);
  if (parts.kbJwt !== '') throw new TypeError('createPresentation: expects a credential without a KB-JWT');
  const payload = unverifiedPayload(parts.issuerJwt);
  const sdAlg = payload['_sd_alg'];
  if (!isSdAlg(sdAlg)) throw new WzError('invalid_credential', 'The credential is malformed.', { detail: 'unknown _sd_alg' });

  const wanted = new Set(opts.disclose);
  const chosen: string[] = [];
  for (const encoded of parts.disclosures) {
    const { name } = decodeDisclosure(encoded);
    if (wanted.delete(name)) chosen.push(encoded);
  }
  if (wanted.size > 0) {
    throw new WzError('invalid_request', 'The credential does not hold a requested claim.', { detail: `missing ${[...wanted].join(',').slice(0, 200)}` });
  }

  const withoutKb = `${parts.issuerJwt}~${chosen.map((d) => `${d}~`).join('')}`;
  const kb: KeyBindingClaims = {
    iat: opts.issuedAt ?? Math.floor(Date.now() / 1000),
    aud: opts.audience,
    nonce: opts.nonce,
    sd_hash: sdDigest(withoutKb, sdAlg),
  };
  return withoutKb + signJws(kb, opts.holderKey, { typ: KB_JWT_TYP });
}

/**
 * Verifies a presentation: the credential (verify.ts) and then its key binding.
 *
 * @example
 *   const { disclosed } = verifyPresentation(vp, {
 *     keys: platformKeys, algorithms: ['SM2'], holderAlgorithms: ['SM2', 'ES256'],
 *     issuer: 'https://wangzheng.example', audience: 'https://rp.example', nonce,
 *   });
 */
export function verifyPresentation(presentation: string, opts: VerifyPresentationOptions): VerifiedPresentation {
  if (!opts || !Array.isArray(opts.holderAlgorithms) || opts.holderAlgorithms.length === 0) throw new TypeError('verifyPresentation: opts.holderAlgorithms is required');
  if (typeof opts.audience !== 'string' || typeof opts.nonce !== 'string') throw new TypeError('verifyPresentation: opts.audience and opts.nonce are required');
  const parts = splitCompact(presentation);
  if (parts.kbJwt === '') throw badPresentation('no KB-JWT');
  const cred = verifyIssuerSigned(parts.issuerJwt, parts.disclosures, opts);

  // The KB-JWT is verified with cnf.jwk and nothing else: its own header cannot name a key.
  const holder = importPublicKey(cred.cnf.jwk);
  let kbPayload: unknown;
  try {
    const v = verifyJws(parts.kbJwt, holder, { algorithms: opts.holderAlgorithms, typ: KB_JWT_TYP });
    kbPayload = v.json();
  } catch (e) {
    throw badPresentation(`KB-JWT: ${e instanceof WzError ? e.code : 'error'}`, e);
  }
  if (typeof kbPayload !== 'object' || kbPayload === null || Array.isArray(kbPayload)) throw badPresentation('KB-JWT payload is not an object');
  const kb = kbPayload as Record<string, unknown>;
  const { iat, aud, nonce } = kb;
  if (typeof iat !== 'number' || !Number.isSafeInteger(iat)) throw badPresentation('KB-JWT iat missing');
  if (aud !== opts.audience) throw badPresentation('KB-JWT aud does not match');
  if (nonce !== opts.nonce) throw badPresentation('KB-JWT nonce does not match');
  const now = opts.now ?? Math.floor(Date.now() / 1000);
  const maxAge = opts.maxAgeSeconds ?? DEFAULT_MAX_AGE_SECONDS;
  if (iat > now + CLOCK_SKEW_SECONDS) throw badPresentation('KB-JWT iat in the future');
  if (now - iat > maxAge) throw badPresentation('KB-JWT too old');
  if (kb['sd_hash'] !== sdDigest(parts.withoutKb, cred.sdAlg)) throw badPresentation('sd_hash does not match');

  return {
    ...cred,
    holderJwk: cred.cnf.jwk,
    kb: { iat, aud: aud as string, nonce: nonce as string, sd_hash: kb['sd_hash'] as string },
  };
}
