/**
 * The holder ports (ports.ts) on Node, for the CLI wallet and tests: a signer over a parsed
 * core `PrivateKey` (the keystore's device key) and `node:crypto`'s SM3 / SHA-256.
 */
import { createHash } from 'node:crypto';
import type { PrivateKey } from '@wangzheng/core/crypto/types';
import type { Holder, HolderDigest, HolderSigner } from './ports.ts';

export function keySigner(key: PrivateKey): HolderSigner {
  if (key.alg !== 'SM2' && key.alg !== 'ES256' && key.alg !== 'EdDSA') throw new TypeError(`not a device key algorithm: ${String(key.alg)}`);
  const publicJwk = key.publicKey.toJwk();
  return { alg: key.alg, publicJwk, sign: async (data) => key.sign(data, 'raw') };
}

export const nodeDigest: HolderDigest = async (alg, data) => createHash(alg === 'sm3' ? 'sm3' : 'sha256').update(data).digest();

/** A Holder from the keystore's credential and device key. */
export function nodeHolder(credential: string, deviceKey: PrivateKey): Holder {
  return { credential, signer: keySigner(deviceKey), digest: nodeDigest };
}
