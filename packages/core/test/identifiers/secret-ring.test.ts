/**
 * Secret rings: ordered keys, first derives, the rest only recognise; parsed from
 * configuration as comma-separated `id:base64url`.
 */
import { describe, expect, it } from 'vitest';
import { currentSecret, generateSecretEntry, MIN_SECRET_BYTES, parseSecretRing, secretRing } from '../../src/identifiers/index.ts';
import { thrown } from './support/errors.ts';

const b64 = (n: number, fill = 7) => Buffer.alloc(n, fill).toString('base64url');

describe('parseSecretRing', () => {
  it('reads comma-separated id:base64url entries in order; the first derives', () => {
    const ring = parseSecretRing(` k2:${b64(32, 2)} , k1:${b64(48, 1)}`);
    expect(ring.map((s) => s.id)).toEqual(['k2', 'k1']);
    expect(Buffer.from(ring[1]!.key)).toEqual(Buffer.alloc(48, 1));
    expect(currentSecret(ring).id).toBe('k2');
    expect(Buffer.from(currentSecret(ring).key)).toEqual(Buffer.alloc(32, 2));
  });

  it('reads a list of entries, and base64url with or without complete padding', () => {
    const ring = parseSecretRing([`a:${b64(32, 1)}=`, `b.c_d-1:${b64(33, 2)}`]);
    expect(ring.map((s) => s.id)).toEqual(['a', 'b.c_d-1']);
    expect(thrown(() => parseSecretRing(`a:${b64(32)}==`)).code).toBe('invalid_configuration'); // 43 + 2 is not a multiple of 4
  });

  it('boundary: a 31-byte key is refused, a 32-byte key accepted', () => {
    expect(MIN_SECRET_BYTES).toBe(32);
    expect(thrown(() => parseSecretRing(`k:${b64(31)}`)).code).toBe('invalid_configuration');
    expect(parseSecretRing(`k:${b64(32)}`)[0].key).toHaveLength(32);
  });

  it('refuses malformed configuration with invalid_configuration', () => {
    const bad = [
      '',
      ' , ',
      b64(32), // no id
      `:${b64(32)}`, // empty id
      `k y:${b64(32)}`, // bad id character
      `${'k'.repeat(65)}:${b64(32)}`, // id too long
      `k:${Buffer.alloc(32, 0xfb).toString('base64')}`, // standard base64 ('+', '/')
      `k:${b64(32).slice(0, -1)}B`, // non-canonical final symbol (stray low bits)
      `k:${b64(32)}!`,
      `k:${b64(32, 1)},k:${b64(32, 2)}`, // repeated id
      `a:${b64(32, 1)},b:${b64(32, 1)}`, // repeated key
    ];
    for (const config of bad) expect(thrown(() => parseSecretRing(config)).code).toBe('invalid_configuration');
    expect(thrown(() => parseSecretRing([])).code).toBe('invalid_configuration');
  });

  it('never quotes a secret or an id in its error messages', () => {
    const secret = b64(20, 9);
    for (const config of [`myid:${secret}`, `${secret}`, `myid:${b64(32, 3)},myid:${b64(32, 4)}`]) {
      const e = thrown(() => parseSecretRing(config));
      expect(e.code).toBe('invalid_configuration');
      expect(e.message).not.toContain(secret);
      expect(e.message).not.toContain('myid');
    }
  });

  it('minKeyBytes lowers the floor for 128-bit (SM4) keys, never below 16', () => {
    expect(parseSecretRing(`k:${b64(16)}`, { minKeyBytes: 16 })[0].key).toHaveLength(16);
    expect(thrown(() => parseSecretRing(`k:${b64(15)}`, { minKeyBytes: 16 })).code).toBe('invalid_configuration');
    expect(() => parseSecretRing(`k:${b64(32)}`, { minKeyBytes: 15 })).toThrow(TypeError);
  });
});

describe('secretRing', () => {
  it('copies and freezes: later changes to the caller’s arrays do not reach the ring', () => {
    const key = new Uint8Array(32).fill(1);
    const entries = [{ id: 'k', key }];
    const ring = secretRing(entries);
    key.fill(2);
    entries.push({ id: 'x', key: new Uint8Array(32) });
    expect(ring).toHaveLength(1);
    expect(ring[0].key[0]).toBe(1);
    expect(Object.isFrozen(ring)).toBe(true);
    expect(Object.isFrozen(ring[0])).toBe(true);
  });

  it('refuses an empty ring', () => {
    expect(thrown(() => secretRing([])).code).toBe('invalid_configuration');
  });
});

describe('generateSecretEntry', () => {
  it('produces a fresh entry that parseSecretRing accepts', () => {
    const a = generateSecretEntry('2026-01');
    const b = generateSecretEntry('2026-01');
    expect(a).not.toBe(b);
    const ring = parseSecretRing(`${a},${generateSecretEntry('2025-07')}`);
    expect(ring[0].id).toBe('2026-01');
    expect(ring[0].key).toHaveLength(32);
    expect(() => generateSecretEntry('bad id')).toThrow(TypeError);
  });
});
