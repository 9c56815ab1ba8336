/**
 * Request authentication between the platform and the population registry: an HMAC-SM3
 * signature over the request with a shared key (GB/T 32905 SM3 in HMAC, RFC 2104).
 *
 *   Authorization: WZ-HMAC-SM3 keyId=<id>,ts=<unix seconds>,nonce=<base64url>,sig=<base64url>
 *
 * The signed string binds every part of the request an attacker could swap:
 *
 *   WZ-HMAC-SM3 \n keyId \n ts \n nonce \n METHOD \n path?query \n hex(SM3(body))
 *
 * The receiver accepts a timestamp within ±5 minutes of its clock and remembers the
 * (keyId, nonce) pairs it has seen inside that window, so a captured request cannot be
 * replayed. Keys are a ring (rotation): the sender signs with the first, the receiver
 * accepts any. A shared key is at least 32 bytes.
 *
 * HMAC-SM3 and SM3 come from node:crypto (OpenSSL), which implements both correctly.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { WzError } from '../errors.ts';

export const AUTH_SCHEME = 'WZ-HMAC-SM3';
/** Allowed clock difference, in seconds, either way. */
export const MAX_CLOCK_SKEW_S = 300;
export const MIN_SHARED_KEY_BYTES = 32;

export interface SharedKey {
  keyId: string;
  key: Uint8Array;
}

const KEY_ID = /^[A-Za-z0-9._-]{1,64}$/;
const B64U = /^[A-Za-z0-9_-]+$/;

/** Parses `keyId:base64url` (the WZ_REGISTRY_KEY format). Bad input is a configuration fault. */
export function parseSharedKey(s: string): SharedKey {
  const i = s.indexOf(':');
  const keyId = s.slice(0, i);
  const b64 = s.slice(i + 1);
  if (i < 1 || !KEY_ID.test(keyId) || !B64U.test(b64)) {
    throw new WzError('invalid_configuration', 'registry shared key must look like keyId:base64url');
  }
  const key = Buffer.from(b64, 'base64url');
  if (key.length < MIN_SHARED_KEY_BYTES) {
    throw new WzError('invalid_configuration', `registry shared key must be at least ${MIN_SHARED_KEY_BYTES} bytes`);
  }
  return { keyId, key };
}

/** A fresh shared key in `keyId:base64url` form. */
export function generateSharedKey(keyId = 'k1'): string {
  return `${keyId}:${randomBytes(32).toString('base64url')}`;
}

export function toSharedKey(k: SharedKey | string): SharedKey {
  return typeof k === 'string' ? parseSharedKey(k) : k;
}

export function bodyDigest(body: Uint8Array | string | undefined): string {
  return createHash('sm3').update(body ?? '').digest('hex');
}

interface SignedParts {
  keyId: string;
  ts: number;
  nonce: string;
  method: string;
  path: string;
  bodyHash: string;
}

function stringToSign(p: SignedParts): string {
  return [AUTH_SCHEME, p.keyId, String(p.ts), p.nonce, p.method.toUpperCase(), p.path, p.bodyHash].join('\n');
}

function mac(key: Uint8Array, p: SignedParts): Buffer {
  return createHmac('sm3', key).update(stringToSign(p)).digest();
}

export interface RequestToSign {
  method: string;
  /** Path and query string exactly as sent, e.g. `/v1/face/match`. */
  path: string;
  body?: Uint8Array | string;
}

/** The `Authorization` header value for a request. */
export function signRequest(key: SharedKey, req: RequestToSign, opts: { now?: Date; nonce?: string } = {}): string {
  const ts = Math.floor((opts.now ?? new Date()).getTime() / 1000);
  const nonce = opts.nonce ?? randomBytes(16).toString('base64url');
  const parts: SignedParts = { keyId: key.keyId, ts, nonce, method: req.method, path: req.path, bodyHash: bodyDigest(req.body) };
  return `${AUTH_SCHEME} keyId=${key.keyId},ts=${ts},nonce=${nonce},sig=${mac(key.key, parts).toString('base64url')}`;
}

/**
 * Remembers nonces for the length of the acceptance window. Bounded: when full, the
 * oldest entries go first (an attacker who floods it needs valid signatures anyway).
 */
export class ReplayCache {
  private readonly seen = new Map<string, number>();
  constructor(
    private readonly ttlMs = 2 * MAX_CLOCK_SKEW_S * 1000,
    private readonly maxEntries = 200_000,
  ) {}

  /** Records `id`; returns false when it was already recorded and not yet expired. */
  add(id: string, nowMs: number): boolean {
    const exp = this.seen.get(id);
    if (exp !== undefined && exp > nowMs) return false;
    if (this.seen.size >= this.maxEntries) this.prune(nowMs);
    this.seen.set(id, nowMs + this.ttlMs);
    return true;
  }

  private prune(nowMs: number): void {
    for (const [k, exp] of this.seen) if (exp <= nowMs) this.seen.delete(k);
    // Still full: drop the oldest tenth (Map iterates in insertion order).
    if (this.seen.size >= this.maxEntries) {
      let n = Math.ceil(this.maxEntries / 10);
      for (const k of this.seen.keys()) {
        if (n-- <= 0) break;
        this.seen.delete(k);
      }
    }
  }
}

function unauthenticated(detail: string): WzError {
  return new WzError('unauthenticated', 'Missing or invalid request signature.', { detail });
}

const HEADER = /^WZ-HMAC-SM3 keyId=([A-Za-z0-9._-]{1,64}),ts=([0-9]{1,12}),nonce=([A-Za-z0-9_-]{16,64}),sig=([A-Za-z0-9_-]{43})$/;

/**
 * Verifies an `Authorization` header against the request; returns the key id used.
 * Throws `WzError('unauthenticated')` (detail: which check failed) on any failure.
 */
export function verifyRequest(
  header: string | undefined,
  req: RequestToSign,
  keys: readonly SharedKey[],
  opts: { now?: Date; replay?: ReplayCache } = {},
): { keyId: string } {
  if (!header) throw unauthenticated('no authorization header');
  const m = HEADER.exec(header);
  if (!m) throw unauthenticated('malformed authorization header');
  const [, keyId, tsText, nonce, sigText] = m as unknown as [string, string, string, string, string];
  const key = keys.find((k) => k.keyId === keyId);
  if (!key) throw unauthenticated('unknown key id');
  const nowMs = (opts.now ?? new Date()).getTime();
  const ts = Number(tsText);
  if (Math.abs(nowMs / 1000 - ts) > MAX_CLOCK_SKEW_S) throw unauthenticated('timestamp outside the window');
  const expected = mac(key.key, { keyId, ts, nonce, method: req.method, path: req.path, bodyHash: bodyDigest(req.body) });
  const given = Buffer.from(sigText, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw unauthenticated('signature mismatch');
  if (opts.replay && !opts.replay.add(`${keyId}.${nonce}`, nowMs)) throw unauthenticated('replayed nonce');
  return { keyId };
}
