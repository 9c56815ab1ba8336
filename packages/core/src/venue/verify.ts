/**
 * Checking a venue QR code — OFFLINE, at the venue, with the platform's JWKS and Token Status
 * List(s) cached beforehand. Portable (bundled into a browser page): no `node:` module, no
 * `Buffer`; signatures and hashes go through the injected `crypto` port.
 *
 * The checks, in order, each with its stable code (docs/venue.md):
 *
 *   1. prefix `WZV:`                                   venue_not_a_pass (another kind of QR code)
 *   2. base45, length                                   venue_malformed
 *   3. presentation and pass version                   venue_unsupported_version
 *   4. structure (fields, lengths, trailing bytes)     venue_malformed
 *   5. a cached platform key with the pass's kid,      venue_unknown_key
 *      of the pass's suite (SM2 gm / ES256 intl)
 *   6. the platform signature on the pass              venue_pass_signature_invalid
 *   7. the pass's validity (iat − skew ≤ now < exp + skew)   venue_pass_not_yet_valid / venue_pass_expired
 *   8. the presentation's time: at most 60 s old, not ahead   venue_stale / venue_presented_in_future
 *      (each with the clock skew, default 10 s)
 *   9. the device key in the pass is a point of its curve     venue_malformed
 *  10. the device signature over the presentation             venue_device_signature_invalid
 *  11. each revealed claim matches its salted digest          venue_claim_mismatch
 *  12. the 网证's status in the cached list                    venue_revoked / venue_suspended / venue_status_unknown
 *  13. never seen before (device key + nonce)                  venue_replayed
 *
 * Only when everything passed is the presentation recorded in `seen` (until it would be stale
 * anyway). Nothing here throws on hostile input: every failure is `{ ok: false, code, message }`.
 * A port that throws counts as a failed check (a verify that throws = a bad signature).
 */
import type { PublicJwk } from '../crypto/types.ts';
import { base45Decode, b64uEncode, bytesEqual, concatBytes } from '../encoding/bytes.ts';
import {
  CLAIM_DIGEST_BYTES,
  claimDigestInput,
  decodePresentation,
  kidMatches,
  MAX_PRESENTATION_BYTES,
  passSigningInput,
  presentationSigningInput,
  suiteAlgs,
  VENUE_QR_PREFIX,
  type DecodedPresentation,
  type VenueClaimName,
  type VenueSuite,
} from './format.ts';
import { algOfJwk, jwkFromCompressed } from './keys.ts';
import type { VenueCrypto, VenueReplayCache, VenueStatus, VenueStatusAnswer, VenueStatusLookup } from './ports.ts';
import { thumbprintDigest } from './thumbprint.ts';

/** How old a presentation may be (the wallet makes a new one every 30 s). */
export const VENUE_MAX_AGE_SECONDS = 60;
/** Tolerated difference between the phone's clock and the checker's, both ways. */
export const VENUE_CLOCK_SKEW_SECONDS = 10;
/** How often the wallet shows a new QR code. */
export const VENUE_REFRESH_SECONDS = 30;

/** Stable result codes of the checker, with their English text (`VENUE_CHECK_MESSAGES_ZH` for the page). */
export const VENUE_CHECK_MESSAGES = {
  venue_not_a_pass: 'This QR code is not a Wangzheng venue pass.',
  venue_malformed: 'This venue pass QR code is damaged or incomplete.',
  venue_unsupported_version: 'This venue pass has a format version this checker does not know; update the checker.',
  venue_unknown_key: 'This venue pass is signed by a key this checker does not have; refresh the platform keys.',
  venue_pass_signature_invalid: 'The platform signature on this venue pass is not valid.',
  venue_pass_not_yet_valid: 'This venue pass is not valid yet (check the clock of this checker).',
  venue_pass_expired: 'This venue pass has expired; the wallet must fetch a new one.',
  venue_stale: 'This QR code is more than a minute old; ask for the live code.',
  venue_presented_in_future: 'This QR code is dated in the future (check the clocks of the phone and of this checker).',
  venue_device_signature_invalid: 'This QR code was not made by the phone the pass belongs to.',
  venue_claim_mismatch: 'A shown value does not match the venue pass.',
  venue_revoked: 'This 网证 has been revoked.',
  venue_suspended: 'This 网证 is suspended.',
  venue_status_unknown: 'The status of this 网证 is not in this checker’s cached lists; refresh them.',
  venue_replayed: 'This QR code has already been used; ask for the live code.',
  venue_check_failed: 'The check could not be completed on this device.',
} as const;

export type VenueCheckCode = keyof typeof VENUE_CHECK_MESSAGES;
export const VENUE_CHECK_CODES = Object.keys(VENUE_CHECK_MESSAGES) as VenueCheckCode[];

export const VENUE_CHECK_MESSAGES_ZH: Readonly<Record<VenueCheckCode, string>> = {
  venue_not_a_pass: '这不是网证场所码。',
  venue_malformed: '场所码已损坏或不完整。',
  venue_unsupported_version: '场所码格式版本未知，请更新核验程序。',
  venue_unknown_key: '场所码的签名密钥未缓存，请更新平台公钥。',
  venue_pass_signature_invalid: '场所码的平台签名无效。',
  venue_pass_not_yet_valid: '场所码尚未生效（请检查核验设备时间）。',
  venue_pass_expired: '场所码已过期，请在网证应用中刷新。',
  venue_stale: '二维码已超过一分钟，请出示实时二维码。',
  venue_presented_in_future: '二维码时间超前（请检查手机和核验设备时间）。',
  venue_device_signature_invalid: '二维码不是由该网证绑定的手机生成的。',
  venue_claim_mismatch: '出示的信息与场所码不符。',
  venue_revoked: '该网证已被注销或吊销。',
  venue_suspended: '该网证已被暂停使用。',
  venue_status_unknown: '核验设备未缓存该网证的状态，请更新状态列表。',
  venue_replayed: '该二维码已使用过，请出示实时二维码。',
  venue_check_failed: '本设备无法完成核验。',
};

/** The QR text is never longer than this (base45 of the largest presentation, plus the prefix). */
export const MAX_VENUE_QR_CHARS = VENUE_QR_PREFIX.length + Math.ceil(MAX_PRESENTATION_BYTES / 2) * 3;

export interface VerifyVenueOptions {
  /** The checker's clock, epoch SECONDS. */
  readonly now: number;
  /** The platform's cached JWKS (its `keys`, or the set itself). */
  readonly keys: readonly unknown[] | { readonly keys: readonly unknown[] };
  readonly statusLookup: VenueStatusLookup;
  readonly seen: VenueReplayCache;
  readonly crypto: VenueCrypto;
  /** Default VENUE_CLOCK_SKEW_SECONDS (10); at most 120. */
  readonly clockSkewSeconds?: number;
}

export interface VenueRevealed {
  age_over_18?: boolean;
  masked_name?: string;
}

export type VenueCheckResult =
  | {
      readonly ok: true;
      readonly revealed: VenueRevealed;
      /** Epoch seconds. */
      readonly passExpiresAt: number;
      readonly presentedAt: number;
      /** The status came from a list older than its `ttl`: the checker must say so. */
      readonly statusStale: boolean;
    }
  | { readonly ok: false; readonly code: VenueCheckCode; readonly message: string };

function fail(code: VenueCheckCode): VenueCheckResult {
  return { ok: false, code, message: VENUE_CHECK_MESSAGES[code] };
}

/**
 * Verifies the text of a scanned QR code.
 *
 * @example
 *   const r = await verifyVenuePresentation(scanned, { now: Math.floor(Date.now() / 1000), keys: jwks, statusLookup: lists.lookup, seen, crypto });
 *   if (r.ok) show(r.revealed); else show(r.code, r.message);
 */
export async function verifyVenuePresentation(text: unknown, o: VerifyVenueOptions): Promise<VenueCheckResult> {
  if (!o || typeof o.now !== 'number' || !Number.isFinite(o.now)) throw new TypeError('verifyVenuePresentation: opts.now (epoch seconds) is required');
  if (o.now > 1e11) throw new TypeError('verifyVenuePresentation: opts.now must be in seconds, not milliseconds');
  if (!o.crypto || !o.seen || typeof o.statusLookup !== 'function') throw new TypeError('verifyVenuePresentation: crypto, seen and statusLookup are required');
  const skew = o.clockSkewSeconds ?? VENUE_CLOCK_SKEW_SECONDS;
  if (!Number.isInteger(skew) || skew < 0 || skew > 120) throw new TypeError('verifyVenuePresentation: clockSkewSeconds must be 0–120');
  try {
    return await check(text, o, Math.floor(o.now), skew);
  } catch {
    return fail('venue_check_failed');
  }
}

async function check(text: unknown, o: VerifyVenueOptions, now: number, skew: number): Promise<VenueCheckResult> {
  // 1–4: what it is, and its structure.
  if (typeof text !== 'string' || !text.startsWith(VENUE_QR_PREFIX)) return fail('venue_not_a_pass');
  if (text.length > MAX_VENUE_QR_CHARS) return fail('venue_malformed');
  const bytes = base45Decode(text.slice(VENUE_QR_PREFIX.length));
  if (!bytes) return fail('venue_malformed');
  const p = decodePresentation(bytes);
  if ('error' in p) return fail(p.error === 'unsupported_version' ? 'venue_unsupported_version' : 'venue_malformed');
  const pass = p.pass;
  const { sig, hash } = suiteAlgs(pass.suite);

  // 5–6: the platform's signature, with a cached key of the pass's suite named by kid.
  const candidates = await keysFor(pass.suite, pass, o);
  if (candidates.length === 0) return fail('venue_unknown_key');
  let signed = false;
  for (const key of candidates) {
    if (await verifySafe(o.crypto, sig, key, passSigningInput(pass.body), pass.signature)) {
      signed = true;
      break;
    }
  }
  if (!signed) return fail('venue_pass_signature_invalid');

  // 7–8: times.
  if (pass.issuedAt > now + skew) return fail('venue_pass_not_yet_valid');
  if (now >= pass.expiresAt + skew) return fail('venue_pass_expired');
  if (p.presentedAt > now + skew) return fail('venue_presented_in_future');
  if (now - p.presentedAt > VENUE_MAX_AGE_SECONDS + skew) return fail('venue_stale');

  // 9–10: the device key in the pass signed this presentation.
  const deviceJwk = jwkFromCompressed(pass.deviceAlg, pass.deviceKey);
  if (!deviceJwk) return fail('venue_malformed');
  const input = presentationSigningInput(await o.crypto.digest(hash, p.signed));
  if (!(await verifySafe(o.crypto, pass.deviceAlg, deviceJwk, input, p.signature))) return fail('venue_device_signature_invalid');

  // 11: revealed claims against their digests.
  const revealed: VenueRevealed = {};
  for (const name of ['age_over_18', 'masked_name'] as const satisfies readonly VenueClaimName[]) {
    const c = p.revealed[name];
    if (!c) continue;
    const d = await o.crypto.digest(hash, claimDigestInput(name, c.salt, c.value));
    if (d.length < CLAIM_DIGEST_BYTES || !bytesEqual(d.subarray(0, CLAIM_DIGEST_BYTES), pass.digests[name])) return fail('venue_claim_mismatch');
    if (name === 'age_over_18') revealed.age_over_18 = c.value as boolean;
    else revealed.masked_name = c.value as string;
  }

  // 12: the 网证's status in the cached list.
  const status = await lookup(o.statusLookup, String(pass.statusList), pass.statusIndex, now);
  if (status.status === 'revoked') return fail('venue_revoked');
  if (status.status === 'suspended') return fail('venue_suspended');
  if (status.status !== 'valid') return fail('venue_status_unknown');

  // 13: first use of this presentation, then remember it until it would be stale anyway.
  const key = replayKey(p);
  if (await o.seen.has(key)) return fail('venue_replayed');
  await o.seen.add(key, p.presentedAt + VENUE_MAX_AGE_SECONDS + skew + 1);
  return { ok: true, revealed, passExpiresAt: pass.expiresAt, presentedAt: p.presentedAt, statusStale: status.stale === true };
}

/** The replay-cache key of a presentation: its device key and nonce (signed, so not malleable). */
export function replayKey(p: Pick<DecodedPresentation, 'pass' | 'nonce'>): string {
  return b64uEncode(concatBytes(p.pass.deviceKey, p.nonce));
}

async function verifySafe(crypto: VenueCrypto, alg: 'SM2' | 'ES256' | 'EdDSA', key: PublicJwk, data: Uint8Array, signature: Uint8Array): Promise<boolean> {
  try {
    return (await crypto.verify(alg, key, data, signature)) === true;
  } catch {
    return false;
  }
}

async function lookup(f: VenueStatusLookup, listId: string, idx: number, now: number): Promise<VenueStatusAnswer> {
  let a: VenueStatus | VenueStatusAnswer;
  try {
    a = await f(listId, idx, now);
  } catch {
    return { status: 'unknown' };
  }
  if (typeof a === 'string') return { status: a };
  return a && typeof a === 'object' && typeof a.status === 'string' ? a : { status: 'unknown' };
}

/** Public JWKs of the cached set usable for the suite (SM2 for gm, ES256 for intl) whose thumbprint starts with the pass's kid. */
async function keysFor(suite: VenueSuite, pass: { kid: Uint8Array }, o: VerifyVenueOptions): Promise<PublicJwk[]> {
  const list: readonly unknown[] = Array.isArray(o.keys) ? o.keys : ((o.keys as { keys?: unknown }).keys as readonly unknown[]) ?? [];
  if (!Array.isArray(list)) return [];
  const want = suiteAlgs(suite).sig;
  const out: PublicJwk[] = [];
  for (const k of list) {
    const jwk = publicJwkOf(k);
    if (!jwk || algOfJwk(jwk) !== want || (jwk.alg !== undefined && jwk.alg !== want)) continue;
    if (kidMatches(pass, await thumbprintDigest(jwk, o.crypto.digest))) out.push(jwk);
  }
  return out;
}

/** The public members of a JWK from a JWKS (which may carry more), or undefined if it is not a usable public key. */
function publicJwkOf(k: unknown): PublicJwk | undefined {
  if (typeof k !== 'object' || k === null) return undefined;
  const r = k as Record<string, unknown>;
  if ('d' in r) return undefined; // private material has no place in a JWKS
  if (typeof r['kty'] !== 'string' || typeof r['crv'] !== 'string' || typeof r['x'] !== 'string') return undefined;
  if (r['kty'] === 'EC' && typeof r['y'] !== 'string') return undefined;
  const jwk: PublicJwk = { kty: r['kty'] as PublicJwk['kty'], crv: r['crv'] as PublicJwk['crv'], x: r['x'] };
  if (typeof r['y'] === 'string') jwk.y = r['y'];
  if (typeof r['alg'] === 'string') jwk.alg = r['alg'] as PublicJwk['alg'];
  return jwk;
}
