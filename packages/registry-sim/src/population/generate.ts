/**
 * The deterministic synthetic population: `generatePopulation({ count, seed })` yields
 * people one by one, in constant memory, so 10,000,000 is as easy as 10.
 *
 * Model (see docs/registry.md for the numbers):
 * - categories: 97.4 % mainland residents, 0.5 % Chinese citizens settled abroad, 0.8 % Hong
 *   Kong and 0.2 % Macao residents, 0.6 % Taiwan residents, 0.5 % foreign permanent residents;
 * - ages 0–99 on the reference date `asOf`, weighted like China's 2020 age pyramid
 *   (≈14 % under 14, ≈4 % aged 14–17);
 * - citizens carry a GB 11643 identity number with a real GB/T 2260 county code; a keyed
 *   Feistel permutation of the person index picks (county, birth date, sequence), so numbers
 *   are unique without remembering any — and the birth date comes out of the same draw;
 * - documents of all eight types with validity rules of the issuing laws (ID cards 5/10/20
 *   years or long-term by age at issue), ≈3 % expired and not yet renewed, ≈1 % reported lost;
 * - every minor has one or two adult guardians 18–50 years older, found by probing other
 *   indices (guardians need only their cheap "core" facts, so no look-back is needed);
 * - a face template seed per person (the 128-float template is expanded from it on demand).
 *
 * Person `i` depends only on (seed, i) except: guardians depend on `count` (they must be in
 * the population), and residence-permit / foreigner-ID sequence numbers come from per-date
 * counters (bounded memory) — so a population is a function of (seed, count, asOf).
 */
import type { DocumentType, HolderCategory } from '@wangzheng/core/documents/document-types';
import { addYears, ageOn, fromDay, toDay } from './calendar.ts';
import { chineseName, foreignName, NATIONALITIES, NATIONALITY_CUM, pickSurname, surnameAt, type ChineseSurname } from './names.ts';
import { FeistelPermutation, Rng, cumulative, hashInts, seedWords } from './prng.ts';
import { COUNTIES, PROVINCES } from './regions.ts';

export interface PopulationOptions {
  count: number;
  seed: string;
  /** Reference date for ages and document validity. Default 2026-01-01 (fixed, so a seed is a population). */
  asOf?: string;
}

export const DEFAULT_AS_OF = '2026-01-01';
export const MAX_POPULATION = 100_000_000;

export interface SyntheticDocument {
  type: DocumentType;
  number: string;
  /** Issuing authority id (the signer certificate's subject): `mps-<province>`, `nia` or `mfa`. */
  issuer: string;
  issuerName: string;
  validFrom: string;
  /** null = long-term. */
  validUntil: string | null;
  /** Date the document was reported lost or stolen, if it was. */
  lostOn: string | null;
}

export interface SyntheticPerson {
  index: number;
  personRef: string;
  category: HolderCategory;
  name: string;
  nameLatin: string;
  sex: 'M' | 'F';
  birthDate: string;
  /** ISO 3166-1 alpha-3. */
  nationality: string;
  /** GB 11643 citizen identity number (citizens only; for citizens abroad, the pre-emigration number). */
  idNumber: string | null;
  /** County of household registration (citizens only). */
  regionCode: string | null;
  faceSeed: number;
  /** Indices of guardians (minors only; one or two adults in the same population). */
  guardians: number[];
  documents: SyntheticDocument[];
}

const CATEGORY_CUM = cumulative([0.974, 0.005, 0.008, 0.002, 0.006, 0.005]);
type Cat = 'mainland' | 'abroad' | 'hk' | 'macau' | 'taiwan' | 'foreigner';
const CATS: readonly Cat[] = ['mainland', 'abroad', 'hk', 'macau', 'taiwan', 'foreigner'];
const HOLDER: Record<Cat, HolderCategory> = {
  mainland: 'mainland_resident',
  abroad: 'citizen_abroad',
  hk: 'hk_macau_resident',
  macau: 'hk_macau_resident',
  taiwan: 'taiwan_resident',
  foreigner: 'foreigner',
};

// Purposes of the per-person random streams.
const CORE = 1;
const DETAIL = 2;
const GUARD = 3;

/** Relative size of each one-year birth cohort, by age on the reference date (2020 census shape). */
export function ageWeight(age: number): number {
  if (age < 5) return 2.6;
  if (age < 20) return 3.4;
  if (age < 30) return 3.8;
  if (age < 40) return 5;
  if (age < 50) return 4.4;
  if (age < 60) return 5;
  if (age < 70) return 3.6;
  if (age < 80) return 2;
  if (age < 90) return 0.8;
  return 0.15;
}

/** Validity term in years for an age at issue; null = long-term. */
type Term = (ageAtIssue: number) => number | null;
// Resident Identity Card Law Art. 5: <16 five years, 16–25 ten, 26–45 twenty, 46+ long-term.
const ID_CARD_TERM: Term = (a) => (a < 16 ? 5 : a < 26 ? 10 : a < 46 ? 20 : null);
const TERM_10_5_16: Term = (a) => (a < 16 ? 5 : 10);
const TERM_10_5_18: Term = (a) => (a < 18 ? 5 : 10);
const TERM_5: Term = () => 5;

const EE_ALPHABET = '0123456789ABCDEFGHJKLMNPQRSTUVWXYZ'; // 34 symbols: no I, O
const PASSPORT_LETTERS = 'ABCDEFGHJKLMNPQRSTUVWXYZ'; // 24

interface Core {
  cat: Cat;
  birthDay: number;
  sex: 'M' | 'F';
  surname: ChineseSurname;
  /** Citizens: county index and sequence slot from the Feistel draw. */
  county: number;
  slot: number;
}

/**
 * Everything about a population that does not depend on which person is being generated.
 * Exposed so that tools (the sample picker, tests) can recompute single people.
 */
export class PopulationModel {
  readonly count: number;
  readonly seed: string;
  readonly asOf: string;
  private readonly key: [number, number, number, number];
  private readonly firstDay: number;
  private readonly asOfDay: number;
  /** capPrefix[d] = number of (county-local) sequence slots on days 0..d. */
  private readonly capPrefix: Float64Array;
  private readonly slotFeistel: FeistelPermutation;
  private readonly permit8: FeistelPermutation;
  private readonly taiwan8: FeistelPermutation;
  private readonly exitEntry: FeistelPermutation;
  private readonly passport: FeistelPermutation;
  private readonly counters = new Map<string, number>();

  constructor(opts: PopulationOptions) {
    if (!Number.isSafeInteger(opts.count) || opts.count < 0 || opts.count > MAX_POPULATION) {
      throw new TypeError(`population count must be an integer in [0, ${MAX_POPULATION}]`);
    }
    if (typeof opts.seed !== 'string' || opts.seed.length === 0) throw new TypeError('population seed must be a non-empty string');
    this.count = opts.count;
    this.seed = opts.seed;
    this.asOf = opts.asOf ?? DEFAULT_AS_OF;
    this.key = seedWords(opts.seed);
    this.asOfDay = toDay(this.asOf);
    this.firstDay = toDay(addYears(this.asOf, -100)) + 1;
    const days = this.asOfDay - this.firstDay + 1;
    this.capPrefix = new Float64Array(days);
    let sum = 0;
    for (let d = 0; d < days; d++) {
      const age = ageOn(fromDay(this.firstDay + d), this.asOf);
      sum += Math.round(100 * ageWeight(age)); // ≤ 500 slots: sequence = 2·slot + sex bit ≤ 999
      this.capPrefix[d] = sum;
    }
    this.slotFeistel = new FeistelPermutation(COUNTIES.length * sum, this.key, 101);
    this.permit8 = new FeistelPermutation(100_000_000, this.key, 102);
    this.taiwan8 = new FeistelPermutation(100_000_000, this.key, 103);
    this.exitEntry = new FeistelPermutation(34 * 10_000_000, this.key, 104);
    this.passport = new FeistelPermutation(100_000_000 + 24 * 10_000_000, this.key, 105);
  }

  /** The opaque, stable registry reference of person `i` (a bijection of i: never collides). */
  personRef(i: number): string {
    const b = Buffer.allocUnsafe(16);
    for (let k = 0; k < 4; k++) b.writeUInt32BE(hashInts(this.key[k]! ^ 0x5bd1e995, i, 7), k * 4);
    return `pr_${b.toString('base64url')}`;
  }

  /** Seed of person `i`'s face template (< 2^53). */
  faceSeed(i: number): number {
    return hashInts(this.key[0]!, i, 9) * 2097152 + (hashInts(this.key[1]!, i, 9) & 0x1fffff);
  }

  private core(i: number): Core {
    const rng = Rng.for(this.key, i, CORE);
    const cat = CATS[rng.weighted(CATEGORY_CUM)]!;
    const sex = rng.chance(0.51) ? 'M' : 'F';
    const surname = pickSurname(rng);
    if (cat === 'mainland' || cat === 'abroad') {
      const x = this.slotFeistel.permute(i);
      const county = x % COUNTIES.length;
      const y = Math.floor(x / COUNTIES.length);
      const d = upperBound(this.capPrefix, y);
      const slot = y - (d === 0 ? 0 : this.capPrefix[d - 1]!);
      return { cat, birthDay: this.firstDay + d, sex, surname, county, slot };
    }
    const d = rng.weighted(this.capPrefix);
    return { cat, birthDay: this.firstDay + d, sex, surname, county: -1, slot: -1 };
  }

  private findGuardians(i: number, child: Core): number[] {
    const n = this.count;
    const found: number[] = [];
    const want = hashInts(this.key[2]!, i, GUARD) % 2 === 0 ? 2 : 1;
    for (let k = 0; k < 1024 && found.length < want; k++) {
      const j = hashInts(this.key[3]!, i, k) % n;
      if (this.canGuard(i, child, j, k, found)) found.push(j);
    }
    // Tiny populations: scan in order. Only reached when 1,024 probes failed.
    for (let j = 0; j < n && found.length === 0; j++) if (this.canGuard(i, child, j, 1024, found)) found.push(j);
    return found;
  }

  private canGuard(i: number, child: Core, j: number, probe: number, found: readonly number[]): boolean {
    if (j === i || found.includes(j)) return false;
    const g = this.core(j);
    const gap = child.birthDay - g.birthDay;
    if (gap < 18 * 366 || gap > 50 * 365) return false;
    // The first probes prefer a guardian of the same category (a Taiwan child, Taiwan parents).
    return probe >= 32 || g.cat === child.cat || (child.cat === 'mainland' && g.cat === 'abroad');
  }

  private counterSeq(family: string, day: number, sexBit: number): number {
    const key = `${family}${day}.${sexBit}`;
    const c = this.counters.get(key) ?? 0;
    if (c >= 500) throw new Error(`population: more than 500 ${family} holders born on one day with one sex`);
    this.counters.set(key, c + 1);
    return 2 * ((c * 337 + 41) % 500) + sexBit;
  }

  /** Generates person `i`. Call in index order from 0 (sequence counters): see `generatePopulation`. */
  person(i: number): SyntheticPerson {
    const c = this.core(i);
    const rng = Rng.for(this.key, i, DETAIL);
    const birthDate = fromDay(c.birthDay);
    const minor = ageOn(birthDate, this.asOf) < 18;
    const guardians = minor ? this.findGuardians(i, c) : [];
    const sexBit = c.sex === 'M' ? 1 : 0;

    let surname = c.surname;
    if (guardians.length > 0 && c.cat !== 'foreigner' && rng.chance(0.9)) {
      const g = this.core(guardians[0]!);
      if (g.cat !== 'foreigner') surname = surnameAt(g.surname.index);
    }
    const nm = c.cat === 'foreigner' ? foreignName(rng, c.sex) : chineseName(rng, surname, c.sex);

    const docs: SyntheticDocument[] = [];
    let idNumber: string | null = null;
    let regionCode: string | null = null;
    let nationality = 'CHN';

    switch (c.cat) {
      case 'mainland':
      case 'abroad': {
        const county = COUNTIES[c.county]!;
        regionCode = county.code;
        idNumber = idNumberOf(county.code, birthDate, 2 * c.slot + sexBit);
        if (c.cat === 'mainland') {
          docs.push(this.document(rng, birthDate, 'resident_id_card', idNumber, `mps-${county.province}`, county.bureau, ID_CARD_TERM));
          if (rng.chance(minor ? 0.05 : 0.12)) {
            const v = this.exitEntry.permute(i);
            docs.push(this.document(rng, birthDate, 'hk_macau_exit_entry_permit', `C${EE_ALPHABET[Math.floor(v / 10_000_000)]}${String(v % 10_000_000).padStart(7, '0')}`, 'nia', '国家移民管理局', TERM_10_5_16));
          }
        } else {
          const v = this.passport.permute(i);
          const number = v < 100_000_000 ? `E${String(v).padStart(8, '0')}` : `E${PASSPORT_LETTERS[Math.floor((v - 100_000_000) / 10_000_000)]}${String(v % 10_000_000).padStart(7, '0')}`;
          docs.push(this.document(rng, birthDate, 'passport_abroad', number, 'mfa', '中华人民共和国驻外使领馆', TERM_10_5_16));
        }
        break;
      }
      case 'hk':
      case 'macau': {
        const v = this.permit8.permute(i);
        docs.push(this.document(rng, birthDate, 'hk_macau_travel_permit', `${c.cat === 'hk' ? 'H' : 'M'}${String(v).padStart(8, '0')}`, 'nia', '国家移民管理局', TERM_10_5_18));
        if (rng.chance(0.35)) {
          const region = c.cat === 'hk' ? '810000' : '820000';
          const county = this.countyIn(rng);
          docs.push(this.document(rng, birthDate, 'hk_macau_residence_permit', idNumberOf(region, birthDate, this.counterSeq(region, c.birthDay, sexBit)), `mps-${county.province}`, county.bureau, TERM_5));
        }
        break;
      }
      case 'taiwan': {
        docs.push(this.document(rng, birthDate, 'taiwan_travel_permit', String(this.taiwan8.permute(i)).padStart(8, '0'), 'nia', '国家移民管理局', TERM_5));
        if (rng.chance(0.35)) {
          const county = this.countyIn(rng);
          docs.push(this.document(rng, birthDate, 'taiwan_residence_permit', idNumberOf('830000', birthDate, this.counterSeq('830000', c.birthDay, sexBit)), `mps-${county.province}`, county.bureau, TERM_5));
        }
        break;
      }
      case 'foreigner': {
        const nat = NATIONALITIES[rng.weighted(NATIONALITY_CUM)]!;
        nationality = nat[1];
        const province = rng.pick(PROVINCES).code;
        const number = idNumberOf(`9${province}${nat[0]}`, birthDate, this.counterSeq('9', c.birthDay, sexBit));
        docs.push(this.document(rng, birthDate, 'foreign_permanent_residence_id', number, 'nia', '国家移民管理局', TERM_10_5_18));
        break;
      }
    }

    return {
      index: i,
      personRef: this.personRef(i),
      category: HOLDER[c.cat],
      name: nm.name,
      nameLatin: nm.nameLatin,
      sex: c.sex,
      birthDate,
      nationality,
      idNumber,
      regionCode,
      faceSeed: this.faceSeed(i),
      guardians,
      documents: docs,
    };
  }

  private countyIn(rng: Rng): (typeof COUNTIES)[number] {
    return COUNTIES[rng.int(COUNTIES.length)]!;
  }

  /**
   * Issue date and expiry. ≈96 % of documents are valid on `asOf` (issued at a uniformly
   * random point of their current term), ≈3 % expired within the last 400 days and not yet
   * renewed; ≈1 % of all documents were reported lost.
   */
  private termAt(years: Term, birthDate: string, day: number): number | null {
    return years(Math.max(0, ageOn(birthDate, fromDay(day))));
  }

  private document(rng: Rng, birthDate: string, type: DocumentType, number: string, issuer: string, issuerName: string, years: Term): SyntheticDocument {
    const birthDay = toDay(birthDate);
    const expired = rng.chance(0.03);
    const u = rng.float();
    let fromDayN: number;
    if (expired) {
      // Pick the expiry first, then the issue date one term before it.
      const expiryDay = this.asOfDay - 1 - rng.int(400);
      const t = this.termAt(years, birthDate, expiryDay - 5 * 365) ?? 20;
      fromDayN = toDay(addYears(fromDay(expiryDay), -t));
    } else {
      const t = this.termAt(years, birthDate, this.asOfDay) ?? 20;
      fromDayN = this.asOfDay - Math.floor(u * t * 365);
      const t2 = this.termAt(years, birthDate, fromDayN);
      if (t2 !== null && t2 < t) fromDayN = this.asOfDay - Math.floor(u * t2 * 365);
    }
    fromDayN = Math.min(this.asOfDay, Math.max(fromDayN, birthDay + 30));
    const validFrom = fromDay(fromDayN);
    const term = this.termAt(years, birthDate, fromDayN);
    const validUntil = term === null ? null : addYears(validFrom, term);
    const lostOn = rng.chance(0.01) ? fromDay(fromDayN + rng.int(Math.max(1, this.asOfDay - fromDayN))) : null;
    return { type, number, issuer, issuerName, validFrom, validUntil, lostOn };
  }
}

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const SEQ3 = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0'));

/** `makeIdNumber` without its argument checks (the generator's inputs are well-formed by construction). */
function idNumberOf(region: string, birthDate: string, sequence: number): string {
  const first17 = `${region}${birthDate.slice(0, 4)}${birthDate.slice(5, 7)}${birthDate.slice(8, 10)}${SEQ3[sequence]}`;
  let sum = 0;
  for (let k = 0; k < 17; k++) sum += (first17.charCodeAt(k) - 48) * WEIGHTS[k]!;
  return first17 + '10X98765432'[sum % 11]!;
}

/** First index d with prefix[d] > y. */
function upperBound(prefix: Float64Array, y: number): number {
  let lo = 0;
  let hi = prefix.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (prefix[mid]! > y) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/**
 * Streams the population in index order, constant memory.
 *
 * @example
 *   for (const p of generatePopulation({ count: 10_000, seed: 'wangzheng' })) insert(p);
 */
export function* generatePopulation(opts: PopulationOptions): Generator<SyntheticPerson, void, undefined> {
  const model = new PopulationModel(opts);
  for (let i = 0; i < model.count; i++) yield model.person(i);
}

