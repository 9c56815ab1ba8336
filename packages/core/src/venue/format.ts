/**
 * The venue pass and its presentation, byte for byte (docs/venue.md has the tables). Portable:
 * no `node:` module, no `Buffer`.
 *
 * PASS (156 bytes), signed by the platform:
 *
 *   0   1  version (1)
 *   1   1  suite: 1 gm (SM2 with SM3, ID 1234567812345678; claim digests SM3) · 2 intl (ES256; SHA-256)
 *   2   8  kid: the first 8 bytes of the signing key's RFC 7638 thumbprint (SHA-256)
 *   10  4  issued at (u32, epoch seconds)
 *   14  4  expires at (u32, epoch seconds)
 *   18  4  status list id (u32; the Token Status List `/status-lists/<id>`)
 *   22  4  status index (u32) in that list — the 网证's own entry
 *   26  1  device key algorithm: 1 SM2 · 2 ES256 · 3 EdDSA
 *   27  33 device key: SEC 1 compressed point (SM2, P-256) or 00 ‖ Ed25519 key
 *   60  16 digest of the `age_over_18` claim (salted, truncated)
 *   76  16 digest of the `masked_name` claim (salted, truncated)
 *   92  64 platform signature (raw r‖s) over "wangzheng-venue-pass/v1" ‖ 00 ‖ bytes 0–91
 *
 * PRESENTATION (238–368 bytes), made by the wallet every 30 s and signed by the device key:
 *
 *   0    1   version (1)
 *   1    156 the pass
 *   157  4   presented at (u32, epoch seconds)
 *   161  12  nonce (random)
 *   173  1   which claims are revealed: bit 0 age_over_18, bit 1 masked_name (other bits 0)
 *   174  …   age_over_18 if revealed: salt (16) ‖ value (1: 00 false, 01 true)
 *        …   masked_name if revealed: salt (16) ‖ length (1, 1–96) ‖ UTF-8
 *   n−64 64  device signature over "wangzheng-venue-presentation/v1" ‖ 00 ‖ H(bytes 0 … n−65)
 *
 * Claim digest = H("wangzheng-venue-claim/v1" ‖ 00 ‖ claim code ‖ salt ‖ value)[0..16], H = SM3
 * (gm) or SHA-256 (intl); claim codes 1 age_over_18, 2 masked_name.
 *
 * Decoders never throw on hostile bytes: they answer `{ error }`.
 */
import { bytesEqual, concatBytes, fromUtf8, readU32, u32, utf8 } from '../encoding/bytes.ts';
import { algFromCode, DEVICE_ALG_CODES, DEVICE_KEY_BYTES, type VenueDeviceAlg } from './keys.ts';

export const VENUE_PASS_VERSION = 1;
export const VENUE_PRESENTATION_VERSION = 1;
/** The QR text: this prefix, then base45 of the presentation (QR alphanumeric mode). */
export const VENUE_QR_PREFIX = 'WZV:';

export const VENUE_PASS_CONTEXT = 'wangzheng-venue-pass/v1';
export const VENUE_PRESENTATION_CONTEXT = 'wangzheng-venue-presentation/v1';
export const VENUE_CLAIM_CONTEXT = 'wangzheng-venue-claim/v1';

export const KID_BYTES = 8;
export const CLAIM_DIGEST_BYTES = 16;
export const CLAIM_SALT_BYTES = 16;
export const NONCE_BYTES = 12;
export const SIGNATURE_BYTES = 64;
export const PASS_BODY_BYTES = 92;
export const PASS_BYTES = PASS_BODY_BYTES + SIGNATURE_BYTES;
/** The longest masked name a pass carries (UTF-8 bytes); the platform shortens longer ones (issue.ts). */
export const MAX_MASKED_NAME_BYTES = 96;
/** Bytes before the revealed claims: version, pass, time, nonce, mask. */
const PRESENTATION_HEAD = 1 + PASS_BYTES + 4 + NONCE_BYTES + 1;
export const MIN_PRESENTATION_BYTES = PRESENTATION_HEAD + SIGNATURE_BYTES;
export const MAX_PRESENTATION_BYTES = PRESENTATION_HEAD + (CLAIM_SALT_BYTES + 1) + (CLAIM_SALT_BYTES + 1 + MAX_MASKED_NAME_BYTES) + SIGNATURE_BYTES;

export type VenueSuite = 'gm' | 'intl';
export type VenueHashAlg = 'sm3' | 'sha-256';
export type VenueSigAlg = VenueDeviceAlg;

export const VENUE_CLAIMS = ['age_over_18', 'masked_name'] as const;
export type VenueClaimName = (typeof VENUE_CLAIMS)[number];
export const CLAIM_CODES: Readonly<Record<VenueClaimName, number>> = { age_over_18: 1, masked_name: 2 };
const CLAIM_BITS: Readonly<Record<VenueClaimName, number>> = { age_over_18: 1, masked_name: 2 };

export interface VenueClaimValues {
  age_over_18?: boolean;
  masked_name?: string;
}

/** A claim as the wallet keeps it and reveals it: the salt and the value. */
export interface RevealedClaim<V> {
  readonly salt: Uint8Array;
  readonly value: V;
}

export interface RevealedClaims {
  age_over_18?: RevealedClaim<boolean>;
  masked_name?: RevealedClaim<string>;
}

export const SUITE_CODES: Readonly<Record<VenueSuite, number>> = { gm: 1, intl: 2 };

export function suiteFromCode(code: number): VenueSuite | undefined {
  return code === 1 ? 'gm' : code === 2 ? 'intl' : undefined;
}

/** The platform signature algorithm and the claim hash of a suite. */
export function suiteAlgs(suite: VenueSuite): { sig: 'SM2' | 'ES256'; hash: VenueHashAlg } {
  return suite === 'gm' ? { sig: 'SM2', hash: 'sm3' } : { sig: 'ES256', hash: 'sha-256' };
}

/** What the platform signs (everything but the signature). */
export interface VenuePassFields {
  readonly suite: VenueSuite;
  readonly kid: Uint8Array;
  readonly issuedAt: number;
  readonly expiresAt: number;
  readonly statusList: number;
  readonly statusIndex: number;
  readonly deviceAlg: VenueDeviceAlg;
  readonly deviceKey: Uint8Array;
  readonly digests: { readonly age_over_18: Uint8Array; readonly masked_name: Uint8Array };
}

export interface DecodedPass extends VenuePassFields {
  /** All 156 bytes. */
  readonly bytes: Uint8Array;
  /** Bytes 0–91: what the signature covers (after the context). */
  readonly body: Uint8Array;
  readonly signature: Uint8Array;
}

export interface DecodedPresentation {
  readonly pass: DecodedPass;
  readonly presentedAt: number;
  readonly nonce: Uint8Array;
  readonly revealed: RevealedClaims;
  /** Every byte before the device signature. */
  readonly signed: Uint8Array;
  readonly signature: Uint8Array;
}

export type DecodeError = 'unsupported_version' | 'malformed';

// ---------------------------------------------------------------------------------------
// encoding

/** The 92 signed bytes of a pass. Programming errors (a field out of range) throw TypeError. */
export function encodePassBody(f: VenuePassFields): Uint8Array {
  if (f.kid.length !== KID_BYTES) throw new TypeError('pass: kid must be 8 bytes');
  if (f.deviceKey.length !== DEVICE_KEY_BYTES) throw new TypeError('pass: device key must be 33 bytes');
  if (f.digests.age_over_18.length !== CLAIM_DIGEST_BYTES || f.digests.masked_name.length !== CLAIM_DIGEST_BYTES) throw new TypeError('pass: digests must be 16 bytes');
  if (!(f.expiresAt > f.issuedAt)) throw new TypeError('pass: expiresAt must be after issuedAt');
  const out = concatBytes(
    new Uint8Array([VENUE_PASS_VERSION, SUITE_CODES[f.suite]]),
    f.kid,
    u32(f.issuedAt),
    u32(f.expiresAt),
    u32(f.statusList),
    u32(f.statusIndex),
    new Uint8Array([DEVICE_ALG_CODES[f.deviceAlg]]),
    f.deviceKey,
    f.digests.age_over_18,
    f.digests.masked_name,
  );
  if (out.length !== PASS_BODY_BYTES) throw new TypeError('pass: body length');
  return out;
}

/** The bytes the platform key signs for a pass body (domain-separated from every JWS it signs). */
export function passSigningInput(body: Uint8Array): Uint8Array {
  return concatBytes(utf8(VENUE_PASS_CONTEXT), new Uint8Array([0]), body);
}

/** The bytes of a presentation before its device signature. */
export function encodePresentationUnsigned(pass: Uint8Array, presentedAt: number, nonce: Uint8Array, revealed: RevealedClaims): Uint8Array {
  if (pass.length !== PASS_BYTES) throw new TypeError('presentation: the pass must be 156 bytes');
  if (nonce.length !== NONCE_BYTES) throw new TypeError('presentation: the nonce must be 12 bytes');
  let mask = 0;
  const parts: Uint8Array[] = [];
  if (revealed.age_over_18) {
    mask |= CLAIM_BITS.age_over_18;
    checkSalt(revealed.age_over_18.salt);
    parts.push(revealed.age_over_18.salt, new Uint8Array([revealed.age_over_18.value ? 1 : 0]));
  }
  if (revealed.masked_name) {
    mask |= CLAIM_BITS.masked_name;
    checkSalt(revealed.masked_name.salt);
    const v = claimValueBytes('masked_name', revealed.masked_name.value);
    parts.push(revealed.masked_name.salt, new Uint8Array([v.length]), v);
  }
  return concatBytes(new Uint8Array([VENUE_PRESENTATION_VERSION]), pass, u32(presentedAt), nonce, new Uint8Array([mask]), ...parts);
}

/** What the device key signs: context ‖ 00 ‖ H(the unsigned presentation). */
export function presentationSigningInput(digestOfUnsigned: Uint8Array): Uint8Array {
  return concatBytes(utf8(VENUE_PRESENTATION_CONTEXT), new Uint8Array([0]), digestOfUnsigned);
}

/** The value bytes a claim digest covers: `age_over_18` one byte, `masked_name` its UTF-8 (1–96 bytes). */
export function claimValueBytes(name: VenueClaimName, value: boolean | string): Uint8Array {
  if (name === 'age_over_18') {
    if (typeof value !== 'boolean') throw new TypeError('age_over_18 must be a boolean');
    return new Uint8Array([value ? 1 : 0]);
  }
  if (typeof value !== 'string') throw new TypeError('masked_name must be a string');
  const b = utf8(value);
  if (b.length === 0 || b.length > MAX_MASKED_NAME_BYTES) throw new TypeError(`masked_name must be 1–${MAX_MASKED_NAME_BYTES} UTF-8 bytes`);
  return b;
}

/** The input of a claim digest (hash it with the suite's hash, keep the first 16 bytes). */
export function claimDigestInput(name: VenueClaimName, salt: Uint8Array, value: boolean | string): Uint8Array {
  checkSalt(salt);
  return concatBytes(utf8(VENUE_CLAIM_CONTEXT), new Uint8Array([0, CLAIM_CODES[name]]), salt, claimValueBytes(name, value));
}

function checkSalt(salt: Uint8Array): void {
  if (!(salt instanceof Uint8Array) || salt.length !== CLAIM_SALT_BYTES) throw new TypeError('a claim salt must be 16 bytes');
}

// ---------------------------------------------------------------------------------------
// decoding (hostile input: never throws)

export function decodePass(bytes: Uint8Array): DecodedPass | { error: DecodeError } {
  if (bytes.length < 1) return { error: 'malformed' };
  if (bytes[0] !== VENUE_PASS_VERSION) return { error: 'unsupported_version' };
  if (bytes.length !== PASS_BYTES) return { error: 'malformed' };
  const suite = suiteFromCode(bytes[1]!);
  const deviceAlg = algFromCode(bytes[26]!);
  if (!suite || !deviceAlg) return { error: 'malformed' };
  const issuedAt = readU32(bytes, 10);
  const expiresAt = readU32(bytes, 14);
  if (expiresAt <= issuedAt) return { error: 'malformed' };
  return {
    bytes,
    body: bytes.subarray(0, PASS_BODY_BYTES),
    signature: bytes.subarray(PASS_BODY_BYTES, PASS_BYTES),
    suite,
    kid: bytes.subarray(2, 10),
    issuedAt,
    expiresAt,
    statusList: readU32(bytes, 18),
    statusIndex: readU32(bytes, 22),
    deviceAlg,
    deviceKey: bytes.subarray(27, 60),
    digests: { age_over_18: bytes.subarray(60, 76), masked_name: bytes.subarray(76, 92) },
  };
}

export function decodePresentation(bytes: Uint8Array): DecodedPresentation | { error: DecodeError } {
  if (bytes.length < 2) return { error: 'malformed' };
  if (bytes[0] !== VENUE_PRESENTATION_VERSION || bytes[1] !== VENUE_PASS_VERSION) return { error: 'unsupported_version' };
  if (bytes.length < MIN_PRESENTATION_BYTES || bytes.length > MAX_PRESENTATION_BYTES) return { error: 'malformed' };
  const pass = decodePass(bytes.subarray(1, 1 + PASS_BYTES));
  if ('error' in pass) return pass;
  let o = 1 + PASS_BYTES;
  const presentedAt = readU32(bytes, o);
  o += 4;
  const nonce = bytes.subarray(o, o + NONCE_BYTES);
  o += NONCE_BYTES;
  const mask = bytes[o++]!;
  if ((mask & ~3) !== 0) return { error: 'malformed' };
  const end = bytes.length - SIGNATURE_BYTES;
  const revealed: RevealedClaims = {};
  if (mask & CLAIM_BITS.age_over_18) {
    if (o + CLAIM_SALT_BYTES + 1 > end) return { error: 'malformed' };
    const salt = bytes.subarray(o, o + CLAIM_SALT_BYTES);
    const v = bytes[o + CLAIM_SALT_BYTES]!;
    if (v > 1) return { error: 'malformed' };
    revealed.age_over_18 = { salt, value: v === 1 };
    o += CLAIM_SALT_BYTES + 1;
  }
  if (mask & CLAIM_BITS.masked_name) {
    if (o + CLAIM_SALT_BYTES + 1 > end) return { error: 'malformed' };
    const salt = bytes.subarray(o, o + CLAIM_SALT_BYTES);
    const len = bytes[o + CLAIM_SALT_BYTES]!;
    o += CLAIM_SALT_BYTES + 1;
    if (len === 0 || len > MAX_MASKED_NAME_BYTES || o + len > end) return { error: 'malformed' };
    const value = fromUtf8(bytes.subarray(o, o + len));
    if (value === undefined) return { error: 'malformed' };
    revealed.masked_name = { salt, value };
    o += len;
  }
  if (o !== end) return { error: 'malformed' };
  return { pass, presentedAt, nonce, revealed, signed: bytes.subarray(0, end), signature: bytes.subarray(end) };
}

/** Does the first 8 bytes of a thumbprint (the digest, not its base64url) name this pass's key? */
export function kidMatches(pass: Pick<VenuePassFields, 'kid'>, thumbprintDigest: Uint8Array): boolean {
  return thumbprintDigest.length >= KID_BYTES && bytesEqual(pass.kid, thumbprintDigest.subarray(0, KID_BYTES));
}
