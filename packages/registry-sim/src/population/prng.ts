/**
 * Deterministic randomness for the synthetic population. NOT for secrets: these generators
 * are fast and reproducible on purpose, so that a seed names a whole population.
 *
 * - `Rng`: sfc32 (Chris Doty-Humphrey's small fast counter), 128-bit state, one per person,
 *   seeded from (population seed, person index, purpose) so any person can be recomputed
 *   alone, without generating the ones before.
 * - `FeistelPermutation`: a keyed bijection of [0, n), used to hand out unique numbers
 *   (identity-number slots, permit numbers) without remembering which were taken.
 */
import { createHash } from 'node:crypto';

/** murmur3 finaliser: a good 32-bit mixer. */
export function mix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Hashes a few integers (each < 2^53) with a key word into 32 bits. */
export function hashInts(key: number, ...xs: number[]): number {
  let h = key >>> 0;
  for (const x of xs) {
    h = mix32(h ^ (x >>> 0));
    h = mix32((h + Math.floor(x / 4294967296)) >>> 0);
    h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d) >>> 0;
  }
  return mix32(h);
}

/** Four 32-bit key words from a seed string. */
export function seedWords(seed: string, purpose = ''): [number, number, number, number] {
  const d = createHash('sha256').update(`wangzheng-population\0${purpose}\0${seed}`).digest();
  return [d.readUInt32LE(0), d.readUInt32LE(4), d.readUInt32LE(8), d.readUInt32LE(12)];
}

export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  private spare: number | undefined;

  constructor(a: number, b: number, c: number, d: number) {
    this.a = a >>> 0;
    this.b = b >>> 0;
    this.c = c >>> 0;
    this.d = d >>> 0;
    for (let i = 0; i < 12; i++) this.next();
  }

  /** A generator for one (key, index, purpose) triple. */
  static for(key: readonly number[], index: number, purpose: number): Rng {
    return new Rng(hashInts(key[0]!, index, purpose), hashInts(key[1]!, index, purpose), hashInts(key[2]!, index, purpose), hashInts(key[3]!, index, purpose));
  }

  /** Uniform uint32. */
  next(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  float(): number {
    return this.next() / 4294967296;
  }

  /** Uniform integer in [0, n), n ≤ 2^32. */
  int(n: number): number {
    return Math.floor(this.float() * n);
  }

  chance(p: number): boolean {
    return this.float() < p;
  }

  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)]!;
  }

  /** Index drawn from cumulative weights (ascending, last = total). */
  weighted(cumulative: Float64Array | readonly number[]): number {
    const total = cumulative[cumulative.length - 1]!;
    const u = this.float() * total;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cumulative[mid]! > u) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  /** Standard normal (Box–Muller). */
  gaussian(): number {
    if (this.spare !== undefined) {
      const s = this.spare;
      this.spare = undefined;
      return s;
    }
    let u = 0;
    while (u === 0) u = this.float();
    const v = this.float();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }
}

export function cumulative(weights: readonly number[]): Float64Array {
  const out = new Float64Array(weights.length);
  let s = 0;
  for (let i = 0; i < weights.length; i++) out[i] = s += weights[i]!;
  return out;
}

/**
 * A keyed permutation of [0, n) for n ≤ 2^52: a balanced 6-round Feistel network on the
 * smallest even bit width covering n, with cycle walking (re-apply until inside [0, n)).
 */
export class FeistelPermutation {
  private readonly half: number;
  private readonly mask: number;
  private readonly base: number;
  private readonly keys: number[];

  constructor(
    readonly n: number,
    key: readonly number[],
    purpose: number,
  ) {
    if (!Number.isSafeInteger(n) || n < 1 || n > 2 ** 52) throw new TypeError('FeistelPermutation: n must be in [1, 2^52]');
    let bits = Math.max(2, Math.ceil(Math.log2(n)));
    if (bits % 2 === 1) bits++;
    this.half = bits / 2;
    this.base = 2 ** this.half;
    this.mask = this.base - 1;
    this.keys = Array.from({ length: 6 }, (_, r) => hashInts(key[r % key.length]!, purpose, r));
  }

  private round(x: number, k: number): number {
    return (mix32((x ^ k) >>> 0) ^ mix32((x + Math.imul(k, 0x9e3779b9)) >>> 0)) & this.mask;
  }

  private once(x: number): number {
    let l = Math.floor(x / this.base);
    let r = x % this.base;
    for (const k of this.keys) {
      const t = r;
      r = (l ^ this.round(r, k)) >>> 0;
      l = t;
    }
    return l * this.base + r;
  }

  /** The image of x ∈ [0, n). */
  permute(x: number): number {
    if (!(x >= 0 && x < this.n)) throw new TypeError('FeistelPermutation: x out of range');
    let y = this.once(x);
    while (y >= this.n) y = this.once(y);
    return y;
  }
}
