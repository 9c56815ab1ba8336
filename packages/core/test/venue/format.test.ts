// The venue pass's encodings and byte layout (docs/venue.md): base45 against RFC 9285's examples,
// base64url against Node's, the device key compression against the keys core generates (and
// points off the curve refused), the pass and presentation offsets as documented, and the venue
// modules' portability (no `node:` import, no `Buffer`: a browser page bundles them).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateKey, jwkThumbprint } from '../../src/crypto/index.ts';
import {
  b64uDecode,
  b64uEncode,
  base45Decode,
  base45Encode,
  compressJwk,
  decodePass,
  decodePresentation,
  fitMaskedName,
  jwkFromCompressed,
  MAX_MASKED_NAME_BYTES,
  MAX_PRESENTATION_BYTES,
  MIN_PRESENTATION_BYTES,
  PASS_BYTES,
} from '../../src/venue/index.ts';
import { base45Decode as b45 } from '../../src/encoding/bytes.ts';
import { DAY, fixture, present, reveal, T0 } from './support.ts';

describe('encodings', () => {
  it('base45: RFC 9285 §4.3 examples, both ways; malformed input is undefined, never an exception', () => {
    const ex: [string, string][] = [
      ['AB', 'BB8'],
      ['Hello!!', '%69 VD92EX0'],
      ['base-45', 'UJCLQE7W581'],
      ['ietf!', 'QED8WEX0'],
    ];
    for (const [plain, enc] of ex) {
      expect(base45Encode(new TextEncoder().encode(plain))).toBe(enc);
      expect(new TextDecoder().decode(base45Decode(enc))).toBe(plain);
    }
    // RFC 9285 §6: ":::" is 65535+… > 0xFFFF; a lone character; lower case; outside the alphabet.
    for (const bad of ['GGW', ':::', 'A', 'ABCD', 'bb8', 'BB8\n', '€€€', 'ZZ']) expect(b45(bad)).toBeUndefined();
    expect(base45Decode('')).toEqual(new Uint8Array(0));
  });

  it('base64url: the same as Node’s for every length; non-canonical or foreign characters refused', () => {
    for (let n = 0; n < 40; n++) {
      const b = new Uint8Array(n).map((_, i) => (i * 97 + n) & 0xff);
      const s = Buffer.from(b).toString('base64url');
      expect(b64uEncode(b)).toBe(s);
      expect(b64uDecode(s)).toEqual(b);
    }
    for (const bad of ['A', 'AB=', 'A+B/', 'AB C', 'AR', 'AAB']) expect(b64uDecode(bad)).toBeUndefined();
  });

  it('device keys: SM2 and P-256 compressed to 33 bytes and back to the same JWK; Ed25519 as 00 ‖ key', () => {
    for (const alg of ['SM2', 'ES256', 'EdDSA'] as const) {
      for (let i = 0; i < 8; i++) {
        const k = generateKey(alg).publicKey.toJwk();
        const c = compressJwk(k)!;
        expect(c.alg).toBe(alg);
        expect(c.bytes).toHaveLength(33);
        const back = jwkFromCompressed(alg, c.bytes)!;
        expect(jwkThumbprint(back)).toBe(jwkThumbprint(k));
      }
    }
  });

  it('device keys: a prefix other than 02/03, x ≥ p, or an x with no point on the curve is refused', () => {
    const c = compressJwk(generateKey('SM2').publicKey.toJwk())!.bytes;
    expect(jwkFromCompressed('SM2', Uint8Array.from([4, ...c.subarray(1)]))).toBeUndefined();
    expect(jwkFromCompressed('SM2', new Uint8Array(33).fill(0xff).fill(2, 0, 1))).toBeUndefined();
    // About half of all x have no y: find one for each curve.
    for (const alg of ['SM2', 'ES256'] as const) {
      let misses = 0;
      for (let x = 1; x < 40; x++) {
        const b = new Uint8Array(33);
        b[0] = 2;
        b[32] = x;
        if (jwkFromCompressed(alg, b) === undefined) misses++;
      }
      expect(misses).toBeGreaterThan(5);
    }
    expect(jwkFromCompressed('EdDSA', new Uint8Array(33).fill(1))).toBeUndefined();
    expect(jwkFromCompressed('SM2', c.subarray(0, 32))).toBeUndefined();
  });

  it('a masked name longer than 96 UTF-8 bytes is cut at a character and ends with …', () => {
    expect(fitMaskedName('刘*')).toBe('刘*');
    const long = Array.from({ length: 30 }, () => 'W****').join(' ');
    const fitted = fitMaskedName(long);
    expect(new TextEncoder().encode(fitted).length).toBeLessThanOrEqual(MAX_MASKED_NAME_BYTES);
    expect(fitted.endsWith('…')).toBe(true);
    expect(fitMaskedName('阿'.repeat(40)).length).toBeLessThan(40);
  });
});

describe('byte layout (docs/venue.md)', () => {
  it('the pass: 156 bytes at the documented offsets', async () => {
    const fx = await fixture('gm');
    const p = fx.issued.pass;
    expect(p).toHaveLength(PASS_BYTES);
    const v = new DataView(p.buffer, p.byteOffset, p.byteLength);
    expect([p[0], p[1]]).toEqual([1, 1]); // version, suite gm
    expect(Buffer.from(p.subarray(2, 10)).toString('base64url')).toBe(Buffer.from(fx.platform.publicKey.thumbprint, 'base64url').subarray(0, 8).toString('base64url'));
    expect([v.getUint32(10), v.getUint32(14), v.getUint32(18), v.getUint32(22)]).toEqual([T0, T0 + DAY, 1, 4711]);
    expect(p[26]).toBe(1); // SM2 device key
    expect(Buffer.from(p.subarray(27, 60))).toEqual(Buffer.from(compressJwk(fx.device.publicKey.toJwk())!.bytes));
    // Digests at 60 and 76, then the SM2 signature (raw r‖s) over the context and bytes 0–91.
    const signed = Buffer.concat([Buffer.from('wangzheng-venue-pass/v1\0'), p.subarray(0, 92)]);
    expect(fx.platform.publicKey.verify(signed, p.subarray(92), 'raw')).toBe(true);
    const d = decodePass(p);
    expect('error' in d).toBe(false);
  });

  it('the presentation: 238 bytes result only, 255 with age, 255 + 17 + name bytes with the masked name', async () => {
    const fx = await fixture('intl');
    const sizes = [];
    for (const c of ['result', 'age', 'age+name'] as const) {
      const text = await present(fx, reveal(fx, c));
      const bytes = base45Decode(text.slice(4))!;
      sizes.push(bytes.length);
      const d = decodePresentation(bytes);
      if ('error' in d) throw new Error(d.error);
      expect(d.presentedAt).toBe(T0 + 100);
      expect(bytes[0]).toBe(1);
      expect(bytes.subarray(1, 157)).toEqual(fx.issued.pass);
      expect(bytes[173]).toBe(c === 'result' ? 0 : c === 'age' ? 1 : 3);
    }
    expect(sizes).toEqual([238, 255, 255 + 17 + 4]);
    expect([MIN_PRESENTATION_BYTES, MAX_PRESENTATION_BYTES]).toEqual([238, 368]);
  });
});

describe('portability', () => {
  it('the venue modules (all but node.ts) import no node: module and use no Buffer', () => {
    const dir = join(import.meta.dirname, '../../src/venue');
    const files = [...readdirSync(dir).filter((f) => f.endsWith('.ts') && f !== 'node.ts'), '../encoding/bytes.ts'];
    expect(files.length).toBeGreaterThanOrEqual(9);
    for (const f of files) {
      const src = readFileSync(join(dir, f), 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
      expect(src, f).not.toMatch(/from\s+['"]node:|require\(|\bBuffer\b|process\./);
      for (const m of src.matchAll(/from\s+'([^']+)'/g)) {
        const spec = m[1]!;
        // Only sibling venue modules, the portable byte helpers and type-only crypto types.
        expect(spec.startsWith('./') || spec === '../crypto/types.ts' || spec === '../encoding/bytes.ts', `${f} imports ${spec}`).toBe(true);
      }
    }
  });
});
