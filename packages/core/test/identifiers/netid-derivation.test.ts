/**
 * 网号 derivation and allocation: HMAC-SM3 keyed derivation from the registry's person
 * reference, reduced uniformly into 31^9 values, and collision resolution with a recorded
 * attempt counter (docs/identifiers.md, "Derivation" and "Collisions").
 */
import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  ALPHABET,
  allocateNetid,
  allocateUnique,
  deriveNetidCandidate,
  isValidNetid,
  NETID_SPACE,
  netidCandidateValue,
  netidFromValue,
  type Netid,
} from '../../src/identifiers/index.ts';
import { rejected } from './support/errors.ts';

const KEY = new Uint8Array(32).map((_, i) => i); // 00 01 … 1f
const OTHER_KEY = new Uint8Array(32).fill(0xa5);

/** The documented construction, written out independently of the implementation. */
function referenceCandidate(key: Uint8Array, personRef: string, attempt: number): string {
  const ref = Buffer.from(personRef, 'utf8');
  const msg = Buffer.concat([
    Buffer.from('wangzheng/netid/v1\0', 'ascii'),
    Buffer.from([ref.length >>> 24, (ref.length >>> 16) & 255, (ref.length >>> 8) & 255, ref.length & 255]),
    ref,
    Buffer.from([attempt >>> 24, (attempt >>> 16) & 255, (attempt >>> 8) & 255, attempt & 255]),
  ]);
  const digest = createHmac('sm3', key).update(msg).digest();
  let x = BigInt('0x' + digest.subarray(0, 16).toString('hex')) % 31n ** 9n;
  let data = '';
  for (let i = 0; i < 9; i++) {
    data = ALPHABET[Number(x % 31n)] + data;
    x /= 31n;
  }
  const sum = [...data].reduce((s, c, i) => s + (10 - i) * ALPHABET.indexOf(c), 0);
  return data + ALPHABET[(31 - (sum % 31)) % 31];
}

describe('HMAC-SM3 building block', () => {
  it('node:crypto sm3 is SM3: GB/T 32905-2016 Appendix A example 1 ("abc")', () => {
    expect(createHash('sm3').update('abc').digest('hex')).toBe('66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0');
  });
});

describe('deriveNetidCandidate: HMAC-SM3(key, label ‖ 0 ‖ len ‖ personRef ‖ attempt), first 16 bytes mod 31^9', () => {
  it('matches the documented construction computed independently, and a pinned vector', () => {
    expect(deriveNetidCandidate(KEY, 'P0', 0)).toBe('5GQZ7U4MAA');
    expect(deriveNetidCandidate(KEY, 'P0', 1)).toBe('BBXQXMP645');
    for (const [ref, attempt] of [['P0', 0], ['P0', 1], ['人口库-000001', 0], ['x', 4294967295], ['P'.repeat(1024), 7]] as const) {
      expect(deriveNetidCandidate(KEY, ref, attempt)).toBe(referenceCandidate(KEY, ref, attempt));
    }
  });

  it('one person reference gives the same 网号 every time; another key gives another', () => {
    const a = deriveNetidCandidate(KEY, 'person-42', 0);
    expect(deriveNetidCandidate(KEY, 'person-42', 0)).toBe(a);
    expect(deriveNetidCandidate(OTHER_KEY, 'person-42', 0)).not.toBe(a);
    expect(isValidNetid(a)).toBe(true);
  });

  it('candidates for successive attempts are distinct (the sequence does not get stuck)', () => {
    const seen = new Set<string>();
    for (let attempt = 0; attempt < 1000; attempt++) seen.add(deriveNetidCandidate(KEY, 'person-42', attempt));
    expect(seen.size).toBe(1000);
  });

  it('references that extend one another (NUL bytes included) derive different candidates', () => {
    const values = new Set([
      netidCandidateValue(KEY, 'P1', 0),
      netidCandidateValue(KEY, 'P10', 0),
      netidCandidateValue(KEY, 'P1\u0000', 0),
      netidCandidateValue(KEY, 'P1\u0000\u0000\u0000\u0000', 0),
    ]);
    expect(values.size).toBe(4);
  });

  it('data symbols are uniform: chi-square of first and last data symbol over 31 000 persons (p > 1e-6)', () => {
    const first = new Array<number>(31).fill(0);
    const last = new Array<number>(31).fill(0);
    for (let i = 0; i < 31_000; i++) {
      const n = deriveNetidCandidate(KEY, `U${i}`, 0);
      first[ALPHABET.indexOf(n[0] as string)]! += 1;
      last[ALPHABET.indexOf(n[8] as string)]! += 1;
    }
    const chi2 = (counts: number[]) => counts.reduce((s, c) => s + (c - 1000) ** 2 / 1000, 0);
    // 30 degrees of freedom: P(χ² > 80) < 1e-6.
    expect(chi2(first)).toBeLessThan(80);
    expect(chi2(last)).toBeLessThan(80);
  });

  it('rejects programmer misuse with TypeError: short key, empty or malformed reference, bad attempt', () => {
    expect(() => deriveNetidCandidate(new Uint8Array(31), 'P0', 0)).toThrow(TypeError);
    expect(() => deriveNetidCandidate(new Uint8Array(32), 'P0', 0)).not.toThrow();
    expect(() => deriveNetidCandidate(KEY, '', 0)).toThrow(TypeError);
    expect(() => deriveNetidCandidate(KEY, 'P\uD800', 0)).toThrow(TypeError); // lone surrogate would encode as U+FFFD
    expect(() => deriveNetidCandidate(KEY, 'P'.repeat(1025), 0)).toThrow(TypeError);
    for (const attempt of [-1, 1.5, 2 ** 32, Number.NaN]) expect(() => deriveNetidCandidate(KEY, 'P0', attempt)).toThrow(TypeError);
  });
});

describe('allocateNetid: recorded collision resolution', () => {
  it('returns attempt 0 when the first candidate is free', async () => {
    const got = await allocateNetid({ key: KEY, personRef: 'P0', isTaken: () => false });
    expect(got).toEqual({ netid: '5GQZ7U4MAA', attempt: 0 });
  });

  it('forced collisions: skips taken candidates in order and records the attempt that succeeded', async () => {
    const asked: string[] = [];
    const firstThree = [0, 1, 2].map((a) => deriveNetidCandidate(KEY, 'P7', a));
    const got = await allocateNetid({
      key: KEY,
      personRef: 'P7',
      isTaken: (n) => {
        asked.push(n);
        return firstThree.includes(n);
      },
    });
    expect(got.attempt).toBe(3);
    expect(got.netid).toBe(deriveNetidCandidate(KEY, 'P7', 3));
    expect(asked).toEqual([...firstThree, got.netid]);
  });

  it('accepts an asynchronous isTaken (a database lookup)', async () => {
    const taken = new Set<string>([deriveNetidCandidate(KEY, 'P8', 0)]);
    const got = await allocateNetid({ key: KEY, personRef: 'P8', isTaken: async (n) => taken.has(n) });
    expect(got).toEqual({ netid: deriveNetidCandidate(KEY, 'P8', 1), attempt: 1 });
  });

  it('the recorded attempt reproduces the 网号 (deterministic given key and store)', async () => {
    const store = new Map<string, string>(); // netid → personRef
    const records: { ref: string; netid: string; attempt: number }[] = [];
    for (let i = 0; i < 200; i++) {
      const ref = `R${i}`;
      const { netid, attempt } = await allocateNetid({ key: KEY, personRef: ref, isTaken: (n) => store.has(n) });
      store.set(netid, ref);
      records.push({ ref, netid, attempt });
    }
    for (const r of records) expect(deriveNetidCandidate(KEY, r.ref, r.attempt)).toBe(r.netid);
  });

  it('gives up with internal_error after maxAttempts, without naming the person', async () => {
    const e = await rejected(() => allocateNetid({ key: KEY, personRef: 'secret-person-ref', isTaken: () => true, maxAttempts: 5 }));
    expect(e.code).toBe('internal_error');
    expect(e.message + (e.detail ?? '')).not.toContain('secret-person-ref');
    // boundary: 5 attempts suffice when exactly the first 4 are taken
    const four = [0, 1, 2, 3].map((a) => deriveNetidCandidate(KEY, 'P9', a));
    const got = await allocateNetid({ key: KEY, personRef: 'P9', isTaken: (n) => four.includes(n), maxAttempts: 5 });
    expect(got.attempt).toBe(4);
  });

  it('rejects a bad maxAttempts with TypeError', async () => {
    for (const maxAttempts of [0, -1, 1.5, 2 ** 32 + 1]) {
      await expect(allocateNetid({ key: KEY, personRef: 'P0', isTaken: () => false, maxAttempts })).rejects.toThrow(TypeError);
    }
  });
});

describe('collision resolution in a deliberately tiny space (61 values)', () => {
  const SPACE = 61;
  const candidate = (ref: string) => (attempt: number) => netidCandidateValue(KEY, ref, attempt) % SPACE;

  async function fill(order: number[]) {
    const holder = new Map<number, number>(); // value → person
    const records = new Map<number, { value: number; attempt: number }>();
    for (const p of order) {
      const got = await allocateUnique({ candidate: candidate(`T${p}`), isTaken: (v) => holder.has(v), maxAttempts: 5000 });
      holder.set(got.value, p);
      records.set(p, got);
    }
    return { holder, records };
  }

  it('a plain truncated hash collides; recorded resolution fills every value exactly once', async () => {
    const persons = Array.from({ length: SPACE }, (_, i) => i);
    const attemptZero = new Set(persons.map((p) => candidate(`T${p}`)(0)));
    expect(attemptZero.size).toBeLessThan(SPACE); // birthday bound at work

    const { holder, records } = await fill(persons);
    expect(holder.size).toBe(SPACE); // one-to-one: 61 persons, 61 distinct values
    for (const [p, r] of records) expect(candidate(`T${p}`)(r.attempt)).toBe(r.value);
    expect([...records.values()].some((r) => r.attempt > 0)).toBe(true);
  });

  it('the same store history gives the same allocation; a full space refuses the next person', async () => {
    const order = Array.from({ length: SPACE }, (_, i) => (i * 17) % SPACE);
    const a = await fill(order);
    const b = await fill(order);
    expect([...b.records]).toEqual([...a.records]);
    const e = await rejected(() => allocateUnique({ candidate: candidate('T-extra'), isTaken: (v) => a.holder.has(v), maxAttempts: 5000 }));
    expect(e.code).toBe('internal_error');
  });
});

describe('netidFromValue covers the derivation range', () => {
  it('every derived value is below 31^9 and maps to a valid 网号', () => {
    for (let i = 0; i < 1000; i++) {
      const v = netidCandidateValue(KEY, `V${i}`, 0);
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThan(NETID_SPACE);
      expect(isValidNetid(netidFromValue(v) as Netid)).toBe(true);
    }
  });
});
