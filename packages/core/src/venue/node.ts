/**
 * Node adapters for the venue ports, over `@wangzheng/core/crypto` — for the platform (which
 * issues passes) and for tests and command-line checkers. NOT portable (node:crypto); the browser
 * checker brings its own (WebCrypto, an SM2/SM3 library). index.ts does not export this file:
 * import `@wangzheng/core/venue/node`.
 */
import { createHash } from 'node:crypto';
import { importPublicKey } from '../crypto/keys.ts';
import type { PrivateKey } from '../crypto/types.ts';
import type { VenueHashAlg, VenueSigAlg } from './format.ts';
import type { VenueCrypto, VenueSigner } from './ports.ts';

export async function nodeDigest(alg: VenueHashAlg, data: Uint8Array): Promise<Uint8Array> {
  if (alg !== 'sm3' && alg !== 'sha-256') throw new TypeError(`unknown hash ${String(alg)}`);
  return new Uint8Array(createHash(alg === 'sm3' ? 'sm3' : 'sha256').update(data).digest());
}

/** The verifier's crypto port: SM2 (ID 1234567812345678, SM3), ES256, EdDSA over raw signatures. */
export const nodeVenueCrypto: VenueCrypto = {
  async verify(alg: VenueSigAlg, jwk, data, signature) {
    const key = importPublicKey(jwk);
    if (key.alg !== alg) return false;
    return key.verify(data, signature, 'raw');
  },
  digest: nodeDigest,
};

/** A core private key as a venue signer (the platform's pass key, or a device key in tests). */
export function nodeVenueSigner(key: PrivateKey): VenueSigner {
  return { alg: key.alg, publicJwk: key.publicKey.toJwk(), sign: async (d) => key.sign(d, 'raw') };
}
