/**
 * Byte encodings used by the crypto layer: hex, base64url, and the two signature encodings
 * (DER `SEQUENCE { INTEGER r, INTEGER s }` as OpenSSL emits it, and raw `r‖s` as JWS uses it).
 *
 * Nothing here is secret-dependent in timing except what callers feed it; signature bytes are
 * public. Malformed input throws `WzError('invalid_signature')`, never a raw exception.
 */
import { WzError } from '../errors.ts';

export function toHex(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
}

export function fromHex(s: string): Uint8Array {
  if (s.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(s)) throw new TypeError('not a hex string');
  return Buffer.from(s, 'hex');
}

const B64URL = /^[A-Za-z0-9_-]*$/;

export function b64u(b: Uint8Array | string): string {
  return (typeof b === 'string' ? Buffer.from(b, 'utf8') : Buffer.from(b.buffer, b.byteOffset, b.byteLength)).toString('base64url');
}

/** Strict base64url decoding (no padding, no `+/`, no whitespace); returns undefined when malformed. */
export function fromB64u(s: string): Buffer | undefined {
  if (!B64URL.test(s) || s.length % 4 === 1) return undefined;
  const out = Buffer.from(s, 'base64url');
  // Reject non-canonical encodings (stray low bits in the last character).
  if (out.toString('base64url') !== s) return undefined;
  return out;
}

export function asBuffer(b: Uint8Array): Buffer {
  return Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength);
}

function badSig(detail: string): WzError {
  return new WzError('invalid_signature', 'The signature is malformed.', { detail });
}

/** Converts a DER ECDSA/SM2 signature to raw `r‖s` of `2 * size` bytes. Strict DER (minimal lengths and integers). */
export function derToRaw(der: Uint8Array, size = 32): Uint8Array {
  const b = der;
  let p = 0;
  const byte = (): number => {
    const v = b[p++];
    if (v === undefined) throw badSig('truncated DER');
    return v;
  };
  const len = (): number => {
    const l = byte();
    if (l < 0x80) return l;
    if (l === 0x81) {
      const v = byte();
      if (v < 0x80) throw badSig('non-minimal DER length');
      return v;
    }
    throw badSig('unsupported DER length');
  };
  if (byte() !== 0x30) throw badSig('not a SEQUENCE');
  const seqLen = len();
  if (p + seqLen !== b.length) throw badSig('trailing or missing bytes');
  const out = new Uint8Array(size * 2);
  for (let i = 0; i < 2; i++) {
    if (byte() !== 0x02) throw badSig('not an INTEGER');
    const l = len();
    if (l === 0 || p + l > b.length) throw badSig('bad INTEGER length');
    let v = b.subarray(p, p + l);
    p += l;
    if (v[0]! & 0x80) throw badSig('negative INTEGER');
    if (v.length > 1 && v[0] === 0 && !(v[1]! & 0x80)) throw badSig('non-minimal INTEGER');
    if (v[0] === 0) v = v.subarray(1);
    if (v.length > size) throw badSig('INTEGER too large');
    out.set(v, size * (i + 1) - v.length);
  }
  if (p !== b.length) throw badSig('trailing bytes');
  return out;
}

function derInt(v: Uint8Array): Uint8Array {
  let i = 0;
  while (i < v.length - 1 && v[i] === 0) i++;
  const body = v.subarray(i);
  const pad = body[0]! & 0x80 ? 1 : 0;
  const out = new Uint8Array(2 + pad + body.length);
  out[0] = 0x02;
  out[1] = pad + body.length;
  out.set(body, 2 + pad);
  return out;
}

/** Converts raw `r‖s` (even length) to DER. */
export function rawToDer(raw: Uint8Array): Uint8Array {
  if (raw.length === 0 || raw.length % 2 !== 0 || raw.length > 132) throw badSig('bad raw signature length');
  const h = raw.length / 2;
  const r = derInt(raw.subarray(0, h));
  const s = derInt(raw.subarray(h));
  const bodyLen = r.length + s.length;
  const head = bodyLen < 0x80 ? [0x30, bodyLen] : [0x30, 0x81, bodyLen];
  const out = new Uint8Array(head.length + bodyLen);
  out.set(head, 0);
  out.set(r, head.length);
  out.set(s, head.length + r.length);
  return out;
}
