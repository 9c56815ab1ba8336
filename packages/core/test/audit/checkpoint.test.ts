// Signed checkpoints: a compact JWS (typ wz-audit-checkpoint+jwt) of { seq, head, at, count },
// SM2 (gm) or ES256 (intl), verified with an explicit list of algorithms (the header never
// chooses), and checked against the OpenSSL command line.
import { describe, expect, it } from 'vitest';
import { CHECKPOINT_TYP, signCheckpoint, verifyCheckpoint } from '@wangzheng/core/audit/index';
import { KeyRing, b64u, generateKey, signJws } from '@wangzheng/core/crypto/index';
import { errorCode as code } from '../../../../test/support/errors.ts';
import { T0, buildChain, fixture, opensslVerifiesSm2Jws } from './support.ts';

for (const name of ['gm', 'intl'] as const) {
  describe(`checkpoint round trip (${name})`, () => {
    const { suite, ring, alg } = fixture(name);
    const chain = buildChain(5, suite);
    const head = chain[4]!;

    it(`signed with the ring's ${alg} key; typ ${CHECKPOINT_TYP}; payload exactly { seq, head, at, count }`, () => {
      const token = signCheckpoint(ring, head, T0 + 99);
      const header = JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString()) as Record<string, unknown>;
      expect(header).toEqual({ alg, typ: CHECKPOINT_TYP, kid: ring.kid });
      expect(JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString())).toEqual({ seq: 5, head: head.hash, at: T0 + 99, count: 5 });
      expect(verifyCheckpoint(token, { keys: ring, algorithms: [alg] })).toEqual({ seq: 5, head: head.hash, at: T0 + 99, count: 5 });
      expect(verifyCheckpoint(token, { keys: [ring.signer.publicKey], algorithms: [alg] }).seq).toBe(5);
    });

    it('a checkpoint signed before a key rotation still verifies; after the key is retired it does not', () => {
      const old = signCheckpoint(ring, head, T0);
      const rotated = ring.rotate(suite.generateKey());
      expect(verifyCheckpoint(old, { keys: rotated, algorithms: [alg] }).head).toBe(head.hash);
      expect(code(() => verifyCheckpoint(old, { keys: rotated.retire(ring.kid), algorithms: [alg] }))).toBe('signature_mismatch');
    });
  });
}

describe('checkpoint verification refuses what it must (RFC 8725: the header never chooses)', () => {
  const { suite, ring } = fixture('gm');
  const head = buildChain(3, suite)[2]!;
  const token = signCheckpoint(ring, head, T0);
  const opts = { keys: ring, algorithms: ['SM2'] as const };

  it('algorithm not in the caller\'s list → unsupported_algorithm; the list is mandatory (TypeError)', () => {
    expect(code(() => verifyCheckpoint(token, { keys: ring, algorithms: ['ES256'] }))).toBe('unsupported_algorithm');
    expect(() => verifyCheckpoint(token, { keys: ring, algorithms: [] })).toThrow(TypeError);
  });

  it('forged signature (another key, a flipped bit, a changed payload) → signature_mismatch', () => {
    const eve = new KeyRing(generateKey('SM2'));
    expect(code(() => verifyCheckpoint(signCheckpoint(eve, head, T0), opts))).toBe('signature_mismatch');
    const [h, p, s] = token.split('.') as [string, string, string];
    const sig = Buffer.from(s, 'base64url');
    sig[7]! ^= 1;
    expect(code(() => verifyCheckpoint(`${h}.${p}.${b64u(sig)}`, opts))).toBe('signature_mismatch');
    expect(code(() => verifyCheckpoint(`${h}.${b64u(JSON.stringify({ seq: 9, head: head.hash, at: T0, count: 9 }))}.${s}`, opts))).toBe('signature_mismatch');
  });

  it('a genuine signature over something that is not a checkpoint → invalid_jws (typ, members, count ≠ seq)', () => {
    const c = { seq: 3, head: head.hash, at: T0, count: 3 };
    expect(code(() => verifyCheckpoint(ring.signJws(c, { typ: 'JWT' }), opts))).toBe('invalid_jws');
    expect(code(() => verifyCheckpoint(ring.signJws(c), opts))).toBe('invalid_jws');
    for (const bad of [{ ...c, count: 4 }, { ...c, extra: 1 }, { ...c, seq: 0, count: 0 }, { ...c, head: 'AB'.repeat(32) }, { ...c, at: -1 }, [c]]) {
      expect(code(() => verifyCheckpoint(ring.signJws(bad, { typ: CHECKPOINT_TYP }), opts))).toBe('invalid_jws');
    }
    expect(code(() => verifyCheckpoint(signJws(c, ring.signer, { typ: CHECKPOINT_TYP }), opts))).toBeUndefined();
  });

  it('misuse: signing a malformed entry or a bad time is a TypeError', () => {
    expect(() => signCheckpoint(ring, { ...head, hash: 'x' }, T0)).toThrow(TypeError);
    expect(() => signCheckpoint(ring, head, -1)).toThrow(TypeError);
  });
});

describe('GB/T 32918.2: an SM2 checkpoint verifies with `openssl dgst -sm3 -sigopt distid:1234567812345678`', () => {
  it('OpenSSL accepts the signature over header.payload; a changed payload or another key is refused', () => {
    const { suite, ring } = fixture('gm');
    const head = buildChain(4, suite)[3]!;
    const token = signCheckpoint(ring, head, T0);
    expect(opensslVerifiesSm2Jws(token, ring.signer.publicKey)).toBe(true);
    const [h, , s] = token.split('.');
    expect(opensslVerifiesSm2Jws(`${h}.${b64u(JSON.stringify({ seq: 4, head: '0'.repeat(64), at: T0, count: 4 }))}.${s}`, ring.signer.publicKey)).toBe(false);
    expect(opensslVerifiesSm2Jws(token, generateKey('SM2').publicKey)).toBe(false);
  });
});
