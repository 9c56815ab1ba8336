/**
 * A plaintext detector for database dumps: does any name (UTF-8), 18-digit ID number, phone
 * number or birth date (YYYYMMDD, YYYY-MM-DD) of the given people appear anywhere?
 *
 * Findings name the place, the kind and the person's index — never the value (no personal data
 * in test output, even synthetic).
 *
 * Chance matches are excluded by construction, not by luck: a birth date is eight digits, and
 * eight digits occur by chance inside hex text (UUIDs, bytea hex) and integers (timestamps); so a
 * date only counts where it is not part of a longer run of hex digits or dashes. ID numbers (18)
 * and phone numbers (11) are long enough to count anywhere. Hex-encoded binary in a text dump
 * (`\x…` bytea literals) is decoded and searched as bytes too, so plaintext stored in a binary
 * column is found in either form.
 */
import type { SyntheticPerson } from './people.ts';

export type PlaintextKind = 'name' | 'id_number' | 'phone' | 'birth_date';

export interface Finding {
  readonly where: string;
  readonly kind: PlaintextKind;
  readonly person: number;
}

export interface Haystack {
  readonly where: string;
  readonly data: Buffer | string;
}

export class PlaintextDetector {
  readonly #names = new Map<string, number>();
  readonly #ids = new Map<string, number>();
  readonly #phones = new Map<string, number>();
  readonly #dates = new Map<string, number>();

  constructor(people: readonly SyntheticPerson[]) {
    people.forEach((p, i) => {
      this.#names.set(p.name, i);
      this.#ids.set(p.documentNumber.toUpperCase(), i);
      this.#phones.set(p.phone, i);
      this.#dates.set(p.birthDate, i);
      this.#dates.set(p.birthDate.replaceAll('-', ''), i);
    });
  }

  scan(haystacks: readonly Haystack[]): Finding[] {
    const out: Finding[] = [];
    for (const h of haystacks) {
      const bytes = typeof h.data === 'string' ? Buffer.from(h.data, 'utf8') : h.data;
      this.#scanBytes(h.where, bytes, out);
      if (typeof h.data === 'string') {
        // bytea / blob rendered as hex inside text: decode and search the bytes as well.
        for (const m of h.data.matchAll(/\\+x([0-9a-fA-F]{2,})/g)) {
          const hex = (m[1] as string).length % 2 === 0 ? (m[1] as string) : (m[1] as string).slice(0, -1);
          this.#scanBytes(`${h.where} (hex-decoded)`, Buffer.from(hex, 'hex'), out);
        }
      }
    }
    return out;
  }

  #scanBytes(where: string, bytes: Buffer, out: Finding[]): void {
    // Names: runs of CJK characters in a UTF-8 reading of the bytes.
    const utf8 = bytes.toString('utf8');
    for (const m of utf8.matchAll(/[\u3400-\u9fff]{2,}/g)) {
      const run = m[0];
      for (const [name, i] of this.#names) if (run.includes(name)) out.push({ where, kind: 'name', person: i });
    }
    // Digits: one pass over a byte-for-byte (latin1) reading.
    const latin1 = bytes.toString('latin1');
    for (const m of latin1.matchAll(/[0-9]{11,}[Xx]?/g)) {
      const run = m[0].toUpperCase();
      for (let k = 0; k + 18 <= run.length; k++) {
        const i = this.#ids.get(run.slice(k, k + 18));
        if (i !== undefined) out.push({ where, kind: 'id_number', person: i });
      }
      for (let k = 0; k + 11 <= run.length; k++) {
        const i = this.#phones.get(run.slice(k, k + 11));
        if (i !== undefined) out.push({ where, kind: 'phone', person: i });
      }
    }
    for (const m of latin1.matchAll(/(?<![0-9A-Fa-f-])([0-9]{8}|[0-9]{4}-[0-9]{2}-[0-9]{2})(?![0-9A-Fa-f-])/g)) {
      const i = this.#dates.get(m[1] as string);
      if (i !== undefined) out.push({ where, kind: 'birth_date', person: i });
    }
  }
}

/** Findings summarised for an assertion message: counts per place and kind, no values. */
export function summarise(findings: readonly Finding[]): string[] {
  const counts = new Map<string, number>();
  for (const f of findings) counts.set(`${f.where}: ${f.kind}`, (counts.get(`${f.where}: ${f.kind}`) ?? 0) + 1);
  return [...counts].map(([k, n]) => `${k} ×${n}`).sort();
}
