/**
 * What would tie stored bytes to one person, and a search for it in whole-database dumps and
 * logs: their 网号, their application identifiers, their devices' public keys (x coordinate and
 * thumbprint) and every keyed digest the platform could look them up by — recomputed here with
 * the platform's own BlindIndexer (person_ref, ban, phone, document, one rp kind per RP), not
 * read back from the store. The plaintext attributes (name, ID number, phone, birth date) are
 * the PlaintextDetector's (support/plaintext.ts).
 *
 * A digest is searched as raw bytes (database files), as lowercase hex (blobs rendered as
 * `\x…` in row dumps and pg_dump) and as base64 / base64url (a log line would carry one so).
 * Findings name the place and the kind of trace, never the value.
 */
import type { PersonExport } from '@wangzheng/core/person/views';
import type { PrivateKey } from '@wangzheng/core/crypto/index';
import { rpKind, type BlindIndexer, type BlindIndexKind } from '../../src/protect/index.ts';
import type { Haystack } from '../support/plaintext.ts';
import type { SyntheticPerson } from '../support/people.ts';

export interface Trace {
  /** `netid`, `appId`, `device x`, `thumbprint`, `digest:<kind>` */
  readonly what: string;
  readonly value: string | Uint8Array;
}

export interface PersonTraces {
  readonly person: SyntheticPerson;
  readonly traces: Trace[];
  /** The digest a ban of this person is found by (blind-index kind `ban`). */
  readonly banDigest: Uint8Array;
}

/** Everything that would tie stored bytes to the person in `doc` (their own export, taken before cancelling). */
export function tracesOf(doc: PersonExport, deviceKeys: readonly PrivateKey[], bi: BlindIndexer): PersonTraces {
  const p = doc.profile as { personRef: string; name: string; birthDate: string; phone: string; sex: 'M' | 'F'; documents: { type: string; number: string }[] };
  const digests = (kind: BlindIndexKind, value: string): Trace[] => bi.candidates(kind, value).map((d) => ({ what: `digest:${kind.startsWith('rp:') ? 'rp' : kind}`, value: d.digest }));
  const traces: Trace[] = [
    { what: 'netid', value: doc.person.netid },
    ...doc.applicationIdentifiers.map((a) => ({ what: 'appId', value: a.appId })),
    ...deviceKeys.flatMap((k) => [
      { what: 'device x', value: k.publicKey.toJwk().x },
      { what: 'thumbprint', value: k.publicKey.thumbprint },
    ]),
    ...digests('person_ref', p.personRef),
    ...digests('phone', p.phone),
    ...p.documents.flatMap((d) => digests(`document:${d.type}`, d.number)),
    ...doc.applicationIdentifiers.flatMap((a) => digests(rpKind(a.clientId), a.appId)),
  ];
  const doc0 = p.documents[0] as { type: string; number: string };
  return {
    person: { name: p.name, sex: p.sex, birthDate: p.birthDate, documentType: doc0.type as SyntheticPerson['documentType'], documentNumber: doc0.number, phone: p.phone, personRef: p.personRef },
    traces,
    banDigest: bi.digest('ban', p.personRef).digest,
  };
}

/** Where each trace occurs: `<place>: <what>`, deduplicated and sorted (no values). */
export function findTraces(haystacks: readonly Haystack[], traces: readonly Trace[]): string[] {
  const found = new Set<string>();
  for (const h of haystacks) {
    const bytes = typeof h.data === 'string' ? Buffer.from(h.data, 'utf8') : h.data;
    const text = typeof h.data === 'string' ? h.data : undefined;
    for (const t of traces) {
      const forms =
        typeof t.value === 'string'
          ? [Buffer.from(t.value, 'utf8')]
          : [Buffer.from(t.value), ...(text === undefined ? [] : [Buffer.from(t.value).toString('hex'), Buffer.from(t.value).toString('base64'), Buffer.from(t.value).toString('base64url')].map((s) => Buffer.from(s)))];
      if (forms.some((f) => bytes.indexOf(f) >= 0)) found.add(`${h.where}: ${t.what}`);
    }
  }
  return [...found].sort();
}
