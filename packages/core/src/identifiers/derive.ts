/**
 * Keyed derivation shared by the 网号 and the application identifier: HMAC-SM3 (GB/T 32905
 * hash in the RFC 2104 construction, from node:crypto) over a domain-separated, unambiguous
 * encoding, and the reduction of its output to a uniform number below a modulus.
 *
 * Message encoding (all lengths big-endian u32, strings UTF-8):
 *
 *     label ‖ 0x00 ‖ len(part₁) ‖ part₁ ‖ … ‖ len(partₙ) ‖ partₙ [‖ u32(counter)]
 *
 * The label names the identifier and its version, so one key misused for two purposes still
 * gives unrelated outputs; the length prefixes make the encoding injective (no two inputs
 * share a message).
 *
 * Trust: the key is the only secret. Everything else (labels, person references, sectors)
 * is assumed known to an attacker.
 */

import { createHmac } from 'node:crypto';

/** Minimum HMAC key length: 256 bits, the SM3 output size. */
export const MIN_KEY_BYTES = 32;

/** Domain-separation labels. Changing one changes every identifier derived with it. */
export const NETID_LABEL = 'wangzheng/netid/v1';
export const APP_ID_LABEL = 'wangzheng/app-id/v1';

/** Longest accepted input string (person reference, sector), in UTF-8 bytes. */
export const MAX_INPUT_BYTES = 1024;

const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

export function assertKey(key: unknown, what: string): asserts key is Uint8Array {
  if (!(key instanceof Uint8Array)) throw new TypeError(`${what}: key must be a Uint8Array`);
  if (key.length < MIN_KEY_BYTES) throw new TypeError(`${what}: key must be at least ${MIN_KEY_BYTES} bytes`);
}

/**
 * Validates an input string and returns its UTF-8 length. Rejects strings with unpaired
 * surrogates: UTF-8 would turn each into U+FFFD, so two different strings could encode to the
 * same bytes (and so to the same identifier).
 */
export function inputLength(s: unknown, what: string): number {
  if (typeof s !== 'string' || s.length === 0) throw new TypeError(`${what} must be a non-empty string`);
  if (LONE_SURROGATE.test(s)) throw new TypeError(`${what} must be well-formed Unicode`);
  const n = Buffer.byteLength(s, 'utf8');
  if (n > MAX_INPUT_BYTES) throw new TypeError(`${what} must be at most ${MAX_INPUT_BYTES} bytes`);
  return n;
}

const heads = new Map<string, Buffer>();

function labelHead(label: string): Buffer {
  let head = heads.get(label);
  if (head === undefined) {
    if (label.length === 0 || label.includes('\0')) throw new TypeError('label must be non-empty and free of NUL');
    head = Buffer.from(label + '\0', 'utf8');
    heads.set(label, head);
  }
  return head;
}

/**
 * Encodes `label ‖ 0x00 ‖ (u32(len) ‖ utf8(part))* [‖ u32(counter)]`, validating each part
 * with `inputLength` (`names[i]` names part i in errors).
 */
export function encodeMessage(label: string, parts: readonly string[], names: readonly string[], counter?: number): Buffer {
  const head = labelHead(label);
  const lengths = parts.map((p, i) => inputLength(p, names[i] ?? 'input'));
  let size = head.length + (counter === undefined ? 0 : 4);
  for (const n of lengths) size += 4 + n;
  const out = Buffer.allocUnsafe(size);
  let at = head.copy(out, 0);
  for (let i = 0; i < parts.length; i++) {
    at = out.writeUInt32BE(lengths[i] as number, at);
    at += out.write(parts[i] as string, at, 'utf8');
  }
  if (counter !== undefined) out.writeUInt32BE(counter, at);
  return out;
}

export function hmacSm3(key: Uint8Array, message: Uint8Array): Buffer {
  return createHmac('sm3', key).update(message).digest();
}

/**
 * Reduces the first `bytes` bytes of `digest` (big-endian) modulo `modulus`, by Horner's rule
 * one byte at a time. `modulus` < 2^45 keeps every intermediate x·256 + 255 below 2^53, so the
 * arithmetic is exact. The result's statistical distance from uniform is at most
 * modulus / 2^(8·bytes): for 31^9 and 16 bytes, below 2^-83.
 */
export function reduceToNumber(digest: Uint8Array, bytes: number, modulus: number): number {
  if (!Number.isInteger(modulus) || modulus < 1 || modulus >= 2 ** 45) throw new TypeError('modulus must be an integer in [1, 2^45)');
  if (bytes > digest.length) throw new TypeError('not enough digest bytes');
  let x = 0;
  for (let i = 0; i < bytes; i++) x = (x * 256 + (digest[i] as number)) % modulus;
  return x;
}

/** Same as `reduceToNumber` for any modulus, via BigInt. */
export function reduceToBigInt(digest: Uint8Array, bytes: number, modulus: bigint): bigint {
  let x = 0n;
  for (let i = 0; i < bytes; i++) x = (x << 8n) | BigInt(digest[i] as number);
  return x % modulus;
}
