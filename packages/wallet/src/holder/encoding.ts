/**
 * base64url and UTF-8 for the portable holder code (ports.ts), over core's portable byte
 * helpers (core/encoding/bytes.ts: no Buffer, no `node:`). Strict decoding like core's
 * `fromB64u`: no padding, no `+/`, no whitespace, canonical last character.
 */
import { b64uDecode, b64uEncode as encodeBytes, fromUtf8 as decodeUtf8, utf8 } from '@wangzheng/core/encoding/bytes';

export { b64uDecode, utf8 };

/** Throws TypeError on bytes that are not UTF-8. */
export function fromUtf8(b: Uint8Array): string {
  const s = decodeUtf8(b);
  if (s === undefined) throw new TypeError('not UTF-8');
  return s;
}

/** base64url of bytes, or of a string's UTF-8. */
export function b64uEncode(input: Uint8Array | string): string {
  return encodeBytes(typeof input === 'string' ? utf8(input) : input);
}
