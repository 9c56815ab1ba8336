/**
 * 网络身份应用标识 (application identifier): per-sector pseudonym, 'A' + 25 base-31 symbols of
 * HMAC-SM3(key, "wangzheng/app-id/v1" ‖ 0 ‖ len ‖ netid ‖ len ‖ sector) mod 31^25.
 */
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  ALPHABET,
  APP_ID_LENGTH,
  deriveAppId,
  deriveNetidCandidate,
  isAppId,
  isValidNetid,
  matchAppId,
  parseNetid,
  secretRing,
  type Netid,
} from '../../src/identifiers/index.ts';
import { thrown } from './support/errors.ts';

const KEY = new Uint8Array(32).map((_, i) => i);
const OLD = new Uint8Array(32).fill(0x11);
const NEW = new Uint8Array(32).fill(0x22);
const NETID = 'WANGZHENGE' as Netid;

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
}

/** The documented construction, written out independently of the implementation. */
function referenceAppId(key: Uint8Array, netid: string, sector: string): string {
  const s = Buffer.from(sector, 'utf8');
  const msg = Buffer.concat([Buffer.from('wangzheng/app-id/v1\0'), u32(netid.length), Buffer.from(netid), u32(s.length), s]);
  let x = BigInt('0x' + createHmac('sm3', key).update(msg).digest('hex')) % 31n ** 25n;
  let out = '';
  for (let i = 0; i < 25; i++) {
    out = ALPHABET[Number(x % 31n)] + out;
    x /= 31n;
  }
  return 'A' + out;
}

describe('deriveAppId', () => {
  it('matches the documented construction computed independently', () => {
    for (const sector of ['rp.example.cn', '银行.example', 'x']) {
      expect(deriveAppId({ key: KEY, netid: NETID, sector })).toBe(referenceAppId(KEY, NETID, sector));
    }
  });

  it("has the form 'A' + 25 alphabet symbols and can never be taken for a 网号", () => {
    const id = deriveAppId({ key: KEY, netid: NETID, sector: 'rp.example.cn' });
    expect(id).toHaveLength(APP_ID_LENGTH);
    expect(id).toMatch(/^A[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{25}$/);
    expect(isAppId(id)).toBe(true);
    expect(isValidNetid(id)).toBe(false);
    expect(thrown(() => parseNetid(id)).code).toBe('invalid_netid');
  });

  it('is stable within a sector and different in every other sector', () => {
    const sectors = ['bank.example.cn', 'shop.example.cn', 'gov.example.cn', 'telecom.example.cn'];
    const all = new Set<string>();
    for (let i = 0; i < 500; i++) {
      const netid = deriveNetidCandidate(KEY, `P${i}`, 0);
      for (const sector of sectors) {
        const id = deriveAppId({ key: KEY, netid, sector });
        expect(deriveAppId({ key: KEY, netid, sector })).toBe(id);
        all.add(id);
      }
    }
    expect(all.size).toBe(500 * sectors.length);
  });

  it('depends on the key: the same person and sector under another key is another pseudonym', () => {
    expect(deriveAppId({ key: OLD, netid: NETID, sector: 's' })).not.toBe(deriveAppId({ key: NEW, netid: NETID, sector: 's' }));
  });

  it('takes only a canonical 网号 and a well-formed sector (TypeError otherwise)', () => {
    for (const netid of ['wangzhenge', 'WANGZ-HENGE', 'WANGZHENGF', '']) {
      expect(() => deriveAppId({ key: KEY, netid, sector: 's' })).toThrow(TypeError);
    }
    for (const sector of ['', 'a\uDC00', 's'.repeat(1025)]) {
      expect(() => deriveAppId({ key: KEY, netid: NETID, sector })).toThrow(TypeError);
    }
    expect(() => deriveAppId({ key: new Uint8Array(31), netid: NETID, sector: 's' })).toThrow(TypeError);
  });
});

describe('isAppId', () => {
  it('accepts the form only', () => {
    expect(isAppId('A' + '2'.repeat(25))).toBe(true);
    for (const s of ['A' + '2'.repeat(24), 'A' + '2'.repeat(26), 'B' + '2'.repeat(25), 'a' + '2'.repeat(25), 'A' + '2'.repeat(24) + '0', NETID, 7]) {
      expect(isAppId(s)).toBe(false);
    }
  });
});

describe('matchAppId: recognition under any key of the ring', () => {
  const ring = secretRing([
    { id: 'k2', key: NEW },
    { id: 'k1', key: OLD },
  ]);
  const sector = 'rp.example.cn';

  it('names the key that produced a presented identifier: current or retired-but-still-listed', () => {
    expect(matchAppId({ ring, netid: NETID, sector, appId: deriveAppId({ key: NEW, netid: NETID, sector }) })).toBe('k2');
    expect(matchAppId({ ring, netid: NETID, sector, appId: deriveAppId({ key: OLD, netid: NETID, sector }) })).toBe('k1');
  });

  it('returns null for a key not in the ring, another sector, another person, or a malformed value', () => {
    expect(matchAppId({ ring, netid: NETID, sector, appId: deriveAppId({ key: KEY, netid: NETID, sector }) })).toBeNull();
    expect(matchAppId({ ring, netid: NETID, sector, appId: deriveAppId({ key: NEW, netid: NETID, sector: 'other' }) })).toBeNull();
    const other = deriveNetidCandidate(KEY, 'someone-else', 0);
    expect(matchAppId({ ring, netid: NETID, sector, appId: deriveAppId({ key: NEW, netid: other, sector }) })).toBeNull();
    for (const appId of ['', 'garbage', NETID, 'A' + 'Z'.repeat(25)]) expect(matchAppId({ ring, netid: NETID, sector, appId })).toBeNull();
  });

  it('rotation: an identifier issued under the old key stays recognised until that key leaves the ring', () => {
    const issued = deriveAppId({ key: OLD, netid: NETID, sector });
    const before = secretRing([{ id: 'k1', key: OLD }]);
    const rotated = secretRing([{ id: 'k2', key: NEW }, { id: 'k1', key: OLD }]);
    const retired = secretRing([{ id: 'k2', key: NEW }]);
    expect(matchAppId({ ring: before, netid: NETID, sector, appId: issued })).toBe('k1');
    expect(matchAppId({ ring: rotated, netid: NETID, sector, appId: issued })).toBe('k1');
    expect(matchAppId({ ring: retired, netid: NETID, sector, appId: issued })).toBeNull();
  });
});
