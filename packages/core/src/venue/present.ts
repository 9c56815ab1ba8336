/**
 * Making the QR text of a venue presentation (wallet side), portable: the pass, the claims the
 * person chose to reveal (salt and value), the time, a fresh nonce, and the device key's
 * signature over a domain-separated digest of all of that; then `WZV:` + base45.
 *
 * Trust: the pass is the wallet's own (checked when it was fetched); nothing here verifies it.
 */
import { base45Encode, concatBytes, randomBytes } from '../encoding/bytes.ts';
import {
  encodePresentationUnsigned,
  NONCE_BYTES,
  PASS_BYTES,
  presentationSigningInput,
  SIGNATURE_BYTES,
  suiteAlgs,
  suiteFromCode,
  VENUE_QR_PREFIX,
  type RevealedClaims,
  type VenueHashAlg,
  type VenueSigAlg,
} from './format.ts';

/** The device key: signs raw r‖s (SM2 with ID 1234567812345678, ES256) or RFC 8032 (EdDSA). */
export interface VenueDeviceSigner {
  readonly alg: VenueSigAlg;
  sign(data: Uint8Array): Promise<Uint8Array>;
}

export interface CreateVenuePresentationOptions {
  readonly signer: VenueDeviceSigner;
  readonly digest: (alg: VenueHashAlg, data: Uint8Array) => Promise<Uint8Array>;
  /** Epoch seconds. */
  readonly presentedAt: number;
  /** 12 random bytes; default fresh from WebCrypto. */
  readonly nonce?: Uint8Array;
}

/** The binary presentation (format.ts). */
export async function createVenuePresentationBytes(pass: Uint8Array, revealed: RevealedClaims, o: CreateVenuePresentationOptions): Promise<Uint8Array> {
  if (pass.length !== PASS_BYTES) throw new TypeError('createVenuePresentation: a 156-byte pass is required');
  const suite = suiteFromCode(pass[1]!);
  if (!suite) throw new TypeError('createVenuePresentation: the pass names no known suite');
  const nonce = o.nonce ?? randomBytes(NONCE_BYTES);
  if (nonce.length !== NONCE_BYTES) throw new TypeError(`createVenuePresentation: the nonce must be ${NONCE_BYTES} bytes`);
  if (!Number.isSafeInteger(o.presentedAt) || o.presentedAt < 0 || o.presentedAt > 0xffffffff) throw new TypeError('createVenuePresentation: presentedAt must be epoch seconds');
  const unsigned = encodePresentationUnsigned(pass, o.presentedAt, nonce, revealed);
  const signature = await o.signer.sign(presentationSigningInput(await o.digest(suiteAlgs(suite).hash, unsigned)));
  if (signature.length !== SIGNATURE_BYTES) throw new TypeError('createVenuePresentation: the signer must return a raw 64-byte signature');
  return concatBytes(unsigned, signature);
}

/** The QR text: `WZV:` + base45 (QR alphanumeric mode). */
export async function createVenuePresentation(pass: Uint8Array, revealed: RevealedClaims, o: CreateVenuePresentationOptions): Promise<string> {
  return venueQrText(await createVenuePresentationBytes(pass, revealed, o));
}

export function venueQrText(presentation: Uint8Array): string {
  return VENUE_QR_PREFIX + base45Encode(presentation);
}
