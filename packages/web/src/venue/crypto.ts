/**
 * The venue checker's crypto port (`VenueCrypto`, core/venue/ports.ts) in a browser:
 *
 * - SM2 (GB/T 32918.2 with SM3 and the distinguishing ID `1234567812345678`, raw r‖s): sm-crypto-v2,
 *   `doVerifySignature(msg, r‖s hex, 04‖x‖y hex, { der: false, hash: true, userId })` — `hash: true`
 *   makes it compute Z and SM3(Z ‖ msg) itself, as a JWS verifier does;
 * - ES256 (P-256, SHA-256, raw r‖s — WebCrypto's own form): WebCrypto;
 * - EdDSA (Ed25519, RFC 8032): @noble/curves (what sm-crypto-v2 is built on; in node_modules
 *   already), strict RFC 8032 rather than ZIP-215, like Node's verifier;
 * - SM3 (sm-crypto-v2) and SHA-256 (WebCrypto): the wallet's `webDigest`.
 *
 * Every algorithm is pinned to its key type: a key of another curve answers false. A throw (a
 * malformed key or signature) counts as "does not verify" in the checker.
 */
import { ed25519 } from '@noble/curves/ed25519';
import { sm2 } from 'sm-crypto-v2';
import type { PublicJwk } from '@wangzheng/core/crypto/types';
import { b64uDecode, type VenueCrypto } from '@wangzheng/core/venue/index';
import { webDigest } from '../shared/crypto.ts';

const SM2_ID = '1234567812345678';

function hex(b: Uint8Array): string {
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

function coordinate(v: string | undefined): Uint8Array | undefined {
  const b = typeof v === 'string' ? b64uDecode(v) : undefined;
  return b && b.length === 32 ? b : undefined;
}

export const browserVenueCrypto: VenueCrypto = {
  async verify(alg, jwk: PublicJwk, data, signature) {
    if (signature.length !== 64) return false;
    if (alg === 'SM2') {
      const x = coordinate(jwk.x);
      const y = coordinate(jwk.y);
      if (jwk.kty !== 'EC' || jwk.crv !== 'SM2' || !x || !y) return false;
      return sm2.doVerifySignature(data, hex(signature), `04${hex(x)}${hex(y)}`, { der: false, hash: true, userId: SM2_ID }) === true;
    }
    if (alg === 'ES256') {
      if (jwk.kty !== 'EC' || jwk.crv !== 'P-256' || !coordinate(jwk.x) || !coordinate(jwk.y)) return false;
      const key = await crypto.subtle.importKey('jwk', { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y, ext: true }, { name: 'ECDSA', namedCurve: 'P-256' }, false, ['verify']);
      return crypto.subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, key, signature as BufferSource, data as BufferSource);
    }
    if (alg === 'EdDSA') {
      const x = coordinate(jwk.x);
      if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || !x) return false;
      return ed25519.verify(signature, data, x, { zip215: false });
    }
    return false;
  },
  digest: webDigest,
};
