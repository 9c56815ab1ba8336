/**
 * The browser's side of the holder ports (packages/wallet/src/holder/ports.ts).
 *
 * The device key is a WebCrypto ECDSA P-256 key (JOSE `ES256`) generated with
 * `extractable: false`: the browser keeps the private half and signs with it, and no script —
 * ours or an injected one — can read it out (`exportKey` refuses; it is not in any JS value).
 * WebCrypto has no SM2, so a web wallet cannot hold an SM2 device key without keeping its
 * private half in page memory as plain bytes; the platform accepts ES256 device keys beside SM2
 * (core/enrollment/device-proof.ts DEVICE_ALGS) and the 网证 itself stays SM2-signed by the
 * platform. docs/web-wallet.md weighs this against the national-cryptography rule.
 *
 * `crypto.subtle.sign` with ECDSA returns the signature as raw r‖s (IEEE P1363, 64 bytes for
 * P-256), which is exactly the JWS form (RFC 7518 §3.4): no DER conversion.
 *
 * SM3 (the `_sd_alg` of the gm suite, and the request binding of /v1/me) comes from
 * sm-crypto-v2, which returns hex; SHA-256 from WebCrypto.
 */
import { sm3 } from 'sm-crypto-v2';
import type { PublicJwk } from '@wangzheng/core/crypto/types';
import type { HolderDigest, HolderHashAlg, HolderSigner } from '@wangzheng/wallet/holder/ports';

export const DEVICE_KEY_ALGORITHM: EcKeyGenParams = { name: 'ECDSA', namedCurve: 'P-256' };
const SIGN_ALGORITHM: EcdsaParams = { name: 'ECDSA', hash: 'SHA-256' };

/** A new device key pair; the private half can sign and never be exported. */
export async function generateDeviceKey(): Promise<CryptoKeyPair> {
  const pair = await crypto.subtle.generateKey(DEVICE_KEY_ALGORITHM, false, ['sign', 'verify']);
  if (pair.privateKey.extractable) throw new Error('the browser made an extractable device key');
  return pair;
}

/** The public half as the platform binds it (`kty`, `crv`, `x`, `y` only: no `d`, no extras). */
export async function publicJwkOf(publicKey: CryptoKey): Promise<PublicJwk> {
  const jwk = await crypto.subtle.exportKey('jwk', publicKey);
  if (jwk.kty !== 'EC' || jwk.crv !== 'P-256' || !jwk.x || !jwk.y || 'd' in jwk) throw new Error('unexpected device public key');
  return { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y };
}

/** A `HolderSigner` over a non-extractable ECDSA P-256 private key. */
export function webCryptoSigner(privateKey: CryptoKey, publicJwk: PublicJwk): HolderSigner {
  if (privateKey.type !== 'private' || privateKey.algorithm.name !== 'ECDSA' || (privateKey.algorithm as EcKeyAlgorithm).namedCurve !== 'P-256') {
    throw new TypeError('webCryptoSigner needs an ECDSA P-256 private key');
  }
  return {
    alg: 'ES256',
    publicJwk,
    async sign(data: Uint8Array): Promise<Uint8Array> {
      const sig = new Uint8Array(await crypto.subtle.sign(SIGN_ALGORITHM, privateKey, data as BufferSource));
      if (sig.length !== 64) throw new Error('unexpected ECDSA signature length');
      return sig;
    },
  };
}

function fromHex(hex: string): Uint8Array {
  if (!/^(?:[0-9a-f]{2})+$/i.test(hex)) throw new Error('unexpected hash output');
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

/** SM3 over bytes (never over a string: sm-crypto-v2 would read a string as UTF-8 text). */
export function sm3Bytes(data: Uint8Array): Uint8Array {
  const out = fromHex(sm3(data));
  if (out.length !== 32) throw new Error('unexpected SM3 output length');
  return out;
}

export const webDigest: HolderDigest = async (alg: HolderHashAlg, data: Uint8Array): Promise<Uint8Array> => {
  if (alg === 'sm3') return sm3Bytes(data);
  if (alg === 'sha-256') return new Uint8Array(await crypto.subtle.digest('SHA-256', data as BufferSource));
  throw new TypeError(`unsupported hash ${String(alg)}`);
};
