import { describe, expect, it } from 'vitest';
import { getSuite } from '@wangzheng/core/crypto/index';
import { isWzError } from '@wangzheng/core/errors';
import { BlindIndexer } from '../../src/protect/blind-index.ts';
import { blindKeyRing } from '../support/keys.ts';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

for (const suiteName of ['gm', 'intl'] as const) {
  const suite = getSuite(suiteName);
  describe(`blind indexes: keyed digests, normalised, domain-separated [${suiteName}: HMAC-${suiteName === 'gm' ? 'SM3' : 'SHA-256'}]`, () => {
    const ring = blindKeyRing(['bidx-1']);
    const indexer = new BlindIndexer(suite, ring);

    it('the digest is the suite HMAC of the domain-separated, normalised value', () => {
      const d = indexer.digest('phone', '13800138000');
      const expected = suite.hmac(ring[0]!.key, new TextEncoder().encode('wangzheng:bidx:v1\u0000phone\u000013800138000'));
      expect(hex(d.digest)).toBe(hex(expected));
      expect(d.keyId).toBe('bidx-1');
      expect(d.digest).toHaveLength(32);
    });

    it('document numbers: trimmed, spaces removed, upper-cased, full-width folded (x and X are one number)', () => {
      const want = hex(indexer.digest('document:resident_id', '11010519491231002X').digest);
      for (const v of ['11010519491231002x', '  110105 19491231 002X ', '１１０１０５１９４９１２３１００２Ｘ']) {
        expect(hex(indexer.digest('document:resident_id', v).digest)).toBe(want);
      }
      expect(indexer.normalise('document:passport', ' e1234 5678 ')).toBe('E12345678');
    });

    it('phone numbers: digits only; +86 and 0086 prefixes of a mainland mobile dropped', () => {
      const want = hex(indexer.digest('phone', '13800138000').digest);
      for (const v of ['138 0013 8000', '138-0013-8000', '+86 138 0013 8000', '008613800138000', '１３８００１３８０００']) {
        expect(hex(indexer.digest('phone', v).digest)).toBe(want);
      }
      expect(hex(indexer.digest('phone', '13800138001').digest)).not.toBe(want);
    });

    it('domain separation: the same string under two kinds gives two digests', () => {
      const a = indexer.digest('document:resident_id', '12345678901');
      const b = indexer.digest('phone', '12345678901');
      const c = indexer.digest('document:passport', '12345678901');
      expect(new Set([hex(a.digest), hex(b.digest), hex(c.digest)]).size).toBe(3);
    });

    it('another key gives another digest (the database alone cannot be searched)', () => {
      const other = new BlindIndexer(suite, blindKeyRing(['bidx-1']));
      expect(hex(other.digest('phone', '13800138000').digest)).not.toBe(hex(indexer.digest('phone', '13800138000').digest));
    });

    it('rotation: the first key computes, candidates list every key (current first)', () => {
      const next = blindKeyRing(['bidx-2'])[0]!;
      const rotated = new BlindIndexer(suite, [next, ...ring]);
      const cands = rotated.candidates('phone', '13800138000');
      expect(cands.map((c) => c.keyId)).toEqual(['bidx-2', 'bidx-1']);
      expect(hex(cands[1]!.digest)).toBe(hex(indexer.digest('phone', '13800138000').digest));
      expect(hex(rotated.digest('phone', '13800138000').digest)).toBe(hex(cands[0]!.digest));
      expect(rotated.isCurrent('bidx-1')).toBe(false);
      expect(rotated.isCurrent('bidx-2')).toBe(true);
    });

    it('a value empty after normalisation → invalid_request; an unknown kind or short key → TypeError', () => {
      try {
        indexer.digest('phone', ' - ');
        expect.unreachable();
      } catch (e) {
        expect(isWzError(e, 'invalid_request')).toBe(true);
      }
      expect(() => indexer.digest('email' as never, 'a@b.c')).toThrow(TypeError);
      expect(() => new BlindIndexer(suite, [{ id: 'short', key: new Uint8Array(16) }])).toThrow(TypeError);
    });
  });
}
