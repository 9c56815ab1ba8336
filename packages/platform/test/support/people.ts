/**
 * Synthetic people for storage tests: Chinese names (faker zh_CN), 18-digit resident ID numbers
 * with a valid GB 11643 check character, mainland mobile numbers, birth dates. Seeded, so a
 * failing run can be repeated. Nothing here is a real person.
 */
import { randomBytes } from 'node:crypto';
import { fakerZH_CN } from '@faker-js/faker';

export interface SyntheticPerson {
  readonly name: string;
  readonly sex: 'M' | 'F';
  /** YYYY-MM-DD */
  readonly birthDate: string;
  readonly documentType: 'resident_id';
  readonly documentNumber: string;
  readonly phone: string;
  /** The registry's opaque reference for this person. */
  readonly personRef: string;
}

const AREAS = ['110105', '310104', '440305', '510107', '330106', '420102', '610113', '320102'];
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK = '10X98765432';

/** GB 11643-1999 check character (ISO 7064 MOD 11-2) of the first 17 digits. */
export function idCheckCharacter(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * (WEIGHTS[i] as number);
  return CHECK[sum % 11] as string;
}

export function syntheticPeople(count: number, seed = 20250715): SyntheticPerson[] {
  const f = fakerZH_CN;
  f.seed(seed);
  const ids = new Set<string>();
  const phones = new Set<string>();
  const out: SyntheticPerson[] = [];
  while (out.length < count) {
    const sex = f.datatype.boolean() ? 'M' : 'F';
    const birth = f.date.between({ from: '1950-01-01T00:00:00Z', to: '2010-12-31T00:00:00Z' });
    const ymd = birth.toISOString().slice(0, 10);
    const seq = f.number.int({ min: 0, max: 499 }) * 2 + (sex === 'M' ? 1 : 0);
    const first17 = `${f.helpers.arrayElement(AREAS)}${ymd.replaceAll('-', '')}${String(seq).padStart(3, '0')}`;
    const documentNumber = first17 + idCheckCharacter(first17);
    const phone = `1${f.helpers.arrayElement(['3', '5', '7', '8', '9'])}${f.string.numeric(9)}`;
    if (ids.has(documentNumber) || phones.has(phone)) continue;
    ids.add(documentNumber);
    phones.add(phone);
    out.push({
      name: f.person.lastName() + f.person.firstName(sex === 'M' ? 'male' : 'female'),
      sex,
      birthDate: ymd,
      documentType: 'resident_id',
      documentNumber,
      phone,
      personRef: `ref-${f.string.alphanumeric(20)}`,
    });
  }
  return out;
}

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A random netid-shaped string (the real derivation lives in core/identifiers). */
export function fakeNetid(): string {
  const b = randomBytes(16);
  let s = 'WZ';
  for (const x of b) s += CROCKFORD[x & 31];
  return s;
}
