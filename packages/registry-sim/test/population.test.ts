import { describe, expect, it } from 'vitest';
import { checkDocumentNumber, checkIdNumber, DOCUMENT_TYPES } from '@wangzheng/core/documents/index';
import { generatePopulation, PopulationModel, type SyntheticPerson } from '../src/population/generate.ts';
import { ageOn, addYears, fromDay, toDay } from '../src/population/calendar.ts';
import { FeistelPermutation, seedWords } from '../src/population/prng.ts';
import { COUNTIES } from '../src/population/regions.ts';
import { faceTemplate } from '../src/face/template.ts';

const AS_OF = '2026-01-01';
const AS_OF_DATE = new Date('2026-01-01T04:00:00Z');
const SAMPLE = 20_000;
const people: SyntheticPerson[] = [...generatePopulation({ count: SAMPLE, seed: 'population-test', asOf: AS_OF })];
const byIndex = (i: number): SyntheticPerson => people[i]!;

describe('Population: determinism', () => {
  it('same seed → the same people, field for field', () => {
    const a = [...generatePopulation({ count: 300, seed: 'same' })];
    const b = [...generatePopulation({ count: 300, seed: 'same' })];
    expect(a).toEqual(b);
  });

  it('a different seed → different people', () => {
    const a = [...generatePopulation({ count: 50, seed: 'one' })].map((p) => p.idNumber ?? p.documents[0]!.number);
    const b = [...generatePopulation({ count: 50, seed: 'two' })].map((p) => p.idNumber ?? p.documents[0]!.number);
    expect(a.filter((x, i) => x === b[i]).length).toBe(0);
  });

  it('person i is recomputable alone: an adult does not depend on the population size', () => {
    const small = [...generatePopulation({ count: 200, seed: 'population-test', asOf: AS_OF })];
    for (const p of small.filter((x) => x.guardians.length === 0 && x.category === 'mainland_resident')) {
      expect(byIndex(p.index)).toEqual(p);
    }
  });

  it('misuse: negative, fractional or oversized counts and empty seeds are TypeErrors', () => {
    expect(() => new PopulationModel({ count: -1, seed: 'x' })).toThrow(TypeError);
    expect(() => new PopulationModel({ count: 1.5, seed: 'x' })).toThrow(TypeError);
    expect(() => new PopulationModel({ count: 100_000_001, seed: 'x' })).toThrow(TypeError);
    expect(() => new PopulationModel({ count: 10, seed: '' })).toThrow(TypeError);
  });
});

describe(`Population properties (sample of ${SAMPLE.toLocaleString('en-US')})`, () => {
  it('GB 11643: every citizen identity number is valid, with a real GB/T 2260 county and the right sex digit', () => {
    const counties = new Set(COUNTIES.map((c) => c.code));
    const citizens = people.filter((p) => p.idNumber !== null);
    expect(citizens.length).toBeGreaterThan(SAMPLE * 0.95);
    const bad = citizens.filter((p) => {
      const r = checkIdNumber(p.idNumber!, { now: AS_OF_DATE });
      return !r.ok || !counties.has(r.value.regionCode) || r.value.birthDate !== p.birthDate || r.value.sex !== p.sex;
    });
    expect(bad.map((p) => p.index)).toEqual([]);
  });

  it('every document number matches its type format; all 8 types occur', () => {
    const seen = new Set<string>();
    const bad: string[] = [];
    for (const p of people) {
      for (const d of p.documents) {
        seen.add(d.type);
        if (!checkDocumentNumber(d.type, d.number, { now: AS_OF_DATE }).ok) bad.push(`format ${d.type} #${p.index}`);
        if (!(d.validFrom >= p.birthDate && d.validFrom <= AS_OF)) bad.push(`validFrom #${p.index}`);
        if (d.validUntil !== null && !(d.validUntil > d.validFrom)) bad.push(`validUntil #${p.index}`);
      }
    }
    expect(bad).toEqual([]);
    expect([...seen].sort()).toEqual([...DOCUMENT_TYPES].sort());
  });

  it('identifiers are unique: personRef, identity number, (type, number)', () => {
    expect(new Set(people.map((p) => p.personRef)).size).toBe(SAMPLE);
    const ids = people.flatMap((p) => (p.idNumber ? [p.idNumber] : []));
    expect(new Set(ids).size).toBe(ids.length);
    const docs = people.flatMap((p) => p.documents.map((d) => `${d.type}:${d.number}`));
    expect(new Set(docs).size).toBe(docs.length);
  });

  it('ages span 0 to 90+, with ≈14 % under 14 and ≈4 % aged 14-17', () => {
    const ages = people.map((p) => ageOn(p.birthDate, AS_OF));
    const share = (f: (a: number) => boolean): number => ages.filter(f).length / ages.length;
    expect(Math.min(...ages)).toBe(0);
    expect(Math.max(...ages)).toBeGreaterThanOrEqual(90);
    expect(Math.max(...ages)).toBeLessThan(100);
    expect(share((a) => a < 14)).toBeGreaterThan(0.1);
    expect(share((a) => a < 14)).toBeLessThan(0.18);
    expect(share((a) => a >= 14 && a < 18)).toBeGreaterThan(0.025);
    expect(share((a) => a >= 14 && a < 18)).toBeLessThan(0.065);
  });

  it('Art. 4/5: every minor has one or two guardians, adults in the population at least 18 years older', () => {
    const minors = people.filter((p) => ageOn(p.birthDate, AS_OF) < 18);
    expect(minors.length).toBeGreaterThan(1000);
    const bad = minors.filter(
      (m) =>
        m.guardians.length < 1 ||
        m.guardians.length > 2 ||
        m.guardians.some((g) => g < 0 || g >= SAMPLE || ageOn(byIndex(g).birthDate, AS_OF) < 18 || ageOn(byIndex(g).birthDate, m.birthDate) < 18),
    );
    expect(bad.map((m) => m.index)).toEqual([]);
    expect(people.filter((p) => ageOn(p.birthDate, AS_OF) >= 18 && p.guardians.length > 0)).toEqual([]);
  });

  it('documents: some expired, some reported lost, long-term ID cards only from age 46 at issue', () => {
    const docs = people.flatMap((p) => p.documents.map((d) => ({ d, p })));
    const expired = docs.filter(({ d }) => d.validUntil !== null && d.validUntil < AS_OF).length / docs.length;
    const lost = docs.filter(({ d }) => d.lostOn !== null).length / docs.length;
    expect(expired).toBeGreaterThan(0.01);
    expect(expired).toBeLessThan(0.06);
    expect(lost).toBeGreaterThan(0.003);
    expect(lost).toBeLessThan(0.03);
    const longTerm = docs.filter(({ d }) => d.validUntil === null);
    expect(longTerm.length).toBeGreaterThan(0);
    expect(longTerm.filter(({ d, p }) => d.type !== 'resident_id_card' || ageOn(p.birthDate, d.validFrom) < 46)).toEqual([]);
  });

  it('some people hold two document types (one person, two ways to enroll)', () => {
    const two = people.filter((p) => new Set(p.documents.map((d) => d.type)).size >= 2);
    expect(two.length).toBeGreaterThan(SAMPLE * 0.05);
  });

  it('names: Chinese names of 2-4 characters for Chinese citizens, Latin "SURNAME, GIVEN" for foreigners', () => {
    const bad = people.filter((p) =>
      p.category === 'foreigner'
        ? !/^[A-Z' -]+, [A-Z' -]+$/.test(p.name) || p.nationality === 'CHN'
        : !/^[\u4e00-\u9fff]{2,4}$/.test(p.name) || !/^[A-Z]+ [A-Z]+$/.test(p.nameLatin) || p.nationality !== 'CHN',
    );
    expect(bad.map((p) => p.index)).toEqual([]);
    expect(people.some((p) => p.category === 'foreigner')).toBe(true);
    // The surname distribution is skewed like China's: the top five cover roughly 30 %.
    const top5 = people.filter((p) => p.category !== 'foreigner' && /^[王李张刘陈]/.test(p.name)).length / SAMPLE;
    expect(top5).toBeGreaterThan(0.22);
    expect(top5).toBeLessThan(0.38);
  });

  it('face templates: 128 finite floats, unit norm, distinct per person', () => {
    const t0 = faceTemplate(byIndex(0).faceSeed);
    const t1 = faceTemplate(byIndex(1).faceSeed);
    expect(t0.length).toBe(128);
    expect(t0.reduce((s, x) => s + x * x, 0)).toBeCloseTo(1, 9);
    expect(Array.from(t0)).not.toEqual(Array.from(t1));
    expect(Array.from(faceTemplate(byIndex(0).faceSeed))).toEqual(Array.from(t0));
  });
});

describe('Population building blocks', () => {
  it('Feistel permutation with cycle walking is a bijection of [0, n)', () => {
    for (const n of [1, 2, 1000, 4099, 65_537]) {
      const f = new FeistelPermutation(n, seedWords('perm'), 1);
      const seen = new Uint8Array(n);
      for (let x = 0; x < n; x++) {
        const y = f.permute(x);
        if (y >= 0 && y < n) seen[y]!++;
      }
      expect(seen.every((c) => c === 1)).toBe(true);
    }
  });

  it('calendar: day numbers agree with Date; Feb 29 + 1 year is Mar 1; completed years of age', () => {
    const bad: number[] = [];
    for (let d = -25_000; d < 25_000; d++) {
      const iso = new Date(d * 86_400_000).toISOString().slice(0, 10);
      if (fromDay(d) !== iso || toDay(iso) !== d) bad.push(d);
    }
    expect(bad).toEqual([]);
    expect(addYears('2000-02-29', 1)).toBe('2001-03-01');
    expect(addYears('2000-02-29', 4)).toBe('2004-02-29');
    expect(ageOn('2012-06-15', '2026-06-14')).toBe(13);
    expect(ageOn('2012-06-15', '2026-06-15')).toBe(14);
  });
});
