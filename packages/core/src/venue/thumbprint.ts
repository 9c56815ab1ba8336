/**
 * RFC 7638 JWK thumbprints, portable: SHA-256 over the canonical JSON of the required members
 * (`crv`, `kty`, `x`, `y` for EC; `crv`, `kty`, `x` for OKP), through the injected digest. The
 * same value as `jwkThumbprint` in crypto/keys.ts (which is Node-only), as raw bytes.
 */
import type { PublicJwk } from '../crypto/types.ts';
import { utf8 } from '../encoding/bytes.ts';
import type { VenueCrypto } from './ports.ts';

export function thumbprintInput(jwk: Pick<PublicJwk, 'kty' | 'crv' | 'x' | 'y'>): Uint8Array {
  const canonical =
    jwk.kty === 'EC'
      ? `{"crv":${JSON.stringify(jwk.crv)},"kty":"EC","x":${JSON.stringify(jwk.x)},"y":${JSON.stringify(jwk.y ?? '')}}`
      : `{"crv":${JSON.stringify(jwk.crv)},"kty":${JSON.stringify(jwk.kty)},"x":${JSON.stringify(jwk.x)}}`;
  return utf8(canonical);
}

/** The 32-byte SHA-256 thumbprint of a public JWK (base64url of it is the JWK's `kid` in our JWKS). */
export function thumbprintDigest(jwk: Pick<PublicJwk, 'kty' | 'crv' | 'x' | 'y'>, digest: VenueCrypto['digest']): Promise<Uint8Array> {
  return digest('sha-256', thumbprintInput(jwk));
}
