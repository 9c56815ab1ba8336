/**
 * base64url and UTF-8 without Node's Buffer, for the portable holder code (ports.ts). Strict
 * decoding like core's `fromB64u`: no padding, no `+/`, no whitespace, canonical last character.
 */
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const INDEX = new Map([...ALPHABET].map((c, i) => [c, i]));
const enc = new TextEncoder();
const dec = new TextDecoder('utf-8', { fatal: true });

export function utf8(s: string): Uint8Array {
  return enc.encode(s);
}

/** Throws TypeError on bytes that are not UTF-8. */
export function fromUtf8(b: Uint8Array): string {
  return dec.decode(b);
}

export function b64uEncode(input: Uint8Array | string): string {
  const b = typeof input === 'string' ? utf8(input) : input;
  let out = '';
  let i = 0;
  for (; i + 2 < b.length; i += 3) {
    const n = (b[i]! << 16) | (b[i + 1]! << 8) | b[i + 2]!;
    out += ALPHABET[n >> 18]! + ALPHABET[(n >> 12) & 63]! + ALPHABET[(n >> 6) & 63]! + ALPHABET[n & 63]!;
  }
  if (i < b.length) {
    const n = (b[i]! << 16) | ((b[i + 1] ?? 0) << 8);
    out += ALPHABET[n >> 18]! + ALPHABET[(n >> 12) & 63]!;
    if (i + 1 < b.length) out += ALPHABET[(n >> 6) & 63]!;
  }
  return out;
}

/** The bytes, or undefined when `s` is not canonical unpadded base64url. */
export function b64uDecode(s: string): Uint8Array | undefined {
  if (typeof s !== 'string' || s.length % 4 === 1) return undefined;
  const out = new Uint8Array(Math.floor((s.length * 3) / 4));
  let bits = 0;
  let acc = 0;
  let o = 0;
  for (const c of s) {
    const v = INDEX.get(c);
    if (v === undefined) return undefined;
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 0xff;
    }
  }
  // Stray low bits in the last character make a second spelling of the same bytes.
  if ((acc & ((1 << bits) - 1)) !== 0) return undefined;
  return out;
}
