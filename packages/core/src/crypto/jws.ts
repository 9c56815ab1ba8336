/**
 * JWS compact serialization (RFC 7515) with our three algorithms: `SM2`, `ES256`, `EdDSA`.
 * Signatures are raw r‖s (64 bytes) for SM2 and ES256 (RFC 7518 §3.4), and the 64-byte
 * RFC 8032 signature for EdDSA. SM2 uses SM3 and the ID 1234567812345678.
 *
 * Trust model of verifyJws: NOTHING in the token is trusted until the signature checks.
 * The caller's `algorithms` list decides which algorithms are acceptable; the header's `alg`
 * must be in it AND equal the key's own algorithm — the header never chooses how to verify
 * (no `none`, no HMAC with a public key as the secret, no ES256 header on an SM2 key).
 * Unknown `crit` extensions are refused (RFC 7515 §4.1.11).
 */
import { WzError } from '../errors.ts';
import { b64u, fromB64u } from './encoding.ts';
import { SIG_ALGS } from './keys.ts';
import type { SignatureMemo } from './memo.ts';
import type { PrivateKey, PublicKey, SigAlg } from './types.ts';

export interface JwsHeader {
  alg: SigAlg;
  kid?: string;
  typ?: string;
  [name: string]: unknown;
}

export type KeyResolver = (header: JwsHeader) => PublicKey | readonly PublicKey[] | undefined;

export interface VerifyJwsOptions {
  /** Mandatory, non-empty: the algorithms this verifier accepts. */
  algorithms: readonly SigAlg[];
  /** When set, the header `typ` must equal it (case-insensitive; an `application/` prefix is ignored). */
  typ?: string;
  /**
   * Tokens this verifier has already seen verify (memo.ts): a token remembered under one of the
   * usable keys skips the signature computation — every other check still runs. Only for
   * tokens that are presented again and again unchanged (a 网证's issuer signature).
   */
  memo?: SignatureMemo<PublicKey>;
}

export interface VerifiedJws {
  /** The protected header — trustworthy now that the signature has been verified. */
  header: JwsHeader;
  payload: Uint8Array;
  /** Parses the payload as JSON; throws WzError('invalid_jws') when it is not JSON. */
  json<T = unknown>(): T;
  /** The public key that verified it. */
  key: PublicKey;
}

const enc = new TextEncoder();
const dec = new TextDecoder('utf-8', { fatal: true });

function invalid(detail: string): WzError {
  return new WzError('invalid_jws', 'The token is malformed.', { detail });
}
function unsupported(detail: string): WzError {
  return new WzError('unsupported_algorithm', 'The token uses an algorithm that is not accepted here.', { detail });
}
function mismatch(detail: string): WzError {
  return new WzError('signature_mismatch', 'The token signature does not verify.', { detail });
}

/**
 * Signs `payload` (bytes, or an object serialized as JSON) as a compact JWS.
 * The header's `alg` is the key's; `kid` defaults to the key's RFC 7638 thumbprint.
 *
 * @example
 *   const jws = signJws({ sub: 'x' }, key, { typ: 'wz+jwt' });
 */
export function signJws(payload: Uint8Array | object, key: PrivateKey, header: Record<string, unknown> = {}): string {
  if (header['alg'] !== undefined && header['alg'] !== key.alg) throw new TypeError(`header alg ${String(header['alg'])} does not match the key (${key.alg})`);
  if (header['crit'] !== undefined) throw new TypeError('crit is not supported');
  const h: Record<string, unknown> = { alg: key.alg, ...header };
  h['alg'] = key.alg;
  if (h['kid'] === undefined) h['kid'] = key.publicKey.thumbprint;
  const body = payload instanceof Uint8Array ? payload : enc.encode(JSON.stringify(payload));
  const input = `${b64u(JSON.stringify(h))}.${b64u(body)}`;
  return `${input}.${b64u(key.sign(enc.encode(input), 'raw'))}`;
}

function candidates(keys: PublicKey | readonly PublicKey[] | KeyResolver, header: JwsHeader): readonly PublicKey[] {
  if (typeof keys === 'function') {
    const r = keys(header);
    return r === undefined ? [] : Array.isArray(r) ? r : [r as PublicKey];
  }
  if (!Array.isArray(keys)) return [keys as PublicKey];
  const list = keys as readonly PublicKey[];
  if (typeof header.kid === 'string') {
    const byKid = list.filter((k) => k.thumbprint === header.kid);
    if (byKid.length > 0) return byKid;
  }
  return list;
}

/**
 * Verifies a compact JWS. Codes: `invalid_jws` (malformed, bad typ, unknown crit),
 * `unsupported_algorithm` (none, not in `algorithms`, or not the key's algorithm),
 * `signature_mismatch` (no key verifies it).
 */
export function verifyJws(token: string, keys: PublicKey | readonly PublicKey[] | KeyResolver, opts: VerifyJwsOptions): VerifiedJws {
  if (!opts || !Array.isArray(opts.algorithms) || opts.algorithms.length === 0) throw new TypeError('verifyJws: opts.algorithms is required');
  for (const a of opts.algorithms) if (!SIG_ALGS.includes(a)) throw new TypeError(`verifyJws: unknown algorithm ${String(a)}`);
  if (typeof token !== 'string') throw invalid('token is not a string');
  const parts = token.split('.');
  if (parts.length !== 3) throw invalid(`${parts.length} segments`);
  const [h64, p64, s64] = parts as [string, string, string];
  const hBytes = fromB64u(h64);
  const payload = fromB64u(p64);
  const sig = fromB64u(s64);
  if (!hBytes || hBytes.length === 0 || !payload || !sig) throw invalid('segment is not base64url');

  // Nothing in this header is trusted yet: it only narrows which checks to run.
  let header: JwsHeader;
  try {
    header = JSON.parse(dec.decode(hBytes)) as JwsHeader;
  } catch {
    throw invalid('header is not UTF-8 JSON');
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) throw invalid('header is not an object');
  const alg: unknown = header.alg;
  if (typeof alg !== 'string') throw invalid('header has no alg');
  if (alg.toLowerCase() === 'none') throw unsupported('alg none');
  if (!(opts.algorithms as readonly string[]).includes(alg)) throw unsupported(`alg ${alg.slice(0, 16)} not allowed`);
  if (header.crit !== undefined) throw invalid('unsupported crit');
  if (opts.typ !== undefined) {
    const norm = (t: unknown): string => (typeof t === 'string' ? t.toLowerCase().replace(/^application\//, '') : '');
    if (norm(header.typ) !== norm(opts.typ)) throw invalid('unexpected typ');
  }
  if (sig.length !== 64) throw invalid(`signature of ${sig.length} bytes`);

  const list = candidates(keys, header);
  if (list.length === 0) throw mismatch('no key for this token');
  const usable = list.filter((k) => k.alg === alg);
  if (usable.length === 0) throw unsupported(`alg ${alg} does not match the key`);
  const remembered = opts.memo?.verifiedBy(token, usable);
  const input = remembered === undefined ? enc.encode(`${h64}.${p64}`) : undefined;
  for (const key of remembered === undefined ? usable : [remembered]) {
    if (input === undefined || key.verify(input, sig, 'raw')) {
      if (input !== undefined) opts.memo?.remember(token, key);
      return {
        header,
        payload,
        key,
        json<T>(): T {
          try {
            return JSON.parse(dec.decode(payload)) as T;
          } catch {
            throw invalid('payload is not UTF-8 JSON');
          }
        },
      };
    }
  }
  throw mismatch('signature does not verify');
}
