import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { b64uDecode, b64uEncode } from '../../src/holder/encoding.ts';

describe('portable base64url', () => {
  it('agrees with Node for every length 0–64 and random bytes', () => {
    for (let n = 0; n <= 64; n++) {
      const b = randomBytes(n);
      const s = b64uEncode(b);
      expect(s).toBe(b.toString('base64url'));
      expect(Buffer.from(b64uDecode(s)!)).toEqual(b);
    }
    expect(b64uEncode('网证')).toBe(Buffer.from('网证').toString('base64url'));
  });

  it('refuses what is not canonical unpadded base64url', () => {
    for (const bad of ['a', 'ab=', 'ab+/', 'a b', 'AB', 'AAB']) {
      // 'AB' and 'AAB' carry stray low bits: a second spelling of other bytes.
      expect(b64uDecode(bad)).toBeUndefined();
    }
    expect(b64uDecode('')).toEqual(new Uint8Array());
    expect(b64uDecode('AA')).toEqual(new Uint8Array([0]));
  });
});
