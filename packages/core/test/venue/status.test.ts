// The checker's cache of Token Status Lists (venue/status.ts): a list JWT as the platform signs
// it (ZLIB, 2 bits per entry, `ttl`) is verified with the cached JWKS through the crypto port and
// inflated without node:zlib; entries read as valid / revoked / suspended; a wrong key, another
// algorithm, another issuer, corrupt or oversized data are refused; answers from a list older
// than its ttl say `stale`, and after `maxAgeSeconds` the cache answers `unknown`.
import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { b64u, generateKey, signJws, type PrivateKey } from '../../src/crypto/index.ts';
import { statusAt, StatusListCache, verifyStatusListToken, type VerifiedStatusList } from '../../src/venue/index.ts';
import { nodeVenueCrypto } from '../../src/venue/node.ts';
import { T0 } from './support.ts';

const ISSUER = 'https://wangzheng.example';

function listToken(key: PrivateKey, o: { list?: string; entries?: Record<number, number>; iat?: number; ttl?: number; size?: number; lst?: Uint8Array; typ?: string; issuer?: string } = {}): string {
  const bytes = new Uint8Array(((o.size ?? 1 << 12) * 2) / 8);
  for (const [i, v] of Object.entries(o.entries ?? {})) bytes[(Number(i) * 2) >> 3]! |= v << ((Number(i) * 2) & 7);
  const iat = o.iat ?? T0;
  return signJws(
    { sub: `${o.issuer ?? ISSUER}/status-lists/${o.list ?? '1'}`, iat, exp: iat + 120, ttl: o.ttl ?? 60, status_list: { bits: 2, lst: b64u(o.lst ?? deflateSync(bytes)) } },
    key,
    { typ: o.typ ?? 'statuslist+jwt' },
  );
}

async function verified(token: string, keys: unknown[], issuer = ISSUER): Promise<VerifiedStatusList> {
  const v = await verifyStatusListToken(token, { keys, crypto: nodeVenueCrypto, issuer });
  if ('error' in v) throw new Error(v.error);
  return v;
}

describe.each(['SM2', 'ES256'] as const)('status lists signed with %s', (alg) => {
  const key = generateKey(alg);
  const jwks = [generateKey(alg === 'SM2' ? 'ES256' : 'SM2').publicKey.toJwk(), key.publicKey.toJwk()];

  it('verifies and reads entries: 0 valid, 1 revoked, 2 suspended, 3 and out of range unknown', async () => {
    const l = await verified(listToken(key, { list: '7', entries: { 0: 1, 5: 2, 4095: 1, 100: 3 } }), jwks);
    expect([l.listId, l.bits, l.iat, l.ttl, l.statuses.length]).toEqual(['7', 2, T0, 60, 1024]);
    expect([0, 1, 5, 4095, 100, 4096, -1, 1.5].map((i) => statusAt(l, i))).toEqual(['revoked', 'valid', 'suspended', 'revoked', 'unknown', 'unknown', 'unknown', 'unknown']);
  });

  it('refuses another key, another algorithm, another issuer, another typ, corrupt or oversized data', async () => {
    const stranger = generateKey(alg);
    const err = async (t: string, keys: unknown[] = jwks, issuer = ISSUER) => {
      const v = await verifyStatusListToken(t, { keys, crypto: nodeVenueCrypto, issuer });
      return 'error' in v ? v.error : 'ok';
    };
    expect(await err(listToken(stranger))).toBe('signature_invalid');
    expect(await err(listToken(key), [stranger.publicKey.toJwk()])).toBe('signature_invalid');
    expect(await err(listToken(key), [])).toBe('signature_invalid');
    expect(await err(listToken(generateKey('EdDSA')))).toBe('unsupported_algorithm');
    expect(await err(listToken(key, { issuer: 'https://evil.example' }))).toBe('wrong_issuer');
    expect(await err(listToken(key, { typ: 'JWT' }))).toBe('malformed');
    expect(await err(listToken(key, { lst: new Uint8Array([1, 2, 3, 4]) }))).toBe('malformed');
    expect(await err(listToken(key, { lst: deflateSync(new Uint8Array(5 * 1024 * 1024)) }))).toBe('malformed');
    const t = listToken(key);
    expect(await err(t.slice(0, -4) + 'AAAA')).toBe('signature_invalid');
    for (const junk of ['', 'a.b', 'a.b.c', '...', t + '.x', '\u0000']) expect(['malformed', 'unsupported_algorithm']).toContain(await err(junk));
  });

  it('the ttl rule: fresh within ttl, stale after it (still answering), unknown after maxAgeSeconds; a newer list replaces an older one', async () => {
    const cache = new StatusListCache({ maxAgeSeconds: 3600 });
    cache.put(await verified(listToken(key, { entries: { 9: 2 } }), jwks));
    expect(cache.lookup('1', 9, T0 + 60)).toEqual({ status: 'suspended', stale: false });
    expect(cache.lookup('1', 8, T0 + 61)).toEqual({ status: 'valid', stale: true });
    expect(cache.staleLists(T0 + 61)).toEqual([{ listId: '1', ageSeconds: 61, ttl: 60 }]);
    expect(cache.lookup('1', 8, T0 + 3601)).toEqual({ status: 'unknown', stale: true });
    expect(cache.lookup('2', 8, T0)).toEqual({ status: 'unknown' });
    cache.put(await verified(listToken(key, { iat: T0 + 100, entries: {} }), jwks));
    cache.put(await verified(listToken(key, { iat: T0 + 50, entries: { 9: 1 } }), jwks)); // older: ignored
    expect(cache.lookup('1', 9, T0 + 110)).toEqual({ status: 'valid', stale: false });
    expect(cache.listIds).toEqual(['1']);
  });
});
