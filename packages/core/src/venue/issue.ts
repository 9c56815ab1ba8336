/**
 * Issuing a venue pass (platform side), portable: the compact signed structure of format.ts,
 * salted digests of `age_over_18` and `masked_name`, and the salts and values that go to the
 * wallet — and only to the wallet: the issuer keeps none of them.
 *
 * Digest truncation to 16 bytes: a claim digest is a commitment made by the platform with a
 * salt the platform draws (128 random bits). Changing a revealed value means finding another
 * (salt, value) with the same 128-bit prefix of SM3/SHA-256 — a second preimage, ~2^128 work
 * (collision attacks do not apply: the holder does not choose the committed input). Hiding
 * rests on the 128-bit salt, not on the digest length: a venue that is not shown the salt
 * learns nothing about the value, even for a boolean. See docs/venue.md.
 *
 * @example
 *   const issued = await issueVenuePass({
 *     signer, suite: 'gm', digest, issuedAt: now, expiresAt: now + 86_400,
 *     status: { list: 1, idx: 4711 }, deviceJwk, claims: { age_over_18: true, masked_name: '刘*' },
 *   });
 *   // issued.pass: 156 bytes; issued.claims: { age_over_18: { salt, value }, masked_name: { salt, value } }
 */
import type { PublicJwk } from '../crypto/types.ts';
import { b64uEncode, randomBytes, utf8 } from '../encoding/bytes.ts';
import {
  CLAIM_DIGEST_BYTES,
  CLAIM_SALT_BYTES,
  claimDigestInput,
  encodePassBody,
  KID_BYTES,
  MAX_MASKED_NAME_BYTES,
  passSigningInput,
  PASS_BYTES,
  SIGNATURE_BYTES,
  suiteAlgs,
  type RevealedClaim,
  type VenueClaimName,
  type VenueHashAlg,
  type VenueSuite,
} from './format.ts';
import { compressJwk } from './keys.ts';
import type { VenueCrypto, VenueSigner } from './ports.ts';
import { thumbprintDigest } from './thumbprint.ts';

/** How long a pass is valid by default (the wallet fetches a fresh one when it is older than half of it). */
export const VENUE_PASS_TTL_SECONDS = 86_400;

export interface IssueVenuePassOptions {
  /** The platform's credential signing key of `suite` (SM2 for gm, ES256 for intl). */
  readonly signer: VenueSigner;
  readonly suite: VenueSuite;
  readonly digest: VenueCrypto['digest'];
  /** Epoch seconds. */
  readonly issuedAt: number;
  readonly expiresAt: number;
  /** The 网证's Token Status List entry. */
  readonly status: { readonly list: number | string; readonly idx: number };
  /** The device key the 网证 is bound to (its `cnf.jwk`). */
  readonly deviceJwk: PublicJwk;
  readonly claims: { readonly age_over_18: boolean; readonly masked_name: string };
  /** Salt source (tests); default WebCrypto `getRandomValues`. */
  readonly random?: (n: number) => Uint8Array;
}

export interface IssuedVenuePass {
  readonly pass: Uint8Array;
  readonly claims: { readonly age_over_18: RevealedClaim<boolean>; readonly masked_name: RevealedClaim<string> };
}

/** The wire form of a pass for the wallet (`POST /v1/me/venue-pass`): base64url bytes, salts, values. */
export interface VenuePassGrant {
  /** base64url of the 156-byte pass. */
  readonly pass: string;
  /** ISO 8601. */
  readonly issuedAt: string;
  readonly expiresAt: string;
  readonly claims: {
    readonly age_over_18: { readonly salt: string; readonly value: boolean };
    readonly masked_name: { readonly salt: string; readonly value: string };
  };
}

/** A claim's 16-byte salted digest under the suite's hash. */
export async function claimDigest(hash: VenueHashAlg, digest: VenueCrypto['digest'], name: VenueClaimName, salt: Uint8Array, value: boolean | string): Promise<Uint8Array> {
  const d = await digest(hash, claimDigestInput(name, salt, value));
  return d.slice(0, CLAIM_DIGEST_BYTES);
}

/**
 * A masked name that fits a pass (≤ 96 UTF-8 bytes): unchanged when it fits, else cut at a
 * character boundary and ended with "…". A Chinese masked name (刘*, 欧阳**) always fits.
 */
export function fitMaskedName(masked: string): string {
  const t = masked.trim();
  if (utf8(t).length <= MAX_MASKED_NAME_BYTES) return t;
  let out = '';
  for (const c of t) {
    if (utf8(`${out}${c}…`).length > MAX_MASKED_NAME_BYTES) break;
    out += c;
  }
  return `${out.trimEnd()}…`;
}

export async function issueVenuePass(o: IssueVenuePassOptions): Promise<IssuedVenuePass> {
  const { sig, hash } = suiteAlgs(o.suite);
  if (o.signer.alg !== sig) throw new TypeError(`issueVenuePass: the ${o.suite} suite signs with ${sig}, not ${o.signer.alg}`);
  const device = compressJwk(o.deviceJwk);
  if (!device) throw new TypeError('issueVenuePass: the device key must be an SM2, P-256 or Ed25519 public JWK');
  const list = typeof o.status.list === 'string' ? Number(o.status.list) : o.status.list;
  if (!Number.isSafeInteger(list) || list < 0 || String(list) !== String(o.status.list)) throw new TypeError('issueVenuePass: the status list id must be a decimal integer');
  const random = o.random ?? randomBytes;
  const ageSalt = random(CLAIM_SALT_BYTES);
  const nameSalt = random(CLAIM_SALT_BYTES);
  const maskedName = o.claims.masked_name;
  const kid = (await thumbprintDigest(o.signer.publicJwk, o.digest)).slice(0, KID_BYTES);
  const body = encodePassBody({
    suite: o.suite,
    kid,
    issuedAt: o.issuedAt,
    expiresAt: o.expiresAt,
    statusList: list,
    statusIndex: o.status.idx,
    deviceAlg: device.alg,
    deviceKey: device.bytes,
    digests: {
      age_over_18: await claimDigest(hash, o.digest, 'age_over_18', ageSalt, o.claims.age_over_18),
      masked_name: await claimDigest(hash, o.digest, 'masked_name', nameSalt, maskedName),
    },
  });
  const signature = await o.signer.sign(passSigningInput(body));
  if (signature.length !== SIGNATURE_BYTES) throw new TypeError('issueVenuePass: the signer must return a raw 64-byte signature');
  const pass = new Uint8Array(PASS_BYTES);
  pass.set(body, 0);
  pass.set(signature, body.length);
  return { pass, claims: { age_over_18: { salt: ageSalt, value: o.claims.age_over_18 }, masked_name: { salt: nameSalt, value: maskedName } } };
}

/** The wire form of an issued pass. */
export function venuePassGrant(issued: IssuedVenuePass, issuedAt: number, expiresAt: number): VenuePassGrant {
  return {
    pass: b64uEncode(issued.pass),
    issuedAt: new Date(issuedAt * 1000).toISOString(),
    expiresAt: new Date(expiresAt * 1000).toISOString(),
    claims: {
      age_over_18: { salt: b64uEncode(issued.claims.age_over_18.salt), value: issued.claims.age_over_18.value },
      masked_name: { salt: b64uEncode(issued.claims.masked_name.salt), value: issued.claims.masked_name.value },
    },
  };
}
