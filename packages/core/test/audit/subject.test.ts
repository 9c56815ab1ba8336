// The pseudonymous subject reference: HMAC-SM3 of a fixed label under HKDF-SM3(data key), so a
// person's audit entries can be found while their data key exists and by nobody after it is
// destroyed, while the chain itself stays intact.
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { nextEntry, signCheckpoint, subjectRef, verifyAuditTrail, type AuditEntry } from '@wangzheng/core/audit/index';
import { getSuite, randomBytes } from '@wangzheng/core/crypto/index';
import { T0, fixture, summary } from './support.ts';

/** RFC 5869 HKDF with SM3, written out (Extract with an all-zero salt, one Expand block). */
function referenceRef(dek: Uint8Array): string {
  const prk = createHmac('sm3', Buffer.alloc(32)).update(dek).digest();
  const k = createHmac('sm3', prk).update(Buffer.concat([Buffer.from('wangzheng/audit/subject-key/v1'), Buffer.from([1])])).digest();
  return createHmac('sm3', k).update('wangzheng/audit/subject-ref/v1').digest('base64url');
}

describe('subjectRef: HMAC-SM3(HKDF-SM3(dataKey), "wangzheng/audit/subject-ref/v1"), base64url', () => {
  it('matches the documented construction computed independently (RFC 5869 written out)', () => {
    for (const dek of [new Uint8Array(16), new Uint8Array(16).map((_, i) => i), randomBytes(32)]) {
      expect(subjectRef(dek)).toBe(referenceRef(dek));
    }
  });

  it('43 base64url characters (256 bits); the same key gives the same reference, another key another', () => {
    const a = randomBytes(16);
    const b = Uint8Array.from(a);
    b[15]! ^= 1;
    expect(subjectRef(a)).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(subjectRef(a)).toBe(subjectRef(Uint8Array.from(a)));
    expect(subjectRef(b)).not.toBe(subjectRef(a));
  });

  it('boundary pair: a 15-byte key is refused (TypeError), a 16-byte SM4 data key is accepted', () => {
    expect(() => subjectRef(new Uint8Array(15))).toThrow(TypeError);
    expect(() => subjectRef('0123456789abcdef' as never)).toThrow(TypeError);
    expect(() => subjectRef(new Uint8Array(16))).not.toThrow();
  });

  it('crypto-shredding: once the data key is destroyed the reference cannot be recomputed, and the chain still verifies', () => {
    const { suite, ring, alg } = fixture('gm');
    const dek = randomBytes(16);
    const ref = subjectRef(dek);
    const chain: AuditEntry[] = [];
    for (const action of ['person.locked', 'person.unlocked', 'person.cancelled'] as const) {
      chain.push(nextEntry(chain.at(-1), { at: T0 + chain.length, actor: 'operator:7', action, subject: ref }, suite));
    }
    const checkpoint = signCheckpoint(ring, chain[2]!, T0 + 10);
    dek.fill(0); // the wrapped data key is deleted on cancellation; this is all that remained of it
    expect(subjectRef(dek)).not.toBe(ref);
    const report = verifyAuditTrail(chain, [checkpoint], { suite, keys: ring, algorithms: [alg] });
    expect(summary(report)).toEqual([]);
    expect(chain.every((e) => e.subject === ref)).toBe(true);
  });

  it('the reference does not depend on the suite of the trail (always HMAC-SM3)', () => {
    const dek = randomBytes(16);
    const gmEntry = nextEntry(undefined, { at: T0, actor: 'system', action: 'device.revoked', subject: subjectRef(dek) }, getSuite('gm'));
    const intlEntry = nextEntry(undefined, { at: T0, actor: 'system', action: 'device.revoked', subject: subjectRef(dek) }, getSuite('intl'));
    expect(gmEntry.subject).toBe(intlEntry.subject);
  });
});
