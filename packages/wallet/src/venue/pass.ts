/**
 * The venue pass, wallet side (docs/venue.md) — portable: no `node:` module, no `Buffer`; the
 * device key and the hash come through the holder ports (holder/ports.ts), so the CLI and the web
 * wallet run the same code.
 *
 * 1. `requestVenuePass` — once a day or so: a `/v1/me` bound request to `POST /v1/me/venue-pass`
 *    whose presentation discloses `age_over_18` and `name` to the platform (and nothing else);
 *    the platform answers a signed pass plus the salts and values of `age_over_18` and
 *    `masked_name`. The wallet checks the pass is for THIS device and that the salts and values
 *    match its digests before keeping it.
 * 2. `presentVenuePass` — every 30 s while the QR code is on screen: the pass, the claims the
 *    person chose for this venue (none, `age_over_18`, and/or `masked_name`), the time and a
 *    fresh nonce, signed by the device key; the QR text `WZV:…`.
 *
 * Privacy: the device key and the status-list index are in every presentation of one pass, so
 * venues that compare notes can link the visits made with it. A pass lives 24 h; the wallet asks
 * for a fresh one (new salts and signature; the same device key and index) when
 * `venuePassNeedsRefresh` says so. The wallet must not keep a pass past its expiry.
 *
 * @example
 *   const grant = await requestVenuePass(new PlatformClient(url), holder);   // store it
 *   const text = await presentVenuePass(grant, { reveal: ['age_over_18'], signer: holder.signer, digest: holder.digest, now: Math.floor(Date.now() / 1000) });
 *   // render `text` as a QR code (alphanumeric mode, level M); again in 30 s
 */
import { WzError } from '@wangzheng/core/errors';
import { joinBoundNonce, requestBindingText } from '@wangzheng/core/person/request-binding';
import type { MeNonce } from '@wangzheng/core/person/views';
import {
  b64uDecode,
  claimDigest,
  compressJwk,
  createVenuePresentation,
  decodePass,
  suiteAlgs,
  VENUE_CLAIMS,
  type DecodedPass,
  type RevealedClaims,
  type VenueClaimName,
  type VenuePassGrant,
} from '@wangzheng/core/venue/index';
import { issuerOf, presentCredential } from '../holder/credential.ts';
import { b64uEncode, utf8 } from '../holder/encoding.ts';
import type { Holder, HolderDigest, HolderSigner } from '../holder/ports.ts';

export type { VenueClaimName, VenuePassGrant };

export const VENUE_PASS_PATH = '/v1/me/venue-pass';
/** What the presentation to the platform discloses for a pass: exactly these 网证 claims. */
export const VENUE_PASS_DISCLOSURES = ['age_over_18', 'name'] as const;

/** The platform's HTTP API as the wallet calls it (`PlatformClient` is one). */
export interface VenuePlatform {
  get<T>(path: string): Promise<T>;
  post<T>(path: string, body: unknown): Promise<T>;
}

function badPass(detail: string): WzError {
  return new WzError('invalid_credential', 'The venue pass from the platform does not fit this wallet; nothing was kept.', { detail });
}

/** Asks the platform for a venue pass, over a bound request, and checks it fits this device before returning it. */
export async function requestVenuePass(platform: VenuePlatform, holder: Holder): Promise<VenuePassGrant> {
  const { nonce } = await platform.get<MeNonce>('/v1/me/nonce');
  const body = { nonce };
  const digest = b64uEncode(await holder.digest('sm3', utf8(requestBindingText({ method: 'POST', path: VENUE_PASS_PATH, body }))));
  const presentation = await presentCredential(holder, {
    disclose: VENUE_PASS_DISCLOSURES,
    audience: issuerOf(holder.credential),
    nonce: joinBoundNonce(nonce, digest),
  });
  const grant = await platform.post<VenuePassGrant>(VENUE_PASS_PATH, { ...body, presentation });
  await checkVenuePass(grant, holder.signer, holder.digest);
  return grant;
}

/**
 * Is this pass for this device, and do its salts and values match its digests? Throws
 * `invalid_credential` otherwise. (The platform's signature is the checker's to verify: the
 * holder ports have no verification.)
 */
export async function checkVenuePass(grant: VenuePassGrant, signer: HolderSigner, digest: HolderDigest): Promise<DecodedPass> {
  const pass = passOf(grant);
  const own = compressJwk(signer.publicJwk);
  if (!own || own.alg !== pass.deviceAlg || b64uEncode(own.bytes) !== b64uEncode(pass.deviceKey) || signer.alg !== pass.deviceAlg) {
    throw badPass('device key differs');
  }
  const hash = suiteAlgs(pass.suite).hash;
  for (const name of VENUE_CLAIMS) {
    const c = grant.claims?.[name];
    const salt = typeof c?.salt === 'string' ? b64uDecode(c.salt) : undefined;
    if (!c || !salt || salt.length !== 16) throw badPass(`claim ${name} missing`);
    let d: Uint8Array;
    try {
      d = await claimDigest(hash, digest, name, salt, c.value);
    } catch {
      throw badPass(`claim ${name} malformed`);
    }
    if (b64uEncode(d) !== b64uEncode(pass.digests[name])) throw badPass(`claim ${name} does not match`);
  }
  return pass;
}

/** Fetch a new pass when half the current one's life has gone (or it is gone). `now` in epoch seconds. */
export function venuePassNeedsRefresh(grant: VenuePassGrant, now: number): boolean {
  let pass: DecodedPass;
  try {
    pass = passOf(grant);
  } catch {
    return true;
  }
  return now >= pass.issuedAt + Math.floor((pass.expiresAt - pass.issuedAt) / 2);
}

export interface PresentVenuePassOptions {
  /** The claims to show at this venue: none (result only), `age_over_18`, `masked_name`, or both. */
  readonly reveal: readonly VenueClaimName[];
  /** The device key the pass is bound to. */
  readonly signer: HolderSigner;
  readonly digest: HolderDigest;
  /** Epoch SECONDS. */
  readonly now: number;
  /** 12 random bytes; default fresh from WebCrypto. */
  readonly nonce?: Uint8Array;
}

/** The QR text for this moment (`WZV:` + base45). Make a new one every 30 s. */
export async function presentVenuePass(grant: VenuePassGrant, o: PresentVenuePassOptions): Promise<string> {
  if (!Number.isSafeInteger(o.now) || o.now > 1e11) throw new TypeError('presentVenuePass: now must be epoch seconds');
  const pass = passOf(grant);
  const own = compressJwk(o.signer.publicJwk);
  if (!own || o.signer.alg !== pass.deviceAlg || b64uEncode(own.bytes) !== b64uEncode(pass.deviceKey)) throw badPass('device key differs');
  if (o.now >= pass.expiresAt) throw new WzError('credential_expired', 'This venue pass has expired: fetch a new one.');
  const revealed: RevealedClaims = {};
  for (const name of new Set(o.reveal)) {
    if (!(VENUE_CLAIMS as readonly string[]).includes(name)) throw new TypeError(`presentVenuePass: unknown claim ${String(name)}`);
    const c = grant.claims[name];
    const salt = b64uDecode(c.salt);
    if (!salt) throw badPass(`claim ${name} salt`);
    if (name === 'age_over_18') revealed.age_over_18 = { salt, value: c.value as boolean };
    else revealed.masked_name = { salt, value: c.value as string };
  }
  return createVenuePresentation(pass.bytes, revealed, { signer: o.signer, digest: o.digest, presentedAt: o.now, ...(o.nonce ? { nonce: o.nonce } : {}) });
}

function passOf(grant: VenuePassGrant): DecodedPass {
  const bytes = typeof grant?.pass === 'string' ? b64uDecode(grant.pass) : undefined;
  const pass = bytes && decodePass(bytes);
  if (!pass || 'error' in pass) throw badPass('pass unreadable');
  return pass;
}
