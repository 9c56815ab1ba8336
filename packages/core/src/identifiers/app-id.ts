/**
 * 网络身份应用标识 (application identifier): the per-relying-party pseudonym an RP sees
 * instead of the 网号 (an OpenID Connect pairwise `sub`).
 *
 *     appId = "A" ‖ 25 base-31 digits of (HMAC-SM3(key, msg) as a 256-bit integer mod 31^25)
 *     msg   = "wangzheng/app-id/v1" ‖ 0x00 ‖ u32(len(netid)) ‖ netid ‖ u32(len(sector)) ‖ sector
 *
 * 26 characters over the 网号 alphabet, so it can never be taken for a 网号 (10, or 11 in
 * display form) and survives being read aloud or copied by hand. 31^25 ≈ 2^123.9 values, bias
 * below 2^-132. Stable for one (person, sector); unlinkable across sectors without the key.
 *
 * The platform records (person, sector) → appId the first time it issues one, so rotating
 * the key never changes an existing pseudonym; `matchAppId` recognises one presented value
 * under any key still in the ring.
 *
 * Trust: the sector is the RP's registered sector identifier from the platform's own RP
 * records, never a value taken from a request.
 */

import { timingSafeEqual } from 'node:crypto';
import { bigToBase31, RADIX, symbolValue } from './alphabet.ts';
import { APP_ID_LABEL, assertKey, encodeMessage, hmacSm3, reduceToBigInt } from './derive.ts';
import { isValidNetid, type Netid } from './netid.ts';
import type { SecretRing } from './secret-ring.ts';

export type AppId = string & { readonly __brand: 'AppId' };

export const APP_ID_PREFIX = 'A';
export const APP_ID_DIGITS = 25;
export const APP_ID_LENGTH = APP_ID_PREFIX.length + APP_ID_DIGITS;
const APP_ID_SPACE = BigInt(RADIX) ** BigInt(APP_ID_DIGITS);

export interface DeriveAppIdOptions {
  /** The current app-id key (first entry of its ring), at least 32 bytes. */
  key: Uint8Array;
  /** The person's 网号, canonical form. */
  netid: Netid | string;
  /** The RP's sector identifier (RPs sharing a sector see the same pseudonym). */
  sector: string;
}

/**
 * The application identifier of the person `netid` at the RP sector `sector`.
 * @throws TypeError if the key is short, the 网号 is not canonical or the sector is empty.
 * @example deriveAppId({ key: ring[0].key, netid, sector: 'rp.example.cn' }) // 'A' + 25 symbols
 */
export function deriveAppId(opts: DeriveAppIdOptions): AppId {
  const { key, netid, sector } = opts;
  assertKey(key, 'app-id derivation');
  if (!isValidNetid(netid)) throw new TypeError('deriveAppId expects a canonical 网号');
  const msg = encodeMessage(APP_ID_LABEL, [netid, sector], ['netid', 'sector']);
  const digest = hmacSm3(key, msg);
  return (APP_ID_PREFIX + bigToBase31(reduceToBigInt(digest, digest.length, APP_ID_SPACE), APP_ID_DIGITS)) as AppId;
}

/** True iff `s` has the form of an application identifier ('A' + 25 alphabet symbols). */
export function isAppId(s: unknown): s is AppId {
  if (typeof s !== 'string' || s.length !== APP_ID_LENGTH || !s.startsWith(APP_ID_PREFIX)) return false;
  for (let i = APP_ID_PREFIX.length; i < APP_ID_LENGTH; i++) if (symbolValue(s.charCodeAt(i)) < 0) return false;
  return true;
}

export interface MatchAppIdOptions {
  ring: SecretRing;
  netid: Netid | string;
  sector: string;
  /** The presented value: untrusted. */
  appId: string;
}

/**
 * Whether `appId` is the application identifier of `netid` at `sector` under any key of the
 * ring. Returns the id of the matching key (the first entry for current values), or `null`.
 * Comparison is constant-time per key.
 */
export function matchAppId(opts: MatchAppIdOptions): string | null {
  if (!isAppId(opts.appId)) return null;
  const presented = Buffer.from(opts.appId, 'latin1');
  for (const { id, key } of opts.ring) {
    const expected = Buffer.from(deriveAppId({ key, netid: opts.netid, sector: opts.sector }), 'latin1');
    if (timingSafeEqual(expected, presented)) return id;
  }
  return null;
}
