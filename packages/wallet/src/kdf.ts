/**
 * Passphrase → key-encryption key, with Argon2id (RFC 9106) from `@node-rs/argon2`.
 *
 * - The output length is the suite's AEAD key length: 16 bytes for SM4 (gm), 32 for AES-256 (intl).
 * - Version 0x13, no secret, no associated data: exactly the reference `argon2id` of
 *   phc-winner-argon2, so its own test vectors check us (test/kdf.test.ts).
 * - Algorithm and version are passed explicitly (not left to the package's defaults), as
 *   numbers: see the note at the constants below.
 *
 * Trust: the cost parameters come from the keystore header, which an attacker may have edited.
 * `checkKdfCost` bounds them so a doctored file cannot make the device allocate gigabytes or
 * spin for minutes; within the bounds a wrong value only yields a wrong key.
 */
import { hashRaw, type Algorithm, type Version } from '@node-rs/argon2';
import type { KdfCost } from './types.ts';

// The package types these as ambient `const enum`s, which TypeScript will not let us read
// under `verbatimModuleSyntax` (TS2748); their values are Argon2id = 2 and V0x13 = 1
// (index.d.ts), and the reference vectors in test/kdf.test.ts prove the choice.
const ARGON2ID = 2 as Algorithm;
const ARGON2_VERSION_0X13 = 1 as Version;

/**
 * The defaults for a real device: 64 MiB, 3 passes, one lane. RFC 9106 §4's second recommended
 * option is 64 MiB and t=3 with four lanes; one lane here, as a phone may not spare four cores.
 */
export const DEFAULT_KDF: Readonly<KdfCost> = Object.freeze({ memoryKiB: 65536, iterations: 3, parallelism: 1 });

/** What a keystore header may ask for. Below the floor is for tests only; above the ceiling is refused. */
export const KDF_BOUNDS = Object.freeze({
  memoryKiB: { min: 1024, max: 1_048_576 },
  iterations: { min: 1, max: 16 },
  parallelism: { min: 1, max: 8 },
});

export const SALT_LENGTH = 16;

/** The name of the first bound that `cost` breaks, or undefined when all are kept. */
export function checkKdfCost(cost: KdfCost): keyof KdfCost | undefined {
  for (const name of ['memoryKiB', 'iterations', 'parallelism'] as const) {
    const v = cost[name];
    const { min, max } = KDF_BOUNDS[name];
    if (!Number.isSafeInteger(v) || v < min || v > max) return name;
  }
  return undefined;
}

/**
 * Raw Argon2id (v0x13, no secret, no associated data). No policy on the parameters beyond
 * Argon2's own: this is the primitive, checked against the reference vectors.
 *
 * @example
 *   const tag = await argon2idRaw(Buffer.from('password'), Buffer.from('somesalt'), { memoryKiB: 256, iterations: 2, parallelism: 1 }, 32);
 *   // 9dfeb910e80bad0311fee20f9c0e2b12c17987b4cac90c2ef54d5b3021c68bfe (phc-winner-argon2 src/test.c)
 */
export async function argon2idRaw(password: Uint8Array, salt: Uint8Array, cost: KdfCost, outputLen: number): Promise<Buffer> {
  return hashRaw(password, {
    algorithm: ARGON2ID,
    version: ARGON2_VERSION_0X13,
    memoryCost: cost.memoryKiB,
    timeCost: cost.iterations,
    parallelism: cost.parallelism,
    outputLen,
    salt,
  });
}

/**
 * The passphrase as bytes: Unicode NFC, then UTF-8 (so the same passphrase typed on two
 * keyboards gives one key). Throws TypeError for a non-string or an empty string — the
 * 8-digit rule itself is the enrollment policy's, not the keystore's.
 */
export function passphraseBytes(passphrase: string): Buffer {
  if (typeof passphrase !== 'string' || passphrase.length === 0) throw new TypeError('the passphrase must be a non-empty string');
  return Buffer.from(passphrase.normalize('NFC'), 'utf8');
}

/**
 * The key-encryption key for a keystore. The passphrase bytes are wiped after use (best
 * effort: the caller's JavaScript string cannot be).
 *
 * @example
 *   const kek = await deriveKek('20240917', salt, DEFAULT_KDF, 16); // 16 bytes for SM4-GCM
 */
export async function deriveKek(passphrase: string, salt: Uint8Array, cost: KdfCost, keyLength: number): Promise<Buffer> {
  const pw = passphraseBytes(passphrase);
  try {
    return await argon2idRaw(pw, salt, cost, keyLength);
  } finally {
    pw.fill(0);
  }
}
