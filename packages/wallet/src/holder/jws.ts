/**
 * Compact JWS signing with the holder's asynchronous signer (ports.ts): what the device key
 * signs — key-binding JWTs, device proofs, transfer proofs. `alg` is the signer's, always.
 */
import type { HolderSigner } from './ports.ts';
import { b64uEncode } from './encoding.ts';

export async function signJwsWith(signer: HolderSigner, payload: object, header: Record<string, unknown> = {}): Promise<string> {
  const input = `${b64uEncode(JSON.stringify({ ...header, alg: signer.alg }))}.${b64uEncode(JSON.stringify(payload))}`;
  const sig = await signer.sign(new TextEncoder().encode(input));
  return `${input}.${b64uEncode(sig)}`;
}
