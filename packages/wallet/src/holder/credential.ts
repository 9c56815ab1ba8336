/**
 * The holder's own 网证, read and presented without Node: its plain claims (unverified — the
 * wallet checked the signature when it stored it), its disclosures for display, and a
 * presentation with a key-binding JWT (RFC 9901 §4.3) signed by the device.
 */
import { splitCompact } from '@wangzheng/core/credential/compact';
import { KB_JWT_TYP, type SdAlg } from '@wangzheng/core/credential/types';
import { WzError } from '@wangzheng/core/errors';
import { b64uDecode, b64uEncode, fromUtf8, utf8 } from './encoding.ts';
import { signJwsWith } from './jws.ts';
import type { Holder, HolderDigest } from './ports.ts';

function malformed(detail: string): WzError {
  return new WzError('invalid_credential', 'The credential is malformed.', { detail });
}

function jsonOf(b64u: string): unknown {
  const bytes = b64uDecode(b64u);
  if (!bytes) return undefined;
  try {
    return JSON.parse(fromUtf8(bytes));
  } catch {
    return undefined;
  }
}

/** The issuer JWT's payload of a stored 网证, NOT verified (display; the `iss` a presentation names). */
export function credentialClaims(credential: string): Record<string, unknown> {
  const p = jsonOf(splitCompact(credential).issuerJwt.split('.')[1] ?? '');
  if (typeof p !== 'object' || p === null || Array.isArray(p)) throw malformed('issuer JWT payload unreadable');
  return p as Record<string, unknown>;
}

/** The issuer (`iss`) of a stored 网证. */
export function issuerOf(credential: string): string {
  const iss = credentialClaims(credential)['iss'];
  if (typeof iss !== 'string' || iss === '') throw new WzError('invalid_credential', 'The stored 网证 names no issuer.');
  return iss;
}

/** The disclosures of a stored 网证 as `name → value` (the person's own data, for their own screen). */
export function disclosedValues(credential: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const d of splitCompact(credential).disclosures) {
    const arr = jsonOf(d);
    if (!Array.isArray(arr) || arr.length !== 3 || typeof arr[1] !== 'string') throw malformed('disclosure unreadable');
    out[arr[1]] = arr[2];
  }
  return out;
}

/**
 * The 网证's own document type and number (its disclosures), for the simulated camera only: a
 * real phone's camera needs neither. Undefined when the 网证 lacks them. Never sent to the platform.
 */
export function ownDocument(credential: string): { documentType: string; documentNumber: string } | undefined {
  const v = disclosedValues(credential);
  const type = v['document_type'];
  const number = v['document_number'];
  return typeof type === 'string' && typeof number === 'string' ? { documentType: type, documentNumber: number } : undefined;
}

function sdAlgOf(claims: Record<string, unknown>): SdAlg {
  const a = claims['_sd_alg'];
  if (a !== 'sm3' && a !== 'sha-256') throw malformed('unknown _sd_alg');
  return a;
}

export interface PresentOptions {
  /** Claim names whose disclosures to attach (nothing else about the person travels). */
  readonly disclose: readonly string[];
  readonly audience: string;
  readonly nonce: string;
  /** Seconds; default now. */
  readonly issuedAt?: number;
}

/** `b64u(H(text))` with the credential's `_sd_alg`. */
async function sdHash(digest: HolderDigest, alg: SdAlg, text: string): Promise<string> {
  return b64uEncode(await digest(alg, utf8(text)));
}

/**
 * A presentation of the holder's 网证 with the chosen disclosures and a KB-JWT over
 * `{iat, aud, nonce, sd_hash}`. Throws `invalid_request` when a chosen claim is not in it.
 */
export async function presentCredential(holder: Holder, o: PresentOptions): Promise<string> {
  if (typeof o.audience !== 'string' || o.audience === '' || typeof o.nonce !== 'string' || o.nonce === '') {
    throw new TypeError('presentCredential: audience and nonce are required');
  }
  const parts = splitCompact(holder.credential);
  if (parts.kbJwt !== '') throw new TypeError('presentCredential: expects a credential without a KB-JWT');
  const alg = sdAlgOf(credentialClaims(holder.credential));
  const wanted = new Set(o.disclose);
  const chosen = parts.disclosures.filter((d) => {
    const arr = jsonOf(d);
    return Array.isArray(arr) && typeof arr[1] === 'string' && wanted.delete(arr[1]);
  });
  if (wanted.size > 0) {
    throw new WzError('invalid_request', 'The credential does not hold a requested claim.', { detail: `missing ${[...wanted].join(',').slice(0, 200)}` });
  }
  const withoutKb = `${parts.issuerJwt}~${chosen.map((d) => `${d}~`).join('')}`;
  const kb = { iat: o.issuedAt ?? Math.floor(Date.now() / 1000), aud: o.audience, nonce: o.nonce, sd_hash: await sdHash(holder.digest, alg, withoutKb) };
  return withoutKb + (await signJwsWith(holder.signer, kb, { typ: KB_JWT_TYP }));
}
