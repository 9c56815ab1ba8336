// The published vectors (copied from the standards; see "about" in gm.json).
import { readFileSync } from 'node:fs';

export interface GmVectors {
  sm2_sign: { private_key: string; public_key_uncompressed: string; id: string; z: string; message_utf8: string; r: string; s: string };
  sm3: { message_utf8: string; digest: string }[];
  sm4_block: { key: string; plaintext: string; ciphertext: string; ciphertext_after_1000000_encryptions: string };
  sm4_gcm_rfc8998: { key: string; iv: string; aad: string; plaintext: string; ciphertext: string; tag: string };
}

export const gm = JSON.parse(readFileSync(new URL('../vectors/gm.json', import.meta.url), 'utf8')) as GmVectors;

export const hex = (s: string): Buffer => Buffer.from(s, 'hex');
export const utf8 = (s: string): Buffer => Buffer.from(s, 'utf8');
