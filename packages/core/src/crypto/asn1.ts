/**
 * A tiny, strict DER reader and PEM codec — just enough to recognise key containers
 * (PKCS#8, SEC1 `EC PRIVATE KEY`, SubjectPublicKeyInfo) and pull out raw SM2 scalars and
 * points, which Node's KeyObject can parse but not export (no JWK for SM2).
 *
 * Trust: the input is attacker-controlled. Every length is bounds-checked; anything odd
 * throws `WzError('invalid_key')` with a private detail and no key material in it.
 */
import { WzError } from '../errors.ts';

export interface Tlv {
  tag: number;
  /** Content bytes (a view into the input). */
  value: Uint8Array;
  /** Total length of this TLV including header. */
  size: number;
}

function bad(detail: string): WzError {
  return new WzError('invalid_key', 'The key could not be read.', { detail });
}

/** Reads one TLV at `pos`. Only single-byte tags and definite lengths up to 4 bytes. */
export function readTlv(buf: Uint8Array, pos = 0): Tlv {
  if (pos + 2 > buf.length) throw bad('DER: truncated header');
  const tag = buf[pos]!;
  if ((tag & 0x1f) === 0x1f) throw bad('DER: multi-byte tag');
  let len = buf[pos + 1]!;
  let hdr = 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4) throw bad('DER: bad length form');
    if (pos + 2 + n > buf.length) throw bad('DER: truncated length');
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[pos + 2 + i]!;
    if (len < 0x80 || buf[pos + 2] === 0) throw bad('DER: non-minimal length');
    hdr += n;
  }
  if (pos + hdr + len > buf.length) throw bad('DER: truncated value');
  return { tag, value: buf.subarray(pos + hdr, pos + hdr + len), size: hdr + len };
}

/** Reads the children of a constructed value. */
export function children(value: Uint8Array): Tlv[] {
  const out: Tlv[] = [];
  let p = 0;
  while (p < value.length) {
    const t = readTlv(value, p);
    out.push(t);
    p += t.size;
  }
  return out;
}

/** Parses a whole buffer that must be exactly one TLV with the given tag. */
export function expectTlv(buf: Uint8Array, tag: number): Tlv {
  const t = readTlv(buf, 0);
  if (t.tag !== tag) throw bad(`DER: expected tag 0x${tag.toString(16)}, got 0x${t.tag.toString(16)}`);
  if (t.size !== buf.length) throw bad('DER: trailing bytes');
  return t;
}

/** Decodes an OBJECT IDENTIFIER's content to dotted form. */
export function oidToString(v: Uint8Array): string {
  if (v.length === 0) throw bad('DER: empty OID');
  const parts: number[] = [];
  let acc = 0;
  for (let i = 0; i < v.length; i++) {
    const b = v[i]!;
    acc = acc * 128 + (b & 0x7f);
    if (acc > Number.MAX_SAFE_INTEGER / 128) throw bad('DER: OID arc too large');
    if (!(b & 0x80)) {
      parts.push(acc);
      acc = 0;
    } else if (i === v.length - 1) throw bad('DER: truncated OID');
  }
  const first = parts.shift()!;
  const a = first < 80 ? Math.floor(first / 40) : 2;
  return [a, first - a * 40, ...parts].join('.');
}

export interface PemBlock {
  label: string;
  der: Uint8Array;
}

/** Extracts every PEM block (RFC 7468, lax about whitespace). */
export function pemBlocks(text: string): PemBlock[] {
  const re = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;
  const out: PemBlock[] = [];
  for (const m of text.matchAll(re)) {
    const body = m[2]!.replace(/\s+/g, '');
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(body) || body.length % 4 !== 0) throw bad('PEM: bad base64');
    out.push({ label: m[1]!, der: new Uint8Array(Buffer.from(body, 'base64')) });
  }
  return out;
}

export function toPem(label: string, der: Uint8Array): string {
  const b64 = Buffer.from(der.buffer, der.byteOffset, der.byteLength).toString('base64');
  const lines = b64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

export const OID = {
  ecPublicKey: '1.2.840.10045.2.1',
  prime256v1: '1.2.840.10045.3.1.7',
  sm2: '1.2.156.10197.1.301',
  ed25519: '1.3.101.112',
} as const;
