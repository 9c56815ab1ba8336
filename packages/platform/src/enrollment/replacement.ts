/**
 * Re-enrollment says beforehand what it will do. Issuance revokes every earlier 网证 of the
 * person (`reenrolled`) and retires their devices (issue.ts) — the path for someone who lost
 * the phone holding their 网证. So once the document AND the face have identified a person who
 * already holds a working 网证, the face step's answer carries `replacesExistingCredential: true`
 * and the wallet warns and asks before going on (the CLI: wallet/enroll.ts).
 *
 * Why the face step and not the chip step: the chip alone is a document someone may hold
 * without being its holder; only after the face match is the answer about the person asking.
 *
 * Trust: the person reference is the registry's verdict; the lookup is by its blind index.
 */
import type { BlindIndexer } from '../protect/index.ts';
import type { StoreReader } from '../store/index.ts';

export interface ReplacementCheck {
  /** Does the person with this registry reference hold a 网证 that still works (valid, unexpired)? */
  replacesCredential(personRef: string): Promise<boolean>;
}

export function replacementCheck(d: { store: { readonly reader: StoreReader }; blindIndexer: BlindIndexer; now: () => number }): ReplacementCheck {
  return {
    async replacesCredential(personRef) {
      const r = d.store.reader;
      const person = await r.persons.findByPersonIndex(d.blindIndexer.candidates('person_ref', personRef).map((c) => c.digest));
      if (!person) return false;
      const now = d.now();
      return (await r.credentials.listByPerson(person.id)).some((c) => c.status === 'valid' && c.expiresAt > now);
    },
  };
}
